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
 * records --filter(pipelines)--key by eventId, mapWithState(first seen, expires after the dedup horizon)
 *   = distinct events (cached) --&gt; latency.json
 *   distinct --transformToPair(batchMetrics)= per-batch metrics (cached) ----------------+-- no LOGS_CLIENT
 *   distinct --transformToPair(parsedTweetsById), mapWithState(first seen, horizon)        |
 *            = distinct tweets --transformToPair(tweetMetrics) (cached) ---------------+   |
 *   distinct --transformToPair(requestTimesByClient)--mapWithState(Sessions)--&gt; closed -+   |
 *                                                                                    |   |
 *          updateStateByKey(sum) &lt;---------------------------------------------------+---+
 *            = running totals (+ open sessions from the state snapshot)
 *              --&gt; summary.json, every batch; *-totals.json every slide (same collect)
 *   per-batch metrics, logs kinds --reduceByKeyAndWindow(length, slide)--&gt; logs-window.json, alerts.json
 *   tweet metrics --reduceByKeyAndWindow(length, slide)--&gt; tweets-window.json
 * </pre>
 *
 * <p>Cost per batch: one Spark job (the summary's collect, which computes the deduplication,
 * the metrics, sessions and totals) plus one small job for the latency; per slide one job per
 * window. Windows add up the per-batch metrics of their batches instead of recomputing them from
 * the window's events, so an event is turned into metrics once.
 *
 * <p>Windows are over batch (arrival) time, as Spark Streaming's {@code window} is: a window holds
 * the distinct events first seen in its batches, each counted in every window that covers its
 * batch; a redelivered event is never counted again. Sessions are over request time (see
 * {@link Sessions}).
 *
 * <p><b>State and its horizon.</b> The deduplication keeps one entry per {@code eventId} (and per
 * {@code tweetId}) for the dedup horizon ({@link Settings#withDedupHorizonMs}): an entry expires
 * once its id has not been seen for that long, so the state holds the ids of the last horizon's
 * events, whatever the age of the stream. Redeliveries (a SparkSink's nack or transaction
 * timeout, a restarted job replaying its write-ahead log, a source resuming slightly before
 * where it stopped) arrive within that horizon and are dropped; an id seen again after it would
 * be counted again. Spark removes expired entries at the state's checkpoints (every 10 batches).
 * Sessions expire after the session gap without requests. The running totals hold one entry per
 * metric (status code, endpoint, language, hashtag, ...), which grows with the number of distinct
 * values, not with the number of events. All state is checkpointed to the context's checkpoint
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
    private long dedupHorizonMs = AnalyticsJobConfig.DEFAULT_DEDUP_HORIZON_SECONDS * 1000L;
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
          .withSessionGapMs(config.sessionGapSeconds() * 1000L)
          .withDedupHorizonMs(config.dedupHorizonSeconds() * 1000L);
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

    /** How long an event id (and a tweet id) is remembered, in ms: its dedup state expires after that without a repeat. */
    public Settings withDedupHorizonMs(long dedupHorizonMs) {
      Settings s = copy();
      s.dedupHorizonMs = dedupHorizonMs;
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
    final LatencyTracker latency;
    final IdAudit audit;

    public Outputs(SummaryWriter summary, BatchOutputs batches, AlertPublisher alerts) {
      this(summary, batches, alerts, null, null);
    }

    /**
     * As above, with event-to-result latency written by {@code latency} and the ids of each batch by
     * {@code audit} (null: not written).
     */
    public Outputs(SummaryWriter summary, BatchOutputs batches, AlertPublisher alerts, LatencyTracker latency,
        IdAudit audit) {
      this.summary = summary;
      this.batches = batches;
      this.alerts = alerts;
      this.latency = latency;
      this.audit = audit;
    }
  }

  /** Builds the analytics over {@code records} and registers their output operations. */
  public static void build(JavaDStream<EventRecord> records, Settings s, Outputs out) {
    Duration horizon = Durations.milliseconds(s.dedupHorizonMs);
    JavaDStream<EventRecord> accepted = records.filter(s::accepts);
    JavaDStream<EventRecord> distinct =
        firstSeen(accepted.mapToPair(e -> new Tuple2<>(e.eventId(), e)), s.partitions, horizon);
    distinct.cache();
    IdAudit audit = out.audit;
    if (audit != null) {
      accepted.foreachRDD((rdd, time) -> audit.write(time.milliseconds(), IdAudit.RECEIVED,
          rdd.map(EventRecord::eventId).collect()));
      distinct.foreachRDD((rdd, time) -> audit.write(time.milliseconds(), IdAudit.COUNTED,
          rdd.map(EventRecord::eventId).collect()));
    }
    // Every event's metrics, once: the logs window's (with LOGS_CLIENT) are a superset of the totals'.
    JavaPairDStream<Metric, Tally> batchMetrics = distinct.transformToPair(Analytics::batchMetrics);
    batchMetrics.cache();
    JavaPairDStream<Metric, Tally> increments = batchMetrics.filter(t -> t._1().kind() != Metric.Kind.LOGS_CLIENT);
    JavaPairDStream<Metric, Tally> tweetMetrics = null;
    if (s.tweets) {
      JavaDStream<EventRecord> distinctTweets =
          firstSeen(distinct.transformToPair(Analytics::parsedTweetsById), s.partitions, horizon);
      tweetMetrics = distinctTweets.transformToPair(Analytics::tweetMetrics);
      tweetMetrics.cache();
      increments = increments.union(tweetMetrics);
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
    LatencyTracker latency = out.latency;
    if (latency != null) {
      distinct.foreachRDD(rdd -> latency.record(rdd));
    }

    BatchOutputs batches = out.batches;
    Duration batch = Durations.milliseconds(s.batchMs);
    int topN = s.topN;
    if (s.logs) {
      Duration length = Durations.milliseconds(s.logsWindowMs);
      Duration slide = Durations.milliseconds(s.logsSlideMs);
      long lengthMs = s.logsWindowMs;
      long heavy = s.heavyClientRequests;
      ErrorRateRule rule = s.errorRateRule;
      AlertPublisher publisher = out.alerts;
      batchMetrics.filter(t -> Analytics.isLogsWindowKind(t._1().kind()))
          .reduceByKeyAndWindow(Tally::plus, length, slide, s.partitions)
          .foreachRDD((rdd, time) -> {
            long end = time.milliseconds();
            LogWindow w = LogWindow.of(rdd, end - lengthMs, end, topN, heavy, rule);
            batches.write(end, BatchOutputs.LOGS_WINDOW, EventHeaders.PIPELINE_LOGS, w.toJsonTree());
            List<Alert> alerts = w.alerts();
            ObjectNode json = JSON.createObjectNode();
            ArrayNode array = json.putArray("alerts");
            alerts.forEach(a -> array.add(a.toJsonTree()));
            batches.write(end, BatchOutputs.ALERTS, EventHeaders.PIPELINE_LOGS, json);
            if (publisher != null) {
              publisher.publish(alerts);
            }
          });
      reported.window(batch, slide).foreachRDD((rdd, time) -> batches.write(time.milliseconds(),
          BatchOutputs.LOGS_TOTALS, EventHeaders.PIPELINE_LOGS,
          summaryOf(summary, rdd, time.milliseconds(), summaryTopN).logsTotalsJson(topN)));
    }
    if (s.tweets) {
      Duration length = Durations.milliseconds(s.tweetsWindowMs);
      Duration slide = Durations.milliseconds(s.tweetsSlideMs);
      long lengthMs = s.tweetsWindowMs;
      tweetMetrics.reduceByKeyAndWindow(Tally::plus, length, slide, s.partitions).foreachRDD((rdd, time) -> {
        long end = time.milliseconds();
        TweetWindow w = TweetWindow.of(rdd, end - lengthMs, end, topN);
        batches.write(end, BatchOutputs.TWEETS_WINDOW, EventHeaders.PIPELINE_TWEETS, w.toJsonTree());
      });
      reported.window(batch, slide).foreachRDD((rdd, time) -> batches.write(time.milliseconds(),
          BatchOutputs.TWEETS_TOTALS, EventHeaders.PIPELINE_TWEETS,
          summaryOf(summary, rdd, time.milliseconds(), summaryTopN).tweetsTotalsJson(topN)));
    }
  }

  /**
   * The totals of batch {@code timeMs}: the summary this batch already collected for
   * {@code summary.json} (top lists of {@code topN} entries or more, cut by the caller), else
   * collected again (after a recovery the first batches may run without it).
   */
  private static Summary summaryOf(SummaryWriter writer, org.apache.spark.api.java.JavaPairRDD<Metric, Tally> rdd,
      long timeMs, int topN) {
    Summary s = writer.latest(timeMs);
    return s != null ? s : Analytics.summarize(rdd, topN);
  }

  /**
   * The values of keys seen for the first time; later values of the same key are dropped while
   * the key is remembered: until it has not been seen for {@code horizon}.
   */
  static JavaDStream<EventRecord> firstSeen(JavaPairDStream<String, EventRecord> keyed, int partitions,
      Duration horizon) {
    return keyed
        .mapWithState(StateSpec.function(AnalyticsStreams::passFirst).numPartitions(partitions).timeout(horizon))
        .flatMap(AnalyticsStreams::presentOnes);
  }

  private static Optional<EventRecord> passFirst(String key, Optional<EventRecord> value, State<Boolean> seen) {
    if (!value.isPresent() || seen.exists()) {
      // A repeat within the horizon (its timer restarts), or a timing-out key (no value).
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
