package io.sluice.contract;

/** Values of {@link EventHeaders#REJECTED_BY}: the components that reject events. */
public final class Rejecters {

  /** {@code ReplaySource}, for a line over its {@code maxLineBytes}. */
  public static final String REPLAY_SOURCE = "replay-source";
  /** {@code AccessLogInterceptor}. */
  public static final String ACCESS_LOG_INTERCEPTOR = "access-log-interceptor";
  /** {@code TweetNormalizerInterceptor}, the post normaliser. */
  public static final String POST_NORMALIZER = "tweet-normalizer";
  /** {@code DedupInterceptor}. */
  public static final String DEDUP_INTERCEPTOR = "dedup-interceptor";
  /** {@code SyslogInterceptor}. */
  public static final String SYSLOG_INTERCEPTOR = "syslog-interceptor";
  /** {@code JetstreamSource}. */
  public static final String JETSTREAM_SOURCE = "jetstream-source";
  /** {@code XFilteredStreamSource}. */
  public static final String X_FILTERED_STREAM_SOURCE = "x-filtered-stream-source";

  /** {@code ZeroMqSource}, for a message over its {@code maxMessageBytes} or with unexpected frames. */
  public static final String ZEROMQ_SOURCE = "zeromq-source";

  private Rejecters() {
  }
}
