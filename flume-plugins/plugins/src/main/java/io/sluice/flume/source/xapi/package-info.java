/**
 * {@link io.sluice.flume.source.xapi.XFilteredStreamSource}: the X API v2 filtered stream
 * ({@code GET /2/tweets/search/stream}, rules through {@code /2/tweets/search/stream/rules}) into
 * Flume, reconnecting as X's "Handling disconnections" guide documents. Keys:
 * {@link io.sluice.flume.source.xapi.XStreamSourceConfig#DEFINITION}; counters:
 * {@link io.sluice.flume.metrics.XSourceCounterMBean}.
 */
package io.sluice.flume.source.xapi;
