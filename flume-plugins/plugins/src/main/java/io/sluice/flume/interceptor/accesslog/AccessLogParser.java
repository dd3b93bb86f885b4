package io.sluice.flume.interceptor.accesslog;

import io.sluice.contract.RejectReason;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;

/**
 * Single-pass, allocation-light parser of one access-log line; see {@link AccessLogInterceptor}
 * for the accepted grammar and the meaning of each reject code.
 *
 * <p>The parser scans the line once with {@code charAt}/{@code indexOf}, never uses regular
 * expressions and never throws: every outcome is a {@link Result}.
 */
final class AccessLogParser {

  /**
   * Outcome of parsing one line: exactly one of {@code entry} and {@code reason} is non-null.
   *
   * @param entry the parsed fields, or null when rejected
   * @param reason why the line was rejected, or null when parsed
   */
  record Result(AccessLogEntry entry, RejectReason reason) {

    static Result parsed(AccessLogEntry entry) {
      return new Result(entry, null);
    }

    static Result rejected(RejectReason reason) {
      return new Result(null, reason);
    }

    boolean isParsed() {
      return entry != null;
    }
  }

  /**
   * Method, path and protocol of a request field that is not a request line ({@code "-"},
   * {@code ""}, {@code "hello"}).
   */
  static final String NO_REQUEST = "-";

