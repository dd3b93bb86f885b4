package io.sluice.spark.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.spark.BatchFiles;
import io.sluice.spark.ExpectedSummary;
import io.sluice.spark.FlumeSinks;
import io.sluice.spark.SampleEvents;
import io.sluice.spark.SparkTestContexts;
import io.sluice.spark.SummaryFiles;
import io.sluice.spark.output.BatchOutputs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job as {@code main} builds it (polling receivers, checkpointed graph, receiver write-ahead
 * log, outputs), pulling from two real Flume memory channels, logs and tweets, through stock
 * SparkSinks bound to ephemeral ports. Redelivery is reproduced by putting the same events (same
 * {@code eventId}) into a channel again.
 */
class AnalyticsJobTest {

  /** No sample event is late under this lateness, so summaries compare whole with ExpectedSummary. */
  private static final String NOTHING_LATE = String.valueOf(ExpectedSummary.NOTHING_LATE_SECONDS);

  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  @TempDir
  Path tmp;

  private FlumeSinks flume;
  private AnalyticsJob job;

  @BeforeEach
  void startFlume() {
    flume = new FlumeSinks("logs", "tweets");
  }

  @AfterEach
  void stopAll() throws InterruptedException {
    try {
      if (job != null) {
        job.stop();
      }
    } finally {
      flume.close();
    }
  }

  @Test
  void oneReceiverPollsBothSinksOnALocalMasterAndCountsRedeliveredEventsOnce() {
    Path out = tmp.resolve("out");
    job = AnalyticsJob.getOrCreate(config(out), SparkTestContexts.conf("AnalyticsJobTest"));
    job.start();

    assertThat(SummaryFiles.read(out.resolve("summary.json"))).as("zeros at start").isEqualTo(ExpectedSummary.of(List.of()));
    assertThat(receivers()).as("auto: one receiver on local[2]").isEqualTo(1);
    feedAndCheck(out);

    JsonNode status = SummaryFiles.read(out.resolve("receivers.json"));
    assertThat(status.get("receivers")).hasSize(1);
    assertThat(status.at("/receivers/0/name").asText()).isEqualTo("ReliablePollingReceiver-0");
    assertThat(status.at("/receivers/0/active").asBoolean()).isTrue();
    assertThat(status.at("/receivers/0/lastError").asText()).isEmpty();
  }

  @Test
  void onePollingStreamPerSinkWhenAsked() {
    Path out = tmp.resolve("out");
    job = AnalyticsJob.getOrCreate(config(out, "--polling-streams", "per-sink", "--audit-ids", "true"),
        SparkTestContexts.conf("AnalyticsJobTest").setMaster("local[3]"));
    job.start();

    assertThat(receivers()).isEqualTo(2);
    feedAndCheck(out);

    // --audit-ids: 800 + 801 log events and 300 + 350 tweet events received (600 of them
    // redeliveries); 1,201 + 450 distinct ids, each counted in exactly one batch.
    assertThat(BatchFiles.await(() -> auditIds(out, "received").size() == 2251, TIMEOUT))
        .as("received ids: %d", auditIds(out, "received").size()).isTrue();
    List<String> counted = auditIds(out, "counted");
    assertThat(counted).hasSize(1651).doesNotHaveDuplicates();
    assertThat(counted).containsAll(auditIds(out, "received"));
  }

