package io.sluice.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.spark.Summary.Ranked;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The pure per-batch analytics on the real sample files, on a real {@code local[2]} Spark. */
class AnalyticsTest {

  private static JavaSparkContext sc;
  private static List<Map<String, String>> logs;
  private static List<Map<String, String>> tweets;

  @BeforeAll
  static void startSpark() {
    sc = new JavaSparkContext(SparkTestContexts.conf("AnalyticsTest"));
    logs = SampleEvents.logEvents();
    tweets = SampleEvents.tweetEvents();
  }

  @AfterAll
  static void stopSpark() {
    if (sc != null) {
      sc.stop();
    }
  }

  @Test
  void realAccessLogSummaryMatchesPlainJavaCountsDespiteRedeliveries() {
    List<Map<String, String>> events = new ArrayList<>(logs);
    for (int i = 0; i < logs.size(); i += 7) {
      events.add(logs.get(i)); // redelivered copies, same eventId
    }
    Collections.shuffle(events, new Random(42));

    Summary summary = summarize(events);

    assertThat(json(summary)).isEqualTo(ExpectedSummary.of(events));
    // Facts about the real file, to be sure the fixture is what it claims to be.
    assertThat(summary.logLines()).isEqualTo(10_000);
    assertThat(summary.logsRejected()).isEqualTo(1); // one line with a truncated user agent
    assertThat(summary.statusCounts()).containsEntry("200", 9125L).containsKey("404");
    assertThat(summary.topEndpoints()).hasSize(10);
    assertThat(summary.tweetRecords()).isZero();
  }

  @Test
  void realTweetSummaryCountsEachTweetOnce() {
    List<Map<String, String>> events = new ArrayList<>(tweets);
    for (int i = 0; i < tweets.size(); i += 5) {
      events.add(tweets.get(i)); // same record delivered again
    }
    for (int i = 0; i < tweets.size(); i += 3) {
      events.add(SampleEvents.withEventId(tweets.get(i), "reposted.jsonl:" + i)); // another record, same tweet
    }
    events.add(SampleEvents.tweetEvent("broken.jsonl:1", "{\"id_str\": \"1\", \"text\": "));
    events.add(SampleEvents.tweetEvent("broken.jsonl:2", "{\"text\": \"no id\"}"));
    events.add(SampleEvents.tweetEvent("broken.jsonl:2", "{\"text\": \"no id\"}"));

    Summary summary = summarize(events);

    assertThat(json(summary)).isEqualTo(ExpectedSummary.of(events));
    assertThat(summary.tweets()).isEqualTo(950);
    assertThat(summary.tweetRecords()).isEqualTo(950 + (950 + 2) / 3 + 2);
    assertThat(summary.tweetsRejected()).isEqualTo(2);
    assertThat(summary.languages().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(950);
    assertThat(summary.languages()).containsKey("und");
    assertThat(summary.logLines()).isZero();
  }

  @Test
  void mixedPipelinesInManyPartitionsMatchPlainJavaCounts() {
    List<Map<String, String>> events = new ArrayList<>(logs);
    events.addAll(tweets);
    events.addAll(logs.subList(100, 600));
    events.addAll(tweets.subList(10, 60));
    Collections.shuffle(events, new Random(7));

    JavaPairRDD<Metric, Tally> totals =
        Analytics.metrics(Analytics.toRecords(sc.parallelize(events, 8))).cache();
    Summary summary = Analytics.summarize(totals, Analytics.TOP_N);

    assertThat(json(summary)).isEqualTo(ExpectedSummary.of(events));
  }

  @Test
  void noEventsGiveACompleteAllZeroSummary() {
    Summary summary = summarize(List.of());

    assertThat(json(summary)).isEqualTo(ExpectedSummary.of(List.of()));
    JsonNode tree = json(summary);
    assertThat(tree.path("logs").path("contentSize").path("avg").isDouble()).isTrue();
    assertThat(tree.path("logs").path("topEndpoints").isArray()).isTrue();
    assertThat(tree.path("tweets").path("languages").isObject()).isTrue();
  }

  @Test
  void topListsBreakTiesByKeyAndStopAtTen() {
    List<Map<String, String>> events = new ArrayList<>();
    String[] paths = {"/b", "/a", "/c?x=1", "/c", "/d", "/e", "/f", "/g", "/h", "/i", "/j", "/k"};
    for (int i = 0; i < paths.length; i++) {
      events.add(Map.of("eventId", "e" + i, "pipeline", "logs", "status", "200", "bytes", "10",
          "path", paths[i]));
    }
    events.add(Map.of("eventId", "t1", "pipeline", "tweets", "tweetId", "1", "lang", "en", "hashtags", "zz yy"));
    events.add(Map.of("eventId", "t2", "pipeline", "tweets", "tweetId", "2", "lang", "en", "hashtags", "yy"));
    events.add(Map.of("eventId", "t3", "pipeline", "tweets", "tweetId", "3", "hashtags", ""));

    Summary summary = summarize(events);

    assertThat(summary.topEndpoints()).containsExactly(
        new Ranked("/c", 2), new Ranked("/a", 1), new Ranked("/b", 1), new Ranked("/d", 1),
        new Ranked("/e", 1), new Ranked("/f", 1), new Ranked("/g", 1), new Ranked("/h", 1),
        new Ranked("/i", 1), new Ranked("/j", 1));
    assertThat(summary.topHashtags()).containsExactly(new Ranked("yy", 2), new Ranked("zz", 1));
    assertThat(summary.languages()).containsExactly(Map.entry("en", 2L), Map.entry("und", 1L));
  }

  @Test
  void eventsOfNoKnownPipelineAreCountedApartFromTheSummary() {
    List<Map<String, String>> events = List.of(
        Map.of("eventId", "x1", "pipeline", "metrics"),
        Map.of("eventId", "x1", "pipeline", "metrics"),
        Map.of("eventId", "x2"));

    Summary summary = summarize(events);

    assertThat(summary.unrouted()).containsExactly(Map.entry("", 1L), Map.entry("metrics", 1L));
    assertThat(json(summary)).isEqualTo(ExpectedSummary.of(List.of()));
  }

  private static Summary summarize(List<Map<String, String>> events) {
    JavaPairRDD<Metric, Tally> totals =
        Analytics.metrics(Analytics.toRecords(sc.parallelize(events, 4))).cache();
    try {
      return Analytics.summarize(totals, Analytics.TOP_N);
    } finally {
      totals.unpersist(false);
    }
  }

  private static JsonNode json(Summary summary) {
    return ExpectedSummary.normalized(summary.toJson());
  }
}
