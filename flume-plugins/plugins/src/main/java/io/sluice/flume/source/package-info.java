/**
 * Flume sources of Sluice.
 *
 * <p>{@link io.sluice.flume.source.ReplaySource} replays a text file line by line (paced, once or
 * in a loop) with stable {@code eventId} headers, and reports the end of the input through the
 * {@code EndOfInputCount} JMX attribute of {@link io.sluice.flume.source.ReplaySourceCounter}.
 * Configuration keys live in {@link io.sluice.flume.source.ReplaySourceConfigurationConstants}.
 */
package io.sluice.flume.source;
