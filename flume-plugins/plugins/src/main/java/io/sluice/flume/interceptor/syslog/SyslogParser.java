package io.sluice.flume.interceptor.syslog;

import io.sluice.contract.RejectReason;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.MonthDay;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * Single-pass parser of one syslog message (RFC 3164 or RFC 5424, with or without its PRI); see
 * {@link SyslogInterceptor} for the accepted grammar and the meaning of each reject code. No
 * regular expression runs per line and the parser never throws: every outcome is a
 * {@link Result}.
 */
final class SyslogParser {

  /** RFC 5424 NILVALUE (section 6): the field's value is unknown. */
  static final String NIL = "-";
  /** Highest PRIVAL: facility 23, severity 7 (RFC 5424 section 6.2.1). */
  static final int MAX_PRIORITY = 191;
  /**
   * How far in the future an RFC 3164 timestamp (which has no year) may lie with the receiving
   * clock's year before it is read as last year's: one day, so that clocks that are a little
   * ahead and senders in zones east of the receiver keep the current year.
   */
  static final Duration FUTURE_TOLERANCE = Duration.ofDays(1);
  private static final String[] MONTHS = {
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"
  };
  /** Years tried back from the clock's year for a 29 February (two leap years, 2100 included). */
  private static final int MAX_YEARS_BACK = 8;
  private static final char BOM = '\uFEFF';

  /**
   * A parsed message.
   *
   * @param priority the PRIVAL, or -1 when the line has no PRI
   * @param timestampMs the message time, epoch milliseconds
   * @param host the HOSTNAME, or null when the message has none (RFC 3164 without HOSTNAME,
   *     RFC 5424 NILVALUE)
   * @param program TAG without {@code [pid]}, or APP-NAME ({@value #NIL} for its NILVALUE)
   * @param pid the pid between brackets, or PROCID; null when absent or NILVALUE
   * @param message the MSG (CONTENT) part
   */
  record Message(int priority, long timestampMs, String host, String program, String pid,
      String message) {
  }

  /**
   * Outcome of parsing one line: exactly one of {@code message} and {@code reason} is non-null.
   *
   * @param message the parsed fields, or null when rejected
   * @param reason why the line was rejected, or null when parsed
   */
  record Result(Message message, RejectReason reason) {

    static Result rejected(RejectReason reason) {
      return new Result(null, reason);
    }

    boolean isParsed() {
      return message != null;
    }
  }

  private final String line;
  private final int end;
  private final ZoneId zone;
  private final Instant now;
  private int pos;

  private SyslogParser(String line, ZoneId zone, Instant now) {
    this.line = line;
    int e = line.length();
    while (e > 0 && (line.charAt(e - 1) == '\n' || line.charAt(e - 1) == '\r')) {
      e--;
    }
    this.end = e;
    this.zone = zone;
    this.now = now;
  }

  /**
   * Parses one message.
   *
   * @param line the message, a trailing CR/LF ignored
   * @param zone the zone of RFC 3164 timestamps (they have no offset)
   * @param now the receiving clock's time: the year of RFC 3164 timestamps, the time of a
   *     NILVALUE timestamp
   * @return the parsed message or the reject reason
   */
  static Result parse(String line, ZoneId zone, Instant now) {
    return new SyslogParser(line, zone, now).parse();
  }

