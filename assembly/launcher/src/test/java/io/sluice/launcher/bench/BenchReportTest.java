package io.sluice.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.launcher.bench.BenchReport.Latency;
import io.sluice.launcher.bench.BenchReport.StageResult;
import io.sluice.launcher.process.ProcStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchReportTest {

  @TempDir
  Path tmp;

  private static StageResult ok(String stage, double seconds, Map<String, ProcStats> jvms) {
    return new StageResult(stage, 50_000, 11_800_000, seconds, jvms, -1, null, null);
  }

  @Test
  void lastLinesAreExactlyTheFiveFigures() {
    Map<String, StageResult> results = new LinkedHashMap<>();
    results.put("bare-flume", ok("bare-flume", 0.5, Map.of()));
    results.put("kafka-channel", ok("kafka-channel", 4.0, Map.of()));
    results.put("pipeline", ok("pipeline", 25.0, Map.of()));
    results.put("latency", new StageResult("latency", 50_000, 1, 50, Map.of(), 123, new Latency(50_000, 800, 1234.4, 2000),
        null));

    assertThat(BenchReport.finalLines(results)).containsExactly(
        "bare-flume-events-per-second: 100000",
        "kafka-channel-events-per-second: 12500",
        "pipeline-events-per-second: 2000",
        "pipeline-vs-bare-flume: 0.020",
        "pipeline-latency-p99-ms: 1234");
  }

  @Test
  void whatWasNotMeasuredIsNotAvailable() {
    Map<String, StageResult> results = new LinkedHashMap<>();
    results.put("bare-flume", ok("bare-flume", 0.5, Map.of()));
    results.put("pipeline", new StageResult("pipeline", 50_000, 1, Double.NaN, Map.of(), 0, null, "timed out"));
    results.put("latency", ok("latency", 50, Map.of())); // the job wrote no latency.json

    assertThat(BenchReport.finalLines(results)).containsExactly(
        "bare-flume-events-per-second: 100000",
        "kafka-channel-events-per-second: n/a",
        "pipeline-events-per-second: n/a",
        "pipeline-vs-bare-flume: n/a",
        "pipeline-latency-p99-ms: n/a");
    assertThat(BenchReport.finalLines(Map.of())).allMatch(l -> l.endsWith(": n/a"));
  }

  @Test
  void tableHasOneRowPerStageWithRssAndCpuPerJvm() {
    List<String> table = BenchReport.table(List.of(
        ok("bare-flume", 0.5, Map.of("agent", new ProcStats(200L * 1024 * 1024, 4.25))),
        ok("pipeline", 25, Map.of("agent", new ProcStats(256L << 20, 13.3), "broker", new ProcStats(370L << 20, 11.8),
            "driver", new ProcStats(506L << 20, 29.3))),
        new StageResult("latency", 50_000, 1, Double.NaN, Map.of(), -1, null, "timed out")));

    assertThat(table).hasSize(4);
    assertThat(table.get(0)).startsWith("stage").contains("events/s", "MiB/s", "agent RSS/CPU", "broker RSS/CPU",
        "driver RSS/CPU");
    assertThat(table.get(1)).startsWith("bare-flume").contains("50,000", "0.5", "100,000", "22.51", "200 MiB / 4.3 s")
        .endsWith("-");
    assertThat(table.get(2)).contains("2,000", "256 MiB / 13.3 s", "370 MiB / 11.8 s", "506 MiB / 29.3 s");
    assertThat(table.get(3)).startsWith("latency").contains("n/a").endsWith("FAILED");
    assertThat(table).allMatch(l -> l.equals(l.stripTrailing()));
  }

  @Test
  void readsTheJobsLatencyFileAndToleratesItsAbsence() throws IOException {
    Path file = tmp.resolve("latency.json");
    assertThat(Latency.read(file)).isNull();
    Files.writeString(file, "{\"events\": 20000, \"p50Ms\": 17471, \"p99Ms\": 20740.5, \"maxMs\": 22125}");
    assertThat(Latency.read(file)).isEqualTo(new Latency(20_000, 17_471, 20_740.5, 22_125));
    Files.writeString(file, "{\"events\": 20000, \"p50Ms\": 17");
    assertThat(Latency.read(file)).as("half-written").isNull();
    Files.writeString(file, "{\"events\": 1}");
    assertThat(Latency.read(file)).as("not the contract").isNull();
  }

  @Test
  void sizesADirectoryRecursively() throws IOException {
    assertThat(BenchReport.directorySize(tmp.resolve("missing"))).isZero();
    Files.createDirectories(tmp.resolve("cp/receivedData/0"));
    Files.write(tmp.resolve("cp/a"), new byte[100]);
    Files.write(tmp.resolve("cp/receivedData/0/log-1"), new byte[4096]);
    assertThat(BenchReport.directorySize(tmp.resolve("cp"))).isEqualTo(4196);
  }

  @Test
  void jsonHoldsEveryStageAndTheLastLines() {
    var json = BenchReport.json(50_000, "synthetic load", List.of(
        ok("bare-flume", 0.5, Map.of("agent", new ProcStats(1 << 20, 1.5))),
        new StageResult("pipeline", 50_000, 1, Double.NaN, Map.of(), 4096, null, "lost events")));
    assertThat(json.path("stages").get(0).path("eventsPerSecond").asDouble()).isEqualTo(100_000);
    assertThat(json.path("stages").get(0).path("jvms").path("agent").path("peakRssBytes").asLong()).isEqualTo(1 << 20);
    assertThat(json.path("stages").get(1).path("ok").asBoolean()).isFalse();
    assertThat(json.path("stages").get(1).path("failure").asText()).isEqualTo("lost events");
    assertThat(json.path("stages").get(1).path("checkpointBytes").asLong()).isEqualTo(4096);
    assertThat(json.path("stages").get(1).path("seconds").isNull()).isTrue();
    assertThat(json.path("lastLines").path("bare-flume-events-per-second").asText()).isEqualTo("100000");
    assertThat(json.path("lastLines").path("pipeline-vs-bare-flume").asText()).isEqualTo("n/a");
  }

  @Test
  void latencyBetweenTwoReadingsLeavesOutTheWarmUp() throws IOException {
    Path file = tmp.resolve("latency.json");
    Files.writeString(file, "{\"events\": 3, \"p50Ms\": 9000, \"p99Ms\": 9000, \"maxMs\": 9000,"
        + " \"histogram\": {\"9000\": 3}}");
    java.util.TreeMap<Long, Long> warm = Latency.histogram(file);
    Files.writeString(file, "{\"events\": 103, \"p50Ms\": 40, \"p99Ms\": 9000, \"maxMs\": 9000,"
        + " \"histogram\": {\"40\": 99, \"9000\": 3, \"700\": 1}}");
    Latency window = Latency.between(warm, Latency.histogram(file));
    assertThat(window).isEqualTo(new Latency(100, 40, 40, 700));
    assertThat(Latency.between(Latency.histogram(file), Latency.histogram(file))).isNull();
    assertThat(Latency.histogram(tmp.resolve("missing.json"))).isEmpty();
  }
}
