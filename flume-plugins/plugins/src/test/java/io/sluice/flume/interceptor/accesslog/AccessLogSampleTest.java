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
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.contract.EventHeaders;
import io.sluice.contract.RejectReason;
import io.sluice.flume.interceptor.InterceptorTestSupport;
import io.sluice.flume.testing.TestData;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flume.Event;
import org.apache.flume.interceptor.Interceptor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The interceptor against the real 10,000-line Apache log, checked by an independent regex. */
class AccessLogSampleTest {

  /** Combined Log Format as a plain regex: the independent reference. */
  private static final Pattern COMBINED = Pattern.compile(
      "^(\\S+) (\\S+) (\\S+) \\[([^\\]]+)\\] \"((?:[^\"\\\\]|\\\\.)*)\" (\\d{3}) (\\d+|-)"
          + " \"((?:[^\"\\\\]|\\\\.)*)\" \"((?:[^\"\\\\]|\\\\.)*)\"$");
  private static final DateTimeFormatter CLF_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);
  private static final int REAL_QUIRK_LINE = 8899;

  private static List<Event> events;
  private static List<String> lines;

  @BeforeAll
  static void interceptWholeFile() {
    var file = TestData.sample("access_logs/elastic-examples_apache_logs.log");
    lines = TestData.lines(file).stream().map(b -> new String(b, UTF_8))
        .collect(Collectors.toList());
    Interceptor interceptor = new AccessLogInterceptor.Builder().build();
    events = interceptor.intercept(InterceptorTestSupport.events(file));
  }

  @Test
  void everyLineIsEitherParsedOrRejectedWithADocumentedCode() {
    Set<String> codes = RejectReason.ACCESS_LOG.stream().map(RejectReason::code)
        .collect(Collectors.toSet());

    assertThat(events).hasSize(10_000);
    assertThat(events).allSatisfy(event -> {
      Map<String, String> headers = event.getHeaders();
      if (headers.containsKey(REJECT_REASON)) {
        assertThat(codes).contains(headers.get(REJECT_REASON));
        assertThat(headers).containsEntry(REJECTED_BY, "access-log-interceptor");
      } else {
        assertThat(headers).containsKeys(CLIENT_IP, TIMESTAMP, METHOD,
            PATH, PROTOCOL, STATUS, BYTES, REFERRER,
            USER_AGENT);
      }
    });
  }

  @Test
  void onlyLine8899IsRejectedForItsUnterminatedUserAgent() {
    Map<Integer, String> rejected = new TreeMap<>();
    for (int i = 0; i < events.size(); i++) {
      String reason = events.get(i).getHeaders().get(REJECT_REASON);
      if (reason != null) {
        rejected.put(i + 1, reason);
      }
    }

    assertThat(rejected).containsExactly(Map.entry(REAL_QUIRK_LINE, "unterminated-quote"));
    assertThat(COMBINED.matcher(lines.get(REAL_QUIRK_LINE - 1)).matches()).isFalse();
  }

  @Test
  void statusAndBytesTotalsMatchAnIndependentRegexCount() {
    Map<String, Long> expectedStatus = new TreeMap<>();
    long expectedBytes = 0;
    for (String line : lines) {
      Matcher m = COMBINED.matcher(line);
      if (m.matches()) {
        expectedStatus.merge(m.group(6), 1L, Long::sum);
        expectedBytes += m.group(7).equals("-") ? 0 : Long.parseLong(m.group(7));
      }
    }
    Map<String, Long> actualStatus = new TreeMap<>();
    long actualBytes = 0;
    for (Event event : events) {
      Map<String, String> headers = event.getHeaders();
      if (!headers.containsKey(REJECT_REASON)) {
        actualStatus.merge(headers.get(STATUS), 1L, Long::sum);
        actualBytes += Long.parseLong(headers.get(BYTES));
      }
    }

    // 9126 lines say 200, but line 8899 (a 200) is rejected: the regex does not match it either
    assertThat(actualStatus).isEqualTo(expectedStatus).containsEntry("200", 9125L);
    assertThat(actualBytes).isEqualTo(expectedBytes).isPositive();
  }

  @Test
  void everyParsedLineAgreesFieldByFieldWithTheRegex() {
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = COMBINED.matcher(lines.get(i));
      Map<String, String> headers = events.get(i).getHeaders();
      if (!m.matches()) {
        continue;
      }
      String[] request = m.group(5).split(" ", -1);
      assertThat(request).as("line %d request", i + 1).hasSize(3);
      assertThat(headers).as("line %d", i + 1)
          .containsEntry(CLIENT_IP, m.group(1))
          .containsEntry(TIMESTAMP, Long.toString(
              ZonedDateTime.parse(m.group(4), CLF_TIME).toInstant().toEpochMilli()))
          .containsEntry(METHOD, request[0])
          .containsEntry(PATH, request[1])
          .containsEntry(PROTOCOL, request[2])
          .containsEntry(REFERRER, m.group(8))
          .containsEntry(USER_AGENT, m.group(9));
    }
  }
}
