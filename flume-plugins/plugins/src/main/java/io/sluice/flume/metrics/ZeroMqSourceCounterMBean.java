package io.sluice.flume.metrics;

/**
 * JMX view of {@link ZeroMqSourceCounter}: the stream counters of {@link StreamSourceCounterMBean}
 * as {@code io.sluice.flume.source.zeromq.ZeroMqSource} uses them, from the socket's monitor events
 * ({@code ConnectCount} connections made or accepted, {@code ConnectFailCount} connection attempts
 * delayed or retried, {@code DisconnectCount} peers disconnected; {@code EventReceivedCount}
 * messages received), plus the rejects by reason. ZeroMQ reports no dropped message: a PUB socket
 * drops what a slow subscriber's queue cannot take without telling anyone, so drops are not
 * counted here (see the source's Javadoc).
 */
public interface ZeroMqSourceCounterMBean extends StreamSourceCounterMBean {

  /** Messages longer than {@code maxMessageBytes}: cut, rejected {@code line-too-long}. */
  long getRejectLineTooLongCount();

  /** Messages whose number of frames is not the configured envelope's: rejected {@code unexpected-message}. */
  long getRejectUnexpectedMessageCount();

  /** Monitor events the socket reported, of any kind. */
  long getSocketEventCount();
}
