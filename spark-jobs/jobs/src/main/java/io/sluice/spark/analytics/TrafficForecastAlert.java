package io.sluice.spark.analytics;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.contract.Pipeline;
import io.sluice.spark.analytics.ml.TrafficForecast;

/**
 * The traffic-forecast alert of one event-time access-log window: its request count is outside the
 * band around the count predicted from the windows before ({@link TrafficForecast},
 * {@link io.sluice.spark.analytics.ml.WindowModels}). Immutable.
 *
 * <p>JSON shape (one object; {@code logs-event-windows.json} holds them in its {@code alerts}, the
 * alerts Kafka topic one per record, keyed by {@code id}):
 * <pre>
 * {"id": "logs-traffic-forecast@1432159200000", "type": "traffic-forecast", "pipeline": "logs",
 *  "windowStart": 1432155600000, "windowEnd": 1432159200000,
 *  "actual": 86, "predicted": 117.41, "lower": 98.89, "upper": 139.37}
 * </pre>
 * (the bundled access log's cut-off last hour, offline in hourly windows; numbers shortened).
 * Times are the window's event-time bounds, epoch milliseconds ({@code windowEnd} exclusive);
 * counts are requests in the window. A window without any request between two windows with some
 * (an outage) is judged with {@code actual} 0 and can alert, though it has no window of its own in
 * the file.
 */
public final class TrafficForecastAlert extends WindowAlert {

  private static final long serialVersionUID = 1L;

  /** Type of the traffic-forecast alert. */
  public static final String TRAFFIC_FORECAST = "traffic-forecast";

  private final long actual;
  private final double predicted;
  private final double lower;
  private final double upper;

  TrafficForecastAlert(long windowStartMs, long windowEndMs, TrafficForecast.Point p) {
    super(TRAFFIC_FORECAST, Pipeline.LOGS, windowStartMs, windowEndMs);
    this.actual = p.actual();
    this.predicted = p.predicted();
    this.lower = p.lower();
    this.upper = p.upper();
  }

  @Override
  public String id() {
    return Pipeline.LOGS.id() + "-" + TRAFFIC_FORECAST + "@" + windowEndMs;
  }

  /** Requests in the window. */
  public long actual() {
    return actual;
  }

  /** The predicted request count. */
  public double predicted() {
    return predicted;
  }

  @Override
  void putFields(ObjectNode a) {
    a.put("actual", actual);
    a.put("predicted", predicted);
    a.put("lower", lower);
    a.put("upper", upper);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof TrafficForecastAlert)) {
      return false;
    }
    TrafficForecastAlert a = (TrafficForecastAlert) o;
    return a.windowStartMs == windowStartMs && a.windowEndMs == windowEndMs && a.actual == actual
        && a.predicted == predicted && a.lower == lower && a.upper == upper;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(windowEndMs) * 31 + Long.hashCode(actual);
  }
}
