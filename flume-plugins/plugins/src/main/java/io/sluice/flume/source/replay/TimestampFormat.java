package io.sluice.flume.source.replay;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Where a line's time is, for {@code paceBy = timestamp} (see
 * {@link ReplaySourceConfig#TIMESTAMP_FORMAT}). Works on the raw bytes: only the
 * timestamp's characters are decoded.
 */
enum TimestampFormat {

  /** Apache/nginx {@code %t}: the first {@code [dd/MMM/yyyy:HH:mm:ss Z]} of the line. */
  APACHE(ReplaySourceConfig.TIMESTAMP_FORMAT_APACHE) {
    @Override
    long epochMillis(byte[] line) {
      int open = indexOf(line, (byte) '[', 0, line.length);
      if (open < 0) {
        return NONE;
      }
      int close = indexOf(line, (byte) ']', open + 1,
          Math.min(line.length, open + 1 + MAX_FIELD));
      if (close < 0) {
        return NONE;
      }
      try {
        return ZonedDateTime.parse(new String(line, open + 1, close - open - 1, ISO_8859_1),
            APACHE_PATTERN).toInstant().toEpochMilli();
      } catch (DateTimeException e) {
        return NONE;
      }
    }
  },

  /** The line's first blank-delimited token, ISO-8601 with an offset ({@code ...Z}, +03:00). */
  ISO8601(ReplaySourceConfig.TIMESTAMP_FORMAT_ISO8601) {
    @Override
    long epochMillis(byte[] line) {
      int end = 0;
      while (end < line.length && end <= MAX_FIELD && line[end] != ' ' && line[end] != '\t') {
        end++;
      }
      if (end == 0 || end > MAX_FIELD) {
        return NONE;
      }
      try {
        return OffsetDateTime.parse(new String(line, 0, end, ISO_8859_1),
            DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
      } catch (DateTimeException e) {
        return NONE;
      }
    }
  };

  /** Returned when the line has no readable timestamp. */
  static final long NONE = Long.MIN_VALUE;

  /** Longest timestamp looked at, in characters. */
  private static final int MAX_FIELD = 40;
  private static final DateTimeFormatter APACHE_PATTERN =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);

  private final String configName;

  TimestampFormat(String configName) {
    this.configName = configName;
  }

  /**
   * @param line the line's bytes
   * @return epoch milliseconds, or {@link #NONE}
   */
  abstract long epochMillis(byte[] line);

  /**
   * @param name the configuration value ({@code apache}, {@code iso8601})
   * @return the format
   * @throws IllegalArgumentException for any other name
   */
  static TimestampFormat of(String name) {
    for (TimestampFormat format : values()) {
      if (format.configName.equals(name)) {
        return format;
      }
    }
    throw new IllegalArgumentException("Unknown timestamp format " + name);
  }

  private static int indexOf(byte[] bytes, byte wanted, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    return -1;
  }
}
