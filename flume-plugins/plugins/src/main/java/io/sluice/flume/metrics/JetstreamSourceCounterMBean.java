package io.sluice.flume.metrics;


/**
 * JMX view of {@link JetstreamSourceCounter}: the stream counters plus the cursor's state.
 */
public interface JetstreamSourceCounterMBean extends StreamSourceCounterMBean {

  /** Writes of the state file that failed (the cursor is kept and written at the next chance). */
  long getCursorSaveFailCount();

  /**
   * The cursor last written to the state file: Jetstream {@code time_us} (microseconds since the
   * epoch) of the newest event the channel had accepted; 0 before the first write. The lag of the
   * agent is about {@code now - CursorUs}.
   */
  long getCursorUs();
}
