package io.sluice.spark.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.spark.output.OutputStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;

/** Nearest-rank percentiles of event-to-result latency over all batches, written to latency.json. */
class LatencyTrackerTest {

  @TempDir
  Path tmp;

  @Test
  void exactPercentilesOverAllBatches() throws Exception {
    LatencyTracker tracker = new LatencyTracker(OutputStore.local(tmp));
    // Batch ending at 10,000 ms: 98 events read at 9,990 (10 ms), one at 9,000 (1,000 ms).
    tracker.record(List.of(new Tuple2<>(9_990L, 98L), new Tuple2<>(9_000L, 1L)), 10_000);
    // Batch ending at 20,000 ms: one event read at 15,000 (5,000 ms).
    tracker.record(List.of(new Tuple2<>(15_000L, 1L)), 20_000);

    JsonNode json = new ObjectMapper().readTree(Files.readAllBytes(tmp.resolve(LatencyTracker.FILE_NAME)));
    assertThat(json.path("events").asLong()).isEqualTo(100);
    assertThat(json.path("p50Ms").asLong()).isEqualTo(10);
    assertThat(json.path("p99Ms").asLong()).isEqualTo(1_000); // rank 99 of 100
    assertThat(json.path("maxMs").asLong()).isEqualTo(5_000);
    assertThat(json.path("histogram").path("10").asLong()).isEqualTo(98);
    assertThat(json.path("histogram").path("1000").asLong()).isEqualTo(1);
    assertThat(json.path("histogram").path("5000").asLong()).isEqualTo(1);
    assertThat(json.path("histogram").size()).isEqualTo(3);
  }

  @Test
  void clockSkewCountsAsZeroNotNegative() throws Exception {
    LatencyTracker tracker = new LatencyTracker(OutputStore.local(tmp));
    List<Tuple2<Long, Long>> one = new ArrayList<>();
    one.add(new Tuple2<>(10_500L, 3L));
    tracker.record(one, 10_000);
    JsonNode json = new ObjectMapper().readTree(Files.readAllBytes(tmp.resolve(LatencyTracker.FILE_NAME)));
    assertThat(json.path("events").asLong()).isEqualTo(3);
    assertThat(json.path("maxMs").asLong()).isZero();
  }
}
