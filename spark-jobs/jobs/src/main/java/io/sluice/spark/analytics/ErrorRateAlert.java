package io.sluice.spark.analytics;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.contract.Pipeline;

/**
 * The error-rate alert of one access-log window ({@link ErrorRateRule}). Immutable.
 *
 * <p>JSON shape (one object; the {@code "alerts"} of {@code logs-event-windows.json}, or {@code alerts.json} with
 * {@code --window-time arrival}, in a batch directory hold an array of them, the
 * alerts Kafka topic one per record, keyed by {@code id}):
 * <pre>
 * {"id": "logs-error-rate@1431857130000", "type": "error-rate", "pipeline": "logs",
 *  "windowStart": 1431857100000, "windowEnd": 1431857130000,
 *  "requests": 240, "serverErrors": 31, "errorRate": 0.129, "threshold": 0.05, "minRequests": 20}
 * </pre>
 * Times are epoch milliseconds of the window ({@code windowEnd} is the batch time that closed it,
 * exclusive; in an event-time window, the window's end on the events' clock). {@code id} is
 * derived from the window, so an alert written or sent again after a
 * restart has the same id: consumers deduplicate on it.
 */
public final class ErrorRateAlert extends WindowAlert {

  private static final long serialVersionUID = 1L;

  /** Type of the error-rate alert. */
  public static final String ERROR_RATE = "error-rate";

  private final long requests;
  private final long serverErrors;
  private final double threshold;
  private final long minRequests;

  ErrorRateAlert(long windowStartMs, long windowEndMs, long requests, long serverErrors, ErrorRateRule rule) {
    super(ERROR_RATE, Pipeline.LOGS, windowStartMs, windowEndMs);
    this.requests = requests;
    this.serverErrors = serverErrors;
    this.threshold = rule.threshold();
    this.minRequests = rule.minRequests();
  }

  @Override
  public String id() {
    return Pipeline.LOGS.id() + "-" + ERROR_RATE + "@" + windowEndMs;
  }

  public long requests() {
    return requests;
  }

  public long serverErrors() {
    return serverErrors;
  }

  public double errorRate() {
    return requests == 0 ? 0.0 : (double) serverErrors / requests;
  }

  @Override
  void putFields(ObjectNode a) {
    a.put("requests", requests);
    a.put("serverErrors", serverErrors);
    a.put("errorRate", errorRate());
    a.put("threshold", threshold);
    a.put("minRequests", minRequests);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ErrorRateAlert)) {
      return false;
    }
    ErrorRateAlert a = (ErrorRateAlert) o;
    return a.windowStartMs == windowStartMs && a.windowEndMs == windowEndMs && a.requests == requests
        && a.serverErrors == serverErrors && a.threshold == threshold && a.minRequests == minRequests;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(windowEndMs) * 31 + Long.hashCode(serverErrors);
  }
}
