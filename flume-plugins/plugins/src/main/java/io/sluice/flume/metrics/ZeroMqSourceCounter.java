package io.sluice.flume.metrics;

/** Counters of {@code io.sluice.flume.source.zeromq.ZeroMqSource}; see {@link ZeroMqSourceCounterMBean}. */
public class ZeroMqSourceCounter extends StreamSourceCounter implements ZeroMqSourceCounterMBean {

  static final String REJECT_LINE_TOO_LONG = "src.zeromq.reject.line-too-long";
  static final String REJECT_UNEXPECTED_MESSAGE = "src.zeromq.reject.unexpected-message";
  static final String SOCKET_EVENT = "src.zeromq.socket.event";

  /**
   * @param name the source's name (JMX {@code org.apache.flume.source:type=<name>})
   */
  public ZeroMqSourceCounter(String name) {
    super(name, REJECT_LINE_TOO_LONG, REJECT_UNEXPECTED_MESSAGE, SOCKET_EVENT);
  }

  @Override
  public long getRejectLineTooLongCount() {
    return get(REJECT_LINE_TOO_LONG);
  }

  public long incrementRejectLineTooLongCount() {
    return increment(REJECT_LINE_TOO_LONG);
  }

  @Override
  public long getRejectUnexpectedMessageCount() {
    return get(REJECT_UNEXPECTED_MESSAGE);
  }

  public long incrementRejectUnexpectedMessageCount() {
    return increment(REJECT_UNEXPECTED_MESSAGE);
  }

  @Override
  public long getSocketEventCount() {
    return get(SOCKET_EVENT);
  }

  public long incrementSocketEventCount() {
    return increment(SOCKET_EVENT);
  }
}
