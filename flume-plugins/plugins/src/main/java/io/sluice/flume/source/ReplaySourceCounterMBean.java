package io.sluice.flume.source;

import org.apache.flume.instrumentation.SourceCounterMBean;

/**
 * JMX view of {@link ReplaySourceCounter}: the standard source counters plus
 * {@code EndOfInputCount}.
 *
 * <p>Registered by Flume under {@code org.apache.flume.source:type=<source name>} and therefore
 * also served by Flume's HTTP JSON monitoring as {@code SOURCE.<source name>}. A launcher knows a
 * one-shot replay has finished when {@code EndOfInputCount} is 1; at that point
 * {@code EventAcceptedCount} is final.
 */
public interface ReplaySourceCounterMBean extends SourceCounterMBean {

  /**
   * Number of times the input file was read to its end and every event of that pass was accepted
   * by the channel: 0 while the (first) pass is running, 1 after a complete replay with
   * {@code loop=false}, one more per pass with {@code loop=true}.
   *
   * @return the number of completed passes
   */
  long getEndOfInputCount();

  /**
   * Lines that, with {@code paceBy = timestamp}, had no timestamp readable with the configured
   * {@code timestampFormat} and were therefore sent at once (unpaced); they are delivered as any
   * other line.
   *
   * @return the number of such lines
   */
  long getTimestampParseFailCount();

  /**
   * Input files whose remaining lines were skipped because the file could not be decoded
   * (corrupt or truncated gzip); the lines before the damage are delivered. Each such file also
   * counts one {@code EventReadFail}.
   *
   * @return the number of such files
   */
  long getSkippedFileCount();
}
