package io.sluice.flume.metrics;

import org.apache.flume.instrumentation.SourceCounterMBean;

/**
 * JMX view of {@link ReplaySourceCounter}: the standard source counters plus
 * {@code EndOfInputCount}, {@code TimestampParseFailCount}, {@code SkippedFileCount},
 * {@code ResumedEventCount}, {@code PositionSaveFailCount}, {@code TruncatedLineCount} and
 * {@code PermanentChannelWriteFailCount}.
 *
 * <p>Like every Flume counter, these count from the start of this run of the source: after a
 * restart they start again at 0 and count only what this run did (see
 * {@link #getResumedEventCount()} for what an earlier run delivered).
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
   * {@code loop=false}, one more per pass with {@code loop=true}. A source restarted after its
   * replay was complete (as its position file records) finds nothing left to read and reports 1
   * at once.
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

  /**
   * Lines of the current pass that an earlier run of the source committed to the channel, as
   * recorded in its position file, and that this run therefore skipped (finished files count
   * all their lines). 0 for a source that started without a position file. Lines this run
   * delivered are in {@code EventAcceptedCount}: on the first pass, the two add up to the lines
   * delivered so far, redeliveries after a crash excepted.
   *
   * @return the number of lines resumed past
   */
  long getResumedEventCount();

  /**
   * Writes of the position file that failed (logged; the progress is written again after the
   * next committed batch). Until a write succeeds, a restart redelivers what was committed since
   * the last successful one.
   *
   * @return the number of failed writes
   */
  long getPositionSaveFailCount();

  /**
   * Lines longer than {@code maxLineBytes}, delivered cut to their first {@code maxLineBytes}
   * bytes with {@code rejectReason = line-too-long} (the agent routes them to its dead letter);
   * each is also in {@code EventReceivedCount}.
   *
   * @return the number of lines cut
   */
  long getTruncatedLineCount();

  /**
   * Attempts to put a batch that the channel refused for a cause retrying cannot fix (a
   * non-retriable Kafka error, e.g. {@code RecordTooLargeException}: a record over the producer's
   * {@code max.request.size}); each also counts in {@code ChannelWriteFail}. The source keeps
   * retrying the batch, so that nothing is skipped, and logs the cause at ERROR (at most every 30
   * s) with the batch's first {@code eventId}: the pipeline is stalled until the cause is removed
   * (lower {@code maxLineBytes} or raise the producer's {@code max.request.size}, then restart).
   * 0 in a healthy agent.
   *
   * @return the number of such refused attempts
   */
  long getPermanentChannelWriteFailCount();
}
