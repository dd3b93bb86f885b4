package io.sluice.spark;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.Optional;
import org.apache.spark.streaming.State;
import org.apache.spark.streaming.StateSpec;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.api.java.JavaPairDStream;
import scala.Tuple2;

/**
 * The streaming side of the analytics: deduplication across micro-batches and running totals as
 * keyed Spark Streaming state, around the per-batch functions of {@link Analytics}.
 *
 * <pre>
 * header maps --transform(toRecords)--&gt; records
 *   --key by eventId, mapWithState(first time seen)--&gt; distinct events
 *       --transformToPair(eventMetrics)--&gt; increments --+
 *   --transformToPair(parsedTweetsById), mapWithState(first time seen)--&gt; distinct tweets
 *       --transformToPair(tweetMetrics)--&gt; increments --+--updateStateByKey(sum)--&gt; totals
 * </pre>
 *
 * <p>Each {@code mapWithState} keeps one {@code Boolean} per key ever seen ({@code eventId}, and
 * {@code tweetId} for parsed tweets) and lets an event through only the first time; a redelivered
 * event, in the same or any later batch, is dropped. The totals are one {@link Tally} per
 * {@link Metric}. All state lives in executors and is checkpointed to the context's checkpoint
 * directory, which must be set. The dedup state is never expired: it grows by one small entry
 * per distinct event for the life of the job.
 */
public final class AnalyticsStreams {

  private AnalyticsStreams() {}

  /**
   * Running totals over distinct events of {@code headers}, updated every batch.
   *
   * @param partitions partitions of the dedup and totals state
   */
  public static JavaPairDStream<Metric, Tally> runningTotals(
      JavaDStream<Map<String, String>> headers, int partitions) {
    JavaDStream<EventRecord> records = headers.transform(Analytics::toRecords);
    JavaDStream<EventRecord> distinctEvents =
        firstSeen(records.mapToPair(e -> new Tuple2<>(e.eventId(), e)), partitions);
    JavaDStream<EventRecord> distinctTweets =
        firstSeen(distinctEvents.transformToPair(Analytics::parsedTweetsById), partitions);
    return distinctEvents.transformToPair(Analytics::eventMetrics)
        .union(distinctTweets.transformToPair(Analytics::tweetMetrics))
        .updateStateByKey(AnalyticsStreams::addUp, partitions);
  }

  /** Writes the summary of {@code totals} through {@code writer} after every batch. */
  public static void writeSummaries(JavaPairDStream<Metric, Tally> totals, SummaryWriter writer) {
    totals.foreachRDD((rdd, time) ->
        writer.write(time.milliseconds(), Analytics.summarize(rdd, Analytics.TOP_N)));
  }

  /** The values of keys seen for the first time; later values of the same key are dropped. */
  static JavaDStream<EventRecord> firstSeen(JavaPairDStream<String, EventRecord> keyed, int partitions) {
    return keyed
        .mapWithState(StateSpec.function(AnalyticsStreams::passFirst).numPartitions(partitions))
        .flatMap(AnalyticsStreams::presentOnes);
  }

  private static Optional<EventRecord> passFirst(String key, Optional<EventRecord> value, State<Boolean> seen) {
    if (!value.isPresent() || seen.exists()) {
      return Optional.empty();
    }
    seen.update(Boolean.TRUE);
    return value;
  }

  private static java.util.Iterator<EventRecord> presentOnes(Optional<EventRecord> value) {
    List<EventRecord> out = value.isPresent() ? List.of(value.get()) : Collections.emptyList();
    return out.iterator();
  }

  private static Optional<Tally> addUp(List<Tally> increments, Optional<Tally> total) {
    Tally sum = total.orNull();
    for (Tally t : increments) {
      sum = sum == null ? t : sum.plus(t);
    }
    return Optional.ofNullable(sum);
  }
}
