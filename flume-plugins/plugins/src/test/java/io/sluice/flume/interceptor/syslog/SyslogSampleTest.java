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
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.flume.interceptor.InterceptorTestSupport;
import io.sluice.flume.metrics.InterceptorCounter;
import io.sluice.flume.testing.TestData;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flume.Event;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The interceptor on the real syslog files (the bundled Ubuntu auth.log, lnav's syslog test
 * files): exact parsed and rejected counts per file, exact headers of chosen lines, and every
 * auth.log line field by field against an independent regular expression.
 */
class SyslogSampleTest {

  /** The receiving clock of these tests: 3 December 2026, noon UTC. */
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T12:00:00Z"), ZoneOffset.UTC);
  /** RFC 3164 file line as a plain regex: the independent reference. */
  private static final Pattern RFC3164_FILE_LINE = Pattern.compile(
      "^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([ \\d]\\d) (\\d\\d):(\\d\\d):(\\d\\d)"
          + " (\\S+) ([^\\s\\[:]+)(?:\\[(\\d+)\\])?: ?(.*)$");
  private static final List<String> MONTHS = List.of("Jan", "Feb", "Mar", "Apr", "May", "Jun",
      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec");

  static Path authLog() {
    return TestData.sample("syslog/elastic-examples_auth.log");
  }

  static Path resource(String name) {
    try {
      return Paths.get(SyslogSampleTest.class.getResource("/" + name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("Missing test resource " + name, e);
    }
  }

  private static List<Event> intercept(Path file) {
    return new SyslogInterceptor.Builder(CLOCK).build()
        .intercept(InterceptorTestSupport.events(file));
  }

  private static Map<String, Integer> outcomes(List<Event> events) {
    Map<String, Integer> outcomes = new TreeMap<>();
    for (Event e : events) {
      String reason = e.getHeaders().get(REJECT_REASON);
      outcomes.merge(reason == null ? "parsed" : reason, 1, Integer::sum);
    }
    return outcomes;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "syslog/lnav_logfile_syslog.0                  | 4  | parsed=4",
      "syslog/lnav_logfile_syslog.1                  | 4  | parsed=4",
      "syslog/lnav_logfile_syslog.2                  | 3  | parsed=3",
      "syslog/lnav_logfile_syslog.3                  | 17 | bad-timestamp=10, parsed=7",
      "syslog/lnav_logfile_syslog_with_mixed_times.0 | 13 | parsed=13",
      "syslog/lnav_logfile_with_zones.0              | 3  | parsed=3",
      "edge_cases/lnav_logfile_bad_syslog.0          | 4  | missing-field=1, parsed=3",
      "edge_cases/lnav_logfile_syslog_fr.0           | 1  | bad-timestamp=1",
      "edge_cases/lnav_logfile_syslog_with_access_log.0 | 5 | missing-field=1, parsed=4",
      "edge_cases/lnav_logfile_syslog_with_header.0  | 6  | bad-timestamp=2, parsed=4",
      "edge_cases/lnav_logfile_empty.0               | 0  | ''",
  })
  void countsParsedAndRejectedLinesOfEachRealFile(String file, int lines, String expected) {
    List<Event> events = intercept(resource(file));

    assertThat(events).hasSize(lines);
    assertThat(outcomes(events).toString()).isEqualTo("{" + expected + "}");
  }

  @Test
  void parsesEveryLineOfTheAuthLogAsTheIndependentRegexDoes() {
    Path file = authLog();
    List<byte[]> lines = TestData.lines(file);
    SyslogInterceptor interceptor =
        (SyslogInterceptor) new SyslogInterceptor.Builder(CLOCK).build();
    List<Event> events = interceptor.intercept(InterceptorTestSupport.events(file));

    assertThat(events).hasSize(7121);
    assertThat(outcomes(events)).containsExactly(Map.entry("parsed", 7121));
    InterceptorCounter counter = interceptor.counter();
    assertThat(counter.value(InterceptorCounter.EVENT_RECEIVED)).isEqualTo(7121);
    assertThat(counter.value(InterceptorCounter.EVENT_ACCEPTED)).isEqualTo(7121);
    assertThat(counter.value(InterceptorCounter.EVENT_REJECTED)).isZero();
    Map<String, Integer> programs = new TreeMap<>();
    int repeated = 0;
    for (int i = 0; i < lines.size(); i++) {
      String line = new String(lines.get(i), UTF_8);
      Matcher m = RFC3164_FILE_LINE.matcher(line);
      assertThat(m.matches()).as("line %d matches the reference regex", i + 1).isTrue();
      long expectedTime = LocalDateTime.of(2026, MONTHS.indexOf(m.group(1)) + 1,
          Integer.parseInt(m.group(2).trim()), Integer.parseInt(m.group(3)),
          Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)))
          .toInstant(ZoneOffset.UTC).toEpochMilli();
      Map<String, String> headers = events.get(i).getHeaders();
      assertThat(headers).as("line %d", i + 1)
          .containsEntry(HOST, m.group(6))
          .containsEntry(PROGRAM, m.group(7))
          .containsEntry(MESSAGE, m.group(9))
          .containsEntry(TIMESTAMP, Long.toString(expectedTime))
          .doesNotContainKeys(SEVERITY, FACILITY, REJECT_REASON, REJECTED_BY);
      if (m.group(8) == null) {
        assertThat(headers).as("line %d", i + 1).doesNotContainKey(PID);
      } else {
        assertThat(headers).as("line %d", i + 1).containsEntry(PID, m.group(8));
      }
      programs.merge(headers.get(PROGRAM), 1, Integer::sum);
      if (headers.get(MESSAGE).startsWith("message repeated ")) {
        repeated++;
      }
    }
    assertThat(programs).containsExactlyInAnyOrderEntriesOf(Map.of("sshd", 4095, "CRON", 1264,
        "sudo", 557, "systemd-logind", 452, "chpasswd", 417, "systemd", 238, "useradd", 50,
        "su", 45, "groupadd", 3));
    assertThat(repeated).as("'message repeated N times' lines, one event each").isEqualTo(85);
  }

