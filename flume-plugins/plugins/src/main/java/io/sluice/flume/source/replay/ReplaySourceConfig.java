package io.sluice.flume.source.replay;

import static org.apache.kafka.common.config.ConfigDef.Importance.HIGH;
import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;
import static org.apache.kafka.common.config.ConfigDef.Range.atLeast;

import io.sluice.contract.Rejecters;
import org.apache.flume.source.PollableSourceConstants;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Configuration keys, defaults and event headers of {@link ReplaySource}.
 *
 * <p>Each key is declared once, with its type, default, validator and documentation (unit
 * included), in {@link #DEFINITION}; the constants name the keys and defaults for code. Keys are
 * relative to the source's context, e.g. {@code agent.sources.replay.file}.
 */
public final class ReplaySourceConfig {

  /** The component name in configuration errors ({@link ComponentConfig#invalid}). */
  public static final String COMPONENT = Rejecters.REPLAY_SOURCE;

  // ---------------------------------------------------------------- configuration keys

  public static final String FILE = "file";

  public static final String EVENTS_PER_SECOND = "eventsPerSecond";
  public static final double DEFAULT_EVENTS_PER_SECOND = 0.0;

  public static final String BATCH_SIZE = "batchSize";
  public static final int DEFAULT_BATCH_SIZE = 100;

  public static final String LOOP = "loop";
  public static final boolean DEFAULT_LOOP = false;

  public static final String PACE_BY = "paceBy";
  /** {@link #PACE_BY} value: pace by {@link #EVENTS_PER_SECOND}. */
  public static final String PACE_BY_RATE = "rate";
  /** {@link #PACE_BY} value: pace by the timestamps in the lines. */
  public static final String PACE_BY_TIMESTAMP = "timestamp";
  public static final String DEFAULT_PACE_BY = PACE_BY_RATE;

  public static final String SPEEDUP = "speedup";
  public static final double DEFAULT_SPEEDUP = 1.0;

  public static final String TIMESTAMP_FORMAT = "timestampFormat";
  /** {@link #TIMESTAMP_FORMAT} value: the first {@code [dd/MMM/yyyy:HH:mm:ss Z]} of the line. */
  public static final String TIMESTAMP_FORMAT_APACHE = "apache";
  /** {@link #TIMESTAMP_FORMAT} value: the line's first token, ISO-8601 with an offset. */
  public static final String TIMESTAMP_FORMAT_ISO8601 = "iso8601";
  public static final String DEFAULT_TIMESTAMP_FORMAT = TIMESTAMP_FORMAT_APACHE;

  /**
   * The position file (see {@link ReplaySource}, "Resuming"); empty for
   * {@code <user.home>/.flume/replay-<source name>.json}.
   */
  public static final String POSITION_FILE = "positionFile";
  public static final String DEFAULT_POSITION_FILE = "";

  /**
   * Most bytes of a line an event carries; a longer line is cut, marked
   * {@code rejectReason = line-too-long} and counted (see {@link ReplaySource}, "Long lines").
   */
  public static final String MAX_LINE_BYTES = "maxLineBytes";
  /**
   * 128 KiB. An event must fit a Kafka channel's record: the producer refuses one over its
   * {@code max.request.size} (default 1,048,576 bytes), counting the Flume event serialized with
   * its headers. A parsing interceptor copies parts of the line into headers after decoding it as
   * UTF-8, where each invalid byte becomes U+FFFD (3 bytes), and the access-log interceptor copies
   * an X-Forwarded-For client field twice ({@code clientIp} and {@code forwardedFor}): a line of
   * n bytes can take up to about 7n bytes serialized (n for the body, up to 6n for headers), plus
   * about 1 KiB for the fixed headers. 7 x 128 KiB + 1 KiB is below 1 MiB; 256 KiB would not be.
   * Real access-log lines and tweets are far shorter (Apache refuses a request line over 8,190
   * bytes by default; a tweet's JSON is a few KiB).
   */
  public static final int DEFAULT_MAX_LINE_BYTES = 128 * 1024;
  /** Largest {@link #MAX_LINE_BYTES}: the largest array a JVM allocates, less a byte. */
  public static final int MAX_MAX_LINE_BYTES = LineReader.NO_LIMIT;

  public static final String BACKOFF_SLEEP_INCREMENT_MS =
      PollableSourceConstants.BACKOFF_SLEEP_INCREMENT;
  public static final long DEFAULT_BACKOFF_SLEEP_INCREMENT_MS =
      PollableSourceConstants.DEFAULT_BACKOFF_SLEEP_INCREMENT;

  public static final String MAX_BACKOFF_SLEEP_MS = PollableSourceConstants.MAX_BACKOFF_SLEEP;
  public static final long DEFAULT_MAX_BACKOFF_SLEEP_MS =
      PollableSourceConstants.DEFAULT_MAX_BACKOFF_SLEEP;

  /** Every key of the source, with type, default, validator and documentation. */
  public static final ConfigDef DEFINITION = new ConfigDef()
      .define(FILE, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, HIGH,
          "The input: the path of a text file, or a glob (a path containing *, ?, [ or {, e.g. "
              + "/logs/access.log* or /logs/{a,b}.log.gz; ** crosses directories) whose matching "
              + "regular files are replayed one after the other in lexicographic order of their "
              + "paths. Files starting with the gzip magic bytes are decompressed (multi-member "
              + "gzip included), whatever their name. Required.")
      .define(EVENTS_PER_SECOND, Type.DOUBLE, DEFAULT_EVENTS_PER_SECOND,
          ConfigDef.LambdaValidator.with(ReplaySourceConfig::finiteNonNegative,
              () -> "finite number >= 0"),
          MEDIUM, "With paceBy = rate: long-run average replay rate, in events per second "
              + "(decimal); 0 replays as fast as the channel accepts.")
      .define(BATCH_SIZE, Type.INT, DEFAULT_BATCH_SIZE, atLeast(1), MEDIUM,
          "Most events per channel transaction; must not exceed the channel's "
              + "transactionCapacity.")
      .define(LOOP, Type.BOOLEAN, DEFAULT_LOOP, LOW,
          "Replay the input again after its end, forever.")
      .define(PACE_BY, Type.STRING, DEFAULT_PACE_BY,
          ConfigDef.ValidString.in(PACE_BY_RATE, PACE_BY_TIMESTAMP), MEDIUM,
          "rate: pace by eventsPerSecond; timestamp: send each line at its original offset from "
              + "the first timestamped line of the pass, divided by speedup (timestamps read with "
              + "timestampFormat; a line without a readable timestamp is sent at once and counted "
              + "in TimestampParseFailCount).")
      .define(SPEEDUP, Type.DOUBLE, DEFAULT_SPEEDUP,
          ConfigDef.LambdaValidator.with(ReplaySourceConfig::finitePositive,
              () -> "finite number > 0"),
          MEDIUM, "With paceBy = timestamp: how many times faster than real time to replay "
              + "(a factor; 1.0 = original inter-arrival times, 60 = one hour per minute).")
      .define(TIMESTAMP_FORMAT, Type.STRING, DEFAULT_TIMESTAMP_FORMAT,
          ConfigDef.ValidString.in(TIMESTAMP_FORMAT_APACHE, TIMESTAMP_FORMAT_ISO8601), MEDIUM,
          "With paceBy = timestamp: where the time is. apache: the first [...] field, "
              + "dd/MMM/yyyy:HH:mm:ss Z with English month names (Apache/nginx access logs); "
              + "iso8601: the line's first blank-delimited token, an ISO-8601 date-time with an "
              + "offset such as 2022-08-27T14:22:01.613Z (RFC 5424 syslog, many app logs).")
      .define(POSITION_FILE, Type.STRING, DEFAULT_POSITION_FILE, HIGH,
          "File recording how far each input file has been committed to the channel (its path, "
              + "inode and a fingerprint of its first bytes, the lines committed and the byte "
              + "offset after the last of them, whether it is finished), rewritten atomically "
              + "after each batch the channel committed; a restarted source resumes after the "
              + "last committed line. Empty for <user.home>/.flume/replay-<source name>.json "
              + "(Flume's TAILDIR source keeps ~/.flume/taildir_position.json). Its directory "
              + "is created if needed. Delete the file to replay the input from its first line.")
      .define(MAX_LINE_BYTES, Type.INT, DEFAULT_MAX_LINE_BYTES,
          ConfigDef.Range.between(1, MAX_MAX_LINE_BYTES), MEDIUM,
          "Most bytes of a line (without its terminator) an event carries, in bytes. A longer "
              + "line is not lost: its event carries its first maxLineBytes bytes and the headers "
              + "rejectReason = line-too-long, rejectedBy = replay-source and "
              + "originalLengthBytes = its length, so the agent routes it to its dead letter; the "
              + "rest of the line is skipped without being held in memory, and the line is "
              + "counted in TruncatedLineCount. Keep an event, with what interceptors copy into "
              + "headers, under the Kafka producer's max.request.size (1 MiB by default): the "
              + "default, 131072 (128 KiB), leaves room for the worst case (up to about 7 bytes "
              + "serialized per line byte, see the Javadoc of ReplaySourceConfig"
              + ".DEFAULT_MAX_LINE_BYTES).")
      .define(BACKOFF_SLEEP_INCREMENT_MS, Type.LONG, DEFAULT_BACKOFF_SLEEP_INCREMENT_MS,
          atLeast(1), LOW, "Flume's runner sleep added per consecutive BACKOFF, in "
              + "milliseconds.")
      .define(MAX_BACKOFF_SLEEP_MS, Type.LONG, DEFAULT_MAX_BACKOFF_SLEEP_MS, atLeast(1), LOW,
          "Upper bound of Flume's runner back-off sleep, in milliseconds.");

  // ---------------------------------------------------------------- event headers

  private ReplaySourceConfig() {
  }

  private static void finiteNonNegative(String name, Object value) {
    double number = (Double) value;
    if (!(number >= 0) || Double.isInfinite(number)) {
      throw new ConfigException(name, value, "must be a finite number >= 0");
    }
  }

  private static void finitePositive(String name, Object value) {
    double number = (Double) value;
    if (!(number > 0) || Double.isInfinite(number)) {
      throw new ConfigException(name, value, "must be a finite number > 0");
    }
  }
}
