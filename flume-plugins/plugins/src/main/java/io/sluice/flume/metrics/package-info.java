/**
 * Metrics of Sluice's Flume components: {@link io.sluice.flume.metrics.InterceptorCounter}
 * (per-outcome and per-reason counters of an interceptor, a Flume
 * {@link org.apache.flume.instrumentation.MonitoredCounterGroup}) and
 * {@link io.sluice.flume.metrics.PrometheusMonitorService}, a Flume monitoring service exporting
 * every counter group in the Prometheus format; and the counters of the sources, with their JMX
 * interfaces: {@link io.sluice.flume.metrics.ReplaySourceCounter},
 * {@link io.sluice.flume.metrics.StreamSourceCounter} (shared by the stream sources),
 * {@link io.sluice.flume.metrics.JetstreamSourceCounter} and
 * {@link io.sluice.flume.metrics.XSourceCounter}, all built on
 * {@link io.sluice.flume.metrics.ComponentCounter}.
 */
package io.sluice.flume.metrics;