  @Test
  void givesExactHeadersForChosenAuthLogLines() {
    List<Event> events = intercept(authLog());

    assertThat(new TreeMap<>(events.get(0).getHeaders())).containsExactlyEntriesOf(new TreeMap<>(
        Map.of("eventId", "elastic-examples_auth.log:1", HOST, "ip-10-77-20-248",
            PROGRAM, "sshd", PID, "1291", TIMESTAMP, "1774616816000",
            MESSAGE, "Server listening on 0.0.0.0 port 22.")));
    // line 2302, rsyslog's reduction of five identical sshd lines: one event, text kept whole
    assertThat(new TreeMap<>(events.get(2301).getHeaders())).containsExactlyEntriesOf(
        new TreeMap<>(Map.of("eventId", "elastic-examples_auth.log:2302",
            HOST, "ip-10-77-20-248", PROGRAM, "sshd", PID, "6402",
            TIMESTAMP, "1774826313000", MESSAGE, "message repeated 5 times: [ Failed password "
                + "for root from 218.60.136.106 port 56338 ssh2]")));
  }

  @Test
  void readsRfc5424FieldsAndOffsetsOfTheZonesFile() {
    List<Event> events = intercept(resource("syslog/lnav_logfile_with_zones.0"));

    // 2022-08-27T17:22:01.694554+03:00: microseconds truncated, offset applied
    assertThat(new TreeMap<>(events.get(1).getHeaders())).containsExactlyEntriesOf(new TreeMap<>(
        Map.of("eventId", "lnav_logfile_with_zones.0:2", HOST, "space01.global-acme.entp",
            PROGRAM, "CRON", PID, "20856", TIMESTAMP, "1661610121694",
            MESSAGE, " (root) CMD (   /usr/bin/nice -n 10 /opt/acme/bin/mem_usage_monitor.py "
                + ">/dev/null 2>&1)")));
    assertThat(events.get(2).getHeaders())
        .containsEntry(PROGRAM, "NSX").containsEntry(PID, "4828")
        .containsEntry(TIMESTAMP, "1661610121888")
        .containsEntry(MESSAGE, "dynamic arp entry(28b18eb1-3575-4179-956b-aae009433d27, "
            + "10.12.160.4) is created");
    assertThat(events.get(0).getHeaders()).containsEntry(TIMESTAMP, "1661610121613")
        .containsEntry(PROGRAM, "NSX").containsEntry(PID, "3106");
    assertThat(events.get(0).getHeaders().get(MESSAGE))
        .startsWith("keep-alive check received resp {'seq': 1017276,");
  }

  @Test
  void rejectsTheBrokenLinesOfTheLnavFilesWithTheirReasons() {
    List<Event> bad = intercept(resource("edge_cases/lnav_logfile_bad_syslog.0"));
    List<Event> mixed = intercept(resource("edge_cases/lnav_logfile_syslog_with_access_log.0"));
    List<Event> macos = intercept(resource("syslog/lnav_logfile_syslog.3"));

    // "Nov  3 09:23:38 veridian lookup for opt failed": no "program:"
    assertThat(bad.get(2).getHeaders()).containsEntry(REJECT_REASON, "missing-field")
        .containsEntry(REJECTED_BY, "syslog-interceptor").doesNotContainKeys(HOST, PROGRAM);
    // "Mar 24 14:26:01 --- last message repeated 2 times ---": sysklogd mark, no host, no tag
    assertThat(mixed.get(4).getHeaders()).containsEntry(REJECT_REASON, "missing-field");
    assertThat(mixed.get(1).getHeaders()).containsEntry(PROGRAM, "tomcat.log")
        .containsEntry(HOST, "bigproduct-web1").doesNotContainKey(PID);
    // tab-indented continuation lines of macOS syslogd
    assertThat(macos.get(3).getHeaders()).containsEntry(REJECT_REASON, "bad-timestamp");
    assertThat(new String(macos.get(3).getBody(), UTF_8))
        .startsWith("\tASL Module \"com.apple.cdscheduler\"");
  }

  @Test
  void rollsDecemberLinesBackAYearWhenReadInJanuary() {
    Clock january = Clock.fixed(Instant.parse("2027-01-05T08:00:00Z"), ZoneOffset.UTC);
    List<Event> events = new SyslogInterceptor.Builder(january).build()
        .intercept(InterceptorTestSupport.events(resource("syslog/lnav_logfile_syslog.1")));

    // Dec  3 09:23:38 -> 2026-12-03; Jan  3 09:47:02 -> 2027-01-03
    assertThat(events).extracting(e -> e.getHeaders().get(TIMESTAMP)).containsExactly(
        "1796289818000", "1796289818000", "1796289818000", "1798969622000");
  }
}
