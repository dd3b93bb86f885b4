package io.sluice.spark.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.contract.Pipeline;
import io.sluice.spark.input.EventRecord;
import io.sluice.spark.job.AnalyticsJobConfig;
import io.sluice.spark.output.BatchOutputs;
import io.sluice.spark.output.Summary.Ranked;
import io.sluice.spark.output.Summary;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.Optional;
import org.apache.spark.streaming.Duration;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.State;
import org.apache.spark.streaming.StateSpec;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.api.java.JavaMapWithStateDStream;
import org.apache.spark.streaming.api.java.JavaPairDStream;

/**
 * What the job does for each {@link Pipeline} (logs, tweets, syslog), said once per pipeline: the streams its windows and
 * running totals add to the graph ({@link AnalyticsStreams} iterates over the pipelines of the
 * run), its window ({@code <id>-window.json}), its section of {@code summary.json}, its running
 * totals file ({@link Pipeline#totalsFile()}) and its section of the report
 * ({@link io.sluice.spark.report.ReportData}).
 */
public enum PipelineAnalytics {

  /** Access logs: status counts, endpoints, content size, heavy clients, the error-rate alert, sessions. */
  LOGS(Pipeline.LOGS, BatchOutputs.LOGS_WINDOW, BatchOutputs.ALERTS) {
    @Override
    Streams streams(JavaDStream<EventRecord> distinct, JavaPairDStream<Metric, Tally> batchMetrics,
        AnalyticsJobConfig config, int partitions, Duration horizon) {
      long gapMs = config.sessionGapSeconds() * 1000L;
      JavaMapWithStateDStream<String, long[], Sessions.Session, Sessions.Step> steps = distinct
          .transformToPair(Analytics::requestTimesByClient)
          .mapWithState(StateSpec.function(
                  (String ip, Optional<long[]> times, State<Sessions.Session> state) ->
                      Sessions.track(gapMs, ip, times, state))
              .numPartitions(partitions)
              .timeout(Durations.milliseconds(gapMs)));
      return new Streams(steps.flatMapToPair(step -> Analytics.sessionStepContributions(step, false)),
          steps.stateSnapshots().transformToPair(Analytics::openSessionMetrics),
          batchMetrics.filter(t -> Analytics.isLogsWindowKind(t._1().kind())),
          distinct.filter(EventRecord::isParsedLog));
    }

    @Override
    int windowSeconds(AnalyticsJobConfig config) {
      return config.logsWindowSeconds();
    }

    @Override
    Metric.Kind lateKind() {
      return Metric.Kind.LOGS_LATE;
    }

    @Override
    Metric.Kind futureKind() {
      return Metric.Kind.LOGS_FUTURE;
    }

    @Override
    Metric.Kind hourKind() {
      return Metric.Kind.LOGS_HOUR;
    }

    @Override
    java.util.Iterator<scala.Tuple2<Metric, Tally>> windowContributions(EventRecord e) {
      return filtered(Analytics.logWindowContributions(e), true);
    }

    @Override
    int slideSeconds(AnalyticsJobConfig config) {
      return config.logsSlideSeconds();
    }

    @Override
    long windowThreshold(AnalyticsJobConfig config) {
      return config.heavyClientRequests();
    }

    @Override
    Window window(JavaPairRDD<Metric, Tally> windowMetrics, long startMs, long endMs, int topN, long threshold,
        ErrorRateRule rule) {
      return Window.logs(windowMetrics, startMs, endMs, topN, threshold, rule);
    }

    @Override
    void putWindow(Window w, ObjectNode json) {
      Summary totals = w.totals();
      double seconds = w.seconds();
      json.put("requests", totals.logsParsed());
      json.put("rejected", totals.logsRejected());
      json.put("requestsPerSecond", seconds > 0 ? totals.logsParsed() / seconds : 0.0);
      json.put("serverErrors", totals.serverErrors());
      json.put("errorRate", totals.errorRate());
      Summary.putCounts(json.putObject("statusCounts"), totals.statusCounts());
      Summary.putRanked(json.putArray("topEndpoints"), "endpoint", totals.topEndpoints(), w.topN());
      putContentSize(json, totals);
      ObjectNode heavy = json.putObject("heavyClients");
      heavy.put("threshold", w.heavyThreshold());
      heavy.put("count", w.heavyClientCount());
      ArrayNode clients = heavy.putArray("clients");
      for (Ranked r : w.heavyClients()) {
        clients.addObject().put("clientIp", r.key()).put("requests", r.count());
      }
      ErrorRateRule rule = w.rule();
      json.putObject("alertRule").put("threshold", rule.threshold()).put("minRequests", rule.minRequests());
    }

    /**
     * <pre>
     * {"lines": N, "parsed": P, "rejected": R,
     *  ("serverErrors": n, "errorRate": r,)                                   totals file only
     *  "statusCounts": {"200": n, "404": n, ...},
     *  "topEndpoints": [{"endpoint": "/path", "count": n}, ...],
     *  "contentSize": {"min": a, "max": b, "avg": c},
     *  "requestsPerHour": {"2015-05-17T10:00:00Z": n, ...}, "late": L, "future": F
     *  (, "sessions": {"count": n, "open": n, "meanRequests": x, "meanDurationSeconds": x,
     *                  "unsessionized": n})                                   totals file only
     * }
     * </pre>
     */
    @Override
    void putTotals(Summary s, int topN, boolean totalsFile, ObjectNode json) {
      json.put("lines", s.logLines());
      json.put("parsed", s.logsParsed());
      json.put("rejected", s.logsRejected());
      if (totalsFile) {
        json.put("serverErrors", s.serverErrors());
        json.put("errorRate", s.errorRate());
      }
      Summary.putCounts(json.putObject("statusCounts"), s.statusCounts());
      Summary.putRanked(json.putArray("topEndpoints"), "endpoint", s.topEndpoints(), topN);
      putContentSize(json, s);
      Summary.putCounts(json.putObject("requestsPerHour"), s.requestsPerHour());
      json.put("late", s.logsLate());
      json.put("future", s.logsFuture());
      if (totalsFile) {
        ObjectNode sessions = json.putObject("sessions");
        sessions.put("count", s.sessions());
        sessions.put("open", s.openSessions());
        sessions.put("meanRequests", s.sessionMeanRequests());
        sessions.put("meanDurationSeconds", s.sessionMeanDurationSeconds());
        sessions.put("unsessionized", s.unsessionized());
      }
    }

    private void putContentSize(ObjectNode json, Summary s) {
      ObjectNode size = json.putObject("contentSize");
      size.put("min", s.contentSizeMin());
      size.put("max", s.contentSizeMax());
      size.put("avg", s.contentSizeAvg());
    }
  },

