package io.sluice.flume.interceptor.syslog;

import io.sluice.contract.EventHeaders;
import io.sluice.contract.RejectReason;
import io.sluice.contract.Rejecters;
import io.sluice.flume.interceptor.CountingInterceptor;
import io.sluice.flume.metrics.InterceptorCounter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.interceptor.Interceptor;
import org.apache.flume.source.SyslogUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses syslog messages, RFC 3164 (BSD syslog, the format of {@code /var/log/auth.log}) and RFC
 * 5424, into event headers; the body is never modified and no event is ever dropped. One parser
 * serves a file replayed line by line and the messages Flume's {@code syslogtcp} and
 * {@code syslogudp} sources receive (see "Flume's syslog sources" below). A hand-written
 * single-pass scanner: no regular expression runs per message.
 *
 * <h2>Accepted messages</h2>
 * <pre>
 * line     = [PRI] ( VERSION SP rfc5424 / TIMESTAMP SP rest )
 * PRI      = "&lt;" 1*3DIGIT "&gt;"                      ; 0..191   (RFC 5424 6.2.1, RFC 3164 4.1.1)
 * VERSION  = NONZERO-DIGIT 0*2DIGIT                  ; only after a PRI (RFC 5424 6.2.2)
 * rfc5424  = (ISO-TIMESTAMP / "-") SP HOSTNAME SP fields
 * rest     = [HOSTNAME SP] tag                       ; RFC 3164 4.1.2, 4.1.3
 *          / HOSTNAME SP fields                      ; only after an ISO-TIMESTAMP
 * tag      = PROGRAM ["[" PID "]"] ":" [SP] MSG       ; RFC 3164 5.3
 * fields   = APP-NAME SP PROCID SP MSGID SP STRUCTURED-DATA [SP MSG]   ; RFC 5424 6.2.5 .. 6.4
 * TIMESTAMP     = RFC3164-TIMESTAMP / ISO-TIMESTAMP
 * RFC3164-TIMESTAMP = Mmm SP (SP D / DD / D) SP hh:mm:ss   ; RFC 3164 4.1.2
 * ISO-TIMESTAMP = yyyy-MM-dd"T"hh:mm:ss["." 1*6DIGIT]("Z" / ("+" / "-") hh:mm)   ; RFC 5424 6.2.3
 * </pre>
 * Details:
 * <ul>
 *   <li>A trailing CR and LF are ignored. Fields are separated by exactly one SP; PROGRAM, PID,
 *       HOSTNAME and the RFC 5424 header fields are runs of non-space characters (lengths are not
 *       limited: real tags exceed RFC 3164's 32 characters).</li>
 *   <li>An RFC 3164 timestamp has an English month abbreviation (any case), a day padded with a
 *       space as the RFC asks (or with a zero, or not at all) and no year and no zone: it is read
 *       in {@link SyslogInterceptorConfig#TIME_ZONE} (default UTC) in the year of the receiving
 *       clock, rolled back one year (or more, for a 29 February) when that would put the
 *       message more than one day after the clock: a
 *       {@code Dec 31} line read on 1 January is last year's, a line a few hours "ahead" (a
 *       sender east of the receiver, a fast clock) keeps this year.</li>
 *   <li>An ISO 8601 timestamp is the RFC 5424 / RFC 3339 form with its required offset (rsyslog's
 *       high-precision file format and forwarding templates write it without a VERSION, and
 *       are accepted); fractions beyond milliseconds are truncated; leap seconds are refused
 *       (RFC 5424 section 6.2.3). An RFC 5424 NILVALUE timestamp ({@code -}) takes the
 *       receiving clock's time.</li>
 *   <li>After a timestamp, a first token ending in {@code :} is the TAG of a message without
 *       HOSTNAME (as {@code logger} writes to a local socket); otherwise it is the HOSTNAME.
 *       After an ISO timestamp without VERSION, a second token not ending in {@code :} starts
 *       RFC 5424 fields (APP-NAME PROCID MSGID STRUCTURED-DATA), as rsyslog's
 *       {@code RSYSLOG_SyslogProtocol23Format} writes them without their PRI.</li>
 *   <li>STRUCTURED-DATA is skipped, honouring the {@code \"}, {@code \\} and {@code \]} escapes
 *       of its values (RFC 5424 section 6.3.3); a UTF-8 BOM opening the MSG is removed
 *       (section 6.4). RFC 3164 CONTENT starts after the {@code :} and one optional SP.</li>
 *   <li>{@code message repeated N times: [ ... ]} (rsyslog's reduction of repeated messages) is
 *       an ordinary message: one event, its text in {@value EventHeaders#MESSAGE}.</li>
 * </ul>
 *
 * <h2>Headers of a parsed message</h2>
 * <ul>
 *   <li>{@value EventHeaders#EVENT_ID}: kept when the source set one (the replay source's
 *       {@code file:line}); else, on every message parsed or rejected, {@code syslog:<random UUID>}:
 *       a message received over the network has no stable id, and the Spark job's id derived
 *       from the headers would count two identical messages of the same second once.</li>
 *   <li>{@value EventHeaders#HOST}: the HOSTNAME; for a message without one (RFC 3164 without
 *       HOSTNAME, RFC 5424 NILVALUE) the value of the {@link SyslogInterceptorConfig#SENDER_HEADER}
 *       header when configured and present (the sender's address, as an RFC 3164 section 4.3.2
 *       relay fills it in), else {@code -} (the RFC 5424 NILVALUE: unknown). Never absent.</li>
 *   <li>{@value EventHeaders#PROGRAM}: the TAG without {@code [pid]}, or the APP-NAME
 *       ({@code -} when it is the NILVALUE).</li>
 *   <li>{@value EventHeaders#PID}: the pid between the TAG's brackets, or the PROCID; absent
 *       when the message has none (or PROCID is the NILVALUE).</li>
 *   <li>{@value EventHeaders#SEVERITY} (0..7) and {@value EventHeaders#FACILITY} (0..23), the
 *       PRIVAL modulo and divided by 8 (RFC 5424 section 6.2.1): only when the message has a
 *       PRI (lines of {@code /var/log} files have none).</li>
 *   <li>{@value EventHeaders#TIMESTAMP}: the message time, epoch milliseconds; replaces the
 *       source's value (a read time, or the time Flume's syslog sources parsed).</li>
 *   <li>{@value EventHeaders#MESSAGE}: the MSG / CONTENT, possibly empty.</li>
 * </ul>
 * The body is decoded as UTF-8 with malformed bytes replaced by U+FFFD for the header values
 * only.
 *
 * <h2>Rejected messages</h2>
 * A message that does not parse keeps its body and headers, gets none of the headers above, and
 * gets {@value EventHeaders#REJECT_REASON} = one code of {@link RejectReason#SYSLOG} and
 * {@value EventHeaders#REJECTED_BY} = {@value Rejecters#SYSLOG_INTERCEPTOR}; the first problem
 * met scanning left to right wins:
 * <ul>
 *   <li>{@code empty-line}: nothing but blanks;</li>
 *   <li>{@code bad-priority}: the message starts with {@code <} but not with a PRI of 1 to 3
 *       digits in 0..191 closed by {@code >};</li>
 *   <li>{@code bad-timestamp}: no valid timestamp where one must be (e.g. a continuation line
 *       starting with a tab, a non-English month such as {@code août}, 31 April, 24:00:00, an
 *       ISO timestamp without offset). RFC 3164 section 4.3.2 has a relay stamp such a message
 *       with its own time; this interceptor rejects it instead, so that counts by event time
 *       never mix in reception times and the line stays whole in the dead letter;</li>
 *   <li>{@code missing-field}: the message ends, or a delimiter is missing, before HOSTNAME,
 *       the TAG's {@code :} (e.g. sysklogd's {@code --- last message repeated 2 times ---}, or a
 *       line with no {@code program:}), a closing {@code ]}, or an RFC 5424 header field or
 *       STRUCTURED-DATA.</li>
 * </ul>
 * Besides, a message Flume's {@code syslogtcp} source cut at its {@code eventSize} (header
 * {@code flume.syslog.status = Incomplete}) is rejected as {@code line-too-long}, whatever its
 * prefix: its MSG is incomplete. An event that arrives already rejected (it has a
 * {@value EventHeaders#REJECT_REASON}, e.g. {@code line-too-long} from {@code ReplaySource}) is
 * passed on untouched.
 *
 * <h2>Flume's syslog sources</h2>
 * Flume 1.11's {@code syslogtcp} / {@code syslogudp} sources parse the PRI, an RFC 5424 or RFC
 * 3164 timestamp and the hostname themselves into headers {@code Facility}, {@code Severity},
 * {@code timestamp} and {@code host}, and by default strip those fields from the body. Configure
 * them with {@code keepFields = all}: the body is then the message exactly as received, this
 * interceptor parses it like a line of a file, and its lower-case headers ({@code host},
 * {@code timestamp} replaced, {@code facility}, {@code severity} added) are the ones Sluice reads
 * (without {@code keepFields = all} the body starts at the TAG and every message is rejected as
 * {@code bad-timestamp}).
 * Flume's framing is kept (TCP: one message per LF, RFC 6587 non-transparent framing; UDP: one
 * datagram), as are its capitalised headers, untouched. Flume's field parsing is not used
 * because: it reads RFC 3164 times in the JVM's zone and guesses the year in a window of 11
 * months back and one ahead; its RFC 5424 timestamp formats are tried in an order where
 * {@code yyyy-MM-dd'T'HH:mm:ss.S} matches a prefix first, so the offset of a timestamp with a
 * fraction is ignored, and a one- or two-digit fraction is read as milliseconds
 * ({@code .5} as 5 ms); it sets {@code Facility = 0}, {@code Severity = 0} on a message
 * without a valid PRI, yet takes {@code <300>} for facility 37; its {@code priority} header keeps
 * the previous message's value when its patterns do not match the next message (seen in
 * {@code SyslogAgentTest}); and it has no TAG, PID or MSG fields at all. Limits of the sources
 * that stay: the UDP source receives at most 2048 bytes of a datagram and drops the rest
 * unflagged (Netty's default receive buffer; RFC 5426 section 3.2 asks receivers for at least
 * 2048 octets), so long messages belong on TCP; network messages carry no
 * {@value EventHeaders#EVENT_ID}.
 *
 * <h2>Counters</h2>
 * {@code INTERCEPTOR} counter group, default name {@value Rejecters#SYSLOG_INTERCEPTOR} (see
 * {@link InterceptorCounter}): {@code EventReceivedCount}, {@code EventAcceptedCount},
 * {@code EventRejectedCount} and {@code EventRejectedCount.<code>} for each code above, plus
 * {@code EventRejectedCount.line-too-long} and {@code EventRejectedCount.other} (events that
 * arrived rejected with another code); received = accepted + rejected.
 *
 * <p>Instances are thread-safe. Configure as
 * {@code io.sluice.flume.interceptor.syslog.SyslogInterceptor$Builder}; keys in
 * {@link SyslogInterceptorConfig} ({@code counterGroup}, {@code timeZone}, {@code senderHeader}).
 */
public final class SyslogInterceptor extends CountingInterceptor {

  private static final Logger LOG = LoggerFactory.getLogger(SyslogInterceptor.class);

  /** Drop reasons: none, this interceptor never drops. */
  private static final List<String> NO_DROPS = List.of();
  private static final String INCOMPLETE = SyslogUtils.SyslogStatus.INCOMPLETE.getSyslogStatus();
  private static final String[] SMALL_NUMBERS = new String[SyslogParser.MAX_PRIORITY + 1];

  static {
    for (int i = 0; i < SMALL_NUMBERS.length; i++) {
      SMALL_NUMBERS[i] = Integer.toString(i).intern();
    }
  }

  private final ZoneId zone;
  private final String senderHeader;
  private final Clock clock;

  SyslogInterceptor(InterceptorCounter counter, SyslogInterceptorConfig config, Clock clock) {
    super(counter);
    this.zone = config.timeZone();
    this.senderHeader = config.senderHeader();
    this.clock = clock;
  }

  /**
   * The codes of {@link RejectReason#SYSLOG}, in declaration order.
   *
   * @return {@code [empty-line, missing-field, bad-timestamp, bad-priority]}
   */
  public static List<String> rejectCodes() {
    return RejectReason.codes(RejectReason.SYSLOG);
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
    Map<String, String> headers = event.getHeaders();
    if (headers.get(EventHeaders.EVENT_ID) == null) {
      // A message of Flume's syslog sources: no stable id exists (a sender's retransmission is a
      // new message), so a random one keeps two identical messages two events downstream.
      headers.put(EventHeaders.EVENT_ID, "syslog:" + UUID.randomUUID());
    }
    if (passOnRejected(headers)) {
      return event;
    }
    if (INCOMPLETE.equals(headers.get(SyslogUtils.EVENT_STATUS))) {
      reject(headers, RejectReason.LINE_TOO_LONG.code(), Rejecters.SYSLOG_INTERCEPTOR);
      return event;
    }
    byte[] body = event.getBody();
    String line = body == null ? "" : new String(body, StandardCharsets.UTF_8);
    SyslogParser.Result result;
    try {
      result = SyslogParser.parse(line, zone, clock.instant());
    } catch (RuntimeException e) {
      // The parser is written not to throw; should a bug slip through, one message must not
      // block the whole batch. Closest code: a field ran short.
      LOG.warn("Syslog parser failed on a message; rejecting it as {}",
          RejectReason.MISSING_FIELD.code(), e);
      result = SyslogParser.Result.rejected(RejectReason.MISSING_FIELD);
    }
    if (!result.isParsed()) {
      reject(headers, result.reason().code(), Rejecters.SYSLOG_INTERCEPTOR);
      return event;
    }
    SyslogParser.Message m = result.message();
    String host = m.host();
    if (host == null) {
      String sender = senderHeader.isEmpty() ? null : headers.get(senderHeader);
      host = sender == null || sender.isBlank() ? SyslogParser.NIL : sender;
    }
    headers.put(EventHeaders.HOST, host);
    headers.put(EventHeaders.PROGRAM, m.program());
    if (m.pid() != null) {
      headers.put(EventHeaders.PID, m.pid());
    }
    if (m.priority() >= 0) {
      headers.put(EventHeaders.SEVERITY, SMALL_NUMBERS[m.priority() % 8]);
      headers.put(EventHeaders.FACILITY, SMALL_NUMBERS[m.priority() / 8]);
    }
    headers.put(EventHeaders.TIMESTAMP, Long.toString(m.timestampMs()));
    headers.put(EventHeaders.MESSAGE, m.message());
    counter.accepted();
    return event;
  }

  /**
   * Builds {@link SyslogInterceptor}; keys in {@link SyslogInterceptorConfig}. Configure as
   * {@code io.sluice.flume.interceptor.syslog.SyslogInterceptor$Builder}.
   */
  public static class Builder implements Interceptor.Builder {

    private final Clock clock;
    private SyslogInterceptorConfig config = SyslogInterceptorConfig.defaults();

    /** A builder on the system clock (Flume instantiates it by reflection). */
    public Builder() {
      this(Clock.systemUTC());
    }

    /** Test seam: the receiving clock (the year of RFC 3164 timestamps). */
    Builder(Clock clock) {
      this.clock = clock;
    }

    @Override
    public Interceptor build() {
      return new SyslogInterceptor(new InterceptorCounter(config.counterGroup(),
          countedRejectCodes(rejectCodes()), NO_DROPS), config, clock);
    }

    /**
     * Reads the keys of {@link SyslogInterceptorConfig}.
     *
     * @throws io.sluice.flume.config.InvalidConfigurationException naming a bad or unknown key
     */
    @Override
    public void configure(Context context) {
      config = SyslogInterceptorConfig.parse(context);
    }
  }
}
