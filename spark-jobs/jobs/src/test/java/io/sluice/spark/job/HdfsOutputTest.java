package io.sluice.spark.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.spark.BatchFiles;
import io.sluice.spark.ExpectedSummary;
import io.sluice.spark.FlumeSinks;
import io.sluice.spark.SampleEvents;
import io.sluice.spark.SparkTestContexts;
import io.sluice.spark.output.BatchOutputs;
import io.sluice.spark.output.OutputStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outputs and checkpoints on a real HDFS: a {@link MiniDFSCluster} (one NameNode, one DataNode) in
 * the test JVM.
 */
class HdfsOutputTest {

  /** No sample event is late under this lateness, so summaries compare whole with ExpectedSummary. */
  private static final String NOTHING_LATE = String.valueOf(ExpectedSummary.NOTHING_LATE_SECONDS);

  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  @TempDir
  static Path hdfsDir;

  private static MiniDFSCluster cluster;
  private static FileSystem fs;
  private static String root;

  @BeforeAll
  static void startHdfs() throws IOException {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, hdfsDir.toString());
    cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    cluster.waitActive();
    fs = cluster.getFileSystem();
    root = fs.getUri().toString();
  }

  @AfterAll
  static void stopHdfs() {
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  @Test
  void rewritingAFileReplacesItAtomicallyAndLeavesNoTemporaryFile() throws IOException {
    OutputStore store = new OutputStore(root + "/replace");

    store.replace("batches/1000/logs-window.json", "first".getBytes(StandardCharsets.UTF_8));
    store.replace("batches/1000/logs-window.json", "second".getBytes(StandardCharsets.UTF_8));

    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(root + "/replace/batches/1000");
    FileStatus[] files = fs.listStatus(dir);
    assertThat(files).extracting(f -> f.getPath().getName()).containsExactly("logs-window.json");
    assertThat(new String(store.read("batches/1000/logs-window.json"), StandardCharsets.UTF_8)).isEqualTo("second");
    assertThat(store.read("batches/1000/nothing.json")).isNull();
  }

  @Test
  void jobCheckpointsAndWritesSummaryAndBatchesToHdfs() throws Exception {
    String out = root + "/sluice/out";
    String checkpoint = root + "/sluice/checkpoint";
    List<Map<String, String>> logs = SampleEvents.logEvents().subList(0, 2000);
    List<Map<String, String>> tweets = SampleEvents.tweetEvents().subList(0, 300);
    try (FlumeSinks flume = new FlumeSinks("logs", "tweets")) {
      AnalyticsJob job = AnalyticsJob.getOrCreate(AnalyticsJobConfig.parse("--sinks", flume.addresses(),
          "--out", out, "--checkpoint", checkpoint, "--batch-seconds", "1", "--allowed-lateness", NOTHING_LATE, "--logs-window-seconds", "3600", "--logs-slide-seconds", "3600",
          "--tweets-window-seconds", "3600", "--tweets-slide-seconds", "3600", "--arrival-window-seconds", "2",
          "--arrival-slide-seconds", "1"), SparkTestContexts.conf("HdfsOutputTest"));
      job.start();
      try {
        flume.put(0, logs);
        flume.put(1, tweets);
        List<Map<String, String>> all = new ArrayList<>(logs);
        all.addAll(tweets);
        JsonNode expected = ExpectedSummary.of(all);

        assertThat(BatchFiles.await(() -> expected.equals(hdfsJson(out + "/summary.json")), TIMEOUT))
            .as("summary.json on HDFS: %s", hdfsJson(out + "/summary.json")).isTrue();
        assertThat(BatchFiles.await(() -> latestTotals(out) == 2000, TIMEOUT)).as("batch totals on HDFS").isTrue();
      } finally {
        // Gracefully: every batch job that started finishes its writes. job.stop() does not wait,
        // and a write it interrupts can leave its hidden .tmp file (as a crash would; readers skip
        // them), which the check below would then see.
        job.context().stop(true, true);
      }
    }
    FileStatus[] batches = fs.listStatus(new org.apache.hadoop.fs.Path(out + "/batches"));
    assertThat(batches).isNotEmpty();
    // One directory per 1 s slide: consecutive batch times, exactly 1000 ms apart.
    java.util.Arrays.sort(batches, java.util.Comparator.comparingLong(b -> Long.parseLong(b.getPath().getName())));
    for (int i = 1; i < batches.length; i++) {
      assertThat(Long.parseLong(batches[i].getPath().getName()) - Long.parseLong(batches[i - 1].getPath().getName()))
          .as("batch times").isEqualTo(1000L);
    }
    for (FileStatus batch : batches) {
      assertThat(batch.getPath().getName()).matches("\\d+");
      for (FileStatus f : fs.listStatus(batch.getPath())) {
        assertThat(f.getPath().getName()).as("no temporary files").endsWith(".json").doesNotStartWith(".");
      }
    }
    assertThat(fs.exists(new org.apache.hadoop.fs.Path(checkpoint + "/" + CheckpointSettings.FILE_NAME))).isTrue();
    assertThat(fs.listStatus(new org.apache.hadoop.fs.Path(checkpoint)))
        .as("Spark's checkpoint files").anyMatch(f -> f.getPath().getName().startsWith("checkpoint-"));
    assertThat(fs.exists(new org.apache.hadoop.fs.Path(checkpoint + "/receivedBlockMetadata")))
        .as("receiver write-ahead log on HDFS").isTrue();
  }

  /** Logs lines in the totals of the latest batch directory that has them, or -1. */
  private static long latestTotals(String out) {
    try {
      FileStatus[] batches = fs.listStatus(new org.apache.hadoop.fs.Path(out + "/batches"));
      long latest = -1;
      for (FileStatus b : batches) {
        if (fs.exists(new org.apache.hadoop.fs.Path(b.getPath(), BatchOutputs.LOGS_TOTALS))) {
          latest = Math.max(latest, Long.parseLong(b.getPath().getName()));
        }
      }
      if (latest < 0) {
        return -1;
      }
      JsonNode totals = hdfsJson(out + "/batches/" + latest + "/" + BatchOutputs.LOGS_TOTALS);
      return totals == null ? -1 : totals.path("lines").asLong();
    } catch (IOException e) {
      return -1;
    }
  }

  private static JsonNode hdfsJson(String uri) {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(uri);
    try {
      if (!fs.exists(p)) {
        return null;
      }
      try (InputStream in = fs.open(p)) {
        return ExpectedSummary.normalized(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      return null;
    }
  }
}
