package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Checks a summary.json of the AnalyticsJob against {@link IndependentCounts} of the files replayed. */
final class SummaryChecks {

  private SummaryChecks() {}

  /** Every number of {@code summary} equals the one computed here from {@code logsFile} and {@code tweetsFile}. */
  static void assertMatchesIndependentCounts(JsonNode summary, Path logsFile, Path tweetsFile) throws IOException {
    assertMatchesIndependentCounts(summary, logsFile, tweetsFile, null);
  }

  /**
   * Every number of {@code summary} equals the one computed here from {@code logsFile},
   * {@code tweetsFile} and, unless null, {@code syslogFile} (then the syslog section has exactly the
   * fields of README.md's contract).
   */
  static void assertMatchesIndependentCounts(JsonNode summary, Path logsFile, Path tweetsFile, Path syslogFile)
      throws IOException {
    Map<String, Object> logs = IndependentCounts.logs(logsFile);
    JsonNode l = summary.path("logs");
    assertThat(l.path("lines").asLong()).isEqualTo(10_000L).isEqualTo(logs.get("lines"));
    assertThat(l.path("parsed").asLong()).isEqualTo(logs.get("parsed"));
    assertThat(l.path("rejected").asLong()).isEqualTo(logs.get("rejected"));
    assertThat(l.path("lines").asLong()).isEqualTo(l.path("parsed").asLong() + l.path("rejected").asLong());
    assertThat(counts(l.path("statusCounts"))).isEqualTo(logs.get("statusCounts"));
    assertThat(pairs(l.path("topEndpoints"), "endpoint")).isEqualTo(asPairs(logs.get("topEndpoints")));
    assertThat(l.path("contentSize").path("min").asLong()).isEqualTo(logs.get("contentSizeMin"));
    assertThat(l.path("contentSize").path("max").asLong()).isEqualTo(logs.get("contentSizeMax"));
    assertThat(l.path("contentSize").path("avg").asDouble()).isCloseTo((Double) logs.get("contentSizeAvg"), within(1e-6));
    assertThat(counts(l.path("requestsPerHour"))).as("logs.requestsPerHour").isEqualTo(logs.get("requestsPerHour"));
    assertLate(l, l.path("parsed").asLong());

    Map<String, Object> tweets = IndependentCounts.tweets(tweetsFile);
    JsonNode t = summary.path("tweets");
    assertThat(t.path("records").asLong()).isEqualTo(tweets.get("records"));
    assertThat(t.path("tweets").asLong()).isEqualTo(tweets.get("tweets"));
    assertThat(t.path("rejected").asLong()).isEqualTo(tweets.get("rejected"));
    assertThat(pairs(t.path("topHashtags"), "hashtag")).isEqualTo(asPairs(tweets.get("topHashtags")));
    assertThat(counts(t.path("languages"))).isEqualTo(tweets.get("languages"));
    // A file of Twitter v1.1 statuses: every record is a post or a reject, all of one platform.
    assertThat(t.path("posts").asLong()).isEqualTo((Long) tweets.get("records") - (Long) tweets.get("rejected"));
    assertThat(counts(t.path("notPosts"))).isEmpty();
    assertThat(counts(t.path("platforms"))).isEqualTo(Map.of("TWITTER_V1_1", tweets.get("tweets")));
    assertThat(counts(t.path("postsPerHour"))).as("tweets.postsPerHour").isEqualTo(tweets.get("postsPerHour"));
    assertLate(t, t.path("tweets").asLong());
    if (syslogFile != null) {
      assertSyslogMatches(summary.path("syslog"), syslogFile);
    }
  }

  /** The syslog section equals {@link IndependentCounts#syslog} of {@code file}, field by field, and has no other field. */
  static void assertSyslogMatches(JsonNode s, Path file) throws IOException {
    Map<String, Object> syslog = IndependentCounts.syslog(file);
    List<String> fields = new ArrayList<>();
    s.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactly("lines", "parsed", "rejected", "topHosts", "topPrograms", "authFailures",
        "topAuthFailureSources", "linesPerHour", "late", "future");
    assertThat(counts(s.path("linesPerHour"))).as("syslog.linesPerHour").isEqualTo(syslog.get("linesPerHour"));
    assertLate(s, s.path("parsed").asLong());
    // Every line of the bundled log is years before any batch time.
    assertThat(s.path("future").asLong()).as("syslog.future").isZero();
    assertThat(s.path("lines").asLong()).isEqualTo(syslog.get("lines"));
    assertThat(s.path("parsed").asLong()).isEqualTo(syslog.get("parsed"));
    assertThat(s.path("rejected").asLong()).isEqualTo(syslog.get("rejected"));
    assertThat(s.path("lines").asLong()).isEqualTo(s.path("parsed").asLong() + s.path("rejected").asLong());
    assertThat(pairs(s.path("topHosts"), "host")).isEqualTo(asPairs(syslog.get("topHosts")));
    assertThat(pairs(s.path("topPrograms"), "program")).isEqualTo(asPairs(syslog.get("topPrograms")));
    assertThat(s.path("authFailures").asLong()).isEqualTo(syslog.get("authFailures"));
    assertThat(pairs(s.path("topAuthFailureSources"), "ip")).isEqualTo(asPairs(syslog.get("topAuthFailureSources")));
  }

  /**
   * {@code late} is a count of what the section's hourly series counts: between 0 and {@code of}.
   * Which events arrive behind the watermark depends on how the replay splits them into batches,
   * so no exact value is knowable from the file alone.
   */
  private static void assertLate(JsonNode section, long of) {
    assertThat(section.path("late").isIntegralNumber()).as("late is a count").isTrue();
    assertThat(section.path("late").asLong()).isBetween(0L, of);
  }

  private static Map<String, Long> counts(JsonNode object) {
    Map<String, Long> m = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      m.put(e.getKey(), e.getValue().asLong());
    }
    return m;
  }

  private static List<String> pairs(JsonNode array, String keyField) {
    List<String> out = new ArrayList<>();
    array.forEach(e -> out.add(e.path(keyField).asText() + "=" + e.path("count").asLong()));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<String> asPairs(Object entries) {
    List<String> out = new ArrayList<>();
    ((List<Map.Entry<String, Long>>) entries).forEach(e -> out.add(e.getKey() + "=" + e.getValue()));
    return out;
  }
}
