/**
 * Flume sources of Sluice.
 *
 * <ul>
 *   <li>{@link io.sluice.flume.source.ReplaySource} replays text files (one file, or a glob; gzip
 *       by magic bytes) line by line with stable {@code eventId} headers, paced by a rate or by
 *       the timestamps in the lines times a speed-up, once or in a loop; a line over
 *       {@code maxLineBytes} (default 128 KiB) is delivered cut, marked {@code line-too-long},
 *       and its rest skipped without being buffered; after a restart it
 *       resumes after the last line the channel committed, as recorded in its position file; it
 *       reports the end of the input through the {@code EndOfInputCount} JMX attribute of
 *       {@link io.sluice.flume.source.ReplaySourceCounter}. Keys:
 *       {@link io.sluice.flume.source.ReplaySourceConfigurationConstants#DEFINITION}.</li>
 *   <li>{@link io.sluice.flume.source.jetstream.JetstreamSource} reads Bluesky's public event
 *       stream from a Jetstream instance (WebSocket), resuming from a cursor kept in a state
 *       file.</li>
 *   <li>{@link io.sluice.flume.source.x.XFilteredStreamSource} reads the X API v2 filtered stream
 *       after syncing its rules, with X's documented reconnect back-offs.</li>
 * </ul>
 *
 * <p>Twitter's v1.1 streaming API, which Apache Flume's own
 * {@code org.apache.flume.source.twitter.TwitterSource} (artifact {@code flume-twitter-source},
 * shipped in the agent runtime) reads, was retired by X in 2023: that source cannot work against
 * X today. {@code agents/twitter-v1-agent.properties} wires it for completeness and for servers
 * speaking the v1.1 protocol; use the X API v2 source for X and the Jetstream source for a free
 * live stream.
 *
 * <p>All sources declare their keys once with Kafka's {@code ConfigDef} (read through
 * {@link io.sluice.flume.source.SourceConfig}) and fail {@code configure()} with Flume's
 * {@code ConfigurationException} naming the key; malformed input is delivered with a
 * {@code rejectReason} header and counted, never dropped silently.
 */
package io.sluice.flume.source;
