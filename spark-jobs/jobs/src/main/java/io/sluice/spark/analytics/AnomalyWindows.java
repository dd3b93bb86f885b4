package io.sluice.spark.analytics;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spark.analytics.ml.AnomalousClients;
import io.sluice.spark.analytics.ml.TrafficForecast;
import io.sluice.spark.analytics.ml.WindowModels;
import java.util.ArrayList;
import java.util.List;
import scala.Tuple2;

/**
 * What the anomaly models ({@link WindowModels}) add to a closed event-time logs window of
 * {@code logs-event-windows.json}: its anomalous clients, its forecast and their alerts.
 */
public final class AnomalyWindows {

  private AnomalyWindows() {}

  /**
   * Runs the logs models on one closed window they see ({@link WindowModels#judge}; call in window
   * order) and adds their output to the window's JSON ({@code window}, its {@link Window#toJsonTree()}):
   * {@code "anomalousClients": [{"clientIp", "distance", "threshold", "cluster", "features": {name: value}}, ...]} (farthest first; empty while the threshold warms up) and
   * {@code "forecast": {"predicted", "lower", "upper", "outsideBand"}} ({@code lower}/{@code upper}
   * null and {@code outsideBand} false while the band calibrates), or {@code "forecast": null} while
   * the forecast has too few windows. Returns the alerts: one {@link AnomalousClientAlert} per
   * flag, a {@link TrafficForecastAlert} when the window, or an empty window the forecast filled in
   * before it, is outside the band.
   */
  public static List<Alert> judge(WindowModels models, long startMs, long endMs,
      Iterable<Tuple2<Metric, Tally>> metrics, long requests, ObjectNode window) {
    WindowModels.Judged j = models.judge(startMs, metrics, requests);
    List<Alert> alerts = new ArrayList<>();
    long length = endMs - startMs;
    for (TrafficForecast.Point gap : j.gaps()) {
      if (gap.alert()) {
        alerts.add(new TrafficForecastAlert(gap.windowStartMs(), gap.windowStartMs() + length, gap));
      }
    }
    ArrayNode flagged = window.putArray("anomalousClients");
    for (AnomalousClients.Flag f : j.flags()) {
      AnomalousClientAlert.putFlag(flagged.addObject(), f.client(), f.distance(), f.threshold(), f.cluster(),
          f.features().toArray());
      alerts.add(new AnomalousClientAlert(startMs, endMs, f));
    }
    TrafficForecast.Point point = j.point();
    if (point == null) {
      window.putNull("forecast");
    } else {
      ObjectNode forecast = window.putObject("forecast");
      forecast.put("predicted", point.predicted());
      putNumberOrNull(forecast, "lower", point.lower());
      putNumberOrNull(forecast, "upper", point.upper());
      forecast.put("outsideBand", point.alert());
      if (point.alert()) {
        alerts.add(new TrafficForecastAlert(startMs, endMs, point));
      }
    }
    return alerts;
  }

  private static void putNumberOrNull(ObjectNode json, String field, double value) {
    if (Double.isNaN(value)) {
      json.putNull(field);
    } else {
      json.put(field, value);
    }
  }

}
