package io.sluice.spark.analytics;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.contract.Pipeline;

/**
 * An alert raised by one window of a pipeline: {@link ErrorRateAlert} (logs) or
 * {@link BruteForceAlert} (syslog); on the closed event-time logs windows also
 * {@link AnomalousClientAlert} and {@link TrafficForecastAlert} (the anomaly models). Immutable.
 *
 * <p>Written to the batch directory that closed the window: with {@code --window-time event} (the
 * default) in the {@code "alerts"} of its {@code <pipeline>-event-windows.json}, the window's
 * bounds being event time; with {@code arrival} to the pipeline's alerts file
 * ({@link PipelineAnalytics#alertsFile()}: an object {@code {"alerts": [...]}}), the bounds being
 * batch times. With {@code --alerts-topic} it is also sent to Kafka as one record per alert, keyed by
 * {@link #id()}, its value {@link #toJsonTree()}. Every alert's JSON starts with {@code id},
 * {@code type}, {@code pipeline}, {@code windowStart} and {@code windowEnd} (epoch milliseconds,
 * {@code windowEnd} exclusive). The id is derived from the window (and what it is
 * about), so an alert written or sent again after a restart has the same id: consumers
 * deduplicate on it.
 */
public interface Alert {

  /** Stable id, e.g. {@code logs-error-rate@1431857130000}. */
  String id();

  /**
   * What the alert is about: {@code error-rate}, {@code brute-force}, {@code anomalous-client},
   * {@code traffic-forecast}.
   */
  String type();

  /** The pipeline whose window raised it. */
  Pipeline pipeline();

  /** Start of the window, epoch milliseconds. */
  long windowStartMs();

  /** End of the window (exclusive): the batch time that closed it, epoch milliseconds. */
  long windowEndMs();

  /** The alert as one JSON object. */
  ObjectNode toJsonTree();
}
