package io.sluice.flume.interceptor.accesslog;

import io.sluice.contract.EventHeaders;
import io.sluice.contract.RejectReason;
import io.sluice.contract.Rejecters;
import io.sluice.flume.interceptor.CountingInterceptor;
import io.sluice.flume.metrics.InterceptorCounter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.interceptor.Interceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses Apache HTTP Server and nginx access-log lines into event headers; the body is never
 * modified and no event is ever dropped. A hand-written single-pass scanner: no regular
 * expression runs per line.
 *
 * <h2>Accepted formats</h2>
 * Every line of the shape {@code prefix ident user [time] "request" status bytes [quoted
 * fields...]}. This covers the Common Log Format and the Combined Log Format of the Apache HTTP
 * Server 2.4 {@code mod_log_config} documentation
 * (<a href="https://httpd.apache.org/docs/2.4/logs.html#accesslog">Log Files: Access Log</a>),
 * Apache's {@code vhost_combined} (its default {@code LogFormat} in Debian's
 * {@code apache2.conf}), nginx's {@code combined}, and the virtual-host / X-Forwarded-For variants
 * that log shippers parse (e.g. Filebeat's nginx and apache modules):
 * <pre>
 * common:         %h %l %u %t "%r" %&gt;s %b
 * combined:       %h %l %u %t "%r" %&gt;s %b "%{Referer}i" "%{User-agent}i"
 * vhost_combined: %v:%p %h %l %u %t "%r" %&gt;s %O "%{Referer}i" "%{User-Agent}i"
 * XFF variants:   [%v[:%p]] [XFF] %h %l %u %t "%r" %&gt;s %b ...   XFF: a, b, c  or  "a, b, c"
 *                 XFF,  %l %u %t ...                              (the list in place of %h)
 * </pre>
 * plus, after the user agent, any number of extra quoted fields as nginx writes them (e.g.
 * {@code "$http_x_forwarded_for"}); they are validated but not turned into headers. Details:
 * <ul>
 *   <li>Fields are separated by one or more spaces. Trailing spaces, tabs, CR and LF are
 *       ignored, so CRLF lines parse.</li>
 *   <li>The prefix is what comes before the last two fields ({@code %l %u}) before
 *       {@code [%t]}: one to three fields. A field is a token, a quoted string, or a list: a
 *       token ending in a comma continues over spaces ({@code 203.0.113.7, 10.0.0.1} is one
 *       field). One field: {@code %h}. Two: {@code %v[:%p] %h}, unless the first is quoted or a
 *       list, then {@code XFF %h}. Three: {@code %v[:%p] XFF %h}. More, or fewer than three
 *       fields before {@code [%t]}: {@code missing-field}. A user name containing a space would
 *       be read as another field, so it is not supported.</li>
 *   <li>{@code %h} is kept as written: an IPv4 or IPv6 address ({@code 2001:db8::1},
 *       {@code ::ffff:192.0.2.1}), a host name or nginx's {@code unix:}. When an
 *       X-Forwarded-For list is logged (before {@code %h}, or in its place),
 *       {@value EventHeaders#CLIENT_IP} is its first entry, trimmed (the originating client),
 *       and {@value EventHeaders#FORWARDED_FOR} the whole list as written (without its quotes);
 *       a logged {@code -} or {@code ""} list means no header, then the client is
 *       {@code %h}. The address of the proxy ({@code %h} after a list) is not a header: it stays
 *       in the body. The virtual host is {@value EventHeaders#VHOST}, with its port if
 *       logged.</li>
 *   <li>{@code %t} is exactly {@code [dd/MMM/yyyy:HH:mm:ss +hhmm]} with an English month
 *       abbreviation (any case); the date must exist and the offset be at most 18:00.</li>
 *   <li>Inside quoted fields a backslash escapes the next character (Apache and nginx write
 *       {@code "} as {@code \"} or {@code \x22}); values are kept as written, not unescaped.</li>
 *   <li>{@code "%r"} is any quoted string. When it is {@code METHOD TARGET PROTOCOL} (METHOD an
 *       RFC 9110 token, PROTOCOL {@code HTTP/<digits>[.<digits>]}, TARGET everything between
 *       them, spaces included, as a client may have sent them) or an HTTP/0.9-style
 *       {@code "GET /"} (empty {@code protocol}), its parts become headers. Anything else,
 *       {@code "-"} and {@code ""} (Apache and nginx write them when no request line was
 *       received, e.g. {@code "-" 408}), {@code "hello"}, a TLS handshake sent to a plain-HTTP
 *       port ({@code "\x16\x03\x01..."}), is still a request the server answered with a status
 *       and a size: the line is parsed, with method, path and protocol {@code -}, so that status
 *       counts and content sizes stay complete.</li>
 *   <li>{@code %>s} is three digits in 100..599; {@code %b} / {@code %O} is {@code -} (read as
 *       0) or up to 18 digits.</li>
 * </ul>
 *
 * <h2>Headers of a parsed line</h2>
 * {@value EventHeaders#CLIENT_IP}, {@value EventHeaders#TIMESTAMP} (request time in epoch
 * milliseconds; replaces any existing value such as a source's read time, so time-bucketing sinks
 * use the log time), {@value EventHeaders#METHOD}, {@value EventHeaders#PATH} (the request target
 * as written, including any query string), {@value EventHeaders#PROTOCOL}, {@value
 * EventHeaders#STATUS}, {@value EventHeaders#BYTES} ({@code -} becomes {@code 0}); in combined
 * format also {@value EventHeaders#REFERRER} and {@value EventHeaders#USER_AGENT} (a logged {@code
 * -} stays {@code -}); those two are not set for common-format lines; {@value EventHeaders#VHOST}
 * for vhost_combined lines and {@value EventHeaders#FORWARDED_FOR} for X-Forwarded-For lists only.
 * The body is decoded as UTF-8 with malformed bytes replaced by U+FFFD for the header values only.
 *
 * <h2>Rejected lines</h2>
 * A line that does not parse keeps its body and its existing headers, gets no parse headers, and
 * gets {@value EventHeaders#REJECT_REASON} = one {@link RejectReason#code()} and
 * {@value EventHeaders#REJECTED_BY} = {@value Rejecters#ACCESS_LOG_INTERCEPTOR}. The codes form a
 * closed set ({@link RejectReason#ACCESS_LOG}; agent configurations route on them) and the first
 * problem met scanning left to right wins:
 * <ul>
 *   <li>{@code empty-line}: nothing but blanks;</li>
 *   <li>{@code missing-field}: the line ends, or the next character is not the field's opening
 *       {@code [} or {@code "}, before all of {@code %h %l %u [%t] "%r" %>s %b} were read
 *       (fewer than three or more than five fields before {@code [%t]} included, or a quoted
 *       {@code %h}); a referrer is present without a user agent; or an X-Forwarded-For list
 *       starts with an empty entry;</li>
 *   <li>{@code unterminated-quote}: a quoted field has no closing quote;</li>
 *   <li>{@code unterminated-bracket}: {@code [} of {@code %t} has no closing {@code ]};</li>
 *   <li>{@code bad-timestamp}: {@code %t} is not a valid {@code dd/MMM/yyyy:HH:mm:ss +hhmm};</li>
 *   <li>{@code bad-request}: never set by this interceptor any more (a request field that is not
 *       a request line is parsed with {@code -}, see above); the code stays in the set, and its
 *       counter at 0, so that configurations and dashboards naming it keep working;</li>
 *   <li>{@code bad-status}: {@code %>s} is not three digits in 100..599;</li>
 *   <li>{@code bad-bytes}: {@code %b} is neither {@code -} nor a decimal number;</li>
 *   <li>{@code trailing-garbage}: unexpected characters after a complete field, e.g. an unquoted
 *       value after {@code %b} or after the user agent, or text glued to a closing quote.</li>
 * </ul>
 * An event that arrives already rejected (it has a {@value EventHeaders#REJECT_REASON}, e.g.
 * {@link RejectReason#LINE_TOO_LONG} from {@code ReplaySource}, whose body is only the
 * first bytes of a line) is passed on untouched: not parsed, its reason and
 * {@value EventHeaders#REJECTED_BY} kept.
 *
 * <h2>Counters</h2>
 * {@code INTERCEPTOR} counter group, default name {@value Rejecters#ACCESS_LOG_INTERCEPTOR} (see
 * {@link InterceptorCounter}): {@code EventReceivedCount}, {@code EventAcceptedCount},
 * {@code EventRejectedCount} and {@code EventRejectedCount.<code>} for each code above, plus
 * {@code EventRejectedCount.line-too-long} and {@code EventRejectedCount.other} for events that
 * arrived rejected with that code or with another code (they count in
 * {@code EventRejectedCount} too, so received = accepted + rejected still holds).
 *
 * <p>Instances are thread-safe; the parser scans each line once and does not throw for any
 * input. Configure as {@code io.sluice.flume.interceptor.accesslog.AccessLogInterceptor$Builder};
 * keys in {@link AccessLogInterceptorConfig} ({@code counterGroup}).
 */
public final class AccessLogInterceptor extends CountingInterceptor {

  private static final Logger LOG = LoggerFactory.getLogger(AccessLogInterceptor.class);

  /** Drop reasons: none, this interceptor never drops. */
  private static final List<String> NO_DROPS = List.of();

  /** Decimal text of each status 100..599, shared by all events. */
  private static final String[] STATUS_TEXT = new String[600];

  static {
    for (int status = 100; status < STATUS_TEXT.length; status++) {
      STATUS_TEXT[status] = Integer.toString(status).intern();
    }
  }

  private final AccessLogParser.TimeCache timeCache = new AccessLogParser.TimeCache();
  /** The last timestamp header value: consecutive lines mostly share it. */
  private volatile MillisText lastMillis = new MillisText(Long.MIN_VALUE, "");

  private record MillisText(long millis, String text) {
  }

  private AccessLogInterceptor(InterceptorCounter counter) {
    super(counter);
  }

  private String millisText(long millis) {
    MillisText last = lastMillis;
    if (last.millis() != millis) {
      last = new MillisText(millis, Long.toString(millis));
      lastMillis = last;
    }
    return last.text();
  }

  /**
   * The codes of {@link RejectReason#ACCESS_LOG}, in declaration order.
   *
   * @return e.g. {@code [empty-line, missing-field, ...]}
   */
  public static List<String> rejectCodes() {
    return RejectReason.codes(RejectReason.ACCESS_LOG);
  }

  /**
   * Adds the parse headers, or the reject headers, to the event.
   *
   * @param event the event; its body is read, never modified
   * @return the same event; null only when {@code event} is null
   */
  @Override
  public Event intercept(Event event) {
    if (event == null) {
      return null;
    }
    counter.received();
    if (passOnRejected(event.getHeaders())) {
      return event;
    }
    byte[] body = event.getBody();
    String line = body == null ? "" : new String(body, StandardCharsets.UTF_8);
    AccessLogParser.Result result;
    try {
      result = AccessLogParser.parse(line, timeCache);
    } catch (RuntimeException e) {
      // The parser is written not to throw; should a bug slip through, one line must not block
      // the whole batch (a source would retry it forever). Closest code: a field ran short.
      LOG.warn("Access-log parser failed on a line; rejecting it as {}",
          RejectReason.MISSING_FIELD.code(), e);
      result = AccessLogParser.Result.rejected(RejectReason.MISSING_FIELD);
    }
    Map<String, String> headers = event.getHeaders();
    if (result.isParsed()) {
      AccessLogEntry entry = result.entry();
      headers.put(EventHeaders.CLIENT_IP, entry.clientIp());
      headers.put(EventHeaders.TIMESTAMP, millisText(entry.timestampMs()));
      headers.put(EventHeaders.METHOD, entry.method());
      headers.put(EventHeaders.PATH, entry.path());
      headers.put(EventHeaders.PROTOCOL, entry.protocol());
      headers.put(EventHeaders.STATUS, STATUS_TEXT[entry.status()]);
      headers.put(EventHeaders.BYTES, Long.toString(entry.bytes()));
      if (entry.userAgent() != null) {
        headers.put(EventHeaders.REFERRER, entry.referrer());
        headers.put(EventHeaders.USER_AGENT, entry.userAgent());
      }
      if (entry.vhost() != null) {
        headers.put(EventHeaders.VHOST, entry.vhost());
      }
      if (entry.forwardedFor() != null) {
        headers.put(EventHeaders.FORWARDED_FOR, entry.forwardedFor());
      }
      counter.accepted();
    } else {
      reject(headers, result.reason().code(), Rejecters.ACCESS_LOG_INTERCEPTOR);
    }
    return event;
  }

  /**
   * Builds {@link AccessLogInterceptor}; keys in {@link AccessLogInterceptorConfig}. Configure as
   * {@code io.sluice.flume.interceptor.accesslog.AccessLogInterceptor$Builder}.
   */
  public static class Builder implements Interceptor.Builder {

    private AccessLogInterceptorConfig config = AccessLogInterceptorConfig.defaults();

    @Override
    public Interceptor build() {
      return new AccessLogInterceptor(
          new InterceptorCounter(config.counterGroup(), countedRejectCodes(rejectCodes()),
              NO_DROPS));
    }

    /**
     * Reads the keys of {@link AccessLogInterceptorConfig}.
     *
     * @throws io.sluice.flume.config.InvalidConfigurationException naming a bad or unknown key
     */
    @Override
    public void configure(Context context) {
      config = AccessLogInterceptorConfig.parse(context);
    }
  }
}