  /**
   * Social posts of any platform (Twitter v1.1, X API v2, Bluesky Jetstream, live or replayed):
   * records, posts, not-posts by kind and rejects; distinct tweets (by tweet id) by platform,
   * hashtags, languages, mentions.
   */
  TWEETS(Pipeline.TWEETS, BatchOutputs.TWEETS_WINDOW, null) {
    @Override
    Streams streams(JavaDStream<EventRecord> distinct, JavaPairDStream<Metric, Tally> batchMetrics,
        AnalyticsJobConfig config, int partitions, Duration horizon) {
      JavaDStream<EventRecord> distinctTweets =
          AnalyticsStreams.firstSeen(distinct.transformToPair(Analytics::parsedTweetsById), partitions, horizon);
      JavaPairDStream<Metric, Tally> tweetMetrics = distinctTweets.transformToPair(Analytics::tweetMetrics);
      tweetMetrics.cache();
      return new Streams(tweetMetrics, null, tweetMetrics, distinctTweets);
    }

    @Override
    int windowSeconds(AnalyticsJobConfig config) {
      return config.tweetsWindowSeconds();
    }

    @Override
    Metric.Kind lateKind() {
      return Metric.Kind.TWEETS_LATE;
    }

    @Override
    Metric.Kind futureKind() {
      return Metric.Kind.TWEETS_FUTURE;
    }

    @Override
    Metric.Kind hourKind() {
      return Metric.Kind.TWEETS_HOUR;
    }

    @Override
    java.util.Iterator<scala.Tuple2<Metric, Tally>> windowContributions(EventRecord e) {
      return Analytics.tweetContributions(e);
    }

    @Override
    int slideSeconds(AnalyticsJobConfig config) {
      return config.tweetsSlideSeconds();
    }

    @Override
    long windowThreshold(AnalyticsJobConfig config) {
      return 0;
    }

    @Override
    Window window(JavaPairRDD<Metric, Tally> windowMetrics, long startMs, long endMs, int topN, long threshold,
        ErrorRateRule rule) {
      return Window.tweets(windowMetrics, startMs, endMs, topN);
    }

    @Override
    void putWindow(Window w, ObjectNode json) {
      Summary totals = w.totals();
      double seconds = w.seconds();
      json.put("tweets", totals.tweets());
      json.put("tweetsPerSecond", seconds > 0 ? totals.tweets() / seconds : 0.0);
      Summary.putCounts(json.putObject("platforms"), totals.platforms());
      Summary.putRanked(json.putArray("topHashtags"), "hashtag", totals.topHashtags(), w.topN());
      Summary.putCounts(json.putObject("languages"), totals.languages());
      Summary.putRanked(json.putArray("topMentions"), "user", totals.topMentions(), w.topN());
    }

    /**
     * <pre>
     * {"records": N, "posts": P, "notPosts": {"like": n, ...}, "rejected": R,
     *  "tweets": T, "platforms": {"BLUESKY_JETSTREAM": n, ...},
     *  "topHashtags": [{"hashtag": "tag", "count": n}, ...],
     *  "languages": {"en": n, "und": n, ...},
     *  "postsPerHour": {"2013-...T..:00:00Z": n, ...}, "late": L, "future": F
     *  (, "topMentions": [{"user": "name", "count": n}, ...])                totals file only
     * }
     * </pre>
     */
    @Override
    void putTotals(Summary s, int topN, boolean totalsFile, ObjectNode json) {
      json.put("records", s.tweetRecords());
      json.put("posts", s.tweetPosts());
      Summary.putCounts(json.putObject("notPosts"), s.notPosts());
      json.put("rejected", s.tweetsRejected());
      json.put("tweets", s.tweets());
      Summary.putCounts(json.putObject("platforms"), s.platforms());
      Summary.putRanked(json.putArray("topHashtags"), "hashtag", s.topHashtags(), topN);
      Summary.putCounts(json.putObject("languages"), s.languages());
      Summary.putCounts(json.putObject("postsPerHour"), s.postsPerHour());
      json.put("late", s.tweetsLate());
      json.put("future", s.tweetsFuture());
      if (totalsFile) {
        Summary.putRanked(json.putArray("topMentions"), "user", s.topMentions(), topN);
      }
    }
  },

