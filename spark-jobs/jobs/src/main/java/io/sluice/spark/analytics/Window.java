package io.sluice.spark.analytics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spark.output.Summary.Ranked;
import io.sluice.spark.output.Summary;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;

/**
 * The analytics of one window of a pipeline: what arrived (was first seen) in the window's
 * interval of batch times. Immutable.
 *
 * <p>JSON shape ({@code <pipeline>-window.json} in a batch directory): the window's times, then
 * the pipeline's fields ({@link PipelineAnalytics#putWindow}):
 * <pre>
 * {"windowStart": ms, "windowEnd": ms, "windowSeconds": 30,
 *  logs:   "requests": n, "rejected": n, "requestsPerSecond": x, "serverErrors": n, "errorRate": r,
 *          "statusCounts": {"200": n, ...},
 *          "topEndpoints": [{"endpoint": "/path", "count": n}, ...],
 *          "contentSize": {"min": a, "max": b, "avg": c},
 *          "heavyClients": {"threshold": N, "count": k, "clients": [{"clientIp": "1.2.3.4", "requests": n}, ...]},
 *          "alertRule": {"threshold": 0.05, "minRequests": 20}
 *  tweets: "tweets": n, "tweetsPerSecond": x,
 *          "topHashtags": [{"hashtag": "tag", "count": n}, ...],
 *          "languages": {"en": n, ...},
 *          "topMentions": [{"user": "screen_name", "count": n}, ...]
 *  syslog: "lines": n, "parsed": n, "rejected": n, "linesPerSecond": x,
 *          "topHosts": [{"host": "h", "count": n}, ...],
 *          "topPrograms": [{"program": "sshd", "count": n}, ...],
 *          "authFailures": n,
 *          "topAuthFailureSources": [{"ip": "1.2.3.4", "count": n}, ...],
 *          "bruteForce": {"threshold": N, "count": k, "sources": [{"ip": "1.2.3.4", "failures": n}, ...]}
 *  arrival-time windows only:
 *          "lag": {"events": n, "p50Seconds": x, "p99Seconds": y, "maxSeconds": z}}
 * </pre>
 * Logs: {@code requests} counts parsed lines, {@code rejected} rejected ones; {@code errorRate} is
 * {@code serverErrors / requests} (5xx share, 0 without requests); {@code heavyClients} lists the
 * clients with more than {@code threshold} requests in the window, most first, at most
 * {@value #LISTED} ({@code count} is how many there are in all); {@code alertRule} is the
 * {@link ErrorRateRule} the window was judged by. Tweets: distinct tweets (by tweet id); hashtags
 * and mentions are lower-cased; each tweet counts once per distinct hashtag / user. Syslog:
 * {@code linesPerSecond} counts parsed lines; {@code bruteForce} lists the source addresses with
 * more than {@code threshold} authentication failures in the window, most first, at most
 * {@value #LISTED} ({@code count}: how many in all), each raising a {@link BruteForceAlert}. Times
 * are epoch milliseconds, {@code windowEnd} (exclusive) is the batch time that closed the window;
 * in an event-time window ({@link #of}, {@link EventWindows}) both bounds are event time, and
 * {@code requests}/{@code lines} count only events with an event time (rejected lines have none).
 * {@code lag}, in arrival-time windows only: how long after their event time the window's events
 * (parsed log lines, distinct tweets, parsed syslog lines with an event time) arrived, in seconds,
 * nearest-rank p50 and p99 within 1 % and the exact maximum (see {@link Lag}; only {@code events}
 * when 0). With {@code --window-time event} the arrival-time windows raise no alert: their
 * {@code heavyClients} and {@code bruteForce} lists are for information.
 */
public final class Window {

  /** Most heavy clients (logs) or brute-force sources (syslog) listed, and alerted on, in one window. */
  public static final int LISTED = 100;
  /** Most heavy clients listed in one logs window: {@link #LISTED}. */
  public static final int HEAVY_CLIENTS_LISTED = LISTED;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final PipelineAnalytics pipeline;
  private final long startMs;
  private final long endMs;
  private final Summary totals;
  private final int topN;
  private final long threshold;
  private final long overCount;
  private final List<Ranked> over;
  private final ErrorRateRule rule;
  private final Lag.Histogram lag;

  private Window(PipelineAnalytics pipeline, long startMs, long endMs, Summary totals, int topN, long threshold,
      long overCount, List<Ranked> over, ErrorRateRule rule, Lag.Histogram lag) {
    this.lag = lag;
    this.pipeline = pipeline;
    this.startMs = startMs;
    this.endMs = endMs;
    this.totals = totals;
    this.topN = topN;
    this.threshold = threshold;
    this.overCount = overCount;
    this.over = List.copyOf(over);
    this.rule = rule;
  }

  /** Collects one access-log window from its metrics ({@link Analytics#logWindowMetrics}), in one Spark job. */
  public static Window logs(JavaPairRDD<Metric, Tally> windowMetrics, long startMs, long endMs, int topN,
      long heavyThreshold, ErrorRateRule rule) {
    Analytics.Collected c = Analytics.collect(windowMetrics, topN, Metric.Kind.LOGS_CLIENT, heavyThreshold);
    return new Window(PipelineAnalytics.LOGS, startMs, endMs, c.summary(), topN, heavyThreshold, c.flaggedCount(),
        c.flagged(), rule, c.lag());
  }

