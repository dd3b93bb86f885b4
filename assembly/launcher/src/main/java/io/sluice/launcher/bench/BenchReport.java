package io.sluice.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.launcher.process.ProcStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The figures of {@code sluice bench pipeline} and how they are printed: the table of stages, the
 * latency, and the machine-readable last lines
 *
 * <pre>
 * bare-flume-events-per-second: &lt;n&gt;
 * kafka-channel-events-per-second: &lt;n&gt;
 * pipeline-events-per-second: &lt;n&gt;
 * pipeline-vs-bare-flume: &lt;ratio&gt;
 * pipeline-latency-p99-ms: &lt;n&gt;
 * </pre>
 *
 * ({@code n/a} for a figure whose stage was not run, failed, or, for the latency, whose job wrote
 * no {@code latency.json}).
 */
public final class BenchReport {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double MIB = 1024 * 1024;
  /** The JVMs of a stage, in table order. */
  static final List<String> JVMS = List.of("agent", "broker", "driver");

  private BenchReport() {}

  /**
   * The latency the Spark job measured over the events carrying {@code readTime}, from
   * {@code <job out>/latency.json} = {@code {"events": n, "p50Ms": x, "p99Ms": y, "maxMs": z}}.
   */
  record Latency(long events, double p50Ms, double p99Ms, double maxMs) {

    /** The file's exact counts per millisecond of latency ({@code histogram}), empty when absent. */
    static java.util.TreeMap<Long, Long> histogram(Path file) {
      java.util.TreeMap<Long, Long> counts = new java.util.TreeMap<>();
      try {
        JSON.readTree(file.toFile()).path("histogram").fields()
            .forEachRemaining(f -> counts.put(Long.parseLong(f.getKey()), f.getValue().asLong()));
      } catch (IOException | RuntimeException e) {
        counts.clear();
      }
      return counts;
    }

    /**
     * Nearest-rank p50, p99 and max of the events in {@code after} but not in {@code before} (two
     * readings of one histogram), or null when none.
     */
    static Latency between(java.util.TreeMap<Long, Long> before, java.util.TreeMap<Long, Long> after) {
      java.util.TreeMap<Long, Long> window = new java.util.TreeMap<>();
      after.forEach((ms, n) -> {
        long d = n - before.getOrDefault(ms, 0L);
        if (d > 0) {
          window.put(ms, d);
        }
      });
      long events = window.values().stream().mapToLong(Long::longValue).sum();
      if (events == 0) {
        return null;
      }
      return new Latency(events, rank(window, events, 0.50), rank(window, events, 0.99), window.lastKey());
    }

    private static long rank(java.util.TreeMap<Long, Long> counts, long events, double q) {
      long rank = Math.max(1, (long) Math.ceil(q * events));
      long seen = 0;
      for (java.util.Map.Entry<Long, Long> e : counts.entrySet()) {
        seen += e.getValue();
        if (seen >= rank) {
          return e.getKey();
        }
      }
      return counts.lastKey();
    }

    /** The file's figures, or null when it does not exist (yet) or is not that object. */
    static Latency read(Path file) {
      try {
        JsonNode n = JSON.readTree(file.toFile());
        if (n == null || !n.path("events").isNumber() || !n.path("p50Ms").isNumber() || !n.path("p99Ms").isNumber()
            || !n.path("maxMs").isNumber()) {
          return null;
        }
        return new Latency(n.path("events").asLong(), n.path("p50Ms").asDouble(), n.path("p99Ms").asDouble(),
            n.path("maxMs").asDouble());
      } catch (IOException e) {
        return null;
      }
    }
  }

  /**
   * One stage's outcome.
   *
   * @param stage the stage's name ({@code bare-flume}, ...)
   * @param events events it was given
   * @param bytes bytes of those events' bodies
   * @param seconds from t_start to t_end (see {@link PipelineBench}), NaN when not measured
   * @param jvms peak RSS and CPU time per JVM ({@link #JVMS}), only those the stage ran and could read
   * @param checkpointBytes size of the Spark job's checkpoint directory, -1 without a job
   * @param latency the job's latency figures (latency stage), or null
   * @param failure why the stage failed, or null
   */
  record StageResult(String stage, long events, long bytes, double seconds, Map<String, ProcStats> jvms,
      long checkpointBytes, Latency latency, String failure) {

    StageResult {
      jvms = Map.copyOf(jvms);
    }

    boolean ok() {
      return failure == null;
    }

    /** Events per second, NaN when not measured or failed. */
    double eventsPerSecond() {
      return ok() && seconds > 0 ? events / seconds : Double.NaN;
    }

    /** MiB of event bodies per second, NaN when not measured or failed. */
    double mibPerSecond() {
      return ok() && seconds > 0 ? bytes / MIB / seconds : Double.NaN;
    }
  }

