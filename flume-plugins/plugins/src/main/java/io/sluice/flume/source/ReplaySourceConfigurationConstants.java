package io.sluice.flume.source;

import org.apache.flume.source.PollableSourceConstants;

/**
 * Configuration keys, defaults and event headers of {@link ReplaySource}.
 *
 * <p>Each key sits next to its default and a one-line description. Keys are relative to the
 * source's context, e.g. {@code agent.sources.replay.file}.
 */
public final class ReplaySourceConfigurationConstants {

  // ---------------------------------------------------------------- configuration keys

  /** Path of the UTF-8 text file to replay, one event per line. Required; no default. */
  public static final String FILE = "file";

  /**
   * Target replay rate, in events per second (a decimal number). {@code 0} means "as fast as the
   * channel accepts"; negative, NaN or infinite values are rejected.
   */
  public static final String EVENTS_PER_SECOND = "eventsPerSecond";
  public static final double DEFAULT_EVENTS_PER_SECOND = 0.0;

  /** Maximum number of events handed to the channel processor in one transaction; must be > 0. */
  public static final String BATCH_SIZE = "batchSize";
  public static final int DEFAULT_BATCH_SIZE = 100;

  /** Whether to start again from the first line after the last one ({@code true}/{@code false}). */
  public static final String LOOP = "loop";
  public static final boolean DEFAULT_LOOP = false;

  /** Runner sleep added per consecutive {@code BACKOFF}, in milliseconds (Flume's key); > 0. */
  public static final String BACKOFF_SLEEP_INCREMENT_MS =
      PollableSourceConstants.BACKOFF_SLEEP_INCREMENT;
  public static final long DEFAULT_BACKOFF_SLEEP_INCREMENT_MS =
      PollableSourceConstants.DEFAULT_BACKOFF_SLEEP_INCREMENT;

  /** Upper bound of the runner's back-off sleep, in milliseconds (Flume's key); > 0. */
  public static final String MAX_BACKOFF_SLEEP_MS = PollableSourceConstants.MAX_BACKOFF_SLEEP;
  public static final long DEFAULT_MAX_BACKOFF_SLEEP_MS =
      PollableSourceConstants.DEFAULT_MAX_BACKOFF_SLEEP;

  // ---------------------------------------------------------------- event headers

  /**
   * Header holding the stable id of the event: {@code <file name>:<1-based line number>} on the
   * first pass, {@code <file name>:<line number>#<pass>} on pass 2, 3, ... when {@link #LOOP} is
   * set.
   */
  public static final String EVENT_ID_HEADER = "eventId";

  /** Header holding the time the line was read, in epoch milliseconds (decimal string). */
  public static final String TIMESTAMP_HEADER = "timestamp";

  private ReplaySourceConfigurationConstants() {
  }
}
