/**
 * The computation: per-batch metrics and their summaries ({@link io.sluice.spark.analytics.Analytics},
 * {@link io.sluice.spark.analytics.Metric}, {@link io.sluice.spark.analytics.Tally}), sessions,
 * the streaming graph ({@link io.sluice.spark.analytics.AnalyticsStreams}), what each pipeline
 * adds to it and writes ({@link io.sluice.spark.analytics.PipelineAnalytics}), windows, the
 * error-rate alert rule and the event-to-result latency.
 */
package io.sluice.spark.analytics;
