package io.sluice.flume.metrics;


/** Counters of {@link JetstreamSource}; see {@link JetstreamSourceCounterMBean}. */
public class JetstreamSourceCounter extends StreamSourceCounter
    implements JetstreamSourceCounterMBean {

  static final String CURSOR_SAVE_FAIL = "src.jetstream.cursor.save.fail";
  static final String CURSOR_US = "src.jetstream.cursor.us";

  /**
   * @param name the source's name (JMX {@code org.apache.flume.source:type=<name>})
   */
  public JetstreamSourceCounter(String name) {
    super(name, CURSOR_SAVE_FAIL, CURSOR_US);
  }

  @Override
  public long getCursorSaveFailCount() {
    return get(CURSOR_SAVE_FAIL);
  }

  public long incrementCursorSaveFailCount() {
    return increment(CURSOR_SAVE_FAIL);
  }

  @Override
  public long getCursorUs() {
    return get(CURSOR_US);
  }

  public void setCursorUs(long cursorUs) {
    set(CURSOR_US, cursorUs);
  }
}