  /** Every id in the {@code audit/*.<kind>} files, with repeats across files. */
  private static List<String> auditIds(Path out, String kind) {
    try (Stream<Path> files = Files.list(out.resolve("audit"))) {
      List<String> ids = new ArrayList<>();
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith("." + kind)).toList()) {
        ids.addAll(Files.readAllLines(f));
      }
      return ids;
    } catch (IOException e) {
      return List.of();
    }
  }

  private AnalyticsJobConfig config(Path out, String... more) {
    List<String> args = new ArrayList<>(List.of(
        "--sinks", flume.addresses(),
        "--out", out.toString(),
        // One request thread per sink: each sink serves one request at a time, in channel order.
        "--parallelism", "2", "--max-batch-size", "300",
        // Event-time windows (the default clock) of an hour; arrival-time windows of 2 batches.
        "--batch-seconds", "1", "--allowed-lateness", NOTHING_LATE, "--logs-window-seconds", "3600",
        "--logs-slide-seconds", "3600", "--tweets-window-seconds", "3600", "--tweets-slide-seconds", "3600",
        "--arrival-window-seconds", "2", "--arrival-slide-seconds", "1"));
    args.addAll(List.of(more));
    return AnalyticsJobConfig.parse(args.toArray(new String[0]));
  }

  private int receivers() {
    return job.context().ssc().graph().getReceiverInputStreams().length;
  }

  private void feedAndCheck(Path out) {
    List<Map<String, String>> logs = SampleEvents.logEvents().subList(0, 1200);
    List<Map<String, String>> tweets = SampleEvents.tweetEvents().subList(0, 400);
    flume.put(0, logs.subList(0, 800));
    flume.put(1, tweets.subList(0, 300));
    List<Map<String, String>> all = new ArrayList<>(logs.subList(0, 800));
    all.addAll(tweets.subList(0, 300));
    JsonNode afterFirst = ExpectedSummary.of(all);
    assertThat(SummaryFiles.awaitContent(out.resolve("summary.json"), afterFirst, TIMEOUT)).isEqualTo(afterFirst);

    List<Map<String, String>> moreLogs = new ArrayList<>(logs.subList(0, 400)); // redelivered
    moreLogs.addAll(logs.subList(800, 1200));
    moreLogs.add(SampleEvents.logEvent("marker:1",
        "10.0.0.1 - - [17/May/2015:10:05:03 +0000] \"GET /marker?q=1 HTTP/1.1\" 404 7 \"-\" \"test\""));
    List<Map<String, String>> moreTweets = new ArrayList<>(tweets.subList(100, 300)); // redelivered
    for (int i = 0; i < 50; i++) {
      moreTweets.add(SampleEvents.withEventId(tweets.get(i), "repost:" + i)); // new record, same tweet
    }
    moreTweets.addAll(tweets.subList(300, 400));
    flume.put(0, moreLogs);
    flume.put(1, moreTweets);
    all.addAll(moreLogs);
    all.addAll(moreTweets);
    JsonNode expected = ExpectedSummary.of(all);
    assertThat(SummaryFiles.awaitContent(out.resolve("summary.json"), expected, TIMEOUT)).isEqualTo(expected);
    assertThat(expected.path("logs").path("lines").asLong()).isEqualTo(1201);
    assertThat(expected.path("tweets").path("records").asLong()).isEqualTo(450);
    assertThat(expected.path("tweets").path("tweets").asLong()).isEqualTo(400);

    // Every distinct event was counted in exactly one batch: the windows of 2 batches sliding by 1
    // cover each batch twice, so the window counts over all batch directories add up to twice the total.
    assertThat(BatchFiles.await(() -> sumOverBatches(out, BatchOutputs.LOGS_WINDOW, "requests") == 2 * 1201
        && sumOverBatches(out, BatchOutputs.TWEETS_WINDOW, "tweets") == 2 * 400, TIMEOUT))
        .as("window counts add up; logs %d, tweets %d", sumOverBatches(out, BatchOutputs.LOGS_WINDOW, "requests"),
            sumOverBatches(out, BatchOutputs.TWEETS_WINDOW, "tweets")).isTrue();
    assertThat(out.resolve("checkpoint")).isDirectory();
    assertThat(out.resolve("checkpoint").resolve(CheckpointSettings.FILE_NAME)).isRegularFile();
    // The job still runs: a file being written is a temporary one for a moment, renamed when complete.
    assertThat(BatchFiles.await(() -> temporaryFiles(out.resolve("batches")) == 0, TIMEOUT))
        .as("no temporary files left behind").isTrue();
  }

  private static long sumOverBatches(Path out, String file, String field) {
    long sum = 0;
    for (Path dir : BatchFiles.batchDirs(out)) {
      Path f = dir.resolve(file);
      if (Files.exists(f)) {
        sum += BatchFiles.read(f).path(field).asLong();
      }
    }
    return sum;
  }

  private static long temporaryFiles(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".") || n.endsWith(".tmp")).count();
    } catch (IOException e) {
      // A temporary file renamed during the walk.
      return 1;
    }
  }
}
