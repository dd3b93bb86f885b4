package io.sluice.flume.metrics;


/** Counters of {@link XFilteredStreamSource}; see {@link XSourceCounterMBean}. */
public class XSourceCounter extends StreamSourceCounter implements XSourceCounterMBean {

  static final String KEEP_ALIVE = "src.x.keepalive";
  static final String STREAM_ERROR = "src.x.stream.error";
  static final String RATE_LIMITED = "src.x.rate.limited";
  static final String RULES_ADDED = "src.x.rules.added";
  static final String RULES_DELETED = "src.x.rules.deleted";
  static final String RULES_REJECTED = "src.x.rules.rejected";

  /**
   * @param name the source's name (JMX {@code org.apache.flume.source:type=<name>})
   */
  public XSourceCounter(String name) {
    super(name, KEEP_ALIVE, STREAM_ERROR, RATE_LIMITED, RULES_ADDED, RULES_DELETED,
        RULES_REJECTED);
  }

  @Override
  public long getKeepAliveCount() {
    return get(KEEP_ALIVE);
  }

  public long incrementKeepAliveCount() {
    return increment(KEEP_ALIVE);
  }

  @Override
  public long getStreamErrorCount() {
    return get(STREAM_ERROR);
  }

  public long incrementStreamErrorCount() {
    return increment(STREAM_ERROR);
  }

  @Override
  public long getRateLimitedCount() {
    return get(RATE_LIMITED);
  }

  public long incrementRateLimitedCount() {
    return increment(RATE_LIMITED);
  }

  @Override
  public long getRulesAddedCount() {
    return get(RULES_ADDED);
  }

  public long addToRulesAddedCount(long delta) {
    return addAndGet(RULES_ADDED, delta);
  }

  @Override
  public long getRulesDeletedCount() {
    return get(RULES_DELETED);
  }

  public long addToRulesDeletedCount(long delta) {
    return addAndGet(RULES_DELETED, delta);
  }

  @Override
  public long getRulesRejectedCount() {
    return get(RULES_REJECTED);
  }

  public long addToRulesRejectedCount(long delta) {
    return addAndGet(RULES_REJECTED, delta);
  }
}