  private Result parse() {
    if (line.substring(0, end).isBlank()) {
      return Result.rejected(RejectReason.EMPTY_LINE);
    }
    int priority = -1;
    if (line.charAt(0) == '<') {
      priority = priority();
      if (priority < 0) {
        return Result.rejected(RejectReason.BAD_PRIORITY);
      }
    }
    if (priority >= 0 && version()) {
      return rfc5424(priority);
    }
    long timestamp;
    boolean iso;
    if (pos < end && isDigit(line.charAt(pos))) {
      iso = true;
      timestamp = isoTimestamp();
    } else {
      iso = false;
      timestamp = rfc3164Timestamp();
    }
    if (timestamp == Long.MIN_VALUE) {
      return Result.rejected(RejectReason.BAD_TIMESTAMP);
    }
    if (pos == end) {
      return Result.rejected(RejectReason.MISSING_FIELD);
    }
    if (line.charAt(pos) != ' ') {
      return Result.rejected(RejectReason.BAD_TIMESTAMP);
    }
    pos++;
    String first = token();
    if (first == null) {
      return Result.rejected(RejectReason.MISSING_FIELD);
    }
    if (first.endsWith(":")) { // no HOSTNAME: the first token is the TAG
      pos -= first.length();
      return tagged(priority, timestamp, null);
    }
    if (!space()) {
      return Result.rejected(RejectReason.MISSING_FIELD);
    }
    if (iso) {
      int tagStart = pos;
      String second = token();
      pos = tagStart;
      if (second != null && !second.endsWith(":")) {
        return rfc5424Fields(priority, timestamp, NIL.equals(first) ? null : first);
      }
    }
    return tagged(priority, timestamp, first);
  }

  /** {@code <PRIVAL>}: 1 to 3 digits in 0..191; -1 when malformed. */
  private int priority() {
    int value = 0;
    int i = 1;
    while (i < end && i <= 4 && isDigit(line.charAt(i))) {
      value = value * 10 + line.charAt(i) - '0';
      i++;
    }
    int digits = i - 1;
    if (digits < 1 || digits > 3 || i >= end || line.charAt(i) != '>' || value > MAX_PRIORITY) {
      return -1;
    }
    pos = i + 1;
    return value;
  }

  /** RFC 5424 VERSION and its SP: 1 to 3 digits, the first non-zero. */
  private boolean version() {
    int i = pos;
    while (i < end && i - pos < 4 && isDigit(line.charAt(i))) {
      i++;
    }
    int digits = i - pos;
    if (digits < 1 || digits > 3 || line.charAt(pos) == '0' || i >= end
        || line.charAt(i) != ' ') {
      return false;
    }
    pos = i + 1;
    return true;
  }

  /** After {@code <PRI>VERSION SP}: TIMESTAMP SP HOSTNAME SP APP-NAME ... (RFC 5424 section 6). */
  private Result rfc5424(int priority) {
    long timestamp;
    if (line.startsWith(NIL + " ", pos)) {
      timestamp = now.toEpochMilli();
      pos++;
    } else {
      timestamp = isoTimestamp();
      if (timestamp == Long.MIN_VALUE) {
        return Result.rejected(RejectReason.BAD_TIMESTAMP);
      }
    }
    if (!space()) {
      return Result.rejected(pos == end ? RejectReason.MISSING_FIELD : RejectReason.BAD_TIMESTAMP);
    }
    String host = token();
    if (host == null || !space()) {
      return Result.rejected(RejectReason.MISSING_FIELD);
    }
    return rfc5424Fields(priority, timestamp, NIL.equals(host) ? null : host);
  }

  /** APP-NAME SP PROCID SP MSGID SP STRUCTURED-DATA [SP MSG] (RFC 5424 sections 6.2.5 to 6.4). */
  private Result rfc5424Fields(int priority, long timestamp, String host) {
    String app = token();
    if (app == null || !space()) {
      return Result.rejected(RejectReason.MISSING_FIELD);
    }
    String procId = token();
    if (procId == null || !space()) {
      return Result.rejected(RejectReason.MISSING_FIELD);
    }
    String msgId = token();
    if (msgId == null || !space() || !structuredData()) {
      return Result.rejected(RejectReason.MISSING_FIELD);
    }
    String message;
    if (pos == end) {
      message = "";
    } else if (line.charAt(pos) == ' ') {
      int start = pos + 1;
      if (start < end && line.charAt(start) == BOM) {
        start++;
      }
      message = line.substring(start, end);
    } else {
      return Result.rejected(RejectReason.MISSING_FIELD);
    }
    return new Result(new Message(priority, timestamp, host, app,
        NIL.equals(procId) ? null : procId, message), null);
  }

