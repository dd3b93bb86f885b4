package io.sluice.spark.analytics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spark.analytics.ml.ClientFeatures;
import io.sluice.spark.analytics.ml.WindowModels;
import io.sluice.spark.input.EventRecord;
import io.sluice.spark.input.IdAudit;
import io.sluice.spark.job.AnalyticsJobConfig;
import io.sluice.spark.output.AlertPublisher;
import io.sluice.spark.output.BatchOutputs;
import io.sluice.spark.output.Summary;
import io.sluice.spark.output.SummaryWriter;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.Optional;
import org.apache.spark.streaming.Duration;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.State;
import org.apache.spark.streaming.StateSpec;
import org.apache.spark.streaming.api.java.JavaDStream;
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
 *   distinct (parsed lines), distinct tweets --event times and metrics per pane, by pipeline, |
 *            groupByKey, mapWithState(EventWindows: watermark, open panes)= late ------+   |
 *            and closed event-time windows --&gt; &lt;pipeline&gt;-event-windows.json      |   |
 *            (logs: + anomalous clients and forecast, WindowModels in the driver)      |   |
 *          updateStateByKey(sum) &lt;---------------------------------------------------+---+
 *            = running totals (+ open sessions from the state snapshot)
 *              --&gt; summary.json, every batch; *-totals.json every slide (same collect)
 *   per-batch metrics, syslog host/program/address --mapWithState(count, expires when idle)
 *            --state snapshot, added to the reported totals every batch
 *   per-batch metrics, logs kinds --reduceByKeyAndWindow(length, slide)--&gt; logs-window.json, alerts.json
 *   tweet metrics --reduceByKeyAndWindow(length, slide)--&gt; tweets-window.json
 *   per-batch metrics, syslog kinds --reduceByKeyAndWindow(length, slide)--&gt; syslog-window.json,
 *            syslog-alerts.json
 * </pre>
 *
 * <p>Cost per batch: one Spark job (the summary's collect, which computes the deduplication,
 * the metrics, sessions and totals) plus one small job for the latency; per slide one job per
 * window. Windows add up the per-batch metrics of their batches instead of recomputing them from
 * the window's events, so an event is turned into metrics once.
 *
 * <p>Event-time windows ({@link EventWindows}) are closed by each pipeline's watermark and written,
 * with their alerts, to {@code <pipeline>-event-windows.json}. With {@code --anomalies} (on by
 * default with event-time windows) the logs windows' panes also hold per-client contributions
 * ({@link ClientFeatures#contributions}; only there: not in the running totals, not in the
 * arrival-time windows), and each closed logs window on a length boundary goes through the anomaly
 * models in the driver ({@link WindowModels}): its anomalous clients and its request-count forecast
 * join its JSON, their alerts its {@code alerts} (and the alerts topic). The other windows are over batch
 * (arrival) time, as Spark Streaming's {@code window} is: a window holds
 * the distinct events first seen in its batches, each counted in every window that covers its
 * batch; a redelivered event is never counted again. Sessions are over request time (see
 * {@link Sessions}).
 *
 * <p><b>State and its horizon.</b> The deduplication keeps one entry per {@code eventId} (and per
 * {@code tweetId}) for the dedup horizon ({@code --dedup-horizon-seconds}): an entry expires
 * once its id has not been seen for that long, so the state holds the ids of the last horizon's
 * events, whatever the age of the stream. Redeliveries (a SparkSink's nack or transaction
 * timeout, a restarted job replaying its write-ahead log, a source resuming slightly before
 * where it stopped) arrive within that horizon and are dropped; an id seen again after it would
 * be counted again. Spark removes expired entries at the state's checkpoints (every 10 batches).
 * Sessions expire after the session gap without requests. The syslog counts per host, program
 * and source address expire after {@code --syslog-key-idle-seconds} without a line of that key
 * (default a day): the state holds the keys of the last day, however many attackers came before.
 * The other running totals hold one entry per metric (status code, endpoint, language, hashtag,
 * ...), which grows with the number of distinct values, not with the number of events. The hourly
 * series on event time ({@code requestsPerHour}, {@code postsPerHour}, {@code linesPerHour}) are
 * such running totals, one entry per pipeline and UTC hour that has events: they never expire, so a
 * replay of old data adds to the right hours exactly; they grow by at most 24 entries per day of
 * event time covered (8,760 per year, a few hundred kilobytes of state), not with the number of
 * events. The event-time state ({@link EventWindows}) holds, per pipeline, the maximum event time
 * seen and the open windows' panes, bounded by the allowed lateness. All state is checkpointed to the context's checkpoint
 * location, which must be set.
 */
public final class AnalyticsStreams {

  private static final ObjectMapper JSON = new ObjectMapper();

  private AnalyticsStreams() {}

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

  /**
   * Builds the analytics of {@code config}'s pipelines over {@code records} and registers their
   * output operations.
   *
   * @param partitions partitions of the keyed state (and of the windows' shuffles)
   */
  public static void build(JavaDStream<EventRecord> records, AnalyticsJobConfig config, int partitions, Outputs out) {
    Duration horizon = Durations.seconds(config.dedupHorizonSeconds());
    boolean logs = config.pipelines().logs();
    boolean tweets = config.pipelines().tweets();
    boolean syslog = config.pipelines().syslog();
    // Events of the selected pipelines, and of unknown ones (counted as unrouted).
    JavaDStream<EventRecord> accepted =
        records.filter(r -> r.isLog() ? logs : r.isTweet() ? tweets : r.isSyslog() ? syslog : true);
    JavaDStream<EventRecord> distinct =
        firstSeen(accepted.mapToPair(e -> new Tuple2<>(e.eventId(), e)), partitions, horizon);
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
    JavaPairDStream<Metric, Tally> increments = batchMetrics.filter(t -> Analytics.isRunningTotalKind(t._1().kind()));
    List<PipelineAnalytics> run = PipelineAnalytics.of(config);
    Map<PipelineAnalytics, PipelineAnalytics.Streams> streams = new EnumMap<>(PipelineAnalytics.class);
    List<JavaPairDStream<Metric, Tally>> current = new ArrayList<>();
    long latenessMs = config.allowedLatenessSeconds() * 1000L;
    Map<Metric.Kind, EventWindows> clocks = new EnumMap<>(Metric.Kind.class);
    JavaPairDStream<Metric, EventWindows.Slice> slices = null;
    for (PipelineAnalytics p : run) {
      PipelineAnalytics.Streams st = p.streams(distinct, batchMetrics, config, partitions, horizon);
      streams.put(p, st);
      if (st.increments != null) {
        increments = increments.union(st.increments);
      }
      if (st.current != null) {
        current.add(st.current);
      }
      EventWindows clock = new EventWindows(p.windowSeconds(config) * 1000L, p.slideSeconds(config) * 1000L,
          latenessMs);
      clocks.put(p.lateKind(), clock);
      boolean windowed = config.eventWindows();
      boolean features = windowed && p == PipelineAnalytics.LOGS && config.anomalies();
      JavaPairDStream<Metric, EventWindows.Slice> s =
          st.timed.transformToPair(rdd -> slices(rdd, p, clock, windowed, features));
      slices = slices == null ? s : slices.union(s);
    }
    JavaPairDStream<Metric, EventWindows.Step> steps = null;
    if (slices != null) {
      steps = slices.groupByKey(partitions)
          .mapWithState(StateSpec.function(
                  (Metric counter, Optional<Iterable<EventWindows.Slice>> batch, State<EventWindows.State> state) ->
                      advance(clocks.get(counter.kind()), counter, batch, state))
              .numPartitions(partitions))
          .mapToPair(t -> t);
      steps.cache();
      increments = increments.union(steps.flatMapToPair(AnalyticsStreams::lateIncrement));
    }
    JavaPairDStream<Metric, Tally> totals = increments.updateStateByKey(AnalyticsStreams::addUp, partitions);
    JavaPairDStream<Metric, Tally> reported = totals;
    for (JavaPairDStream<Metric, Tally> c : current) {
      reported = reported.union(c);
    }
    reported.cache();
    int summaryTopN = Math.max(config.topN(), Analytics.TOP_N);
    SummaryWriter summary = out.summary;
    reported.foreachRDD((rdd, time) -> summary.write(time.milliseconds(), Analytics.summarize(rdd, summaryTopN)));
    LatencyTracker latency = out.latency;
    if (latency != null) {
      distinct.foreachRDD(rdd -> latency.record(rdd));
    }

    BatchOutputs batches = out.batches;
    Duration batch = Durations.seconds(config.batchSeconds());
    int topN = config.topN();
    ErrorRateRule rule = config.errorRateRule();
    AlertPublisher publisher = out.alerts;
    // With event-time windows, their alerts go to the alerts topic instead of the arrival-time ones.
    boolean eventTimeAlerts = config.eventWindows();
    if (steps != null && config.eventWindows()) {
      Map<Metric.Kind, Long> thresholds = new EnumMap<>(Metric.Kind.class);
      run.forEach(p -> thresholds.put(p.lateKind(), p.windowThreshold(config)));
      // The models of the logs windows live in the driver, in this closure (see WindowModels).
      WindowModels models = logs && config.anomalies()
          ? new WindowModels(config.logsWindowSeconds() * 1000L, config.anomalyMultiplier(), config.forecastBand())
          : null;
      steps.foreachRDD((rdd, time) -> {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(rdd.context());
        for (Tuple2<Metric, EventWindows.Step> t : rdd.collect()) {
          PipelineAnalytics p = PipelineAnalytics.ofLateKind(t._1().kind());
          List<Alert> alerts = writeEventWindows(batches, time.milliseconds(), p, t._2(), topN,
              thresholds.get(t._1().kind()), rule, p == PipelineAnalytics.LOGS ? models : null, sc);
          if (publisher != null && !alerts.isEmpty()) {
            publisher.publish(alerts);
          }
        }
      });
    }
    for (PipelineAnalytics p : run) {
      Duration length = Durations.seconds(p.windowSeconds(config));
      Duration slide = Durations.seconds(p.slideSeconds(config));
      long lengthMs = p.windowSeconds(config) * 1000L;
      long threshold = p.windowThreshold(config);
      String id = p.id();
      streams.get(p).windowMetrics.reduceByKeyAndWindow(Tally::plus, length, slide, partitions)
          .foreachRDD((rdd, time) -> {
            long end = time.milliseconds();
            Window w = p.window(rdd, end - lengthMs, end, topN, threshold, rule);
            batches.write(end, p.windowFile(), id, w.toJsonTree());
            if (p.hasAlerts()) {
              List<Alert> alerts = w.alerts();
              ObjectNode json = JSON.createObjectNode();
              ArrayNode array = json.putArray("alerts");
              alerts.forEach(a -> array.add(a.toJsonTree()));
              batches.write(end, p.alertsFile(), id, json);
              if (publisher != null && !eventTimeAlerts) {
                publisher.publish(alerts);
              }
            }
          });
      reported.window(batch, slide).foreachRDD((rdd, time) -> batches.write(time.milliseconds(),
          p.totalsFile(), id, p.totalsJson(summaryOf(summary, rdd, time.milliseconds(), summaryTopN), topN)));
    }
  }

  /**
   * The event clock and windows of one pipeline ({@code counter}: its late counter) for one batch;
   * see {@link EventWindows}. The state never times out: one entry per pipeline, holding only the
   * open windows' panes.
   */
  private static Tuple2<Metric, EventWindows.Step> advance(EventWindows clock, Metric counter,
      Optional<Iterable<EventWindows.Slice>> batch, State<EventWindows.State> state) {
    EventWindows.State s = state.exists() ? state.get() : new EventWindows.State();
    EventWindows.Step step = clock.advance(s, batch.isPresent() ? batch.get() : List.of());
    state.update(s);
    return new Tuple2<>(counter, step);
  }

  private static java.util.Iterator<Tuple2<Metric, Tally>> lateIncrement(Tuple2<Metric, EventWindows.Step> t) {
    long late = t._2().late();
    return (late > 0 ? List.of(new Tuple2<>(t._1(), Tally.count(late))) : List.<Tuple2<Metric, Tally>>of()).iterator();
  }

  /**
   * A batch's slices of one pipeline for {@link EventWindows}, keyed by its late counter: each
   * distinct event time of {@code timed} with its count, and the metrics of each pane
   * ({@link PipelineAnalytics#windowContributions}, and with {@code clientFeatures} those of
   * {@link ClientFeatures#contributions}), summed per pane and metric, unless not
   * {@code windowed} (then only the times: the clock and the late counter). Events without an
   * event time are in neither.
   */
  static org.apache.spark.api.java.JavaPairRDD<Metric, EventWindows.Slice> slices(
      org.apache.spark.api.java.JavaRDD<EventRecord> timed, PipelineAnalytics p, EventWindows clock, boolean windowed,
      boolean clientFeatures) {
    Metric key = Metric.of(p.lateKind());
    org.apache.spark.api.java.JavaRDD<EventRecord> withTime = timed.filter(e -> e.timestampMs() != EventRecord.NO_TIME);
    org.apache.spark.api.java.JavaPairRDD<Metric, EventWindows.Slice> times = EventClock.eventTimes(withTime, p.lateKind())
        .mapValues(a -> EventWindows.Slice.time(a[0], a[1]));
    if (!windowed) {
      return times;
    }
    return times.union(withTime.flatMapToPair(e -> {
          long pane = clock.paneOf(e.timestampMs());
          List<Tuple2<Tuple2<Long, Metric>, Tally>> out = new ArrayList<>();
          p.windowContributions(e).forEachRemaining(m -> out.add(new Tuple2<>(new Tuple2<>(pane, m._1()), m._2())));
          if (clientFeatures) {
            ClientFeatures.contributions(e).forEachRemaining(m -> out.add(new Tuple2<>(new Tuple2<>(pane, m._1()), m._2())));
          }
          return out.iterator();
        }).reduceByKey(Tally::plus)
            .mapToPair(t -> new Tuple2<>(key, EventWindows.Slice.pane(t._1()._1(), t._1()._2(), t._2()))));
  }

  /**
   * Writes the event-time windows one batch closed for {@code p}, with their alerts, as
   * {@code <pipeline>-event-windows.json}: {@code {"watermark": ms, "windows": [...], "alerts": [...]}},
   * each window as in {@code <pipeline>-window.json} with {@code windowStart}/{@code windowEnd} in
   * event time; a logs window the anomaly models see ({@code models} not null) also has
   * {@code anomalousClients} and {@code forecast}, and its alerts theirs ({@link AnomalyWindows}).
   * Nothing when the batch closed none. Returns the alerts.
   */
  private static List<Alert> writeEventWindows(BatchOutputs batches, long batchMs, PipelineAnalytics p,
      EventWindows.Step step, int topN, long threshold, ErrorRateRule rule, WindowModels models, JavaSparkContext sc) {
    List<Alert> raised = new ArrayList<>();
    if (step.closed().isEmpty()) {
      return raised;
    }
    ObjectNode json = JSON.createObjectNode();
    json.put("watermark", step.watermarkMs());
    ArrayNode windows = json.putArray("windows");
    ArrayNode alerts = json.putArray("alerts");
    for (EventWindows.Closed c : step.closed()) {
      Window w = Window.of(p, c.metrics(), c.startMs(), c.endMs(), topN, threshold, rule);
      ObjectNode window = w.toJsonTree();
      List<Alert> windowAlerts = new ArrayList<>(p.hasAlerts() ? w.alerts() : List.of());
      if (models != null && models.sees(c.startMs())) {
        windowAlerts.addAll(AnomalyWindows.judge(models, sc, c.startMs(), c.endMs(), c.metrics(), w.totals().logsParsed(),
            window));
      }
      windows.add(window);
      windowAlerts.forEach(a -> {
        alerts.add(a.toJsonTree());
        raised.add(a);
      });
    }
    batches.write(batchMs, p.eventWindowsFile(), p.id(), json);
    return raised;
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
