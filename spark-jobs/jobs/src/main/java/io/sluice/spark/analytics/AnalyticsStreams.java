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
import org.apache.spark.HashPartitioner;
import org.apache.spark.Partitioner;
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
 *   distinct (parsed lines), distinct tweets --event times, pane metrics, a tick: summed   |   |
 *            per pipeline (one shuffle, to the state's partitioner),                   |   |
 *            mapWithState(EventWindows: watermark, open panes)= late ------------------+   |
 *            and closed event-time windows --&gt; &lt;pipeline&gt;-event-windows.json      |   |
 *            with their alerts (and --alerts-topic)   [--window-time event, default]  |   |
 *            (logs: + anomalous clients and forecast, WindowModels in the driver)      |   |
 *          updateStateByKey(sum) &lt;---------------------------------------------------+---+
 *            = running totals (+ open sessions from the state snapshot)
 *              --&gt; summary.json, every batch; *-totals.json every arrival slide (same collect)
 *   per-batch metrics, syslog host/program/address --mapWithState(count, expires when idle)
 *            --state snapshot, added to the reported totals every batch
 *   per-batch metrics of each pipeline (logs kinds, tweet metrics, syslog kinds)
 *     + arrival lag (Lag: per-batch histogram of read or batch time - event time)
 *            --reduceByKeyAndWindow(arrival length, slide)--&gt; &lt;pipeline&gt;-window.json (throughput, lag);
 *            [--window-time arrival: the pipeline's own length and slide, and the alerts:
 *             alerts.json, syslog-alerts.json, --alerts-topic]
 * </pre>
 *
 * <p>Cost per batch: one Spark job (the summary's collect, which computes the deduplication,
 * the metrics, sessions and totals) plus one small job for the latency; per slide one job per
 * window. Windows add up the per-batch metrics of their batches instead of recomputing them from
 * the window's events, so an event is turned into metrics once.
 *
 * <p><b>Two clocks.</b> With {@code --window-time event} (the default) each pipeline's windows
 * ({@code --<pipeline>-window-seconds}, {@code -slide-seconds}) are event-time windows
 * ({@link EventWindows}), closed by its watermark and written, with their alerts, to
 * {@code <pipeline>-event-windows.json}; the alerts topic carries those alerts. The
 * {@code <pipeline>-window.json} windows are then a secondary view over arrival time
 * ({@code --arrival-window-seconds}, {@code --arrival-slide-seconds}): throughput and arrival lag
 * ({@link Lag}), no alerts, no {@code alerts.json} nor {@code syslog-alerts.json}. With
 * {@code --window-time arrival} the pipeline's windows are those arrival-time windows and raise the
 * alerts; no event-time window is kept (the watermark and {@code late} are, either way).
 * With {@code --anomalies} (on by default with event-time windows) the logs windows' panes also
 * hold per-client contributions ({@link ClientFeatures#contribute}; only there: not in the
 * running totals, not in the arrival-time windows), and each closed logs window on a length
 * boundary goes through the anomaly models in the driver ({@link WindowModels}): its anomalous
 * clients and its request-count forecast join its JSON, their alerts its {@code alerts} (and the
 * alerts topic).
 * Arrival-time windows are over batch time, as Spark Streaming's {@code window} is: a window holds
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
    // The event-time state's partitioner: each batch's slices are summed into it, so the state does
    // not shuffle them again.
    HashPartitioner statePartitioner = new HashPartitioner(partitions);
    JavaPairDStream<Metric, EventWindows.Slices> slices = null;
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
          latenessMs, config.watermarkIdleSeconds() * 1000L, config.maxFutureSeconds() * 1000L);
      clocks.put(p.lateKind(), clock);
      boolean windowed = config.eventWindows();
      boolean features = windowed && p == PipelineAnalytics.LOGS && config.anomalies();
      JavaPairDStream<Metric, EventWindows.Slices> s = st.timed.transformToPair(
          (rdd, time) -> slices(rdd, p, clock, windowed, features, time.milliseconds(), statePartitioner));
      slices = slices == null ? s : slices.union(s);
      if (config.maxFutureSeconds() > 0) {
        // Far-future events are in the running totals but not in the hourly series: taken back out of it.
        increments = increments.union(
            st.timed.transformToPair((rdd, time) -> futureHours(rdd, p, clock, time.milliseconds())));
      }
    }
    JavaPairDStream<Metric, EventWindows.Step> steps = null;
    if (slices != null) {
      steps = slices
          .mapWithState(StateSpec.function(
                  (Metric counter, Optional<EventWindows.Slices> batch, State<EventWindows.State> state) ->
                      advance(clocks.get(counter.kind()), counter, batch, state))
              .partitioner(statePartitioner))
          .mapToPair(t -> t);
      steps.cache();
      increments = increments.union(steps.flatMapToPair(AnalyticsStreams::clockIncrements));
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
    // With event-time windows (the default), they raise the alerts; the arrival-time windows none.
    boolean eventTimeAlerts = config.eventWindows();
    if (steps != null && config.eventWindows()) {
      Map<Metric.Kind, Long> thresholds = new EnumMap<>(Metric.Kind.class);
      run.forEach(p -> thresholds.put(p.lateKind(), p.windowThreshold(config)));
      // The models of the logs windows live in the driver, in this closure (see WindowModels).
      WindowModels models = logs && config.anomalies()
          ? new WindowModels(config.logsWindowSeconds() * 1000L, config.anomalyMultiplier(), config.forecastBand())
          : null;
      steps.foreachRDD((rdd, time) -> {
        for (Tuple2<Metric, EventWindows.Step> t : rdd.collect()) {
          PipelineAnalytics p = PipelineAnalytics.ofLateKind(t._1().kind());
          List<Alert> alerts = writeEventWindows(batches, time.milliseconds(), p, t._2(), topN,
              thresholds.get(t._1().kind()), rule, p == PipelineAnalytics.LOGS ? models : null);
          if (publisher != null && !alerts.isEmpty()) {
            publisher.publish(alerts);
          }
        }
      });
    }
    for (PipelineAnalytics p : run) {
      Duration length = Durations.seconds(p.arrivalWindowSeconds(config));
      Duration slide = Durations.seconds(p.arrivalSlideSeconds(config));
      long lengthMs = p.arrivalWindowSeconds(config) * 1000L;
      long threshold = p.windowThreshold(config);
      String id = p.id();
      PipelineAnalytics.Streams st = streams.get(p);
      JavaPairDStream<Metric, Tally> lag = st.timed.transformToPair((rdd, time) -> Lag.metrics(rdd, time.milliseconds()));
      st.windowMetrics.union(lag).reduceByKeyAndWindow(Tally::plus, length, slide, partitions)
          .foreachRDD((rdd, time) -> {
            long end = time.milliseconds();
            Window w = p.window(rdd, end - lengthMs, end, topN, threshold, rule);
            batches.write(end, p.windowFile(), id, w.toJsonTree());
            if (p.hasAlerts() && !eventTimeAlerts) {
              List<Alert> alerts = w.alerts();
              ObjectNode json = JSON.createObjectNode();
              ArrayNode array = json.putArray("alerts");
              alerts.forEach(a -> array.add(a.toJsonTree()));
              batches.write(end, p.alertsFile(), id, json);
              if (publisher != null) {
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
      Optional<EventWindows.Slices> batch, State<EventWindows.State> state) {
    EventWindows.State s = state.exists() ? state.get() : new EventWindows.State();
    EventWindows.Step step = clock.advance(s, batch.isPresent() ? batch.get() : new EventWindows.Slices());
    state.update(s);
    return new Tuple2<>(counter, step);
  }

  /** A step's additions to the running totals: its late counter and its far-future counter. */
  private static java.util.Iterator<Tuple2<Metric, Tally>> clockIncrements(Tuple2<Metric, EventWindows.Step> t) {
    List<Tuple2<Metric, Tally>> out = new ArrayList<>(2);
    long late = t._2().late();
    if (late > 0) {
      out.add(new Tuple2<>(t._1(), Tally.count(late)));
    }
    long future = t._2().future();
    if (future > 0) {
      out.add(new Tuple2<>(Metric.of(PipelineAnalytics.ofLateKind(t._1().kind()).futureKind()), Tally.count(future)));
    }
    return out.iterator();
  }

  /**
   * The hours of the far-future events of {@code timed} (see {@link EventWindows#isFuture}) taken back
   * out of the pipeline's hourly series: {@code (Metric(hourKind, hour), Tally.uncount(1))} each.
   */
  static org.apache.spark.api.java.JavaPairRDD<Metric, Tally> futureHours(
      org.apache.spark.api.java.JavaRDD<EventRecord> timed, PipelineAnalytics p, EventWindows clock, long batchMs) {
    Metric.Kind hour = p.hourKind();
    return timed.filter(e -> e.timestampMs() != EventRecord.NO_TIME && clock.isFuture(e.timestampMs(), batchMs))
        .mapToPair(e -> new Tuple2<>(Metric.of(hour, Analytics.hourOf(e.timestampMs())), Tally.uncount(1)));
  }

  /**
   * A batch's slices of one pipeline for {@link EventWindows}, keyed by its late counter and
   * partitioned by {@code partitioner} (the state's): the batch's tick ({@link EventWindows.Slice#tick},
   * so that the state runs every batch), each event time of {@code timed} with its count, and the
   * metrics of each pane ({@link PipelineAnalytics#windowContributions}) summed per pane and metric,
   * (with {@code clientFeatures} also those of {@link ClientFeatures#contribute}),
   * unless not {@code windowed} (then only the tick and the times: the clock and the late counter).
   * Events without an event time are in neither; far-future ones ({@link EventWindows#isFuture}) are
   * in the times only (where they are counted as future). One pass over the events: each partition
   * folds its events into one {@link EventWindows.Slices} and one shuffle, combined map side, merges
   * them and the tick into the state's partition; a partition without a timed event sends nothing.
   */
  static org.apache.spark.api.java.JavaPairRDD<Metric, EventWindows.Slices> slices(
      org.apache.spark.api.java.JavaRDD<EventRecord> timed, PipelineAnalytics p, EventWindows clock, boolean windowed,
      boolean clientFeatures, long batchMs, Partitioner partitioner) {
    Metric key = Metric.of(p.lateKind());
    org.apache.spark.api.java.JavaPairRDD<Metric, EventWindows.Slices> folded = timed.mapPartitionsToPair(events -> {
      EventWindows.Slices batch = new EventWindows.Slices();
      while (events.hasNext()) {
        EventRecord e = events.next();
        long time = e.timestampMs();
        if (time == EventRecord.NO_TIME) {
          continue;
        }
        batch.addTime(time, 1);
        if (windowed && !clock.isFuture(time, batchMs)) {
          long pane = clock.paneOf(time);
          p.windowContributions(e).forEachRemaining(m -> batch.addPane(pane, m._1(), m._2()));
          if (clientFeatures) {
            ClientFeatures.contribute(e, (m, t) -> batch.addPane(pane, m, t));
          }
        }
      }
      return (batch.isEmpty() ? List.<Tuple2<Metric, EventWindows.Slices>>of() : List.of(new Tuple2<>(key, batch)))
          .iterator();
    });
    org.apache.spark.api.java.JavaPairRDD<Metric, EventWindows.Slices> tick =
        org.apache.spark.api.java.JavaSparkContext.fromSparkContext(timed.context())
            .parallelizePairs(List.of(new Tuple2<>(key, new EventWindows.Slices().addTick(batchMs))), 1);
    return folded.union(tick).reduceByKey(partitioner, EventWindows.Slices::plus);
  }

  /**
   * Writes the event-time windows one batch closed for {@code p}, with their alerts, as
   * {@code <pipeline>-event-windows.json}: {@code {"watermark": ms, "idleFlush": bool, "windows": [...], "alerts": [...]}},
   * each window as in {@code <pipeline>-window.json} with {@code windowStart}/{@code windowEnd} in
   * event time; a logs window the anomaly models see ({@code models} not null) also has
   * {@code anomalousClients} and {@code forecast}, and its alerts theirs ({@link AnomalyWindows}).
   * Nothing when the batch closed none. Returns the alerts.
   */
  private static List<Alert> writeEventWindows(BatchOutputs batches, long batchMs, PipelineAnalytics p,
      EventWindows.Step step, int topN, long threshold, ErrorRateRule rule, WindowModels models) {
    List<Alert> raised = new ArrayList<>();
    if (step.closed().isEmpty()) {
      return raised;
    }
    ObjectNode json = JSON.createObjectNode();
    json.put("watermark", step.watermarkMs());
    json.put("idleFlush", step.flushed());
    ArrayNode windows = json.putArray("windows");
    ArrayNode alerts = json.putArray("alerts");
    for (EventWindows.Closed c : step.closed()) {
      Window w = Window.of(p, c.metrics(), c.startMs(), c.endMs(), topN, threshold, rule);
      ObjectNode window = w.toJsonTree();
      List<Alert> windowAlerts = new ArrayList<>(p.hasAlerts() ? w.alerts() : List.of());
      if (models != null && models.sees(c.startMs())) {
        windowAlerts.addAll(AnomalyWindows.judge(models, c.startMs(), c.endMs(), c.metrics(), w.totals().logsParsed(),
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

  /** The running total plus a batch's increments; a total whose count comes to 0 is dropped ({@link Tally#uncount}). */
  private static Optional<Tally> addUp(List<Tally> increments, Optional<Tally> total) {
    Tally sum = total.orNull();
    for (Tally t : increments) {
      sum = sum == null ? t : sum.plus(t);
    }
    return sum == null || sum.count() == 0 ? Optional.empty() : Optional.of(sum);
  }
}