  /**
   * STRUCTURED-DATA (RFC 5424 section 6.3): NILVALUE or SD-ELEMENTs {@code [id name="value"...]}
   * with {@code \"}, {@code \\} and {@code \]} escaped in values (section 6.3.3).
   */
  private boolean structuredData() {
    if (pos >= end) {
      return false;
    }
    if (line.charAt(pos) == '-') {
      pos++;
      return pos == end || line.charAt(pos) == ' ';
    }
    if (line.charAt(pos) != '[') {
      return false;
    }
    while (pos < end && line.charAt(pos) == '[') {
      boolean quoted = false;
      int i = pos + 1;
      for (; i < end; i++) {
        char c = line.charAt(i);
        if (quoted && c == '\\') {
          i++;
        } else if (c == '"') {
          quoted = !quoted;
        } else if (!quoted && c == ']') {
          break;
        }
      }
      if (i >= end) {
        return false;
      }
      pos = i + 1;
    }
    return true;
  }

  /**
   * RFC 3164 TAG and CONTENT (sections 4.1.3 and 5.3): {@code program[pid]: message} or
   * {@code program: message}.
   */
  private Result tagged(int priority, long timestamp, String host) {
    int start = pos;
    while (pos < end && line.charAt(pos) != ' ' && line.charAt(pos) != '['
        && line.charAt(pos) != ':') {
      pos++;
    }
    if (pos == start || pos == end || line.charAt(pos) == ' ') {
      return Result.rejected(RejectReason.MISSING_FIELD);
    }
    String program = line.substring(start, pos);
    String pid = null;
    if (line.charAt(pos) == '[') {
      int close = line.indexOf(']', pos);
      if (close < 0 || close >= end || close == pos + 1) {
        return Result.rejected(RejectReason.MISSING_FIELD);
      }
      pid = line.substring(pos + 1, close);
      if (pid.indexOf(' ') >= 0) {
        return Result.rejected(RejectReason.MISSING_FIELD);
      }
      pos = close + 1;
      if (pos == end || line.charAt(pos) != ':') {
        return Result.rejected(RejectReason.MISSING_FIELD);
      }
    }
    pos++; // the ':'
    if (pos < end && line.charAt(pos) == ' ') {
      pos++;
    }
    return new Result(new Message(priority, timestamp, host, program, pid,
        line.substring(pos, end)), null);
  }

  /**
   * RFC 3164 TIMESTAMP (section 4.1.2): {@code Mmm dd hh:mm:ss}, English month (any case), day
   * space-padded ({@code Mmm  d}), zero-padded or unpadded; the year and zone come from
   * {@link #year}. Long.MIN_VALUE when malformed.
   */
  private long rfc3164Timestamp() {
    if (pos + 3 > end) {
      return Long.MIN_VALUE;
    }
    int month = -1;
    String name = line.substring(pos, pos + 3);
    for (int m = 0; m < MONTHS.length; m++) {
      if (MONTHS[m].equalsIgnoreCase(name)) {
        month = m + 1;
      }
    }
    int i = pos + 3;
    if (month < 0 || i >= end || line.charAt(i) != ' ') {
      return Long.MIN_VALUE;
    }
    i++;
    if (i < end && line.charAt(i) == ' ') {
      i++;
    }
    int day = 0;
    int dayStart = i;
    while (i < end && isDigit(line.charAt(i)) && i - dayStart < 3) {
      day = day * 10 + line.charAt(i) - '0';
      i++;
    }
    if (i - dayStart < 1 || i - dayStart > 2 || i >= end || line.charAt(i) != ' ') {
      return Long.MIN_VALUE;
    }
    i++;
    int hour = twoDigits(i);
    int minute = twoDigits(i + 3);
    int second = twoDigits(i + 6);
    if (hour < 0 || minute < 0 || second < 0 || line.charAt(i + 2) != ':'
        || line.charAt(i + 5) != ':') {
      return Long.MIN_VALUE;
    }
    pos = i + 8;
    return year(month, day, hour, minute, second);
  }

