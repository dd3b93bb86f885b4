package io.sluice.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.apache.flume.Context;
import org.apache.flume.Transaction;
import org.apache.flume.channel.MemoryChannel;
import org.apache.flume.conf.Configurables;
import org.apache.flume.event.EventBuilder;
import org.apache.spark.streaming.flume.sink.SparkSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job as {@code main} builds it (one polling receiver, checkpointed graph, summary writer),
 * pulling from a real Flume memory channel through the stock SparkSink bound to an ephemeral port.
 * Redelivery is reproduced by putting the same events (same {@code eventId}) into the channel again.
 */
class AnalyticsJobTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir
  Path tmp;

  private MemoryChannel channel;
  private SparkSink sink;
  private AnalyticsJob job;

  @BeforeEach
  void startFlume() {
    channel = new MemoryChannel();
    channel.setName("test-channel");
    // keep-alive 0: a take on an empty channel returns at once. With the default 3 s, events
    // trickling in faster than that keep the SparkSink filling one batch up to max-batch-size.
    Configurables.configure(channel, new Context(
        Map.of("capacity", "20000", "transactionCapacity", "1000", "keep-alive", "0")));
    channel.start();
    sink = new SparkSink();
    sink.setName("test-spark-sink");
    Configurables.configure(sink, new Context(Map.of("hostname", "127.0.0.1", "port", "0", "threads", "1")));
    sink.setChannel(channel);
    sink.start();
  }

  @AfterEach
  void stopAll() throws InterruptedException {
    if (job != null) {
      // With an idle channel the sink holds each poll open until an event arrives, and the
      // polling receiver's onStop waits up to 60 s for open polls (reconnecting to a stopped sink
      // also takes 60 s). Keep events flowing, as a live agent would, so the open poll returns.
      Thread feeder = new Thread(this::feedUntilInterrupted, "test-feeder");
      feeder.setDaemon(true);
      feeder.start();
      try {
        job.stop();
      } finally {
        feeder.interrupt();
        feeder.join();
      }
    }
    sink.stop();
    channel.stop();
  }

  private void feedUntilInterrupted() {
    for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
      put(List.of(Map.of(EventHeaders.EVENT_ID, "teardown:" + i, EventHeaders.PIPELINE, "logs")));
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
  }

  @Test
  void pollsSinkWritesZerosAtStartAndCountsRedeliveredEventsOnce() {
    Path out = tmp.resolve("out");
    AnalyticsJobConfig config = AnalyticsJobConfig.parse(
        "--sinks", "127.0.0.1:" + sink.getPort(), "--out", out.toString(),
        // One request at a time keeps the channel's order, so the marker below comes last.
        "--parallelism", "1", "--max-batch-size", "300");
    job = AnalyticsJob.create(config, SparkTestContexts.conf("AnalyticsJobTest"));
    job.start();

    JsonNode zeros = ExpectedSummary.of(List.of());
    assertThat(SummaryFiles.read(out.resolve("summary.json"))).isEqualTo(zeros);
    assertThat(job.summaryFile()).isEqualTo(out.resolve("summary.json").toAbsolutePath());

    List<Map<String, String>> logs = SampleEvents.logEvents().subList(0, 1200);
    List<Map<String, String>> tweets = SampleEvents.tweetEvents().subList(0, 400);
    List<Map<String, String>> first = new ArrayList<>(logs.subList(0, 800));
    first.addAll(tweets.subList(0, 300));
    put(first);
    JsonNode afterFirst = ExpectedSummary.of(first);
    assertThat(SummaryFiles.awaitContent(job.summaryFile(), afterFirst, TIMEOUT)).isEqualTo(afterFirst);

    List<Map<String, String>> second = new ArrayList<>(logs.subList(0, 400)); // redelivered
    second.addAll(tweets.subList(100, 300)); // redelivered
    for (int i = 0; i < 50; i++) {
      second.add(SampleEvents.withEventId(tweets.get(i), "repost:" + i)); // new record, same tweet
    }
    second.addAll(logs.subList(800, 1200));
    second.addAll(tweets.subList(300, 400));
    second.add(SampleEvents.logEvent("marker:1",
        "10.0.0.1 - - [17/May/2015:10:05:03 +0000] \"GET /marker?q=1 HTTP/1.1\" 404 7 \"-\" \"test\""));
    put(second);
    List<Map<String, String>> all = new ArrayList<>(first);
    all.addAll(second);
    JsonNode expected = ExpectedSummary.of(all);
    assertThat(SummaryFiles.awaitContent(job.summaryFile(), expected, TIMEOUT)).isEqualTo(expected);
    assertThat(expected.path("logs").path("lines").asLong()).isEqualTo(1201);
    assertThat(expected.path("tweets").path("records").asLong()).isEqualTo(450);
    assertThat(expected.path("tweets").path("tweets").asLong()).isEqualTo(400);
    assertThat(out.resolve("checkpoint")).isDirectory();
    try (var files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("no temporary files left behind").containsExactlyInAnyOrder("summary.json", "checkpoint");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Puts the events into the channel in transactions, headers as given, an empty body. */
  private void put(List<Map<String, String>> events) {
    for (int from = 0; from < events.size(); from += 500) {
      Transaction tx = channel.getTransaction();
      tx.begin();
      try {
        for (Map<String, String> headers : events.subList(from, Math.min(events.size(), from + 500))) {
          channel.put(EventBuilder.withBody("body".getBytes(StandardCharsets.UTF_8), headers));
        }
        tx.commit();
      } catch (RuntimeException e) {
        tx.rollback();
        throw e;
      } finally {
        tx.close();
      }
    }
  }
}
