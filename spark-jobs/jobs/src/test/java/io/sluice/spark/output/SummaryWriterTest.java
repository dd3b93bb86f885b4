package io.sluice.spark.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spark.ExpectedSummary;
import io.sluice.spark.SummaryFiles;
import io.sluice.spark.analytics.Metric;
import io.sluice.spark.analytics.Tally;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummaryWriterTest {

  @TempDir
  Path dir;

  @Test
  void writesCompleteZeroSummaryAndLeavesNoTemporaryFile() throws IOException {
    SummaryWriter writer = new SummaryWriter(dir);

    assertThat(writer.writeInitial()).isTrue();

    assertThat(SummaryFiles.read(dir.resolve("summary.json"))).isEqualTo(ExpectedSummary.of(List.of()));
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(dir.resolve("summary.json"));
    }
  }

  @Test
  void initialSummaryNeverReplacesABatchSummary() {
    SummaryWriter writer = new SummaryWriter(dir);
    Summary batch = Summary.builder().add(Metric.of(Metric.Kind.LOGS_PARSED), Tally.of(1)).build();

    assertThat(writer.write(1_000, batch)).isTrue();
    assertThat(writer.writeInitial()).isFalse();

    assertThat(SummaryFiles.read(writer.file()).path("logs").path("parsed").asLong()).isEqualTo(1);
  }

  @Test
  void skipsSummaryOfAnEarlierBatch() {
    SummaryWriter writer = new SummaryWriter(dir);
    Summary later = Summary.builder().add(Metric.of(Metric.Kind.TWEETS_RECORDS), Tally.of(1)).build();

    assertThat(writer.write(2_000, later)).isTrue();
    assertThat(writer.write(1_000, Summary.empty())).isFalse();

    assertThat(SummaryFiles.read(writer.file()).path("tweets").path("records").asLong()).isEqualTo(1);
  }
}