  /**
   * The latest instant, in {@link #zone}, of a year at most the receiving clock's in which the
   * date exists and that lies no more than {@link #FUTURE_TOLERANCE} after the clock.
   */
  private long year(int month, int day, int hour, int minute, int second) {
    if (month < 1 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
      return Long.MIN_VALUE;
    }
    MonthDay monthDay;
    try {
      monthDay = MonthDay.of(month, day);
    } catch (DateTimeException e) {
      return Long.MIN_VALUE;
    }
    Instant latest = now.plus(FUTURE_TOLERANCE);
    int year = ZonedDateTime.ofInstant(now, zone).getYear();
    for (int y = year; y > year - MAX_YEARS_BACK; y--) {
      if (!monthDay.isValidYear(y)) {
        continue;
      }
      Instant t = LocalDateTime.of(y, month, day, hour, minute, second).atZone(zone).toInstant();
      if (!t.isAfter(latest)) {
        return t.toEpochMilli();
      }
    }
    return Long.MIN_VALUE;
  }

  /**
   * RFC 5424 TIMESTAMP (section 6.2.3, RFC 3339 profile of ISO 8601):
   * {@code yyyy-MM-ddThh:mm:ss[.f{1,6}](Z|+hh:mm|-hh:mm)}, {@code T} and {@code Z} in any case,
   * the offset required, no leap second. Long.MIN_VALUE when malformed.
   */
  private long isoTimestamp() {
    int i = pos;
    int year = digits(i, 4);
    int month = twoDigits(i + 5);
    int day = twoDigits(i + 8);
    int hour = twoDigits(i + 11);
    int minute = twoDigits(i + 14);
    int second = twoDigits(i + 17);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0
        || line.charAt(i + 4) != '-' || line.charAt(i + 7) != '-'
        || Character.toUpperCase(line.charAt(i + 10)) != 'T' || line.charAt(i + 13) != ':'
        || line.charAt(i + 16) != ':') {
      return Long.MIN_VALUE;
    }
    i += 19;
    int nanos = 0;
    if (i < end && line.charAt(i) == '.') {
      int start = ++i;
      while (i < end && isDigit(line.charAt(i))) {
        i++;
      }
      int n = i - start;
      if (n < 1 || n > 6) {
        return Long.MIN_VALUE;
      }
      nanos = Integer.parseInt(line.substring(start, i)) * (int) Math.pow(10, 9 - n);
    }
    if (i >= end) {
      return Long.MIN_VALUE;
    }
    ZoneOffset offset;
    char sign = line.charAt(i);
    if (sign == 'Z' || sign == 'z') {
      offset = ZoneOffset.UTC;
      i++;
    } else if (sign == '+' || sign == '-') {
      int oh = twoDigits(i + 1);
      int om = twoDigits(i + 4);
      if (oh < 0 || om < 0 || line.charAt(i + 3) != ':' || oh > 18 || om > 59) {
        return Long.MIN_VALUE;
      }
      try {
        offset = ZoneOffset.ofHoursMinutes(sign == '-' ? -oh : oh, sign == '-' ? -om : om);
      } catch (DateTimeException e) {
        return Long.MIN_VALUE;
      }
      i += 6;
    } else {
      return Long.MIN_VALUE;
    }
    try {
      long millis = LocalDateTime.of(year, month, day, hour, minute, second, nanos)
          .toInstant(offset).toEpochMilli();
      pos = i;
      return millis;
    } catch (DateTimeException e) {
      return Long.MIN_VALUE;
    }
  }

  /** A run of non-space characters, or null at the end of the line. */
  private String token() {
    int start = pos;
    while (pos < end && line.charAt(pos) != ' ') {
      pos++;
    }
    return pos == start ? null : line.substring(start, pos);
  }

  /** Consumes one SP; false when the next character is not one. */
  private boolean space() {
    if (pos < end && line.charAt(pos) == ' ') {
      pos++;
      return true;
    }
    return false;
  }

  private int twoDigits(int i) {
    return digits(i, 2);
  }

  private int digits(int i, int n) {
    if (i + n > end) {
      return -1;
    }
    int value = 0;
    for (int k = i; k < i + n; k++) {
      char c = line.charAt(k);
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + c - '0';
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
