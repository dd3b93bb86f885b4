package io.sluice.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spark.Summary.Ranked;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;

/**
 * The access-log analytics of one window: what arrived (was first seen) in the window's interval
 * of batch times. Immutable.
 *
 * <p>JSON shape ({@code logs-window.json} in a batch directory):
 * <pre>
 * {"windowStart": ms, "windowEnd": ms, "windowSeconds": 30,
 *  "requests": n, "rejected": n, "requestsPerSecond": x, "serverErrors": n, "errorRate": r,
 *  "statusCounts": {"200": n, ...},
 *  "topEndpoints": [{"endpoint": "/path", "count": n}, ...],
 *  "contentSize": {"min": a, "max": b, "avg": c},
 *  "heavyClients": {"threshold": N, "count": k, "clients": [{"clientIp": "1.2.3.4", "requests": n}, ...]},
 *  "alertRule": {"threshold": 0.05, "minRequests": 20}}
 * </pre>
 * {@code requests} counts parsed lines, {@code rejected} rejected ones; {@code errorRate} is
 * {@code serverErrors / requests} (5xx share, 0 without requests); {@code heavyClients} lists the
 * clients with more than {@code threshold} requests in the window, most first, at most
 * {@value #HEAVY_CLIENTS_LISTED} ({@code count} is how many there are in all). Times are epoch
 * milliseconds, {@code windowEnd} (exclusive) is the batch time that closed the window.
 * {@code alertRule} is the {@link ErrorRateRule} the window was judged by.
 */
public final class LogWindow {

  /** Most heavy clients listed in one window. */
  public static final int HEAVY_CLIENTS_LISTED = 100;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final long startMs;
  private final long endMs;
  private final Summary totals;
  private final long heavyThreshold;
  private final long heavyCount;
  private final List<Ranked> heavyClients;
  private final int topN;
  private final ErrorRateRule rule;

  private LogWindow(long startMs, long endMs, Summary totals, long heavyThreshold, long heavyCount,
      List<Ranked> heavyClients, int topN, ErrorRateRule rule) {
    this.startMs = startMs;
    this.endMs = endMs;
    this.totals = totals;
    this.heavyThreshold = heavyThreshold;
    this.heavyCount = heavyCount;
    this.heavyClients = List.copyOf(heavyClients);
    this.topN = topN;
    this.rule = rule;
  }

  /** Collects one window from its metrics ({@link Analytics#logWindowMetrics}), in one Spark job. */
  public static LogWindow of(JavaPairRDD<Metric, Tally> windowMetrics, long startMs, long endMs, int topN,
      long heavyThreshold, ErrorRateRule rule) {
    Analytics.Collected c = Analytics.collect(windowMetrics, topN, heavyThreshold);
    return new LogWindow(startMs, endMs, c.summary(), heavyThreshold, c.heavyCount(), c.top(Metric.Kind.LOGS_CLIENT),
        topN, rule);
  }

  public long startMs() {
    return startMs;
  }

  public long endMs() {
    return endMs;
  }

  /** The window's counts, in the shape of running totals. */
  public Summary totals() {
    return totals;
  }

  public long heavyClientCount() {
    return heavyCount;
  }

  public List<Ranked> heavyClients() {
    return heavyClients;
  }

  /**
   * The error-rate alert of this window: one {@link Alert} when the rule fires on its parsed
   * requests and 5xx responses, else none (the same as {@link Analytics#errorRateAlerts} on the
   * window's metrics, without another Spark job).
   */
  public List<Alert> alerts() {
    long requests = totals.logsParsed();
    long errors = totals.serverErrors();
    return rule.fires(requests, errors) ? List.of(new Alert(startMs, endMs, requests, errors, rule)) : List.of();
  }

  public ObjectNode toJsonTree() {
    ObjectNode w = JSON.createObjectNode();
    w.put("windowStart", startMs);
    w.put("windowEnd", endMs);
    double seconds = (endMs - startMs) / 1000.0;
    w.put("windowSeconds", seconds);
    w.put("requests", totals.logsParsed());
    w.put("rejected", totals.logsRejected());
    w.put("requestsPerSecond", seconds > 0 ? totals.logsParsed() / seconds : 0.0);
    w.put("serverErrors", totals.serverErrors());
    w.put("errorRate", totals.errorRate());
    ObjectNode full = totals.logsTotalsJson(topN);
    w.set("statusCounts", full.get("statusCounts"));
    w.set("topEndpoints", full.get("topEndpoints"));
    w.set("contentSize", full.get("contentSize"));
    ObjectNode heavy = w.putObject("heavyClients");
    heavy.put("threshold", heavyThreshold);
    heavy.put("count", heavyCount);
    ArrayNode clients = heavy.putArray("clients");
    for (Ranked r : heavyClients) {
      clients.addObject().put("clientIp", r.key()).put("requests", r.count());
    }
    w.putObject("alertRule").put("threshold", rule.threshold()).put("minRequests", rule.minRequests());
    return w;
  }
}
