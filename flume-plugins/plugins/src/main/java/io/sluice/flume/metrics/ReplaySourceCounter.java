package io.sluice.flume.metrics;

import org.apache.flume.instrumentation.SourceCounter;

/**
 * Source counters of {@link ReplaySource}: Flume's {@link SourceCounter} plus the number of
 * completed passes over the input ({@link #getEndOfInputCount()}), of lines whose timestamp could
 * not be read ({@link #getTimestampParseFailCount()}), of files abandoned because they could not
 * be decoded ({@link #getSkippedFileCount()}), of lines an earlier run committed and this one
 * skipped ({@link #getResumedEventCount()}), of failed position file writes
 * ({@link #getPositionSaveFailCount()}), of lines cut at {@code maxLineBytes}
 * ({@link #getTruncatedLineCount()}) and of batches the channel refused for a cause retrying cannot
 * fix ({@link #getPermanentChannelWriteFailCount()}).
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
  static final String TIMESTAMP_PARSE_FAIL = "src.replay.timestamp.parse.fail";
  static final String SKIPPED_FILE = "src.replay.skipped.file";
  static final String RESUMED_EVENT = "src.replay.resumed.event";
  static final String POSITION_SAVE_FAIL = "src.replay.position.save.fail";
  static final String TRUNCATED_LINE = "src.replay.truncated.line";
  static final String PERMANENT_CHANNEL_WRITE_FAIL = "src.replay.channel.write.fail.permanent";

  /**
   * Creates the counter group of the source {@code name}.
   *
   * @param name the source's name; the JMX object name is
   *     {@code org.apache.flume.source:type=<name>}
   */
  public ReplaySourceCounter(String name) {
    super(name, new String[] {END_OF_INPUT_COUNT, TIMESTAMP_PARSE_FAIL, SKIPPED_FILE,
        RESUMED_EVENT, POSITION_SAVE_FAIL, TRUNCATED_LINE, PERMANENT_CHANNEL_WRITE_FAIL});
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

  @Override
  public long getTimestampParseFailCount() {
    return get(TIMESTAMP_PARSE_FAIL);
  }

  /** Records a line sent unpaced because its timestamp could not be read. */
  public long incrementTimestampParseFailCount() {
    return increment(TIMESTAMP_PARSE_FAIL);
  }

  @Override
  public long getSkippedFileCount() {
    return get(SKIPPED_FILE);
  }

  /** Records a file whose rest was skipped because it could not be decoded. */
  public long incrementSkippedFileCount() {
    return increment(SKIPPED_FILE);
  }

  @Override
  public long getResumedEventCount() {
    return get(RESUMED_EVENT);
  }

  /** Records lines skipped at start because an earlier run committed them. */
  public long addToResumedEventCount(long lines) {
    return addAndGet(RESUMED_EVENT, lines);
  }

  @Override
  public long getPositionSaveFailCount() {
    return get(POSITION_SAVE_FAIL);
  }

  /** Records a write of the position file that failed. */
  public long incrementPositionSaveFailCount() {
    return increment(POSITION_SAVE_FAIL);
  }

  @Override
  public long getTruncatedLineCount() {
    return get(TRUNCATED_LINE);
  }

  /** Records a line cut at {@code maxLineBytes}. */
  public long incrementTruncatedLineCount() {
    return increment(TRUNCATED_LINE);
  }

  @Override
  public long getPermanentChannelWriteFailCount() {
    return get(PERMANENT_CHANNEL_WRITE_FAIL);
  }

  /** Records an attempt the channel refused for a cause retrying cannot fix. */
  public long incrementPermanentChannelWriteFailCount() {
    return increment(PERMANENT_CHANNEL_WRITE_FAIL);
  }
}
