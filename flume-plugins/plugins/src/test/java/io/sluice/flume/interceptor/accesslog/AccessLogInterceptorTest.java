package io.sluice.flume.interceptor.accesslog;

import static io.sluice.contract.EventHeaders.BYTES;
import static io.sluice.contract.EventHeaders.CLIENT_IP;
import static io.sluice.contract.EventHeaders.METHOD;
import static io.sluice.contract.EventHeaders.PATH;
import static io.sluice.contract.EventHeaders.PROTOCOL;
import static io.sluice.contract.EventHeaders.REFERRER;
import static io.sluice.contract.EventHeaders.REJECTED_BY;
import static io.sluice.contract.EventHeaders.REJECT_REASON;
import static io.sluice.contract.EventHeaders.STATUS;
import static io.sluice.contract.EventHeaders.TIMESTAMP;
import static io.sluice.contract.EventHeaders.USER_AGENT;
import static io.sluice.flume.interceptor.InterceptorTestSupport.EVENT_ID;
import static io.sluice.flume.interceptor.InterceptorTestSupport.event;
import static io.sluice.flume.interceptor.InterceptorTestSupport.events;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.sluice.contract.EventHeaders;
import io.sluice.contract.RejectReason;
import io.sluice.flume.testing.TestData;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.interceptor.Interceptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessLogInterceptorTest {

  private static final String COMBINED = "83.149.9.216 - - [17/May/2015:10:05:03 +0000] "
      + "\"GET /presentations/logstash-monitorama-2013/images/kibana-search.png HTTP/1.1\" 200 "
      + "203023 \"http://semicomplete.com/presentations/logstash-monitorama-2013/\" "
      + "\"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.36\"";
  /** The Common Log Format example of the Apache 2.4 documentation. */
  private static final String COMMON =
      "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326";
  private static final String PREFIX = "10.0.0.1 - - [17/May/2015:10:05:03 +0000] ";
  private static final Set<String> PARSE_HEADERS = Set.of(CLIENT_IP, TIMESTAMP,
      METHOD, PATH, PROTOCOL, STATUS, BYTES, REFERRER,
      USER_AGENT);

  /** Bytes that matter to the grammar, plus CR, tab and a byte that is never valid UTF-8. */
  private static final byte[] FUZZ_BYTES = {
    ' ', '"', '[', ']', '\\', '-', '/', ':', '+', '0', 'a', '\r', '\t', (byte) 0xFF
  };

  private final Interceptor interceptor = build();

  private static Interceptor build() {
    AccessLogInterceptor.Builder builder = new AccessLogInterceptor.Builder();
    builder.configure(new Context());
    Interceptor interceptor = builder.build();
    interceptor.initialize();
    return interceptor;
  }

  // ---------------------------------------------------------------- the closed set of codes

  @Test
  void rejectCodesAreExactlyTheDocumentedClosedSet() {
    assertThat(RejectReason.ACCESS_LOG.stream().map(RejectReason::code))
        .containsExactly("empty-line", "missing-field", "unterminated-quote",
            "unterminated-bracket", "bad-timestamp", "bad-request", "bad-status", "bad-bytes",
            "trailing-garbage");
  }

  // ---------------------------------------------------------------- parsed lines

  @Test
  void parsesCombinedFormat() {
    Map<String, String> headers = intercept(COMBINED);

    assertThat(headers).containsOnly(
        entry(EVENT_ID, "test:1"),
        entry(CLIENT_IP, "83.149.9.216"),
        entry(TIMESTAMP, millis(OffsetDateTime.of(2015, 5, 17, 10, 5, 3, 0,
            ZoneOffset.UTC))),
        entry(METHOD, "GET"),
        entry(PATH, "/presentations/logstash-monitorama-2013/images/kibana-search.png"),
        entry(PROTOCOL, "HTTP/1.1"),
        entry(STATUS, "200"),
        entry(BYTES, "203023"),
        entry(REFERRER, "http://semicomplete.com/presentations/logstash-monitorama-2013/"),
        entry(USER_AGENT, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) "
            + "AppleWebKit/537.36"));
  }

  @Test
  void parsesCommonFormatWithoutReferrerAndUserAgentHeaders() {
    Map<String, String> headers = intercept(COMMON);

    assertThat(headers)
        .containsEntry(CLIENT_IP, "127.0.0.1")
        .containsEntry(TIMESTAMP,
            millis(OffsetDateTime.of(2000, 10, 10, 13, 55, 36, 0, ZoneOffset.ofHours(-7))))
        .containsEntry(METHOD, "GET")
        .containsEntry(PATH, "/apache_pb.gif")
        .containsEntry(PROTOCOL, "HTTP/1.0")
        .containsEntry(STATUS, "200")
        .containsEntry(BYTES, "2326")
        .doesNotContainKeys(REFERRER, USER_AGENT, REJECT_REASON, REJECTED_BY);
  }

  @Test
  void parsesCombinedExampleOfApacheDocumentation() {
    Map<String, String> headers = intercept(COMMON
        + " \"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"");

    assertThat(headers)
        .containsEntry(REFERRER, "http://www.example.com/start.html")
        .containsEntry(USER_AGENT, "Mozilla/4.08 [en] (Win98; I ;Nav)");
  }

  @Test
  void acceptsNginxExtraQuotedFieldsAndDashBytes() {
    Map<String, String> headers = intercept("203.0.113.7 - alice [17/May/2015:10:05:03 +0200] "
        + "\"GET /search?q=flume&page=2 HTTP/2.0\" 304 - \"-\" \"curl/7.68.0\" "
        + "\"198.51.100.1, 10.0.0.1\" \"-\"");

    assertThat(headers)
        .containsEntry(PATH, "/search?q=flume&page=2")
        .containsEntry(PROTOCOL, "HTTP/2.0")
        .containsEntry(STATUS, "304")
        .containsEntry(BYTES, "0")
        .containsEntry(REFERRER, "-")
        .containsEntry(USER_AGENT, "curl/7.68.0")
        .containsEntry(TIMESTAMP,
            millis(OffsetDateTime.of(2015, 5, 17, 10, 5, 3, 0, ZoneOffset.ofHours(2))));
  }

  @Test
  void acceptsDashRequestOfLnavFixtureAsDashMethodPathAndProtocol() {
    List<Event> events = interceptor.intercept(
        events(TestData.edgeCase("lnav_logfile_access_log.1")));

    assertThat(events).hasSize(1);
    assertThat(events.get(0).getHeaders())
        .containsEntry(CLIENT_IP, "10.112.81.15")
        .containsEntry(METHOD, "-")
        .containsEntry(PATH, "-")
        .containsEntry(PROTOCOL, "-")
        .containsEntry(STATUS, "400")
        .containsEntry(BYTES, "0")
        .containsEntry(REFERRER, "-")
        .containsEntry(USER_AGENT, "-")
        .doesNotContainKey(REJECT_REASON);
  }

  @Test
  void acceptsEmptyRequestLikeDashRequest() {
    assertThat(intercept(PREFIX + "\"\" 408 0 \"-\" \"-\""))
        .containsEntry(METHOD, "-").containsEntry(STATUS, "408");
  }

  @Test
  void acceptsHttp09RequestWithEmptyProtocol() {
    assertThat(intercept(PREFIX + "\"GET /\" 200 12"))
        .containsEntry(METHOD, "GET")
        .containsEntry(PATH, "/")
        .containsEntry(PROTOCOL, "");
  }

  @Test
  void keepsRequestTargetWithSpacesAsWritten() {
    assertThat(intercept(PREFIX + "\"GET /a b?c=d e HTTP/1.1\" 400 226"))
        .containsEntry(PATH, "/a b?c=d e")
        .containsEntry(PROTOCOL, "HTTP/1.1");
  }

  @Test
  void keepsEscapedQuotesInsideQuotedFieldsAsWritten() {
    assertThat(intercept(PREFIX + "\"GET /q?x=\\\"y\\\" HTTP/1.1\" 200 1 \"-\" "
        + "\"agent \\\"quoted\\\" \\\\\""))
        .containsEntry(PATH, "/q?x=\\\"y\\\"")
        .containsEntry(USER_AGENT, "agent \\\"quoted\\\" \\\\");
  }

  @Test
  void parsesCrlfTerminatedLine() {
    byte[] line = TestData.lines(TestData.edgeCase("lnav_logfile_bad_access_log.0")).get(0);
    byte[] crlf = Arrays.copyOf(line, line.length + 2);
    crlf[line.length] = '\r';
    crlf[line.length + 1] = '\n';
    Event event = event(crlf.clone(), "crlf:1");

    interceptor.intercept(event);

    assertThat(event.getHeaders())
        .containsEntry(USER_AGENT, "gPXE/0.9.7")
        .doesNotContainKey(REJECT_REASON);
    assertThat(event.getBody()).isEqualTo(crlf);
  }

  @Test
  void parsesInvalidUtf8InTargetWithReplacementCharAndLeavesBodyAlone() {
    byte[] prefix = (PREFIX + "\"GET /caf").getBytes(UTF_8);
    byte[] suffix = " HTTP/1.1\" 404 0".getBytes(UTF_8);
    byte[] body = new byte[prefix.length + 2 + suffix.length];
    System.arraycopy(prefix, 0, body, 0, prefix.length);
    body[prefix.length] = (byte) 0xE9; // Latin-1 'é': malformed UTF-8
    body[prefix.length + 1] = (byte) 0xFF;
    System.arraycopy(suffix, 0, body, prefix.length + 2, suffix.length);
    Event event = event(body.clone(), "latin1:1");

    interceptor.intercept(event);

    assertThat(event.getHeaders()).containsEntry(PATH, "/caf\uFFFD\uFFFD");
    assertThat(event.getBody()).isEqualTo(body);
  }

  // ---------------------------------------------------------------- rejected lines

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
      "empty-line           | ''",
      "empty-line           | '  \t\r'",
      "missing-field        | 10.0.0.1 - -",
      "missing-field        | ' 10.0.0.1 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 1'",
      "missing-field        | 10.0.0.1 - - 17/May/2015:10:05:03 +0000 \"GET / HTTP/1.1\" 200 1",
      "missing-field        | 10.0.0.1 - - [17/May/2015:10:05:03 +0000] GET / HTTP/1.1 200 1",
      "missing-field        | 10.0.0.1 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\"",
      "missing-field        | 10.0.0.1 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200",
      "missing-field        | 10.0.0.1 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 1 \"-\"",
      "missing-field        | 10.0.0.1 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" agent",
      "unterminated-quote   | 10.0.0.1 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1 200 1",
      "unterminated-quote   | 10.0.0.1 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"agent",
      "unterminated-quote   | 10.0.0.1 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"a\" \"xff",
      "unterminated-quote   | 10.0.0.1 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"a\\\"",
      "unterminated-bracket | 10.0.0.1 - - [17/May/2015:10:05:03 +0000 \"GET / HTTP/1.1\" 200 1",
      "bad-timestamp        | 10.0.0.1 - - [17/Foo/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 1",
      "bad-timestamp        | 10.0.0.1 - - [31/Feb/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 1",
      "bad-timestamp        | 10.0.0.1 - - [17/May/2015:24:05:03 +0000] \"GET / HTTP/1.1\" 200 1",
      "bad-timestamp        | 10.0.0.1 - - [17/May/2015:10:05:03] \"GET / HTTP/1.1\" 200 1",
      "bad-timestamp        | 10.0.0.1 - - [17/May/2015:10:05:03 +1900] \"GET / HTTP/1.1\" 200 1",
      "bad-timestamp        | 10.0.0.1 - - [17/May/2015:10:05:03.123 +0000] \"GET / HTTP/1.1\" 200 1",
      "bad-timestamp        | 10.0.0.1 - - [2015-05-17T10:05:03+00:00] \"GET / HTTP/1.1\" 200 1",
      "bad-status           | 10.0.0.1 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 2000 1",
      "bad-status           | 10.0.0.1 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 099 1",
      "bad-status           | 10.0.0.1 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 600 1",
      "bad-status           | 10.0.0.1 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" - 1",
      "bad-bytes            | 10.0.0.1 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 12a",
      "bad-bytes            | 10.0.0.1 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 -1",
      "bad-bytes            | 10.0.0.1 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 1234567890123456789",
      "trailing-garbage     | 10.0.0.1 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 65508 4.386",
      "trailing-garbage     | 10.0.0.1 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"a\" 0.005",
      "trailing-garbage     | 10.0.0.1 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\"200 1",
      "trailing-garbage     | 10.0.0.1 - - [17/May/2015:10:05:03 +0000]\"GET / HTTP/1.1\" 200 1",
  })
  void rejectsWithTheReasonOfTheFirstProblem(String code, String line) {
    Event event = event(line);

    interceptor.intercept(event);

    assertThat(event.getHeaders())
        .containsEntry(REJECT_REASON, code)
        .containsEntry(REJECTED_BY, "access-log-interceptor")
        .containsEntry(EVENT_ID, "test:1")
        .doesNotContainKeys(PARSE_HEADERS.toArray(new String[0]));
    assertThat(event.getBody()).isEqualTo(line.getBytes(UTF_8));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
      "GET             | 400 | 0",
      "\\x16\\x03\\x01\\x02 | 400 | 0",
      "GET / FTP/1.0   | 400 | 0",
      "G(T / HTTP/1.1  | 400 | 0",
      "'GET  HTTP/1.1' | 400 | 0",
      "hello           | 400 | 173",
      "'GET /x HTTP/'  | 404 | 12",
  })
  void parsesARequestThatIsNotARequestLineWithDashesKeepingStatusAndBytes(String request,
      String status, String bytes) {
    Event event = event("10.0.0.1 - - [17/May/2015:10:05:03 +0000] \"" + request + "\" " + status
        + " " + bytes);

    interceptor.intercept(event);

    assertThat(event.getHeaders())
        .doesNotContainKeys(REJECT_REASON, REJECTED_BY)
        .containsEntry(CLIENT_IP, "10.0.0.1")
        .containsEntry(METHOD, "-")
        .containsEntry(PATH, "-")
        .containsEntry(PROTOCOL, "-")
        .containsEntry(STATUS, status)
        .containsEntry(BYTES, bytes);
  }

  @Test
  void rejectsSecondLineOfLnavBadAccessLogForItsMissingIdentAndUser() {
    List<Event> events = interceptor.intercept(
        events(TestData.edgeCase("lnav_logfile_bad_access_log.0")));

    assertThat(events).extracting(e -> e.getHeaders().get(REJECT_REASON))
        .containsExactly(null, "missing-field", null);
    assertThat(events).extracting(e -> e.getHeaders().get(STATUS))
        .containsExactly("200", null, "200");
  }

  @Test
  void rejectsNonAccessLogFixturesWithoutThrowingOrTouchingBodies() {
    for (String name : List.of("lnav_logfile_crlf.0", "lnav_logfile_invalid_utf8.0",
        "lnav_logfile_bad_syslog.0", "lnav_logfile_syslog_fr.0",
        "lnav_logfile_syslog_with_access_log.0", "smappdragon_dirty_tweets.json",
        "twitter-ruby_track_streaming_user.jsonl")) {
      List<Event> input = events(TestData.edgeCase(name));
      List<byte[]> bodies = input.stream().map(e -> e.getBody().clone())
          .collect(Collectors.toList());

      List<Event> output = interceptor.intercept(new ArrayList<>(input));

      assertThat(output).as(name).containsExactlyElementsOf(input);
      for (int i = 0; i < output.size(); i++) {
        assertThat(output.get(i).getBody()).as(name).isEqualTo(bodies.get(i));
        assertThat(output.get(i).getHeaders()).as(name + " line " + (i + 1))
            .containsEntry(REJECTED_BY, "access-log-interceptor")
            .containsKey(REJECT_REASON);
      }
    }
  }

  @Test
  void syslogWrappedAccessLogLinesAreMissingFields() {
    List<Event> events = interceptor.intercept(
        events(TestData.edgeCase("lnav_logfile_syslog_with_access_log.0")));

    assertThat(events).extracting(e -> e.getHeaders().get(REJECT_REASON))
        .containsOnly("missing-field");
  }

  // ---------------------------------------------------------------- robustness and contract

  @Test
  void neverThrowsOnTruncatedOrMutatedRealLines() {
    List<byte[]> lines = TestData.lines(
        TestData.sample("access_logs/elastic-examples_apache_logs.log")).subList(0, 300);
    Set<String> codes = RejectReason.ACCESS_LOG.stream().map(RejectReason::code)
        .collect(Collectors.toSet());
    Random random = new Random(20150517L);
    List<byte[]> inputs = new ArrayList<>();
    for (byte[] line : lines) {
      for (int length = 0; length <= line.length; length++) {
        inputs.add(Arrays.copyOf(line, length));
      }
      for (int i = 0; i < 20; i++) {
        byte[] mutated = line.clone();
        int mutations = 1 + random.nextInt(4);
        for (int j = 0; j < mutations; j++) {
          int at = random.nextInt(mutated.length);
          mutated[at] = FUZZ_BYTES[random.nextInt(FUZZ_BYTES.length)];
        }
        inputs.add(mutated);
      }
    }

    for (byte[] input : inputs) {
      Event event = event(input.clone(), "fuzz:1");
      Event out = interceptor.intercept(event);
      Map<String, String> headers = out.getHeaders();
      if (headers.containsKey(REJECT_REASON)) {
        assertThat(codes).contains(headers.get(REJECT_REASON));
      } else {
        assertThat(headers).containsKeys(CLIENT_IP, TIMESTAMP, STATUS);
      }
      assertThat(out.getBody()).isEqualTo(input);
    }
  }

  @Test
  void interceptListKeepsEveryEventInOrder() {
    List<Event> input = List.of(event(COMBINED), event(""), event(COMMON));

    List<Event> output = interceptor.intercept(new ArrayList<>(input));

    assertThat(output).containsExactlyElementsOf(input);
    assertThat(interceptor.intercept((List<Event>) null)).isNotNull().isEmpty();
    assertThat(interceptor.intercept(new ArrayList<>())).isEmpty();
  }

  @Test
  void isIdempotentSoARetriedBatchGetsTheSameHeaders() {
    Event event = event(COMBINED);
    Map<String, String> first = Map.copyOf(interceptor.intercept(event).getHeaders());

    assertThat(interceptor.intercept(event).getHeaders()).isEqualTo(first);
  }

  // ---------------------------------------------------------------- helpers

  private Map<String, String> intercept(String line) {
    Event event = event(line);
    Event out = interceptor.intercept(event);
    assertThat(out).isSameAs(event);
    assertThat(out.getBody()).isEqualTo(line.getBytes(UTF_8));
    return out.getHeaders();
  }

  private static String millis(OffsetDateTime time) {
    return Long.toString(time.toInstant().toEpochMilli());
  }
}
