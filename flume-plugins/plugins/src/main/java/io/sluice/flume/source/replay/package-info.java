/**
 * {@link io.sluice.flume.source.replay.ReplaySource}: replays text files line by line into Flume,
 * with its helpers: {@link io.sluice.flume.source.replay.ReplayFiles} (the file or glob),
 * {@link io.sluice.flume.source.replay.LineReader} (bounded lines),
 * {@link io.sluice.flume.source.replay.RatePacer} and
 * {@link io.sluice.flume.source.replay.TimestampPacer} with
 * {@link io.sluice.flume.source.replay.TimestampFormat} (pacing),
 * {@link io.sluice.flume.source.replay.ReplayPositionFile} (resume after a restart) and
 * {@link io.sluice.flume.source.replay.LogLimiter}. Keys:
 * {@link io.sluice.flume.source.replay.ReplaySourceConfig#DEFINITION}; counters:
 * {@link io.sluice.flume.metrics.ReplaySourceCounterMBean}.
 */
package io.sluice.flume.source.replay;
