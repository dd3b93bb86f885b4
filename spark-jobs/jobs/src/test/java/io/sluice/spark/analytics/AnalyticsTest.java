package io.sluice.spark.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.spark.Expected;
import io.sluice.spark.ExpectedSummary;
import io.sluice.spark.SampleEvents;
import io.sluice.spark.SparkTestContexts;
import io.sluice.spark.output.Summary.Ranked;
import io.sluice.spark.output.Summary;
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

  private static final long GAP_MS = 30 * 60_000L;

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
    JsonNode expected = Expected.tweetWindow(events, 10);
    assertThat(Expected.tree(PipelineAnalytics.TWEETS.totalsJson(summary, 10).get("topMentions"))).isEqualTo(expected.get("topMentions"));
    assertThat(expected.get("topMentions")).as("the real tweets mention users").hasSize(10);
  }

  @Test
  void mixedPipelinesInManyPartitionsMatchPlainJavaCounts() {
    List<Map<String, String>> events = new ArrayList<>(logs);
    events.addAll(tweets);
    events.addAll(logs.subList(100, 600));
    events.addAll(tweets.subList(10, 60));
    Collections.shuffle(events, new Random(7));

    JavaPairRDD<Metric, Tally> totals =
        Analytics.metrics(sc.parallelize(SampleEvents.records(events), 8), GAP_MS).cache();
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

  @Test
  void windowOfRealLinesMatchesIndependentCounts() {
    List<Map<String, String>> events = new ArrayList<>(logs.subList(2000, 4000));
    events.addAll(logs.subList(2500, 2600)); // redelivered copies
    JavaPairRDD<Metric, Tally> metrics =
        Analytics.logWindowMetrics(Analytics.distinctEvents(sc.parallelize(SampleEvents.records(events), 4))).cache();

    Window window = Window.logs(metrics, 10_000, 40_000, 5, 20, new ErrorRateRule(0.05, 20));

    JsonNode json = window.toJsonTree();
    JsonNode expected = Expected.logWindow(events, 5, 20);
    assertThat(Expected.project(json, expected)).isEqualTo(expected);
    assertThat(json.path("requestsPerSecond").asDouble()).isEqualTo(expected.path("requests").asLong() / 30.0);
    assertThat(json.path("windowSeconds").asDouble()).isEqualTo(30.0);
    assertThat(expected.path("heavyClients").path("count").asLong()).as("real heavy clients").isGreaterThan(0);
    assertThat(expected.path("serverErrors").asLong()).as("lines 2071 and 3473 are real 500s").isEqualTo(2);
  }

  @Test
  void realAuthLogSummaryMatchesPlainJavaCountsDespiteRedeliveries() {
    List<Map<String, String>> syslog = SampleEvents.syslogEvents();
    List<Map<String, String>> events = new ArrayList<>(syslog);
    for (int i = 0; i < syslog.size(); i += 5) {
      events.add(syslog.get(i)); // redelivered copies, same eventId
    }
    events.add(SampleEvents.syslogEvent("broken.log:1", "no syslog line at all"));
    Collections.shuffle(events, new Random(7));

    Summary summary = summarize(events);

    JsonNode section = json(summary).path("syslog");
    assertThat(section).isEqualTo(ExpectedSummary.of(events).path("syslog"));
    // Facts about the real file (counted with grep and a script, see README.md), so the fixture and
    // the rule are what they claim to be.
    assertThat(section.path("lines").asLong()).isEqualTo(7122);
    assertThat(section.path("parsed").asLong()).isEqualTo(7121);
    assertThat(section.path("rejected").asLong()).isEqualTo(1);
    assertThat(ranked(summary.topHosts())).containsExactly("ip-10-77-20-248=7121");
    assertThat(ranked(summary.topPrograms())).containsExactly("sshd=4095", "CRON=1264", "sudo=557",
        "systemd-logind=452", "chpasswd=417", "systemd=238", "useradd=50", "su=45", "groupadd=3");
    assertThat(summary.authFailures()).isEqualTo(895);
    assertThat(ranked(summary.topAuthFailureSources())).containsExactly("24.151.103.17=157", "34.204.227.175=86",
        "91.197.232.109=58", "49.4.143.105=40", "201.178.81.113=34", "122.163.61.218=33", "181.26.186.35=31",
        "85.245.107.41=17", "181.25.206.27=14", "14.54.210.101=12");
    assertThat(summary.logLines()).isZero();
    assertThat(summary.unrouted()).isEmpty();
  }

  @Test
  void syslogWindowListsTheBruteForceSourcesAndAlertsOnEach() {
    // Lines 1-3000 of the real auth log: the failures of the first brute-force runs.
    List<Map<String, String>> lines = SampleEvents.syslogEvents().subList(0, 3000);
    Map<String, Long> perSource = new java.util.TreeMap<>();
    for (Map<String, String> e : lines) {
      String ip = ExpectedSummary.authFailureSource(e.get("program"), e.get("message"));
      if (ip != null) {
        perSource.merge(ip, 1L, Long::sum);
      }
    }
    long threshold = 14;
    List<String> expectedSources = new ArrayList<>();
    perSource.entrySet().stream().filter(x -> x.getValue() > threshold)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .forEach(x -> expectedSources.add(x.getKey() + "=" + x.getValue()));
    JavaPairRDD<Metric, Tally> metrics = Analytics.eventMetrics(sc.parallelize(SampleEvents.records(lines), 3)).cache();

    Window w = Window.syslog(metrics, 10_000, 70_000, 3, threshold);

    assertThat(expectedSources).as("the fixture has brute-force sources")
        .containsExactly("24.151.103.17=97", "91.197.232.109=58");
    assertThat(ranked(w.bruteForceSources())).isEqualTo(expectedSources);
    assertThat(w.bruteForceSourceCount()).isEqualTo(expectedSources.size());
    JsonNode json = w.toJsonTree();
    assertThat(json.path("lines").asLong()).isEqualTo(3000);
    assertThat(json.path("authFailures").asLong()).isEqualTo(218)
        .isEqualTo(perSource.values().stream().mapToLong(Long::longValue).sum());
    assertThat(json.path("topAuthFailureSources")).hasSize(3);
    assertThat(json.path("linesPerSecond").asDouble()).isEqualTo(3000 / 60.0);
    assertThat(json.path("bruteForce").path("threshold").asLong()).isEqualTo(threshold);
    assertThat(json.path("bruteForce").path("sources").get(1).path("ip").asText()).isEqualTo("91.197.232.109");
    assertThat(json.path("bruteForce").path("sources").get(1).path("failures").asLong()).isEqualTo(58);
    List<Alert> alerts = w.alerts();
    assertThat(alerts).hasSize(expectedSources.size());
    BruteForceAlert first = (BruteForceAlert) alerts.get(0);
    assertThat(first.id()).isEqualTo("syslog-brute-force:24.151.103.17@70000");
    assertThat(first.toJsonTree().toString()).isEqualTo("{\"id\":\"syslog-brute-force:24.151.103.17@70000\","
        + "\"type\":\"brute-force\",\"pipeline\":\"syslog\",\"windowStart\":10000,\"windowEnd\":70000,"
        + "\"sourceIp\":\"24.151.103.17\",\"failures\":97,\"threshold\":14}");
    assertThat(Window.syslog(metrics, 10_000, 70_000, 3, 13).bruteForceSourceCount()).as("14 is above 13").isEqualTo(4);
    assertThat(Window.syslog(metrics, 10_000, 70_000, 3, 97).alerts()).as("97 is not above 97").isEmpty();
    metrics.unpersist(false);
  }

  @Test
  void errorRateAlertFiresOnlyAboveThresholdWithEnoughRequests() {
    // Lines 2067-2075 of the real log: nine requests, one of them (line 2071) a 500.
    List<Map<String, String>> nine = logs.subList(2066, 2075);
    JavaPairRDD<Metric, Tally> metrics =
        Analytics.logWindowMetrics(sc.parallelize(SampleEvents.records(nine), 2)).cache();
    long errors = nine.stream().filter(e -> e.get("status").startsWith("5")).count();
    assertThat(errors).isEqualTo(1);

    List<ErrorRateAlert> fired = Analytics.errorRateAlerts(metrics, new ErrorRateRule(0.1, 9), 5_000, 35_000).collect();

    assertThat(fired).hasSize(1);
    ErrorRateAlert alert = fired.get(0);
    assertThat(alert.requests()).isEqualTo(9);
    assertThat(alert.serverErrors()).isEqualTo(1);
    assertThat(alert.id()).isEqualTo("logs-error-rate@35000");
    assertThat(alert.toJsonTree().path("windowStart").asLong()).isEqualTo(5_000);
    assertThat(Analytics.errorRateAlerts(metrics, new ErrorRateRule(0.12, 9), 5_000, 35_000).collect())
        .as("1/9 is not above 12%").isEmpty();
    assertThat(Analytics.errorRateAlerts(metrics, new ErrorRateRule(0.1, 10), 5_000, 35_000).collect())
        .as("fewer than 10 requests").isEmpty();
  }

  @Test
  void sessionsOfTheRealLogMatchAnIndependentSessionization() {
    for (long gapMs : new long[] {GAP_MS, 20_000L}) {
      JavaPairRDD<Metric, Tally> totals =
          Analytics.metrics(sc.parallelize(SampleEvents.records(logs), 4), gapMs).cache();
      Summary summary = Analytics.summarize(totals, 10);

      double[] expected = Expected.sessions(logs, gapMs);
      assertThat((double) summary.sessions()).as("sessions, gap %d ms", gapMs).isEqualTo(expected[0]);
      assertThat(summary.sessionMeanRequests()).isCloseTo(expected[1], org.assertj.core.data.Offset.offset(1e-9));
      assertThat(summary.sessionMeanDurationSeconds()).isCloseTo(expected[2], org.assertj.core.data.Offset.offset(1e-9));
      assertThat(summary.unsessionized()).isZero();
      totals.unpersist(false);
    }
    assertThat(Expected.sessions(logs, 20_000L)[0]).as("a short gap splits sessions")
        .isGreaterThan(Expected.sessions(logs, GAP_MS)[0]);
  }

  @Test
  void tweetWindowOfRealTweetsMatchesIndependentCounts() {
    List<Map<String, String>> events = new ArrayList<>(tweets.subList(100, 700));
    events.addAll(tweets.subList(100, 200));
    JavaPairRDD<Metric, Tally> metrics = Analytics.tweetMetrics(
        Analytics.distinctTweets(Analytics.distinctEvents(sc.parallelize(SampleEvents.records(events), 4)))).cache();

    JsonNode json = Window.tweets(metrics, 0, 60_000, 10).toJsonTree();

    JsonNode expected = Expected.tweetWindow(events, 10);
    assertThat(Expected.project(json, expected)).isEqualTo(expected);
    assertThat(json.path("tweetsPerSecond").asDouble()).isEqualTo(600 / 60.0);
  }

  @Test
  void summaryJsonOfASmallKnownInputKeyByKey() throws Exception {
    Map<String, String> first = Map.of("eventId", "e1", "pipeline", "logs", "status", "200", "bytes", "100",
        "path", "/a?x=1", "clientIp", "1.1.1.1", "timestamp", "1000");
    List<Map<String, String>> events = List.of(first,
        Map.of("eventId", "e2", "pipeline", "logs", "status", "500", "bytes", "300", "path", "/b",
            "clientIp", "1.1.1.1", "timestamp", "2000"),
        Map.of("eventId", "e3", "pipeline", "logs", "rejectReason", "bad-status", "rejectedBy", "access-log-interceptor"),
        first,
        Map.of("eventId", "t1", "pipeline", "tweets", "tweetId", "1", "lang", "en", "hashtags", "x y", "mentions", "bob",
            "platform", "X_API_V2"),
        Map.of("eventId", "t2", "pipeline", "tweets", "tweetId", "2", "hashtags", "x"),
        Map.of("eventId", "t3", "pipeline", "tweets", "rejectReason", "invalid-json", "rejectedBy", "tweet-normalizer"),
        Map.of("eventId", "t4", "pipeline", "tweets", "notPost", "like", "platform", "BLUESKY_JETSTREAM"),
        // A reject is never a not-post, whatever its headers say.
        Map.of("eventId", "t5", "pipeline", "tweets", "notPost", "delete", "rejectReason", "missing-field",
            "rejectedBy", "jetstream-source"),
        Map.of("eventId", "s1", "pipeline", "syslog", "host", "web1", "program", "sshd", "pid", "7",
            "message", "Invalid user  from 203.0.113.9 port 4444"),
        Map.of("eventId", "s2", "pipeline", "syslog", "host", "web2", "program", "sshd",
            "message", "message repeated 3 times: [ Failed password for root from 203.0.113.9 port 22 ssh2]"),
        Map.of("eventId", "s3", "pipeline", "syslog", "host", "web2", "program", "CRON",
            "message", "Failed password for root from 198.51.100.1 port 22 ssh2"),
        Map.of("eventId", "s4", "pipeline", "syslog", "rejectReason", "missing-field", "rejectedBy", "syslog-interceptor"));

    Summary summary = summarize(events);
    JsonNode tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(summary.toJson());

    assertThat(fields(tree)).containsExactly("logs", "tweets", "syslog");
    JsonNode logs = tree.path("logs");
    assertThat(fields(logs)).containsExactly("lines", "parsed", "rejected", "statusCounts", "topEndpoints", "contentSize",
        "requestsPerHour", "late", "future");
    // Both parsed lines are in the first hour of 1970 (request times 1 s and 2 s); batch totals know no watermark.
    assertThat(logs.path("requestsPerHour").toString()).isEqualTo("{\"1970-01-01T00:00:00Z\":2}");
    assertThat(logs.path("late").isIntegralNumber()).isTrue();
    assertThat(logs.path("late").asLong()).isZero();
    assertThat(logs.path("lines").asLong()).isEqualTo(3);
    assertThat(logs.path("parsed").asLong()).isEqualTo(2);
    assertThat(logs.path("rejected").asLong()).isEqualTo(1);
    assertThat(fields(logs.path("statusCounts"))).containsExactly("200", "500");
    assertThat(logs.path("statusCounts").path("200").asLong()).isEqualTo(1);
    assertThat(logs.path("statusCounts").path("500").asLong()).isEqualTo(1);
    assertThat(logs.path("topEndpoints")).hasSize(2);
    assertThat(fields(logs.path("topEndpoints").get(0))).containsExactly("endpoint", "count");
    assertThat(logs.path("topEndpoints").get(0).path("endpoint").asText()).isEqualTo("/a");
    assertThat(logs.path("topEndpoints").get(0).path("count").asLong()).isEqualTo(1);
    assertThat(logs.path("topEndpoints").get(1).path("endpoint").asText()).isEqualTo("/b");
    assertThat(logs.path("topEndpoints").get(1).path("count").asLong()).isEqualTo(1);
    assertThat(fields(logs.path("contentSize"))).containsExactly("min", "max", "avg");
    assertThat(logs.path("contentSize").path("min").isIntegralNumber()).isTrue();
    assertThat(logs.path("contentSize").path("min").asLong()).isEqualTo(100);
    assertThat(logs.path("contentSize").path("max").asLong()).isEqualTo(300);
    assertThat(logs.path("contentSize").path("avg").isDouble()).isTrue();
    assertThat(logs.path("contentSize").path("avg").asDouble()).isEqualTo(200.0);
    JsonNode tw = tree.path("tweets");
    assertThat(fields(tw)).containsExactly("records", "posts", "notPosts", "rejected", "tweets", "platforms",
        "topHashtags", "languages", "postsPerHour", "late", "future");
    // Neither post has a creation time (nor a timestamp): in no hour.
    assertThat(tw.path("postsPerHour").toString()).isEqualTo("{}");
    assertThat(tw.path("late").asLong()).isZero();
    assertThat(tw.path("records").asLong()).isEqualTo(5);
    assertThat(tw.path("posts").asLong()).isEqualTo(2);
    assertThat(fields(tw.path("notPosts"))).containsExactly("like");
    assertThat(tw.path("notPosts").path("like").asLong()).isEqualTo(1);
    assertThat(tw.path("rejected").asLong()).isEqualTo(2);
    assertThat(tw.path("tweets").asLong()).isEqualTo(2);
    assertThat(fields(tw.path("platforms"))).containsExactly("X_API_V2", "unknown");
    assertThat(tw.path("platforms").path("X_API_V2").asLong()).isEqualTo(1);
    assertThat(tw.path("platforms").path("unknown").asLong()).isEqualTo(1);
    assertThat(tw.path("topHashtags")).hasSize(2);
    assertThat(fields(tw.path("topHashtags").get(0))).containsExactly("hashtag", "count");
    assertThat(tw.path("topHashtags").get(0).path("hashtag").asText()).isEqualTo("x");
    assertThat(tw.path("topHashtags").get(0).path("count").asLong()).isEqualTo(2);
    assertThat(tw.path("topHashtags").get(1).path("hashtag").asText()).isEqualTo("y");
    assertThat(tw.path("topHashtags").get(1).path("count").asLong()).isEqualTo(1);
    assertThat(fields(tw.path("languages"))).containsExactly("en", "und");
    assertThat(tw.path("languages").path("en").asLong()).isEqualTo(1);
    assertThat(tw.path("languages").path("und").asLong()).isEqualTo(1);
    JsonNode sy = tree.path("syslog");
    assertThat(fields(sy)).containsExactly("lines", "parsed", "rejected", "topHosts", "topPrograms", "authFailures",
        "topAuthFailureSources", "linesPerHour", "late", "future");
    assertThat(sy.toString()).isEqualTo("{\"lines\":4,\"parsed\":3,\"rejected\":1,"
        + "\"topHosts\":[{\"host\":\"web2\",\"count\":2},{\"host\":\"web1\",\"count\":1}],"
        + "\"topPrograms\":[{\"program\":\"sshd\",\"count\":2},{\"program\":\"CRON\",\"count\":1}],"
        + "\"authFailures\":2,\"topAuthFailureSources\":[{\"ip\":\"203.0.113.9\",\"count\":2}],"
        + "\"linesPerHour\":{},\"late\":0,\"future\":0}");

    // The per-batch totals files: the same sections with more fields, top lists of --top-n.
    JsonNode logsTotals = PipelineAnalytics.LOGS.totalsJson(summary, 1);
    assertThat(fields(logsTotals)).containsExactly("lines", "parsed", "rejected", "serverErrors", "errorRate",
        "statusCounts", "topEndpoints", "contentSize", "requestsPerHour", "late", "future", "sessions");
    assertThat(logsTotals.path("serverErrors").asLong()).isEqualTo(1);
    assertThat(logsTotals.path("errorRate").asDouble()).isEqualTo(0.5);
    assertThat(logsTotals.path("topEndpoints")).hasSize(1);
    assertThat(logsTotals.path("topEndpoints").get(0).path("endpoint").asText()).isEqualTo("/a");
    assertThat(fields(logsTotals.path("sessions")))
        .containsExactly("count", "open", "meanRequests", "meanDurationSeconds", "unsessionized");
    assertThat(logsTotals.path("sessions").path("count").asLong()).isEqualTo(1);
    JsonNode tweetsTotals = PipelineAnalytics.TWEETS.totalsJson(summary, 1);
    assertThat(fields(tweetsTotals))
        .containsExactly("records", "posts", "notPosts", "rejected", "tweets", "platforms", "topHashtags",
            "languages", "postsPerHour", "late", "future", "topMentions");
    assertThat(tweetsTotals.path("topHashtags")).hasSize(1);
    assertThat(tweetsTotals.path("topMentions")).hasSize(1);
    assertThat(tweetsTotals.path("topMentions").get(0).path("user").asText()).isEqualTo("bob");
    assertThat(tweetsTotals.path("topMentions").get(0).path("count").asLong()).isEqualTo(1);
  }

  private static List<String> fields(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static Summary summarize(List<Map<String, String>> events) {
    JavaPairRDD<Metric, Tally> totals =
        Analytics.metrics(sc.parallelize(SampleEvents.records(events), 4), GAP_MS).cache();
    try {
      return Analytics.summarize(totals, Analytics.TOP_N);
    } finally {
      totals.unpersist(false);
    }
  }

  private static List<String> ranked(List<Ranked> ranked) {
    List<String> out = new ArrayList<>();
    ranked.forEach(r -> out.add(r.key() + "=" + r.count()));
    return out;
  }

  private static JsonNode json(Summary summary) {
    return ExpectedSummary.normalized(summary.toJson());
  }
}
