/**
 * Streaming machine learning on the access log with Spark MLlib 2.4.7 (RDD-based): a feature
 * vector per client and event-time window ({@link io.sluice.spark.analytics.ml.ClientFeatures}),
 * anomalous clients by streaming k-means and a learned distance threshold
 * ({@link io.sluice.spark.analytics.ml.AnomalousClients}), and a request-count forecast by
 * streaming linear regression with an alert band ({@link io.sluice.spark.analytics.ml.TrafficForecast}).
 * Each works one batch (an RDD) at a time and keeps bounded driver-side state.
 * {@link io.sluice.spark.analytics.ml.WindowModels} runs the last two on the closed event-time logs
 * windows of the streaming job ({@code --anomalies}, on by default with event-time windows), from
 * the vectors {@link io.sluice.spark.analytics.ml.ClientFeatures#ofWindow} builds of each window's
 * metrics.
 */
package io.sluice.spark.analytics.ml;
