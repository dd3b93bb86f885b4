/**
 * Metrics of Sluice's Flume components: {@link io.sluice.flume.metrics.InterceptorCounter}
 * (per-outcome and per-reason counters of an interceptor, a Flume
 * {@link org.apache.flume.instrumentation.MonitoredCounterGroup}) and
 * {@link io.sluice.flume.metrics.PrometheusMonitorService}, a Flume monitoring service exporting
 * every counter group in the Prometheus format.
 */
package io.sluice.flume.metrics;