  /**
   * Syslog lines: counts per host and per program, authentication failures and their source
   * addresses, the brute-force alert. The running counts per host, program and address are keyed
   * state that expires after {@code --syslog-key-idle-seconds} without a line of that key.
   */
  SYSLOG(Pipeline.SYSLOG, BatchOutputs.SYSLOG_WINDOW, BatchOutputs.SYSLOG_ALERTS) {
    @Override
    Streams streams(JavaDStream<EventRecord> distinct, JavaPairDStream<Metric, Tally> batchMetrics,
        AnalyticsJobConfig config, int partitions, Duration horizon) {
      // The counters (lines, parsed, rejected, failures) are running totals like every pipeline's;
      // the breakdowns by key are kept here, each key until it has been idle for the timeout.
      JavaPairDStream<Metric, Tally> keyed = batchMetrics.filter(t -> Analytics.isExpiringTotalKind(t._1().kind()));
      JavaMapWithStateDStream<Metric, Tally, Tally, Tally> counts = keyed.mapWithState(
          StateSpec.function(PipelineAnalytics::countWhileSeen)
              .numPartitions(partitions)
              .timeout(Durations.seconds(config.syslogKeyIdleSeconds())));
      return new Streams(null, counts.stateSnapshots(),
          batchMetrics.filter(t -> Analytics.isSyslogWindowKind(t._1().kind())),
          distinct.filter(e -> e.isSyslog() && !e.isRejected()));
    }

    @Override
    int windowSeconds(AnalyticsJobConfig config) {
      return config.syslogWindowSeconds();
    }

    @Override
    Metric.Kind lateKind() {
      return Metric.Kind.SYSLOG_LATE;
    }

    @Override
    Metric.Kind futureKind() {
      return Metric.Kind.SYSLOG_FUTURE;
    }

    @Override
    Metric.Kind hourKind() {
      return Metric.Kind.SYSLOG_HOUR;
    }

    @Override
    java.util.Iterator<scala.Tuple2<Metric, Tally>> windowContributions(EventRecord e) {
      return filtered(Analytics.eventContributions(e), false);
    }

    @Override
    int slideSeconds(AnalyticsJobConfig config) {
      return config.syslogSlideSeconds();
    }

    @Override
    long windowThreshold(AnalyticsJobConfig config) {
      return config.bruteForceThreshold();
    }

    @Override
    Window window(JavaPairRDD<Metric, Tally> windowMetrics, long startMs, long endMs, int topN, long threshold,
        ErrorRateRule rule) {
      return Window.syslog(windowMetrics, startMs, endMs, topN, threshold);
    }

    @Override
    void putWindow(Window w, ObjectNode json) {
      Summary totals = w.totals();
      double seconds = w.seconds();
      putCounts(json, totals, w.topN());
      json.put("linesPerSecond", seconds > 0 ? totals.syslogParsed() / seconds : 0.0);
      ObjectNode bruteForce = json.putObject("bruteForce");
      bruteForce.put("threshold", w.bruteForceThreshold());
      bruteForce.put("count", w.bruteForceSourceCount());
      ArrayNode sources = bruteForce.putArray("sources");
      for (Ranked r : w.bruteForceSources()) {
        sources.addObject().put("ip", r.key()).put("failures", r.count());
      }
    }

    /**
     * <pre>
     * {"lines": N, "parsed": P, "rejected": R,
     *  "topHosts": [{"host": "h", "count": n}, ...],
     *  "topPrograms": [{"program": "sshd", "count": n}, ...],
     *  "authFailures": F,
     *  "topAuthFailureSources": [{"ip": "a.b.c.d", "count": n}, ...],
     *  "linesPerHour": {"2017-03-29T23:00:00Z": n, ...}, "late": L, "future": F}
     * </pre>
     * The same fields in the totals file.
     */
    @Override
    void putTotals(Summary s, int topN, boolean totalsFile, ObjectNode json) {
      putCounts(json, s, topN);
      Summary.putCounts(json.putObject("linesPerHour"), s.linesPerHour());
      json.put("late", s.syslogLate());
      json.put("future", s.syslogFuture());
    }

    private void putCounts(ObjectNode json, Summary s, int topN) {
      json.put("lines", s.syslogLines());
      json.put("parsed", s.syslogParsed());
      json.put("rejected", s.syslogRejected());
      Summary.putRanked(json.putArray("topHosts"), "host", s.topHosts(), topN);
      Summary.putRanked(json.putArray("topPrograms"), "program", s.topPrograms(), topN);
      json.put("authFailures", s.authFailures());
      Summary.putRanked(json.putArray("topAuthFailureSources"), "ip", s.topAuthFailureSources(), topN);
    }
  };

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The logs ({@code logs}) or syslog window kinds among {@code all}. */
  private static java.util.Iterator<scala.Tuple2<Metric, Tally>> filtered(
      java.util.Iterator<scala.Tuple2<Metric, Tally>> all, boolean logs) {
    List<scala.Tuple2<Metric, Tally>> out = new ArrayList<>();
    all.forEachRemaining(t -> {
      if (logs ? Analytics.isLogsWindowKind(t._1().kind()) : Analytics.isSyslogWindowKind(t._1().kind())) {
        out.add(t);
      }
    });
    return out.iterator();
  }

