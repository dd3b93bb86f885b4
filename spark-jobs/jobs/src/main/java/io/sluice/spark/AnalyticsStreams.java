package io.sluice.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.Collections;
import java.util.List;
import org.apache.spark.api.java.Optional;
import org.apache.spark.streaming.Duration;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.State;
import org.apache.spark.streaming.StateSpec;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.api.java.JavaMapWithStateDStream;
import org.apache.spark.streaming.api.java.JavaPairDStream;
import scala.Tuple2;

/**
 * The streaming side of the analytics: deduplication across micro-batches, sessions, running totals
 * as keyed Spark Streaming state, windows and alerts, around the pure functions of {@link Analytics}.
 *
 * <pre>
 * records --filter(pipelines)--key by eventId, mapWithState(first time seen)--&gt; distinct events
 *   distinct --transformToPair(eventMetrics)---------------------------------------------+
 *   distinct --transformToPair(parsedTweetsById), mapWithState(first seen)--&gt; distinct tweets
 *            distinct tweets --transformToPair(tweetMetrics)------------------------------+
 *   distinct --transformToPair(requestTimesByClient)--mapWithState(Sessions)--&gt; closed --+
 *                                                                                        |
 *          updateStateByKey(sum) &lt;---------------------------------------------------------+
 *            = running totals (+ open sessions from the state snapshot) --&gt; summary.json, every batch
 *                                                 --window(batch, slide)--&gt; *-totals.json
 *   distinct --window(length, slide)--transformToPair(logWindowMetrics)--&gt; logs-window.json
 *                                    --transform(errorRateAlerts)--&gt; alerts.json (+ Kafka topic)
 *   distinct tweets --window(length, slide)--transformToPair(tweetMetrics)--&gt; tweets-window.json
 * </pre>
 *
 * <p>Windows are over batch (arrival) time, as Spark Streaming's {@code window} is: a window holds
 * the distinct events first seen in its batches, each counted in every window that covers its
 * batch; a redelivered event is never counted again. Sessions are over request time (see
 * {@link Sessions}). Each {@code mapWithState} keeps one entry per key ever seen ({@code eventId},
 * {@code tweetId}: the dedup state is never expired) or per client with an open session (expired
 * after the session gap without requests). All state is checkpointed to the context's checkpoint
 * location, which must be set.
 */
public final class AnalyticsStreams {

  private static final ObjectMapper JSON = new ObjectMapper();

  private AnalyticsStreams() {}

  /**
   * What the graph needs from the configuration; captured by its closures, so serializable.
   * Immutable: {@link #of} takes a job's settings, the {@code with...} methods return changed copies.
   */
  public static final class Settings implements Serializable, Cloneable {
    private static final long serialVersionUID = 1L;

    private boolean logs = true;
    private boolean tweets = true;
    private long batchMs = AnalyticsJobConfig.DEFAULT_BATCH_SECONDS * 1000L;
    private long logsWindowMs = AnalyticsJobConfig.DEFAULT_LOGS_WINDOW_SECONDS * 1000L;
    private long logsSlideMs = AnalyticsJobConfig.DEFAULT_LOGS_SLIDE_SECONDS * 1000L;
    private long tweetsWindowMs = AnalyticsJobConfig.DEFAULT_TWEETS_WINDOW_SECONDS * 1000L;
    private long tweetsSlideMs = AnalyticsJobConfig.DEFAULT_TWEETS_SLIDE_SECONDS * 1000L;
    private int topN = AnalyticsJobConfig.DEFAULT_TOP_N;
    private long heavyClientRequests = AnalyticsJobConfig.DEFAULT_HEAVY_CLIENT_REQUESTS;
    private ErrorRateRule errorRateRule = new ErrorRateRule(AnalyticsJobConfig.DEFAULT_ERROR_RATE_THRESHOLD,
        AnalyticsJobConfig.DEFAULT_ERROR_MIN_REQUESTS);
    private long sessionGapMs = AnalyticsJobConfig.DEFAULT_SESSION_GAP_SECONDS * 1000L;
    private int partitions;

    private Settings(int partitions) {
      this.partitions = partitions;
    }

