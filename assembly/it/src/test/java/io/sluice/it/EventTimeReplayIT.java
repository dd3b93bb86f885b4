package io.sluice.it;

import static io.sluice.it.SluiceProcesses.freePort;
import static io.sluice.it.SluiceProcesses.tail;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's out-of-order replay through the tarball's real components: the bundled access log
 * (10,000 lines over 84 hours of May 2015), shuffled here within a bounded distance (seeded), is
 * replayed by the packaged logs agent ({@code bin/sluice agent -n logs}: ReplaySource with
 * {@code paceBy = timestamp} at a speed-up of {@value #SPEEDUP}, the 84 hours in about 20 s;
 * access-log interceptor; Kafka channel on {@code bin/sluice kafka}; SparkSink) into the
 * AnalyticsJob ({@code bin/sluice submit}, {@code local[2]}) with event-time windows of an hour
 * sliding every half hour and an allowed lateness of two hours, more than the shuffle moves a line
 * back in time (checked here from the shuffled file).
 *
 * <p>Checks: the event-time windows emitted (requests and status counts per window) equal those
 * computed here from the shuffled file's own request times, every window of the file, the last
 * ones closed by the idle flush ({@code --watermark-idle-seconds}) once the replay ends; none of
 * the shuffled lines is late; and the {@value #LATE_COPIES} first lines of the file, appended again
 * at its end (hours behind the watermark, their windows long closed), are counted as late, exactly,
 * and are in no window.
 */
class EventTimeReplayIT {

  private static final Duration STARTUP = Duration.ofSeconds(90);
  private static final Duration REPLAY = Duration.ofSeconds(100);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** 84 hours of event time in about 20 s. */
  private static final int SPEEDUP = 15_000;
  /** Each line moves at most this many places from its place in the file. */
  private static final int DISTANCE = 40;
  private static final int LATE_COPIES = 7;
  private static final long LENGTH_MS = 3_600_000;
  private static final long SLIDE_MS = 1_800_000;
  private static final long LATENESS_MS = 7_200_000;
  /**
   * Batch time without a new maximum event time before the open windows are flushed: longer than
   * any stall of the path from the agent to the job on a busy machine (a flush in the middle of the
   * replay would make the lines after it late), short enough to keep the test short.
   */
  private static final int IDLE_SECONDS = 20;

  @TempDir
  Path unpacked;

  @TempDir
  Path tmp;

  @RegisterExtension
  final SluiceProcesses sluice = new SluiceProcesses();
  private Path home;

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void eventTimeWindowsOfAShuffledTimestampPacedReplayEqualThoseOfTheFile() throws Exception {
    home = Distribution.unpack(unpacked);
    sluice.in(home, tmp);
    List<String> file = IndependentCounts.lines(home.resolve("samples/access_logs/elastic-examples_apache_logs.log"));

    // Shuffled within DISTANCE places, seeded: sort by place plus a random offset below DISTANCE.
    Random random = new Random(20150517L);
    List<long[]> keyed = new ArrayList<>();
    for (int i = 0; i < file.size(); i++) {
      keyed.add(new long[] {i + random.nextInt(DISTANCE), i});
    }
    keyed.sort(Comparator.<long[]>comparingLong(k -> k[0]).thenComparingLong(k -> k[1]));
    List<String> shuffled = new ArrayList<>();
    keyed.forEach(k -> shuffled.add(file.get((int) k[1])));
    List<String> replayed = new ArrayList<>(shuffled);
    replayed.addAll(file.subList(0, LATE_COPIES));
    Path input = tmp.resolve("shuffled_apache_logs.log");
    Files.write(input, replayed, StandardCharsets.UTF_8);

    // The windows of the shuffled lines, from each parsed line's own request time; and how far
    // behind the maximum request time already replayed a line comes (never beyond the lateness).
    Map<Long, Long> expectedRequests = new TreeMap<>();
    Map<Long, Map<String, Long>> expectedStatus = new TreeMap<>();
    long max = Long.MIN_VALUE;
    long worstLag = 0;
    long parsed = 0;
    for (String line : shuffled) {
      Map.Entry<Long, String> r = IndependentCounts.requestTimeAndStatus(line);
      if (r == null) {
        continue;
      }
      parsed++;
      long t = r.getKey();
      if (max != Long.MIN_VALUE) {
        worstLag = Math.max(worstLag, max - t);
      }
      max = Math.max(max, t);
      for (long w = Math.floorDiv(t, SLIDE_MS) * SLIDE_MS; w > t - LENGTH_MS; w -= SLIDE_MS) {
        expectedRequests.merge(w, 1L, Long::sum);
        expectedStatus.computeIfAbsent(w, k -> new TreeMap<>()).merge(r.getValue(), 1L, Long::sum);
      }
    }
    assertThat(parsed).as("parsed lines of the bundled log").isEqualTo(9_999);
    assertThat(worstLag).as("the shuffle moves no line back by the lateness").isPositive().isLessThan(LATENESS_MS);
    for (String copy : file.subList(0, LATE_COPIES)) {
      Map.Entry<Long, String> r = IndependentCounts.requestTimeAndStatus(copy);
      assertThat(r).as("a late copy parses").isNotNull();
      assertThat(max - r.getKey()).as("a late copy is behind the watermark").isGreaterThan(LATENESS_MS + LENGTH_MS);
    }

    Path kafkaOut = tmp.resolve("kafka.out");
    Process kafka = sluice.start(kafkaOut, Map.of(), "kafka", "--data", tmp.resolve("kafka").toString(),
        "--listen", "127.0.0.1:" + freePort(), "--controller-port", Integer.toString(freePort()),
        "--topics", "sluice-logs,sluice-logs-rejects");
    String bootstrap = sluice.awaitLine(kafka, kafkaOut, SluiceProcesses.KAFKA_READY, STARTUP);

    int sinkPort = freePort();
    Path out = tmp.resolve("analytics");
    Path jobOut = tmp.resolve("job.out");
    Process job = sluice.start(jobOut, Map.of(), "submit", "--master", "local[2]", "--class",
        "io.sluice.spark.job.AnalyticsJob", home.resolve("jobs/sluice-spark-jobs.jar").toString(),
        "--pipeline", "logs", "--sinks", "127.0.0.1:" + sinkPort, "--out", out.toString(), "--batch-seconds", "1",
        // Small SparkSink requests, so that the replay spreads over many batches (with the default
        // 5,000 a request waits for 5,000 paced lines: 17 s, 42 hours of event time).
        "--max-batch-size", "200",
        "--logs-window-seconds", String.valueOf(LENGTH_MS / 1000),
        "--logs-slide-seconds", String.valueOf(SLIDE_MS / 1000), "--allowed-lateness", String.valueOf(LATENESS_MS / 1000),
        "--watermark-idle-seconds", String.valueOf(IDLE_SECONDS));
    Path summaryFile = out.resolve("summary.json");
    sluice.await("the Spark job writes its first summary", STARTUP, () -> Files.exists(summaryFile), job, jobOut);

    // The packaged logs agent, its replay paced by the lines' own timestamps.
    Path agentFile = tmp.resolve("logs-agent.properties");
    Files.writeString(agentFile, Files.readString(home.resolve("conf/agents/logs-agent.properties"))
        + System.lineSeparator() + "logs.sources.replay.paceBy = timestamp" + System.lineSeparator()
        + "logs.sources.replay.speedup = " + SPEEDUP + System.lineSeparator(), StandardCharsets.UTF_8);
    Path agentOut = tmp.resolve("agent.out");
    Process agent = sluice.start(agentOut, Map.of(
        "SLUICE_KAFKA_BOOTSTRAP", bootstrap,
        "SLUICE_LOGS_FILE", input.toString(),
        "SLUICE_LOGS_SINK_PORT", Integer.toString(sinkPort),
        "SLUICE_REJECTS_DIR", tmp.resolve("rejects/logs").toString(),
        "SLUICE_STATE_DIR", tmp.resolve("state/logs").toString(),
        "SLUICE_METRICS_PORT", Integer.toString(freePort())),
        "agent", "-n", "logs", "-f", agentFile.toString());

    long lines = replayed.size();
    long t0 = System.nanoTime();
    sluice.await("Spark counts the " + lines + " lines replayed", REPLAY,
        () -> summary(summaryFile).path("logs").path("lines").asLong() == lines, agent, agentOut);
    double replaySeconds = (System.nanoTime() - t0) / 1e9;
    sluice.await("the idle flush emits the last windows", Duration.ofSeconds(4L * IDLE_SECONDS + 20),
        () -> emitted(out).stream().anyMatch(f -> f.path("idleFlush").asBoolean()), job, jobOut);
    assertThat(job.isAlive()).as("job alive; output:%n%s", tail(jobOut)).isTrue();

    JsonNode logs = summary(summaryFile).path("logs");
    List<JsonNode> files = emitted(out);
    StringBuilder closes = new StringBuilder();
    for (JsonNode f : files) {
      closes.append(String.format("%n  watermark %s, idleFlush %s, %d windows", java.time.Instant.ofEpochMilli(
          f.path("watermark").asLong()), f.path("idleFlush").asBoolean(), f.path("windows").size()));
    }
    assertThat(logs.path("parsed").asLong()).isEqualTo(parsed + LATE_COPIES);
    assertThat(logs.path("late").asLong()).as("late: the copies only; windows closed:%s", closes).isEqualTo(LATE_COPIES);
    assertThat(logs.path("future").asLong()).isZero();

    Map<Long, Long> requests = new TreeMap<>();
    Map<Long, Map<String, Long>> status = new TreeMap<>();
    for (JsonNode f : files) {
      for (JsonNode w : f.path("windows")) {
        long start = w.path("windowStart").asLong();
        assertThat(requests).as("window %d emitted once", start).doesNotContainKey(start);
        assertThat(w.path("windowEnd").asLong() - start).isEqualTo(LENGTH_MS);
        requests.put(start, w.path("requests").asLong());
        Map<String, Long> codes = new TreeMap<>();
        w.path("statusCounts").fields().forEachRemaining(e -> codes.put(e.getKey(), e.getValue().asLong()));
        status.put(start, codes);
      }
    }
    assertThat(requests).as("requests per event-time window").isEqualTo(expectedRequests);
    assertThat(status).as("status counts per event-time window").isEqualTo(expectedStatus);
    JsonNode last = files.get(files.size() - 1);
    assertThat(last.path("idleFlush").asBoolean()).as("the last windows closed by the idle flush").isTrue();
    assertThat(last.path("watermark").asLong()).as("watermark after the flush: the end of the last window")
        .isEqualTo(Math.floorDiv(max, SLIDE_MS) * SLIDE_MS + LENGTH_MS);
    System.out.printf("EventTimeReplayIT: %d lines replayed and counted in %.1f s, %d event-time windows in %d files:%s%n",
        lines, replaySeconds, requests.size(), files.size(), closes);
  }

  /** Every {@code logs-event-windows.json} of the job's batch directories, in batch order. */
  private static List<JsonNode> emitted(Path out) {
    Path batches = out.resolve("batches");
    List<JsonNode> files = new ArrayList<>();
    if (!Files.isDirectory(batches)) {
      return files;
    }
    try (Stream<Path> dirs = Files.list(batches)) {
      for (Path dir : dirs.filter(d -> d.getFileName().toString().matches("\\d+"))
          .sorted(Comparator.comparingLong(d -> Long.parseLong(d.getFileName().toString()))).toList()) {
        Path f = dir.resolve("logs-event-windows.json");
        if (Files.exists(f)) {
          files.add(JSON.readTree(f.toFile()));
        }
      }
    } catch (IOException e) {
      // A file being written: read again on the next poll.
      return new ArrayList<>();
    }
    return files;
  }

  private static JsonNode summary(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

}
