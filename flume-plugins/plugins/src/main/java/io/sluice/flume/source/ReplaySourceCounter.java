package io.sluice.flume.source;

import org.apache.flume.instrumentation.SourceCounter;

/**
 * Source counters of {@link ReplaySource}: Flume's {@link SourceCounter} plus the number of
 * completed passes over the input ({@link #getEndOfInputCount()}).
 *
 * <p>The class name and its {@link ReplaySourceCounterMBean} interface follow the JMX standard
 * MBean naming rule, so {@code EndOfInputCount} appears as an attribute next to the standard ones
 * ({@code EventReceivedCount}, {@code EventAcceptedCount}, {@code AppendBatchReceivedCount},
 * {@code AppendBatchAcceptedCount}, {@code ChannelWriteFail}, {@code EventReadFail}, ...). As with
 * every {@code MonitoredCounterGroup}, the MBean is registered and all counters are reset to 0 by
 * {@link #start()}.
 */
public class ReplaySourceCounter extends SourceCounter implements ReplaySourceCounterMBean {

  /** Counter key; shows up in {@link #toString()} (the "Metrics" line logged on stop). */
  static final String END_OF_INPUT_COUNT = "src.replay.end.of.input";

  /**
   * Creates the counter group of the source {@code name}.
   *
   * @param name the source's name; the JMX object name is
   *     {@code org.apache.flume.source:type=<name>}
   */
  public ReplaySourceCounter(String name) {
    super(name, new String[] {END_OF_INPUT_COUNT});
  }

  @Override
  public long getEndOfInputCount() {
    return get(END_OF_INPUT_COUNT);
  }

  /**
   * Records one completed pass over the input.
   *
   * @return the new count
   */
  public long incrementEndOfInputCount() {
    return increment(END_OF_INPUT_COUNT);
  }
}
