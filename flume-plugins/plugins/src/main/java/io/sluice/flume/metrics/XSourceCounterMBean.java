package io.sluice.flume.metrics;


/** JMX view of {@link XSourceCounter}: the stream counters plus X-specific ones. */
public interface XSourceCounterMBean extends StreamSourceCounterMBean {

  /** Keep-alive newlines received. */
  long getKeepAliveCount();

  /** Error objects received in the stream (e.g. {@code operational-disconnect}). */
  long getStreamErrorCount();

  /** HTTP 429 responses from the stream or rules endpoint. */
  long getRateLimitedCount();

  /** Rules added by the rule sync. */
  long getRulesAddedCount();

  /** Rules deleted by the rule sync. */
  long getRulesDeletedCount();

  /** Declared rules X refused to create (invalid syntax, too long, over the plan's limit). */
  long getRulesRejectedCount();
}
