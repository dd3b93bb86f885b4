package io.sluice.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.mutable.Queue;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The streaming wiring (dedup state across batches, running totals, summary after every batch) on
 * a real {@code local[2]} streaming context fed one micro-batch at a time.
 *
 * <p>Input comes from a Scala {@code Queue} the test appends to while the context runs (the Java
 * {@code queueStream} copies its queue once at creation). Queue streams cannot be part of a
 * checkpointed graph, so only the SparkContext's checkpoint directory is set here, which is what
 * the state RDDs need; the job test covers the fully checkpointed graph.
 */
class AnalyticsStreamsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir
  Path tmp;

  private JavaStreamingContext ssc;
  private final Queue<RDD<Map<String, String>>> batches = new Queue<>();

  @BeforeEach
  void startStreaming() {
    JavaSparkContext sc = new JavaSparkContext(SparkTestContexts.conf("AnalyticsStreamsTest"));
    sc.setCheckpointDir(tmp.resolve("checkpoint").toString());
    ssc = new JavaStreamingContext(sc, Durations.milliseconds(300));
  }

  @AfterEach
  void stopStreaming() {
    if (ssc != null) {
      ssc.stop(true, false);
    }
  }

  @Test
  void countsEventsRedeliveredInLaterBatchesOnce() {
    List<Map<String, String>> logs = SampleEvents.logEvents().subList(0, 3000);
    List<Map<String, String>> tweets = SampleEvents.tweetEvents();
    SummaryWriter writer = new SummaryWriter(tmp);
    start(writer);

    // Batch 1: first halves, with some events twice in the same batch.
    List<Map<String, String>> first = new ArrayList<>(logs.subList(0, 1500));
    first.addAll(tweets.subList(0, 500));
    first.addAll(logs.subList(0, 100));
    first.addAll(tweets.subList(0, 50));
    offer(first);
    JsonNode afterFirst = ExpectedSummary.of(first);
    assertThat(SummaryFiles.awaitContent(writer.file(), afterFirst, TIMEOUT)).isEqualTo(afterFirst);

    // Batch 2: redeliveries of batch 1, re-posts of batch-1 tweets under new event ids, new events.
    List<Map<String, String>> second = new ArrayList<>(logs.subList(1000, 3000));
    second.addAll(tweets.subList(400, 950));
    for (int i = 0; i < 300; i++) {
      second.add(SampleEvents.withEventId(tweets.get(i), "repost:" + i));
    }
    offer(second);
    List<Map<String, String>> all = new ArrayList<>(first);
    all.addAll(second);
    JsonNode afterSecond = ExpectedSummary.of(all);
    assertThat(SummaryFiles.awaitContent(writer.file(), afterSecond, TIMEOUT)).isEqualTo(afterSecond);
    assertThat(afterSecond.path("logs").path("lines").asLong()).isEqualTo(3000);
    assertThat(afterSecond.path("tweets").path("tweets").asLong()).isEqualTo(950);
    assertThat(afterSecond.path("tweets").path("records").asLong()).isEqualTo(950 + 300);

    // Batch 3: only redeliveries, plus one new line so the test can tell the batch was processed.
    List<Map<String, String>> third = new ArrayList<>(all.subList(0, 2000));
    third.add(SampleEvents.logEvent("marker:1",
        "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /marker?x=1 HTTP/1.1\" 200 5 \"-\" \"t\""));
    offer(third);
    all.addAll(third);
    JsonNode afterMarker = ExpectedSummary.of(all);
    assertThat(SummaryFiles.awaitContent(writer.file(), afterMarker, TIMEOUT)).isEqualTo(afterMarker);
    assertThat(afterMarker.path("logs").path("lines").asLong()).isEqualTo(3001);
  }

  @Test
  void writesCompleteZeroSummaryWhileNothingArrives() {
    SummaryWriter writer = new SummaryWriter(tmp);
    start(writer);

    JsonNode zeros = ExpectedSummary.of(List.of());
    assertThat(SummaryFiles.awaitContent(writer.file(), zeros, TIMEOUT)).isEqualTo(zeros);
  }

  private void start(SummaryWriter writer) {
    ClassTag<Map<String, String>> tag = ClassTag$.MODULE$.apply(Map.class);
    JavaDStream<Map<String, String>> headers =
        JavaDStream.fromDStream(ssc.ssc().queueStream(batches, true, tag), tag);
    AnalyticsStreams.writeSummaries(AnalyticsStreams.runningTotals(headers, 2), writer);
    ssc.start();
  }

  private void offer(List<Map<String, String>> events) {
    RDD<Map<String, String>> rdd = ssc.sparkContext().parallelize(events, 3).rdd();
    synchronized (batches) {
      batches.$plus$eq(rdd);
    }
  }
}
