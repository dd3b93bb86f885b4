package io.sluice.flume.interceptor.syslog;

import static io.sluice.contract.EventHeaders.FACILITY;
import static io.sluice.contract.EventHeaders.HOST;
import static io.sluice.contract.EventHeaders.MESSAGE;
import static io.sluice.contract.EventHeaders.PID;
import static io.sluice.contract.EventHeaders.PROGRAM;
import static io.sluice.contract.EventHeaders.REJECTED_BY;
import static io.sluice.contract.EventHeaders.REJECT_REASON;
import static io.sluice.contract.EventHeaders.SEVERITY;
import static io.sluice.contract.EventHeaders.TIMESTAMP;
import static io.sluice.flume.interceptor.InterceptorTestSupport.event;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.sluice.flume.config.InvalidConfigurationException;
import io.sluice.flume.metrics.InterceptorCounter;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.event.EventBuilder;
import org.apache.flume.interceptor.Interceptor;
import org.apache.flume.source.SyslogUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Message shapes one by one. The RFC 3164 and RFC 5424 lines are the RFCs' own examples (RFC 3164
 * section 5.4, RFC 5424 section 6.5); the malformed lines are synthetic, written for these
 * tests.
 */
class SyslogInterceptorTest {

  private static final Clock CLOCK = SyslogSampleTest.CLOCK;

  private static Map<String, String> parse(String line) {
    return parse(new SyslogInterceptor.Builder(CLOCK).build(), line);
  }

  private static Map<String, String> parse(Interceptor interceptor, String line) {
    Map<String, String> headers = new TreeMap<>(interceptor.intercept(event(line)).getHeaders());
    headers.remove("eventId");
    return headers;
  }

  @Test
  void keepsTheSourcesEventIdAndGivesANetworkMessageARandomOne() {
    Interceptor interceptor = new SyslogInterceptor.Builder(CLOCK).build();
    String line = "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8";
    String first = interceptor.intercept(networkEvent(line)).getHeaders().get("eventId");
    String second = interceptor.intercept(networkEvent(line)).getHeaders().get("eventId");
    assertThat(first).matches("syslog:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(second).startsWith("syslog:").isNotEqualTo(first);
    assertThat(interceptor.intercept(event(line)).getHeaders()).containsEntry("eventId", "test:1");
    assertThat(interceptor.intercept(networkEvent("<999>Oct 11 22:14:15 x y: z")).getHeaders())
        .containsEntry("rejectReason", "bad-priority").containsKey("eventId");
  }

  /** An event as Flume's syslog sources make it: no eventId header. */
  private static Event networkEvent(String line) {
    return EventBuilder.withBody(line.getBytes(UTF_8), new java.util.HashMap<>());
  }

  @Test
  void parsesTheRfc3164ExampleWithItsPriority() {
    // RFC 3164 section 5.4, first example: PRI 34 = facility 4 (auth), severity 2 (crit)
    assertThat(parse("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on "
        + "/dev/pts/8")).containsExactlyEntriesOf(new TreeMap<>(Map.of(HOST, "mymachine",
            PROGRAM, "su", SEVERITY, "2", FACILITY, "4", TIMESTAMP, "1791756855000",
            MESSAGE, "'su root' failed for lonvick on /dev/pts/8")));
  }

  @Test
  void parsesTheRfc5424Examples() {
    // RFC 5424 section 6.5, example 1 (the BOM before the MSG is removed)
    assertThat(parse("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - "
        + "\uFEFF'su root' failed for lonvick on /dev/pts/8")).containsExactlyEntriesOf(
            new TreeMap<>(Map.of(HOST, "mymachine.example.com", PROGRAM, "su", SEVERITY, "2",
                FACILITY, "4", TIMESTAMP, "1065910455003",
                MESSAGE, "'su root' failed for lonvick on /dev/pts/8")));
    // example 2: microseconds and a negative offset
    assertThat(parse("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% "
        + "It's time to make the do-nothing report.")).containsExactlyEntriesOf(
            new TreeMap<>(Map.of(HOST, "192.0.2.1", PROGRAM, "myproc", PID, "8710",
                SEVERITY, "5", FACILITY, "20", TIMESTAMP, "1061727255000",
                MESSAGE, "%% It's time to make the do-nothing report.")));
    // example 3: structured data, skipped
    assertThat(parse("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
        + "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] "
        + "\uFEFFAn application event log entry..."))
        .containsEntry(PROGRAM, "evntslog").containsEntry(MESSAGE,
            "An application event log entry...").doesNotContainKey(PID);
    // example 4: structured data only, no MSG
    assertThat(parse("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
        + "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
        + "[examplePriority@32473 class=\"high\"]")).containsEntry(MESSAGE, "")
        .containsEntry(HOST, "mymachine.example.com");
  }

  @Test
  void readsTheOffsetFlumesOwnParserIgnoresInABodyKeptWhole() {
    // What Flume's syslog sources do with keepFields = all: headers from their own parse, the
    // message whole in the body. RFC 5424 section 6.5, example 2.
    String message = "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% "
        + "It's time to make the do-nothing report.";
    SyslogUtils flume = new SyslogUtils(SyslogUtils.DEFAULT_SIZE,
        SyslogUtils.chooseFieldsToKeep("all"), false);
    Event event = flume.extractEvent(Unpooled.copiedBuffer(message + "\n", UTF_8));
    assertThat(new String(event.getBody(), UTF_8)).isEqualTo(message);
    // Flume: the fraction's format matches first, the -07:00 is ignored, the JVM's zone applies
    assertThat(event.getHeaders()).containsEntry(TIMESTAMP, Long.toString(
        LocalDateTime.of(2003, 8, 24, 5, 14, 15).atZone(ZoneId.systemDefault()).toInstant()
            .toEpochMilli()));

    new SyslogInterceptor.Builder(CLOCK).build().intercept(event);

    // 2003-08-24T12:14:15Z
    assertThat(event.getHeaders()).containsEntry(TIMESTAMP, "1061727255000")
        .containsEntry(HOST, "192.0.2.1").containsEntry(PROGRAM, "myproc")
        .containsEntry(SEVERITY, "5").containsEntry(FACILITY, "20")
        .containsEntry("Facility", "20").containsEntry("Severity", "5");
  }

  @Test
  void skipsStructuredDataWithEscapedQuotesAndBrackets() {
    assertThat(parse("<13>1 2026-12-01T10:00:00Z h app - - [x@1 a=\"q\\\"] [x\" b=\"\\]\"] msg"))
        .containsEntry(MESSAGE, "msg");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // receiving clock 2026-12-03T12:00Z: a line up to one day ahead keeps this year
      "Dec  4 11:59:59 | 1796385599000",
      "Dec  4 12:00:00 | 1796385600000",
      // more than one day ahead: last year's
      "Dec  4 12:00:01 | 1764849601000",
      "Jan  1 00:00:00 | 1767225600000",
      // 29 February: the last leap year's (2024), the two-digit and zero-padded days too
      "Feb 29 06:00:00 | 1709186400000",
      "Feb 09 06:00:00 | 1770616800000",
      "Feb 9 06:00:00  | 1770616800000",
  })
  void givesAYearlessTimestampTheLatestYearNotMoreThanADayAhead(String stamp, String millis) {
    assertThat(parse(stamp + " host prog: m")).containsEntry(TIMESTAMP, millis);
  }

