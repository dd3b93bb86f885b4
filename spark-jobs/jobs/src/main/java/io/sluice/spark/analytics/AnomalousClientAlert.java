package io.sluice.spark.analytics;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.contract.Pipeline;
import io.sluice.spark.analytics.ml.AnomalousClients;
import io.sluice.spark.analytics.ml.ClientFeatures;
import java.util.Arrays;
import java.util.Objects;

/**
 * An anomalous client of one event-time access-log window: its feature vector
 * ({@link ClientFeatures}) is farther from its nearest k-means centre than the learned threshold
 * ({@link AnomalousClients}, {@link io.sluice.spark.analytics.ml.WindowModels}). Immutable.
 *
 * <p>JSON shape (one object; {@code logs-event-windows.json} holds them in its {@code alerts}, the
 * alerts Kafka topic one per record, keyed by {@code id}):
 * <pre>
 * {"id": "logs-anomalous-client:91.236.75.25@1432101600000", "type": "anomalous-client", "pipeline": "logs",
 *  "windowStart": 1432098000000, "windowEnd": 1432101600000,
 *  "clientIp": "91.236.75.25", "distance": 1.355, "threshold": 1.182, "cluster": 1,
 *  "features": {"requests": 0.318, "errorShare": 0.889, "distinctPaths": 0.318, "bytesPerRequest": 0.0,
 *               "noReferrerShare": 0.889, "botAgentShare": 0.889}}
 * </pre>
 * (the bundled access log's one flag in hourly windows, numbers shortened). Times are the window's event-time bounds, epoch milliseconds ({@code windowEnd} exclusive);
 * {@code distance} and {@code threshold} are Euclidean, in feature units; {@code cluster} is the
 * index of the nearest centre; {@code features} has the {@link ClientFeatures#NAMES}, in order.
 */
public final class AnomalousClientAlert extends WindowAlert {

  private static final long serialVersionUID = 1L;

  /** Type of the anomalous-client alert. */
  public static final String ANOMALOUS_CLIENT = "anomalous-client";

  private final String clientIp;
  private final double distance;
  private final double threshold;
  private final int cluster;
  private final double[] features;

  AnomalousClientAlert(long windowStartMs, long windowEndMs, AnomalousClients.Flag flag) {
    super(ANOMALOUS_CLIENT, Pipeline.LOGS, windowStartMs, windowEndMs);
    this.clientIp = Objects.requireNonNull(flag.client(), "client");
    this.distance = flag.distance();
    this.threshold = flag.threshold();
    this.cluster = flag.cluster();
    this.features = flag.features().toArray();
  }

  @Override
  public String id() {
    return Pipeline.LOGS.id() + "-" + ANOMALOUS_CLIENT + ":" + clientIp + "@" + windowEndMs;
  }

  /** The client address. */
  public String clientIp() {
    return clientIp;
  }

  /** Distance to the nearest centre, feature units. */
  public double distance() {
    return distance;
  }

  /** The threshold it exceeded, feature units. */
  public double threshold() {
    return threshold;
  }

  @Override
  void putFields(ObjectNode a) {
    putFlag(a, clientIp, distance, threshold, cluster, features);
  }

  /** The fields of a flagged client, as in a window's {@code anomalousClients} and in the alert. */
  static void putFlag(ObjectNode a, String clientIp, double distance, double threshold, int cluster,
      double[] features) {
    a.put("clientIp", clientIp);
    a.put("distance", distance);
    a.put("threshold", threshold);
    a.put("cluster", cluster);
    ObjectNode f = a.putObject("features");
    for (int i = 0; i < features.length; i++) {
      f.put(ClientFeatures.NAMES.get(i), features[i]);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof AnomalousClientAlert)) {
      return false;
    }
    AnomalousClientAlert a = (AnomalousClientAlert) o;
    return a.windowStartMs == windowStartMs && a.windowEndMs == windowEndMs && a.clientIp.equals(clientIp)
        && a.distance == distance && a.threshold == threshold && a.cluster == cluster
        && Arrays.equals(a.features, features);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(windowEndMs) * 31 + clientIp.hashCode();
  }
}