    /** The defaults of {@link AnalyticsJobConfig}, both pipelines, {@code partitions} partitions of keyed state. */
    public static Settings defaults(int partitions) {
      return new Settings(partitions);
    }

    /** The settings of {@code config}, with {@code partitions} partitions of keyed state. */
    public static Settings of(AnalyticsJobConfig config, int partitions) {
      return defaults(partitions)
          .withPipelines(config.pipelines().logs(), config.pipelines().tweets())
          .withBatchMs(config.batchSeconds() * 1000L)
          .withLogsWindowMs(config.logsWindowSeconds() * 1000L, config.logsSlideSeconds() * 1000L)
          .withTweetsWindowMs(config.tweetsWindowSeconds() * 1000L, config.tweetsSlideSeconds() * 1000L)
          .withTopN(config.topN())
          .withHeavyClientRequests(config.heavyClientRequests())
          .withErrorRateRule(config.errorRateRule())
          .withSessionGapMs(config.sessionGapSeconds() * 1000L);
    }

    public Settings withPipelines(boolean logs, boolean tweets) {
      Settings s = copy();
      s.logs = logs;
      s.tweets = tweets;
      return s;
    }

    /** Batch interval in ms; windows and slides must be multiples of it. */
    public Settings withBatchMs(long batchMs) {
      Settings s = copy();
      s.batchMs = batchMs;
      return s;
    }

    public Settings withLogsWindowMs(long lengthMs, long slideMs) {
      Settings s = copy();
      s.logsWindowMs = lengthMs;
      s.logsSlideMs = slideMs;
      return s;
    }

    public Settings withTweetsWindowMs(long lengthMs, long slideMs) {
      Settings s = copy();
      s.tweetsWindowMs = lengthMs;
      s.tweetsSlideMs = slideMs;
      return s;
    }

    public Settings withTopN(int topN) {
      Settings s = copy();
      s.topN = topN;
      return s;
    }

    public Settings withHeavyClientRequests(long heavyClientRequests) {
      Settings s = copy();
      s.heavyClientRequests = heavyClientRequests;
      return s;
    }

    public Settings withErrorRateRule(ErrorRateRule rule) {
      Settings s = copy();
      s.errorRateRule = rule;
      return s;
    }

    public Settings withSessionGapMs(long sessionGapMs) {
      Settings s = copy();
      s.sessionGapMs = sessionGapMs;
      return s;
    }

    private Settings copy() {
      try {
        return (Settings) clone();
      } catch (CloneNotSupportedException e) {
        throw new AssertionError(e);
      }
    }

    /** Events of the selected pipelines, and of unknown ones (counted as unrouted). */
    boolean accepts(EventRecord r) {
      return r.isLog() ? logs : r.isTweet() ? tweets : true;
    }
  }

  /** Where the graph writes. {@code alerts} may be null (no alerts topic). */
  public static final class Outputs implements Serializable {
    private static final long serialVersionUID = 1L;

    final SummaryWriter summary;
    final BatchOutputs batches;
    final AlertPublisher alerts;

    public Outputs(SummaryWriter summary, BatchOutputs batches, AlertPublisher alerts) {
      this.summary = summary;
      this.batches = batches;
      this.alerts = alerts;
    }
  }