  @Test
  void readsYearlessTimestampsInTheConfiguredZone() {
    SyslogInterceptor.Builder builder = new SyslogInterceptor.Builder(CLOCK);
    builder.configure(new Context(Map.of("timeZone", "Europe/Paris")));

    // 2026-03-27 13:06:56 in Paris (UTC+1) = 12:06:56Z
    assertThat(parse(builder.build(), "Mar 27 13:06:56 h sshd[1]: x"))
        .containsEntry(TIMESTAMP, "1774613216000");
  }

  @Test
  void takesTheHostOfAMessageWithoutHostnameFromTheSenderHeader() {
    SyslogInterceptor.Builder builder = new SyslogInterceptor.Builder(CLOCK);
    builder.configure(new Context(Map.of("senderHeader", "senderIp")));
    Interceptor interceptor = builder.build();
    Event withSender = EventBuilder.withBody("<13>Dec  1 10:00:00 su[42]: hello".getBytes(UTF_8),
        new HashMap<>(Map.of("senderIp", "192.0.2.7")));

    assertThat(interceptor.intercept(withSender).getHeaders()).containsEntry(HOST, "192.0.2.7")
        .containsEntry(PROGRAM, "su").containsEntry(PID, "42").containsEntry(MESSAGE, "hello");
    assertThat(parse(interceptor, "<13>Dec  1 10:00:00 su: hello")).containsEntry(HOST, "-");
    assertThat(parse(interceptor, "<13>1 2026-12-01T10:00:00Z - - - - -"))
        .containsEntry(HOST, "-").containsEntry(PROGRAM, "-").containsEntry(MESSAGE, "")
        .doesNotContainKey(PID);
    // a HOSTNAME wins over the sender
    Event named = EventBuilder.withBody("Dec  1 10:00:00 web1 su: x".getBytes(UTF_8),
        new HashMap<>(Map.of("senderIp", "192.0.2.7")));
    assertThat(interceptor.intercept(named).getHeaders()).containsEntry(HOST, "web1");
  }

  @Test
  void readsIsoTimestampsWithTagsAsRsyslogWritesThem() {
    assertThat(parse("<86>2026-12-01T10:00:00.5+01:00 web1 sshd[7]: Accepted key"))
        .containsExactlyEntriesOf(new TreeMap<>(Map.of(HOST, "web1", PROGRAM, "sshd",
            PID, "7", SEVERITY, "6", FACILITY, "10", TIMESTAMP, "1796115600500",
            MESSAGE, "Accepted key")));
  }

