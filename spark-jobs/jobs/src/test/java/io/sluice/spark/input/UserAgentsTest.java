package io.sluice.spark.input;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spark.SampleEvents;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UserAgentsTest {

  @Test
  void tellsRobotsAndToolsFromBrowsers() {
    // Agents as they occur in the real bundled access log, and two tools' defaults.
    assertThat(List.of(
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "UniversalFeedParser/4.2-pre-314-svn +http://feedparser.org/",
        "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
        "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
        "Tiny Tiny RSS/1.11 (http://tt-rss.org/)",
        "curl/7.38.0", "python-requests/2.4.3", "-", " ", ""))
        .allMatch(UserAgents::isBotLike);
    assertThat(List.of(
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.77 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 6_0 like Mac OS X) AppleWebKit/536.26 (KHTML, like Gecko) Version/6.0 Mobile/10A5376e Safari/8536.25",
        "Mozilla/5.0 (Windows NT 6.1; WOW64; rv:27.0) Gecko/20100101 Firefox/27.0"))
        .noneMatch(UserAgents::isBotLike);
    assertThat(UserAgents.isBotLike(null)).isTrue();
  }

  @Test
  void projectsReferrerAndAgentOfTheRealLog() {
    List<EventRecord> real = SampleEvents.records(SampleEvents.logEvents());

    // Counted independently with the same markers over the 9 999 lines the test parser takes.
    assertThat(real.stream().filter(EventRecord::isParsedLog)).hasSize(9_999);
    assertThat(real.stream().filter(r -> Boolean.TRUE.equals(r.botAgent()))).hasSize(2_788);
    assertThat(real.stream().filter(r -> Boolean.FALSE.equals(r.hasReferrer()))).hasSize(4_072);
  }

  @Test
  void absentHeadersGiveNullAndOtherPipelinesNeither() {
    EventRecord common = EventRecord.fromHeaders(Map.of("eventId", "c:1", "pipeline", "logs", "status", "200"));
    EventRecord combined = EventRecord.fromHeaders(Map.of("eventId", "c:2", "pipeline", "logs", "status", "200",
        "referrer", "-", "userAgent", "Wget/1.15"));
    EventRecord referred = EventRecord.fromHeaders(Map.of("eventId", "c:3", "pipeline", "logs", "status", "200",
        "referrer", "http://example.org/", "userAgent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/38.0"));
    EventRecord syslog = EventRecord.fromHeaders(Map.of("eventId", "s:1", "pipeline", "syslog",
        "referrer", "http://example.org/", "userAgent", "curl/7.38.0"));

    assertThat(common.hasReferrer()).isNull();
    assertThat(common.botAgent()).isNull();
    assertThat(combined.hasReferrer()).isFalse();
    assertThat(combined.botAgent()).isTrue();
    assertThat(referred.hasReferrer()).isTrue();
    assertThat(referred.botAgent()).isFalse();
    assertThat(syslog.hasReferrer()).isNull();
    assertThat(syslog.botAgent()).isNull();
    assertThat(combined).isNotEqualTo(EventRecord.fromHeaders(Map.of("eventId", "c:2", "pipeline", "logs",
        "status", "200", "referrer", "http://example.org/", "userAgent", "Wget/1.15")));
  }
}
