/**
 * Flume sources of Sluice, one package each ({@code replay}, {@code jetstream}, {@code xapi}),
 * the streaming-source runner they share ({@code stream}), and what several sources use:
 * {@link io.sluice.flume.source.AtomicFiles} (crash-safe replacement of a state file, used by the
 * replay position file and the Jetstream cursor store).
 *
 * <ul>
 *   <li>{@link io.sluice.flume.source.replay.ReplaySource} replays text files (one file, or a
 *       glob; gzip by magic bytes) line by line with stable {@code eventId} headers, paced by a
 *       rate or by the timestamps in the lines times a speed-up, once or in a loop; a line over
 *       {@code maxLineBytes} (default 128 KiB) is delivered cut, marked {@code line-too-long},
 *       and its rest skipped without being buffered; after a restart it
 *       resumes after the last line the channel committed, as recorded in its position file; it
 *       reports the end of the input through the {@code EndOfInputCount} JMX attribute of
 *       {@link io.sluice.flume.metrics.ReplaySourceCounter}. Keys:
 *       {@link io.sluice.flume.source.replay.ReplaySourceConfig#DEFINITION}.</li>
 *   <li>{@link io.sluice.flume.source.jetstream.JetstreamSource} reads Bluesky's public event
 *       stream from a Jetstream instance (WebSocket), resuming from a cursor kept in a state
 *       file.</li>
 *   <li>{@link io.sluice.flume.source.xapi.XFilteredStreamSource} reads the X API v2 filtered
 *       stream after syncing its rules, with X's documented reconnect back-offs.</li>
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
 * {@link io.sluice.flume.config.ComponentConfig}) and fail {@code configure()} with an
 * {@link io.sluice.flume.config.InvalidConfigurationException} (a Flume
 * {@code ConfigurationException}) naming the component and the key; malformed input is delivered
 * with a
 * {@code rejectReason} header and counted, never dropped silently.
 */
package io.sluice.flume.source;