  /**
   * A running count that lives while its key is seen: the batch's count added to the state; a key
   * that has not been seen for the state's timeout is removed by Spark (then nothing is updated).
   */
  private static Tally countWhileSeen(Metric key, Optional<Tally> batch, State<Tally> state) {
    if (state.isTimingOut() || !batch.isPresent()) {
      return null;
    }
    Tally sum = state.exists() ? state.get().plus(batch.get()) : batch.get();
    state.update(sum);
    return sum;
  }

  private final Pipeline pipeline;
  private final String windowFile;
  private final String alertsFile;

  PipelineAnalytics(Pipeline pipeline, String windowFile, String alertsFile) {
    this.pipeline = pipeline;
    this.windowFile = windowFile;
    this.alertsFile = alertsFile;
  }

  /** The streams a pipeline adds to the graph. */
  static final class Streams {
    /** Added to the running totals (the per-batch metrics of every event are already there), or null. */
    final JavaPairDStream<Metric, Tally> increments;
    /** Added to the reported totals each batch, not accumulated (open sessions), or null. */
    final JavaPairDStream<Metric, Tally> current;
    /** The per-batch metrics the pipeline's windows add up. */
    final JavaPairDStream<Metric, Tally> windowMetrics;
    /**
     * What the hourly series, the event clock and the event-time windows count: parsed log lines,
     * distinct tweets, parsed syslog lines (each batch's first deliveries).
     */
    final JavaDStream<EventRecord> timed;

