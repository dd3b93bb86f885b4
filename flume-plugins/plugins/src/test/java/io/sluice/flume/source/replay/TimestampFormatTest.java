package io.sluice.flume.source.replay;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.flume.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimestampFormatTest {

  @Test
  void readsTheBracketedTimeOfAnAccessLogLine() throws Exception {
    String line = Files.readAllLines(
        TestData.sample("access_logs/elastic-examples_apache_logs.log"), UTF_8).get(0);

    assertThat(TimestampFormat.APACHE.epochMillis(line.getBytes(UTF_8)))
        .isEqualTo(Instant.parse("2015-05-17T10:05:03Z").toEpochMilli());
  }

  @Test
  void readsAnAccessLogLineThatLacksTheIdentFields() throws Exception {
    byte[] line = TestData.lines(TestData.edgeCase("lnav_logfile_bad_access_log.0")).get(1);

    assertThat(TimestampFormat.APACHE.epochMillis(line))
        .isEqualTo(Instant.parse("2009-07-20T22:59:29Z").toEpochMilli());
  }

  @Test
  void findsNoApacheTimeInASyslogLine() {
    byte[] line = TestData.lines(TestData.edgeCase("lnav_logfile_syslog_with_access_log.0")).get(0);

    assertThat(TimestampFormat.APACHE.epochMillis(line)).isEqualTo(TimestampFormat.NONE);
  }

  @Test
  void readsLeadingIso8601TimesWithZuluAndNumericOffsets() throws Exception {
    List<String> lines = Files.readAllLines(
        Paths.get(getClass().getResource("/syslog/lnav_logfile_with_zones.0").toURI()), UTF_8);

    assertThat(TimestampFormat.ISO8601.epochMillis(lines.get(0).getBytes(UTF_8)))
        .isEqualTo(Instant.parse("2022-08-27T14:22:01.613Z").toEpochMilli());
    assertThat(TimestampFormat.ISO8601.epochMillis(lines.get(1).getBytes(UTF_8)))
        .isEqualTo(Instant.parse("2022-08-27T14:22:01.694Z").toEpochMilli());
  }

  @Test
  void findsNoIso8601TimeWhereTheLineStartsWithSomethingElse() {
    byte[] line = TestData.lines(TestData.edgeCase("lnav_logfile_crlf.0")).get(0);

    // "2012-07-02 10:22:40,672:DEBUG..." has no 'T' and no offset: not ISO-8601 with an offset.
    assertThat(TimestampFormat.ISO8601.epochMillis(line)).isEqualTo(TimestampFormat.NONE);
  }
}