  private static final long INVALID = Long.MIN_VALUE;
  /** {@code %v X-Forwarded-For %h}: the most fields before {@code %l %u}. */
  private static final int MAX_PREFIX_FIELDS = 3;
  /** The prefix, {@code %l} and {@code %u}: the most fields before {@code [%t]}. */
  private static final int MAX_LEADING_FIELDS = MAX_PREFIX_FIELDS + 2;
  /** Length of {@code dd/MMM/yyyy:HH:mm:ss +hhmm}. */
  private static final int TIMESTAMP_LENGTH = 26;
  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };
  private static final int MAX_OFFSET_SECONDS = 18 * 3600;
  private static final int MAX_BYTES_DIGITS = 18;
  private static final String HTTP_PREFIX = "HTTP/";
  private static final String[] METHODS = {"GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS"};
  private static final String[] PROTOCOLS = {"HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/2"};
  /** RFC 9110 "tchar" punctuation; letters and digits are checked separately. */
  private static final String TOKEN_PUNCTUATION = "!#$%&'*+-.^_`|~";

  /**
   * The last time field parsed and its value: consecutive log lines mostly share the same
   * second, so most lines skip the date arithmetic. Safe to share between threads (the entry is
   * immutable; a lost update only costs a recomputation).
   */
  static final class TimeCache {
    private volatile CachedTime last;

    private record CachedTime(String text, long millis) {
    }
  }

  private final String line;
  /** End of the line, exclusive, without trailing spaces, tabs, CR or LF. */
  private final int end;
  private final TimeCache timeCache;
  private int pos;

  private AccessLogParser(String line, TimeCache timeCache) {
    this.timeCache = timeCache;
    int trimmedEnd = line.length();
    while (trimmedEnd > 0 && isTrailingBlank(line.charAt(trimmedEnd - 1))) {
      trimmedEnd--;
    }
    this.line = line;
    this.end = trimmedEnd;
  }

  /**
   * Parses one line.
   *
   * @param line the decoded line, without or with its line terminator
   * @return the parsed entry or the reject reason; never null
   */
  static Result parse(String line) {
    return parse(line, new TimeCache());
  }

  /**
   * Parses one line, reusing the time of the previous line when it is the same.
   *
   * @param line the decoded line, without or with its line terminator
   * @param timeCache the cache of the caller (one per interceptor)
   * @return the parsed entry or the reject reason; never null
   */
  static Result parse(String line, TimeCache timeCache) {
    return new AccessLogParser(line, timeCache).parse();
  }

  private Result parse() {
    if (end == 0) {
      return Result.rejected(RejectReason.EMPTY_LINE);
    }
    // prefix %l %u: the prefix is %h, or %v[:%p] %h, or an X-Forwarded-For list (bare or quoted)
    // then %h, or %v[:%p], the list, then %h
    int[] starts = new int[MAX_LEADING_FIELDS];
    int[] ends = new int[MAX_LEADING_FIELDS];
    boolean[] quoted = new boolean[MAX_LEADING_FIELDS];
    int count = 0;
    RejectReason reason;
    do {
      if (count == MAX_LEADING_FIELDS) {
        return Result.rejected(RejectReason.MISSING_FIELD); // no [%t] where it must be
      }
      int closing = line.charAt(pos) == '"' ? closingQuote(pos + 1) : -1;
      if (closing > pos && (closing + 1 == end || line.charAt(closing + 1) == ' ')) {
        quoted[count] = true;
        starts[count] = pos + 1;
        ends[count] = closing;
        pos = closing + 1;
      } else {
        quoted[count] = false;
        starts[count] = pos;
        listField();
        ends[count] = pos;
        if (ends[count] == starts[count]) {
          return Result.rejected(RejectReason.MISSING_FIELD);
        }
      }
      count++;
      if ((reason = nextField()) != null) {
        return Result.rejected(reason);
      }
    } while (line.charAt(pos) != '[');
    int prefix = count - 2; // the last two are %l %u
    if (prefix < 1 || prefix > MAX_PREFIX_FIELDS) {
      return Result.rejected(RejectReason.MISSING_FIELD);
    }
    String vhost = null;
    int list = -1; // the field holding the X-Forwarded-For list, if any
    int remote = prefix - 1; // %h
    if (prefix == 3) {
      vhost = line.substring(starts[0], ends[0]);
      list = 1;
    } else if (prefix == 2) {
      if (quoted[0] || isList(starts[0], ends[0])) {
        list = 0;
      } else {
        vhost = line.substring(starts[0], ends[0]);
      }
    }
    if (quoted[remote]) {
      return Result.rejected(RejectReason.MISSING_FIELD); // %h is never quoted
    }
    String forwardedFor = null;
    String clientIp;
    if (list < 0 && isList(starts[remote], ends[remote])) {
      list = remote; // the list logged in place of %h
    }
    if (list >= 0 && !isAbsent(starts[list], ends[list])) {
      forwardedFor = line.substring(starts[list], ends[list]);
      int comma = indexOf(',', starts[list], ends[list]);
      clientIp = (comma < 0 ? forwardedFor : forwardedFor.substring(0, comma - starts[list]))
          .trim();
      if (clientIp.isEmpty()) {
        return Result.rejected(RejectReason.MISSING_FIELD);
      }
    } else {
      clientIp = line.substring(starts[remote], ends[remote]);
    }
    // [%t]
    if (line.charAt(pos) != '[') {
      return Result.rejected(RejectReason.MISSING_FIELD);
    }
    int closingBracket = line.indexOf(']', pos + 1);
    if (closingBracket < 0 || closingBracket >= end) {
      return Result.rejected(RejectReason.UNTERMINATED_BRACKET);
    }
    long timestampMs = parseTimestamp(pos + 1, closingBracket);
    if (timestampMs == INVALID) {
      return Result.rejected(RejectReason.BAD_TIMESTAMP);
    }
    pos = closingBracket + 1;
    if ((reason = nextField()) != null) {
      return Result.rejected(reason);
    }
    // "%r"
    if (line.charAt(pos) != '"') {
      return Result.rejected(RejectReason.MISSING_FIELD);
    }
    int closingQuote = closingQuote(pos + 1);
    if (closingQuote < 0) {
      return Result.rejected(RejectReason.UNTERMINATED_QUOTE);
    }
    String[] request = parseRequest(pos + 1, closingQuote);
    if (request == null) { // logged with its status and size all the same: counted, no endpoint
      request = new String[] {NO_REQUEST, NO_REQUEST, NO_REQUEST};
    }
    pos = closingQuote + 1;
    if ((reason = nextField()) != null) {
      return Result.rejected(reason);
    }
    // %>s
    int status = parseStatus(pos, tokenEnd());
    pos = tokenEnd();
    if (status < 0) {
      return Result.rejected(RejectReason.BAD_STATUS);
    }
    if ((reason = nextField()) != null) {
      return Result.rejected(reason);
    }
    // %b
    long bytes = parseBytes(pos, tokenEnd());
    pos = tokenEnd();
    if (bytes < 0) {
      return Result.rejected(RejectReason.BAD_BYTES);
    }
    if (pos == end) { // common log format
      return Result.parsed(new AccessLogEntry(vhost, clientIp, forwardedFor, timestampMs,
          request[0], request[1], request[2], status, bytes, null, null));
    }
    // "%{Referer}i" "%{User-agent}i": optional as a pair
    skipSpaces();
    if (line.charAt(pos) != '"') {
      return Result.rejected(RejectReason.TRAILING_GARBAGE);
    }
    String referrer = quoted();
    if (referrer == null) {
      return Result.rejected(RejectReason.UNTERMINATED_QUOTE);
    }
    if ((reason = nextField()) != null) {
      return Result.rejected(reason);
    }
    if (line.charAt(pos) != '"') {
      return Result.rejected(RejectReason.MISSING_FIELD);
    }
    String userAgent = quoted();
    if (userAgent == null) {
      return Result.rejected(RejectReason.UNTERMINATED_QUOTE);
    }
    // nginx-style extra quoted fields, e.g. "$http_x_forwarded_for": checked, not kept
    while (pos < end) {
      if (line.charAt(pos) != ' ') {
        return Result.rejected(RejectReason.TRAILING_GARBAGE);
      }
      skipSpaces();
      if (line.charAt(pos) != '"') {
        return Result.rejected(RejectReason.TRAILING_GARBAGE);
      }
      if (quoted() == null) {
        return Result.rejected(RejectReason.UNTERMINATED_QUOTE);
      }
    }
    return Result.parsed(new AccessLogEntry(vhost, clientIp, forwardedFor, timestampMs,
        request[0], request[1], request[2], status, bytes, referrer, userAgent));
  }

  // ---------------------------------------------------------------- scanning

  /** End (exclusive) of the run of non-space characters at {@code pos} (possibly empty). */
  private int tokenEnd() {
    int space = line.indexOf(' ', pos);
    return space < 0 || space > end ? end : space;
  }

  /** {@code line[from, to)} holds a comma: a list of addresses. */
  private boolean isList(int from, int to) {
    return indexOf(',', from, to) >= 0;
  }

  /** {@code line[from, to)} is empty or {@code -}: a header that was not sent. */
  private boolean isAbsent(int from, int to) {
    return from == to || (to - from == 1 && line.charAt(from) == '-');
  }

  /** Index of {@code c} in {@code line[from, to)}, or -1. */
  private int indexOf(char c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (line.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Moves {@code pos} over a token, continued over spaces while it ends with a comma and the next
   * token is not a bracketed or quoted field: {@code 203.0.113.7, 10.0.0.1} is one field.
   */
  private void listField() {
    int start = pos;
    pos = tokenEnd();
    while (pos > start && pos < end && line.charAt(pos - 1) == ',') {
      int next = pos;
      while (next < end && line.charAt(next) == ' ') {
        next++;
      }
      if (next == end || line.charAt(next) == '[' || line.charAt(next) == '"') {
        break;
      }
      pos = next;
      pos = tokenEnd();
    }
  }

  /**
   * Moves from the end of a field to the start of the next, mandatory one.
   *
   * @return null when positioned on the next field; {@code MISSING_FIELD} when the line ended;
   *     {@code TRAILING_GARBAGE} when the field is followed by something other than a space
   */
  private RejectReason nextField() {
    if (pos >= end) {
      return RejectReason.MISSING_FIELD;
    }
    if (line.charAt(pos) != ' ') {
      return RejectReason.TRAILING_GARBAGE;
    }
    skipSpaces(); // trailing blanks are outside [0, end), so a field follows
    return null;
  }

  private void skipSpaces() {
    while (pos < end && line.charAt(pos) == ' ') {
      pos++;
    }
  }

  /**
   * Reads the quoted field opening at {@code pos} and moves past its closing quote.
   *
   * @return the content between the quotes, as written; null if the closing quote is missing
   */
  private String quoted() {
    int closing = closingQuote(pos + 1);
    if (closing < 0) {
      return null;
    }
    String value = line.substring(pos + 1, closing);
    pos = closing + 1;
    return value;
  }

  /**
   * Index of the first unescaped {@code '"'} at or after {@code from}, or -1. Apache
   * (mod_log_config) and nginx both write {@code "} and {@code \} inside quoted fields as
   * backslash sequences, so a backslash always escapes the next character.
   */
  private int closingQuote(int from) {
    int quote = line.indexOf('"', from);
    while (quote >= 0 && quote < end) {
      int backslashes = 0;
      for (int i = quote - 1; i >= from && line.charAt(i) == '\\'; i--) {
        backslashes++;
      }
      if ((backslashes & 1) == 0) { // an even run of backslashes escapes itself, not the quote
        return quote;
      }
      quote = line.indexOf('"', quote + 1);
    }
    return -1;
  }

  // ---------------------------------------------------------------- fields

  /**
   * Parses {@code dd/MMM/yyyy:HH:mm:ss +hhmm} in {@code line[from, to)}.
   *
   * @return epoch milliseconds, or {@link #INVALID}
   */
  private long parseTimestamp(int from, int to) {
    TimeCache.CachedTime cached = timeCache.last;
    if (cached != null && to - from == TIMESTAMP_LENGTH
        && line.regionMatches(from, cached.text(), 0, TIMESTAMP_LENGTH)) {
      return cached.millis();
    }
    long millis = computeTimestamp(from, to);
    if (millis != INVALID) {
      timeCache.last = new TimeCache.CachedTime(line.substring(from, to), millis);
    }
    return millis;
  }

  private long computeTimestamp(int from, int to) {
    if (to - from != TIMESTAMP_LENGTH
        || line.charAt(from + 2) != '/' || line.charAt(from + 6) != '/'
        || line.charAt(from + 11) != ':' || line.charAt(from + 14) != ':'
        || line.charAt(from + 17) != ':' || line.charAt(from + 20) != ' ') {
      return INVALID;
    }
    int day = digits(from, from + 2);
    int month = month(from + 3);
    int year = digits(from + 7, from + 11);
    int hour = digits(from + 12, from + 14);
    int minute = digits(from + 15, from + 17);
    int second = digits(from + 18, from + 20);
    char sign = line.charAt(from + 21);
    int offsetHours = digits(from + 22, from + 24);
    int offsetMinutes = digits(from + 24, from + 26);
    if (day < 1 || month < 1 || year < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59
        || second < 0 || second > 59 || (sign != '+' && sign != '-')
        || offsetHours < 0 || offsetMinutes < 0 || offsetMinutes > 59
        || day > Month.of(month).length(Year.isLeap(year))) {
      return INVALID;
    }
    int offsetSeconds = offsetHours * 3600 + offsetMinutes * 60;
    if (offsetSeconds > MAX_OFFSET_SECONDS) {
      return INVALID;
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    long epochSecond = epochDay * 86_400 + hour * 3600 + minute * 60 + second
        - (sign == '-' ? -offsetSeconds : offsetSeconds);
    return epochSecond * 1000;
  }

  /** English three-letter month at {@code from} (any case), 1..12; -1 if none. */
  private int month(int from) {
    char first = line.charAt(from);
    int guess = switch (first) { // the usual capitalised spelling first, then any case
      case 'J' -> line.charAt(from + 1) == 'a' ? 0 : line.charAt(from + 2) == 'n' ? 5 : 6;
      case 'F' -> 1;
      case 'M' -> line.charAt(from + 2) == 'r' ? 2 : 4;
      case 'A' -> line.charAt(from + 1) == 'p' ? 3 : 7;
      case 'S' -> 8;
      case 'O' -> 9;
      case 'N' -> 10;
      case 'D' -> 11;
      default -> -1;
    };
    if (guess >= 0 && line.startsWith(MONTHS[guess], from)) {
      return guess + 1;
    }
    for (int i = 0; i < MONTHS.length; i++) {
      if (line.regionMatches(true, from, MONTHS[i], 0, 3)) {
        return i + 1;
      }
    }
    return -1;
  }

  /** Value of the ASCII decimal digits {@code line[from, to)} (at most 9); -1 otherwise. */
  private int digits(int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = line.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** {@code line[from, to)} as three ASCII digits 100..599, else -1. */
  private int parseStatus(int from, int to) {
    if (to - from != 3) {
      return -1;
    }
    int status = digits(from, to);
    return status >= 100 && status <= 599 ? status : -1;
  }

  /** {@code line[from, to)}: {@code -} is 0; otherwise 1..18 ASCII digits; -1 when invalid. */
  private long parseBytes(int from, int to) {
    if (to - from == 1 && line.charAt(from) == '-') {
      return 0;
    }
    if (to == from || to - from > MAX_BYTES_DIGITS) {
      return -1;
    }
    long bytes = 0;
    for (int i = from; i < to; i++) {
      char c = line.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      bytes = bytes * 10 + (c - '0');
    }
    return bytes;
  }

  /**
   * Splits the request line {@code line[from, to)} into method, target and protocol; common
   * methods and protocols are shared constants rather than new strings.
   *
   * @return {@code {method, target, protocol}}, or null when it is not a request line
   */
  private String[] parseRequest(int from, int to) {
    if (to == from || (to - from == 1 && line.charAt(from) == '-')) {
      return new String[] {NO_REQUEST, NO_REQUEST, NO_REQUEST};
    }
    int firstSpace = indexOf(' ', from, to);
    if (firstSpace <= from || !isToken(line, from, firstSpace)) {
      return null;
    }
    String method = known(METHODS, from, firstSpace);
    int lastSpace = to - 1;
    while (line.charAt(lastSpace) != ' ') {
      lastSpace--;
    }
    String target;
    String protocol;
    if (lastSpace == firstSpace) { // HTTP/0.9: "GET /path"
      target = line.substring(firstSpace + 1, to);
      protocol = "";
    } else {
      if (!isHttpVersion(line, lastSpace + 1, to)) {
        return null;
      }
      protocol = known(PROTOCOLS, lastSpace + 1, to);
      target = line.substring(firstSpace + 1, lastSpace);
    }
    if (target.isBlank()) {
      return null;
    }
    return new String[] {method, target, protocol};
  }

  /** The constant equal to {@code line[from, to)}, or a new substring. */
  private String known(String[] constants, int from, int to) {
    for (String constant : constants) {
      if (constant.length() == to - from && line.startsWith(constant, from)) {
        return constant;
      }
    }
    return line.substring(from, to);
  }

  /** {@code s[from, to)} is {@code HTTP/} followed by digits, optionally {@code .} and digits. */
  private static boolean isHttpVersion(String s, int from, int to) {
    if (to - from < HTTP_PREFIX.length() || !s.startsWith(HTTP_PREFIX, from)) {
      return false;
    }
    int i = from + HTTP_PREFIX.length();
    int major = i;
    while (i < to && isDigit(s.charAt(i))) {
      i++;
    }
    if (i == major) {
      return false;
    }
    if (i == to) {
      return true;
    }
    if (s.charAt(i) != '.') {
      return false;
    }
    int minor = ++i;
    while (i < to && isDigit(s.charAt(i))) {
      i++;
    }
    return i > minor && i == to;
  }

  /** RFC 9110 token: one or more tchar. */
  private static boolean isToken(String s, int from, int to) {
    if (from >= to) {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      boolean tchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c)
          || TOKEN_PUNCTUATION.indexOf(c) >= 0;
      if (!tchar) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isTrailingBlank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }
}
