package io.sluice.flume.metrics;

import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.flume.instrumentation.SourceCounter;

/**
 * Counters of a source that reads a long-lived stream (see {@link StreamSourceCounterMBean} for
 * their meaning). Subclasses add their own keys through the protected constructor. As with every
 * {@code MonitoredCounterGroup}, {@link #start()} registers the MBean and resets all counters.
 */
public class StreamSourceCounter extends SourceCounter implements StreamSourceCounterMBean {

  static final String CONNECT = "src.stream.connect";
  static final String CONNECT_FAIL = "src.stream.connect.fail";
  static final String DISCONNECT = "src.stream.disconnect";
  static final String IDLE_TIMEOUT = "src.stream.idle.timeout";
  static final String MALFORMED = "src.stream.malformed";
  static final String FILTERED = "src.stream.filtered";
  private static final String[] KEYS =
      {CONNECT, CONNECT_FAIL, DISCONNECT, IDLE_TIMEOUT, MALFORMED, FILTERED};

  /**
   * @param name the source's name (JMX {@code org.apache.flume.source:type=<name>})
   */
  public StreamSourceCounter(String name) {
    this(name, new String[0]);
  }

  /**
   * @param name the source's name
   * @param extraKeys counter keys of the subclass
   */
  protected StreamSourceCounter(String name, String... extraKeys) {
    super(name, Stream.concat(Arrays.stream(KEYS), Arrays.stream(extraKeys))
        .toArray(String[]::new));
  }

  @Override
  public long getConnectCount() {
    return get(CONNECT);
  }

  public long incrementConnectCount() {
    return increment(CONNECT);
  }

  @Override
  public long getConnectFailCount() {
    return get(CONNECT_FAIL);
  }

  public long incrementConnectFailCount() {
    return increment(CONNECT_FAIL);
  }

  @Override
  public long getDisconnectCount() {
    return get(DISCONNECT);
  }

  public long incrementDisconnectCount() {
    return increment(DISCONNECT);
  }

  @Override
  public long getIdleTimeoutCount() {
    return get(IDLE_TIMEOUT);
  }

  public long incrementIdleTimeoutCount() {
    return increment(IDLE_TIMEOUT);
  }

  @Override
  public long getMalformedMessageCount() {
    return get(MALFORMED);
  }

  public long incrementMalformedMessageCount() {
    return increment(MALFORMED);
  }

  @Override
  public long getFilteredEventCount() {
    return get(FILTERED);
  }

  public long incrementFilteredEventCount() {
    return increment(FILTERED);
  }
}