  /** The table: stage, events, seconds, events/s, MiB/s, then peak RSS (MiB) / CPU s of each JVM. */
  static List<String> table(List<StageResult> results) {
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "%-22s %11s %8s %10s %7s  %-17s %-17s %-17s", "stage", "events", "seconds",
        "events/s", "MiB/s", "agent RSS/CPU", "broker RSS/CPU", "driver RSS/CPU").stripTrailing());
    for (StageResult r : results) {
      StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-22s %,11d %8s %10s %7s ", r.stage(),
          r.events(), number(r.ok() ? r.seconds() : Double.NaN, "%.1f"), number(r.eventsPerSecond(), "%,.0f"),
          number(r.mibPerSecond(), "%.2f")));
      for (String jvm : JVMS) {
        ProcStats s = r.jvms().get(jvm);
        row.append(String.format(Locale.ROOT, " %-17s", s == null ? "-"
            : String.format(Locale.ROOT, "%,d MiB / %.1f s", Math.round(s.peakRssBytes() / MIB), s.cpuSeconds())));
      }
      lines.add(row.toString().stripTrailing() + (r.ok() ? "" : "   FAILED"));
    }
    return lines;
  }

  /** The last lines of the output, {@code n/a} for what is missing (see the class comment). */
  static List<String> finalLines(Map<String, StageResult> results) {
    double bare = rate(results.get("bare-flume"));
    double kafka = rate(results.get("kafka-channel"));
    double pipeline = rate(results.get("pipeline"));
    StageResult latencyStage = results.get("latency");
    Latency latency = latencyStage == null || !latencyStage.ok() ? null : latencyStage.latency();
    return List.of(
        "bare-flume-events-per-second: " + number(bare, "%.0f"),
        "kafka-channel-events-per-second: " + number(kafka, "%.0f"),
        "pipeline-events-per-second: " + number(pipeline, "%.0f"),
        "pipeline-vs-bare-flume: " + number(pipeline / bare, "%.3f"),
        "pipeline-latency-p99-ms: " + (latency == null ? "n/a" : number(latency.p99Ms(), "%.0f")));
  }

  /** The results as JSON ({@code OUT/results.json}): every stage's figures, and the last lines' values. */
  static ObjectNode json(long events, String inputLabel, List<StageResult> results) {
    ObjectNode root = JSON.createObjectNode();
    root.put("events", events);
    root.put("input", inputLabel);
    ArrayNode stages = root.putArray("stages");
    Map<String, StageResult> byName = new LinkedHashMap<>();
    for (StageResult r : results) {
      byName.put(r.stage(), r);
      ObjectNode s = stages.addObject();
      s.put("stage", r.stage());
      s.put("ok", r.ok());
      if (!r.ok()) {
        s.put("failure", r.failure());
      }
      s.put("events", r.events());
      s.put("bytes", r.bytes());
      putNumber(s, "seconds", r.ok() ? r.seconds() : Double.NaN);
      putNumber(s, "eventsPerSecond", r.eventsPerSecond());
      putNumber(s, "mibPerSecond", r.mibPerSecond());
      ObjectNode jvms = s.putObject("jvms");
      r.jvms().forEach((name, st) -> jvms.putObject(name).put("peakRssBytes", st.peakRssBytes())
          .put("cpuSeconds", st.cpuSeconds()));
      if (r.checkpointBytes() >= 0) {
        s.put("checkpointBytes", r.checkpointBytes());
      }
      if (r.latency() != null) {
        s.putObject("latency").put("events", r.latency().events()).put("p50Ms", r.latency().p50Ms())
            .put("p99Ms", r.latency().p99Ms()).put("maxMs", r.latency().maxMs());
      }
    }
    ObjectNode last = root.putObject("lastLines");
    for (String line : finalLines(byName)) {
      int colon = line.indexOf(": ");
      last.put(line.substring(0, colon), line.substring(colon + 2));
    }
    return root;
  }

  /** Bytes of the regular files under {@code dir}, recursively; 0 when it does not exist. */
  static long directorySize(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (NoSuchFileException gone) {
          return 0;
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).sum();
    }
  }

  private static double rate(StageResult r) {
    return r == null ? Double.NaN : r.eventsPerSecond();
  }

  private static String number(double value, String format) {
    return Double.isNaN(value) || Double.isInfinite(value) ? "n/a" : String.format(Locale.ROOT, format, value);
  }

  private static void putNumber(ObjectNode node, String field, double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      node.putNull(field);
    } else {
      node.put(field, value);
    }
  }
}