  /** Collects one tweet window from its metrics ({@link Analytics#tweetMetrics} of its distinct tweets). */
  public static Window tweets(JavaPairRDD<Metric, Tally> windowMetrics, long startMs, long endMs, int topN) {
    Analytics.Collected c = Analytics.collect(windowMetrics, topN, null, Long.MAX_VALUE);
    return new Window(PipelineAnalytics.TWEETS, startMs, endMs, c.summary(), topN, 0, 0, List.of(), null, c.lag());
  }

  /**
   * Collects one syslog window from its metrics ({@link Analytics#eventMetrics} of its distinct
   * syslog lines), in one Spark job; sources with more than {@code bruteForceThreshold}
   * authentication failures are the window's brute-force sources.
   */
  public static Window syslog(JavaPairRDD<Metric, Tally> windowMetrics, long startMs, long endMs, int topN,
      long bruteForceThreshold) {
    Analytics.Collected c = Analytics.collect(windowMetrics, topN, Metric.Kind.SYSLOG_AUTH_SOURCE, bruteForceThreshold);
    return new Window(PipelineAnalytics.SYSLOG, startMs, endMs, c.summary(), topN, bruteForceThreshold,
        c.flaggedCount(), c.flagged(), null, c.lag());
  }

  /**
   * One window of {@code pipeline} from metrics held on the driver, such as an event-time window
   * closed by {@link EventWindows}; no Spark job. {@code threshold}: heavy clients (logs) or
   * brute-force sources (syslog), ignored for tweets; {@code rule}: logs only.
   */
  public static Window of(PipelineAnalytics pipeline, Iterable<scala.Tuple2<Metric, Tally>> metrics, long startMs,
      long endMs, int topN, long threshold, ErrorRateRule rule) {
    Metric.Kind flagged = pipeline == PipelineAnalytics.LOGS ? Metric.Kind.LOGS_CLIENT
        : pipeline == PipelineAnalytics.SYSLOG ? Metric.Kind.SYSLOG_AUTH_SOURCE : null;
    Analytics.Collected c = new Analytics.Collected(topN, flagged, flagged == null ? Long.MAX_VALUE : threshold);
    metrics.forEach(c::add);
    return new Window(pipeline, startMs, endMs, c.summary(), topN, flagged == null ? 0 : threshold,
        c.flaggedCount(), c.flagged(), pipeline == PipelineAnalytics.LOGS ? rule : null, null);
  }

  public PipelineAnalytics pipeline() {
    return pipeline;
  }

  public long startMs() {
    return startMs;
  }

  public long endMs() {
    return endMs;
  }

  /** The window's length in seconds. */
  public double seconds() {
    return (endMs - startMs) / 1000.0;
  }

  /** The window's counts, in the shape of running totals. */
  public Summary totals() {
    return totals;
  }

  /** Length of the window's top lists. */
  public int topN() {
    return topN;
  }

  /** Logs: requests above which a client is heavy. */
  public long heavyThreshold() {
    return threshold;
  }

  public long heavyClientCount() {
    return overCount;
  }

  public List<Ranked> heavyClients() {
    return over;
  }

  /** Syslog: authentication failures above which a source address raises a brute-force alert. */
  public long bruteForceThreshold() {
    return threshold;
  }

  /** Syslog: how many source addresses are above {@link #bruteForceThreshold()}, listed or not. */
  public long bruteForceSourceCount() {
    return overCount;
  }

  /** Syslog: the source addresses above {@link #bruteForceThreshold()}, most failures first, at most {@value #LISTED}. */
  public List<Ranked> bruteForceSources() {
    return over;
  }

  /**
   * The arrival lag of the window's events ({@link Lag}); null for an event-time window
   * ({@link #of}), which has none.
   */
  public Lag.Histogram lag() {
    return lag;
  }

  /** Logs: the error-rate rule the window is judged by; null for other pipelines. */
  public ErrorRateRule rule() {
    return rule;
  }

  /**
   * The alerts of this window, computed from what the window already collected (no other Spark
   * job). Logs: one {@link ErrorRateAlert} when the rule fires on its parsed requests and 5xx
   * responses (the same as {@link Analytics#errorRateAlerts} on the window's metrics), else none.
   * Syslog: one {@link BruteForceAlert} per listed brute-force source. Tweets: none.
   */
  public List<Alert> alerts() {
    if (pipeline == PipelineAnalytics.SYSLOG) {
      List<Alert> alerts = new ArrayList<>(over.size());
      for (Ranked r : over) {
        alerts.add(new BruteForceAlert(startMs, endMs, r.key(), r.count(), threshold));
      }
      return alerts;
    }
    if (rule == null) {
      return List.of();
    }
    long requests = totals.logsParsed();
    long errors = totals.serverErrors();
    return rule.fires(requests, errors)
        ? List.of(new ErrorRateAlert(startMs, endMs, requests, errors, rule)) : List.of();
  }

  public ObjectNode toJsonTree() {
    ObjectNode w = JSON.createObjectNode();
    w.put("windowStart", startMs);
    w.put("windowEnd", endMs);
    w.put("windowSeconds", seconds());
    pipeline.putWindow(this, w);
    if (lag != null) {
      lag.put(w.putObject("lag"));
    }
    return w;
  }
}