  /** Builds the analytics over {@code records} and registers their output operations. */
  public static void build(JavaDStream<EventRecord> records, Settings s, Outputs out) {
    JavaDStream<EventRecord> distinct =
        firstSeen(records.filter(s::accepts).mapToPair(e -> new Tuple2<>(e.eventId(), e)), s.partitions);
    distinct.cache();
    JavaPairDStream<Metric, Tally> increments = distinct.transformToPair(Analytics::eventMetrics);
    JavaDStream<EventRecord> distinctTweets = null;
    if (s.tweets) {
      distinctTweets = firstSeen(distinct.transformToPair(Analytics::parsedTweetsById), s.partitions);
      distinctTweets.cache();
      increments = increments.union(distinctTweets.transformToPair(Analytics::tweetMetrics));
    }
    JavaPairDStream<Metric, Tally> openSessions = null;
    if (s.logs) {
      long gapMs = s.sessionGapMs;
      JavaMapWithStateDStream<String, long[], Sessions.Session, Sessions.Step> steps = distinct
          .transformToPair(Analytics::requestTimesByClient)
          .mapWithState(StateSpec.function(
                  (String ip, Optional<long[]> times, State<Sessions.Session> state) ->
                      Sessions.track(gapMs, ip, times, state))
              .numPartitions(s.partitions)
              .timeout(Durations.milliseconds(gapMs)));
      increments = increments.union(steps.flatMapToPair(step -> Analytics.sessionStepContributions(step, false)));
      openSessions = steps.stateSnapshots().transformToPair(Analytics::openSessionMetrics);
    }
    JavaPairDStream<Metric, Tally> totals = increments.updateStateByKey(AnalyticsStreams::addUp, s.partitions);
    JavaPairDStream<Metric, Tally> reported = openSessions == null ? totals : totals.union(openSessions);
    reported.cache();
    int summaryTopN = Math.max(s.topN, Analytics.TOP_N);
    SummaryWriter summary = out.summary;
    reported.foreachRDD((rdd, time) -> summary.write(time.milliseconds(), Analytics.summarize(rdd, summaryTopN)));

    BatchOutputs batches = out.batches;
    Duration batch = Durations.milliseconds(s.batchMs);
    if (s.logs) {
      Duration length = Durations.milliseconds(s.logsWindowMs);
      Duration slide = Durations.milliseconds(s.logsSlideMs);
      long lengthMs = s.logsWindowMs;
      int topN = s.topN;
      long heavy = s.heavyClientRequests;
      ErrorRateRule rule = s.errorRateRule;
      AlertPublisher publisher = out.alerts;
      JavaPairDStream<Metric, Tally> window =
          distinct.window(length, slide).transformToPair(Analytics::logWindowMetrics);
      window.cache();
      window.foreachRDD((rdd, time) -> {
        long end = time.milliseconds();
        LogWindow w = LogWindow.of(rdd, end - lengthMs, end, topN, heavy, rule);
        batches.write(end, BatchOutputs.LOGS_WINDOW, EventHeaders.PIPELINE_LOGS, w.toJsonTree());
      });
      window.transform((rdd, time) ->
              Analytics.errorRateAlerts(rdd, rule, time.milliseconds() - lengthMs, time.milliseconds()))
          .foreachRDD((rdd, time) -> {
            List<Alert> alerts = rdd.collect();
            ObjectNode json = JSON.createObjectNode();
            ArrayNode array = json.putArray("alerts");
            alerts.forEach(a -> array.add(a.toJsonTree()));
            batches.write(time.milliseconds(), BatchOutputs.ALERTS, EventHeaders.PIPELINE_LOGS, json);
            if (publisher != null) {
              publisher.publish(alerts);
            }
          });
      reported.window(batch, slide).foreachRDD((rdd, time) -> batches.write(time.milliseconds(),
          BatchOutputs.LOGS_TOTALS, EventHeaders.PIPELINE_LOGS, Analytics.summarize(rdd, topN).logsTotalsJson(topN)));
    }
    if (s.tweets) {
      Duration length = Durations.milliseconds(s.tweetsWindowMs);
      Duration slide = Durations.milliseconds(s.tweetsSlideMs);
      long lengthMs = s.tweetsWindowMs;
      int topN = s.topN;
      distinctTweets.window(length, slide).transformToPair(Analytics::tweetMetrics).foreachRDD((rdd, time) -> {
        long end = time.milliseconds();
        TweetWindow w = TweetWindow.of(rdd, end - lengthMs, end, topN);
        batches.write(end, BatchOutputs.TWEETS_WINDOW, EventHeaders.PIPELINE_TWEETS, w.toJsonTree());
      });
      reported.window(batch, slide).foreachRDD((rdd, time) -> batches.write(time.milliseconds(),
          BatchOutputs.TWEETS_TOTALS, EventHeaders.PIPELINE_TWEETS, Analytics.summarize(rdd, topN).tweetsTotalsJson(topN)));
    }
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
