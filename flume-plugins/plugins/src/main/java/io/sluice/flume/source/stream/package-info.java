/**
 * What the long-lived stream sources share: {@link io.sluice.flume.source.stream.StreamRunner}
 * (one thread per source that connects, reads with explicit demand, batches into the channel,
 * and reconnects with a {@link io.sluice.flume.source.stream.Backoff} per
 * {@link io.sluice.flume.source.stream.FailureKind}) and
 * {@link io.sluice.flume.metrics.StreamSourceCounter} (one counter per failure class).
 */
package io.sluice.flume.source.stream;