  @Test
  void takesTheReceivingClockForANilTimestamp() {
    assertThat(parse("<14>1 - web1 app 1 - - hi")).containsEntry(TIMESTAMP, "1796299200000");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''                                          | empty-line",
      "'   \t '                                    | empty-line",
      "<>Dec  1 10:00:00 h p: m                    | bad-priority",
      "<192>Dec  1 10:00:00 h p: m                 | bad-priority",
      "<1a>Dec  1 10:00:00 h p: m                  | bad-priority",
      "<1234>Dec  1 10:00:00 h p: m                | bad-priority",
      "<13 Dec  1 10:00:00 h p: m                  | bad-priority",
      "Foo  1 10:00:00 h p: m                      | bad-timestamp",
      "Apr 31 10:00:00 h p: m                      | bad-timestamp",
      "Dec  1 24:00:00 h p: m                      | bad-timestamp",
      "Dec  1 10:00 h p: m                         | bad-timestamp",
      "<13>1 2026-12-01T10:00:00 h a - - - m       | bad-timestamp",
      "<13>1 2026-12-01T23:59:60Z h a - - - m      | bad-timestamp",
      "2026-12-01T10:00:00.1234567Z h p: m         | bad-timestamp",
      "Dec  1 10:00:00                             | missing-field",
      "Dec  1 10:00:00 h                           | missing-field",
      "Dec  1 10:00:00 h p m                       | missing-field",
      "Dec  1 10:00:00 h p[12 m                    | missing-field",
      "Dec  1 10:00:00 h p[12] m                   | missing-field",
      "<13>1 2026-12-01T10:00:00Z h a 1 -          | missing-field",
      "<13>1 2026-12-01T10:00:00Z h a 1 - [x a=\"]  | missing-field",
      "<13>1 2026-12-01T10:00:00Z h a 1 - x m      | missing-field",
  })
  void rejectsMalformedMessagesWithTheirReason(String line, String reason) {
    Event event = event(line);
    Map<String, String> before = new HashMap<>(event.getHeaders());
    byte[] body = event.getBody().clone();

    Event out = new SyslogInterceptor.Builder(CLOCK).build().intercept(event);

    Map<String, String> expected = new HashMap<>(before);
    expected.put(REJECT_REASON, reason);
    expected.put(REJECTED_BY, "syslog-interceptor");
    assertThat(out.getHeaders()).isEqualTo(expected);
    assertThat(out.getBody()).isEqualTo(body);
  }

  @Test
  void rejectsAMessageFlumeCutAtItsEventSizeAsLineTooLong() {
    Event cut = EventBuilder.withBody("<13>Dec  1 10:00:00 h p: mmmm".getBytes(UTF_8),
        new HashMap<>(Map.of(SyslogUtils.EVENT_STATUS, "Incomplete")));

    assertThat(new SyslogInterceptor.Builder(CLOCK).build().intercept(cut).getHeaders())
        .containsEntry(REJECT_REASON, "line-too-long")
        .containsEntry(REJECTED_BY, "syslog-interceptor").doesNotContainKey(HOST);
  }

  @Test
  void passesOnAnEventAnEarlierStageRejectedAndCountsEveryOutcome() {
    SyslogInterceptor interceptor =
        (SyslogInterceptor) new SyslogInterceptor.Builder(CLOCK).build();
    Event cut = EventBuilder.withBody("Dec  1 10:00:00 h p: m".getBytes(UTF_8), new HashMap<>(
        Map.of(REJECT_REASON, "line-too-long", REJECTED_BY, "replay-source")));

    List<Event> out = interceptor.intercept(List.of(cut, event("Dec  1 10:00:00 h p: m"),
        event(""), event("<300>x")));

    assertThat(out).hasSize(4);
    assertThat(out.get(0).getHeaders()).containsEntry(REJECTED_BY, "replay-source")
        .doesNotContainKey(HOST);
    InterceptorCounter c = interceptor.counter();
    assertThat(c.value(InterceptorCounter.EVENT_RECEIVED)).isEqualTo(4);
    assertThat(c.value(InterceptorCounter.EVENT_ACCEPTED)).isEqualTo(1);
    assertThat(c.value(InterceptorCounter.EVENT_REJECTED)).isEqualTo(3);
    assertThat(c.value(InterceptorCounter.rejectedCounter("line-too-long"))).isEqualTo(1);
    assertThat(c.value(InterceptorCounter.rejectedCounter("empty-line"))).isEqualTo(1);
    assertThat(c.value(InterceptorCounter.rejectedCounter("bad-priority"))).isEqualTo(1);
    assertThat(c.counterNames()).contains("EventRejectedCount.missing-field",
        "EventRejectedCount.bad-timestamp", "EventRejectedCount.other");
  }

  @Test
  void failsAtConfigureNamingABadKey() {
    SyslogInterceptor.Builder builder = new SyslogInterceptor.Builder();

    assertThatThrownBy(() -> builder.configure(new Context(Map.of("timeZone", "Mars/Olympus"))))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageStartingWith("syslog-interceptor: Key 'timeZone'");
    assertThatThrownBy(() -> builder.configure(new Context(Map.of("timezone", "UTC"))))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageStartingWith("syslog-interceptor: Key 'timezone' is unknown");
  }
}