    Streams(JavaPairDStream<Metric, Tally> increments, JavaPairDStream<Metric, Tally> current,
        JavaPairDStream<Metric, Tally> windowMetrics, JavaDStream<EventRecord> timed) {
      this.increments = increments;
      this.current = current;
      this.windowMetrics = windowMetrics;
      this.timed = timed;
    }
  }

  public Pipeline pipeline() {
    return pipeline;
  }

  /** The pipeline's id: its section in {@code summary.json} and the report. */
  public String id() {
    return pipeline.id();
  }

  /** The window file in a batch directory, e.g. {@code logs-window.json}. */
  public String windowFile() {
    return windowFile;
  }

  /**
   * The alerts file in a batch directory, e.g. {@code alerts.json} (logs), {@code syslog-alerts.json};
   * null for a pipeline without alerts.
   */
  public String alertsFile() {
    return alertsFile;
  }

  /**
   * Whether the pipeline's windows raise alerts ({@code --alerts-topic}; {@link #alertsFile()} with
   * {@code --window-time arrival}, the event-time windows file with {@code event}).
   */
  public boolean hasAlerts() {
    return alertsFile != null;
  }

  /** The running totals file in a batch directory: {@link Pipeline#totalsFile()}. */
  public String totalsFile() {
    return pipeline.totalsFile();
  }

  /** The analytics of {@code pipeline}. */
  public static PipelineAnalytics of(Pipeline pipeline) {
    return valueOf(pipeline.name());
  }

  /** The pipeline whose late counter is {@code lateKind}. */
  static PipelineAnalytics ofLateKind(Metric.Kind lateKind) {
    for (PipelineAnalytics p : values()) {
      if (p.lateKind() == lateKind) {
        return p;
      }
    }
    throw new IllegalArgumentException("not a late counter: " + lateKind);
  }

  /** The pipelines a job with {@code config} analyses, in {@link Pipeline} order. */
  public static List<PipelineAnalytics> of(AnalyticsJobConfig config) {
    List<PipelineAnalytics> run = new ArrayList<>(3);
    if (config.pipelines().logs()) {
      run.add(LOGS);
    }
    if (config.pipelines().tweets()) {
      run.add(TWEETS);
    }
    if (config.pipelines().syslog()) {
      run.add(SYSLOG);
    }
    return run;
  }

