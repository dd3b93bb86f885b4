/**
 * {@link io.sluice.flume.source.jetstream.JetstreamSource}: Bluesky Jetstream v1 (WebSocket,
 * JSON) into Flume, with the cursor persisted in a state file. Keys:
 * {@link io.sluice.flume.source.jetstream.JetstreamSourceConfig#DEFINITION}; counters:
 * {@link io.sluice.flume.metrics.JetstreamSourceCounterMBean}. Jetstream:
 * github.com/bluesky-social/jetstream.
 */
package io.sluice.flume.source.jetstream;