  /**
   * Adds the pipeline's streams to the graph.
   *
   * @param distinct the distinct events of every pipeline
   * @param batchMetrics their per-batch metrics ({@link Analytics#batchMetrics})
   */
  abstract Streams streams(JavaDStream<EventRecord> distinct, JavaPairDStream<Metric, Tally> batchMetrics,
      AnalyticsJobConfig config, int partitions, Duration horizon);

  abstract int windowSeconds(AnalyticsJobConfig config);

  /** The late counter of the pipeline ({@code LOGS_LATE}, ...), also the key of its event-time state. */
  abstract Metric.Kind lateKind();

  /** The pipeline's far-future counter ({@code LOGS_FUTURE}, ...), see {@link EventWindows}. */
  abstract Metric.Kind futureKind();

  /** The pipeline's hourly series ({@code LOGS_HOUR}, ...). */
  abstract Metric.Kind hourKind();

  /**
   * The metrics one event of {@link Streams#timed} adds to an event-time window: the kinds of the
   * pipeline's arrival-time window ({@link Analytics#isLogsWindowKind}, the tweet metrics,
   * {@link Analytics#isSyslogWindowKind}).
   */
  abstract java.util.Iterator<scala.Tuple2<Metric, Tally>> windowContributions(EventRecord e);

  /** The event-time windows file of a batch directory: {@code <id>-event-windows.json}. */
  public String eventWindowsFile() {
    return id() + BatchOutputs.EVENT_WINDOWS_SUFFIX;
  }

  abstract int slideSeconds(AnalyticsJobConfig config);

  /**
   * Length of the pipeline's arrival-time window in seconds: {@code --arrival-window-seconds} with
   * {@code --window-time event} (the pipeline's own window is then on event time), else its own.
   */
  int arrivalWindowSeconds(AnalyticsJobConfig config) {
    return config.eventWindows() ? config.arrivalWindowSeconds() : windowSeconds(config);
  }

  /** Slide of the pipeline's arrival-time window in seconds, as {@link #arrivalWindowSeconds}. */
  int arrivalSlideSeconds(AnalyticsJobConfig config) {
    return config.eventWindows() ? config.arrivalSlideSeconds() : slideSeconds(config);
  }

  /**
   * The count above which a key of a window is flagged: logs, requests of a heavy client
   * ({@code --heavy-client-requests}); syslog, failures of a brute-force source
   * ({@code --brute-force-threshold}); tweets, none (0).
   */
  abstract long windowThreshold(AnalyticsJobConfig config);

  /**
   * Collects one window from its metrics, in one Spark job ({@code threshold}: see
   * {@link #windowThreshold}; {@code rule}: logs only).
   */
  abstract Window window(JavaPairRDD<Metric, Tally> windowMetrics, long startMs, long endMs, int topN,
      long threshold, ErrorRateRule rule);

  /** The fields of the window file after {@code windowStart}, {@code windowEnd}, {@code windowSeconds}. */
  abstract void putWindow(Window w, ObjectNode json);

  /** The pipeline's running totals: its {@code summary.json} section, or with more, its totals file. */
  abstract void putTotals(Summary s, int topN, boolean totalsFile, ObjectNode json);

  /** The pipeline's section of {@code summary.json}: top lists of {@link Analytics#TOP_N}. */
  public ObjectNode summarySection(Summary s) {
    ObjectNode json = JSON.createObjectNode();
    putTotals(s, Analytics.TOP_N, false, json);
    return json;
  }

  /** The running totals file of a batch directory ({@link #totalsFile()}), top lists of {@code topN}. */
  public ObjectNode totalsJson(Summary s, int topN) {
    ObjectNode json = JSON.createObjectNode();
    putTotals(s, topN, true, json);
    return json;
  }

  /** How much a {@code summary.json} section counted: its {@link Pipeline#countField()}. */
  public long count(JsonNode summarySection) {
    return summarySection.path(pipeline.countField()).asLong();
  }
}
