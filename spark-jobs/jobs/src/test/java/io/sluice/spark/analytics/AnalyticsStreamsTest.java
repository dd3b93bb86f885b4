package io.sluice.spark.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.spark.BatchFiles;
import io.sluice.spark.Expected;
import io.sluice.spark.ExpectedSummary;
import io.sluice.spark.SampleEvents;
import io.sluice.spark.SparkTestContexts;
import io.sluice.spark.SummaryFiles;
import io.sluice.spark.input.EventRecord;
import io.sluice.spark.job.AnalyticsJobConfig;
import io.sluice.spark.output.BatchOutputs;
import io.sluice.spark.output.OutputStore;
import io.sluice.spark.output.SummaryWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.mutable.Queue;
import scala.reflect.ClassTag$;
import scala.reflect.ClassTag;

/**
 * The streaming graph (dedup state across batches, sessions, running totals, windows, alerts, the
 * files of every batch) on a real {@code local[2]} streaming context with 1 s batches (the
 * shortest {@code --batch-seconds}).
 *
 * <p>Input comes from a Scala {@code Queue} filled before the context starts: a queue stream with
 * {@code oneAtATime} takes exactly one RDD per batch, so the k-th batch directory holds the results
 * after the k-th input and every window's content is known. Queue streams cannot be part of a
 * checkpointed graph, so only the SparkContext's checkpoint directory is set here, which is what
 * the state RDDs need; the job tests cover the fully checkpointed graph.
 */
class AnalyticsStreamsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final long BATCH_MS = 1000;
  private static final long GAP_MS = 30 * 60_000L;

  @TempDir
  Path tmp;

  private JavaStreamingContext ssc;
  private final Queue<RDD<EventRecord>> batches = new Queue<>();

  @BeforeEach
  void createStreaming() {
    JavaSparkContext sc = new JavaSparkContext(SparkTestContexts.conf("AnalyticsStreamsTest"));
    sc.setCheckpointDir(tmp.resolve("checkpoint").toString());
    ssc = new JavaStreamingContext(sc, Durations.milliseconds(BATCH_MS));
  }

  @AfterEach
  void stopStreaming() {
    if (ssc != null) {
      ssc.stop(true, false);
    }
  }

  @Test
  void everyBatchHasExactTotalsWindowsAndAlertsDespiteRedeliveries() {
    List<Map<String, String>> logs = SampleEvents.logEvents().subList(0, 3000);
    List<Map<String, String>> tweets = SampleEvents.tweetEvents();
    // Batch 1: first halves, with some events twice in the same batch.
    List<Map<String, String>> first = new ArrayList<>(logs.subList(0, 1500));
    first.addAll(tweets.subList(0, 500));
    first.addAll(logs.subList(0, 100));
    first.addAll(tweets.subList(0, 50));
    // Batch 2: redeliveries of batch 1, re-posts of batch-1 tweets under new event ids, new events
    // (among them line 2071, a real 500).
    List<Map<String, String>> second = new ArrayList<>(logs.subList(1000, 3000));
    second.addAll(tweets.subList(400, 950));
    for (int i = 0; i < 300; i++) {
      second.add(SampleEvents.withEventId(tweets.get(i), "repost:" + i));
    }
    // Batch 3: only redeliveries, plus one new line.
    List<Map<String, String>> third = new ArrayList<>(first.subList(0, 2000));
    third.add(SampleEvents.logEvent("marker:1",
        "1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET /marker?x=1 HTTP/1.1\" 200 5 \"-\" \"t\""));
    List<List<Map<String, String>>> inputs = List.of(first, second, third, List.of(), List.of());
    inputs.forEach(this::offer);
    // A 3 s logs window (3 batches) and a 2 s tweets window (2 batches), both sliding every batch.
    AnalyticsJobConfig config = config("--logs-window-seconds", "3", "--logs-slide-seconds", "1",
        "--tweets-window-seconds", "2", "--tweets-slide-seconds", "1", "--top-n", "5", "--heavy-client-requests", "30",
        "--error-rate-threshold", "0.0", "--error-min-requests", "1", "--session-gap-seconds", String.valueOf(GAP_MS / 1000),
        "--window-time", "arrival");
    SummaryWriter summary = new SummaryWriter(tmp);
    start(config, summary);

    assertThat(BatchFiles.await(() -> BatchFiles.batchDirs(tmp).size() >= inputs.size()
        && Files.exists(BatchFiles.batchDirs(tmp).get(inputs.size() - 1).resolve(BatchOutputs.TWEETS_TOTALS)), TIMEOUT))
        .as("%d batch directories", inputs.size()).isTrue();
    List<Path> dirs = BatchFiles.batchDirs(tmp);

    List<Map<String, String>> seen = new ArrayList<>();
    List<List<Map<String, String>>> firstSeenPerBatch = new ArrayList<>();
    List<List<Map<String, String>>> newTweetsPerBatch = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    Set<String> tweetIds = new HashSet<>();
    for (int k = 0; k < inputs.size(); k++) {
      List<Map<String, String>> fresh = new ArrayList<>();
      List<Map<String, String>> newTweets = new ArrayList<>();
      for (Map<String, String> e : inputs.get(k)) {
        if (ids.add(e.get("eventId"))) {
          fresh.add(e);
          if ("tweets".equals(e.get("pipeline")) && !e.containsKey("rejectReason") && tweetIds.add(e.get("tweetId"))) {
            newTweets.add(e);
          }
        }
      }
      firstSeenPerBatch.add(fresh);
      newTweetsPerBatch.add(newTweets);
      seen.addAll(inputs.get(k));
      Path dir = dirs.get(k);
      assertThat(Long.parseLong(dir.getFileName().toString()) - Long.parseLong(dirs.get(0).getFileName().toString()))
          .as("batch directories are batch times").isEqualTo(k * BATCH_MS);

      JsonNode totals = BatchFiles.read(dir.resolve(BatchOutputs.LOGS_TOTALS));
      com.fasterxml.jackson.databind.node.ObjectNode expectedLogs =
          (com.fasterxml.jackson.databind.node.ObjectNode) ExpectedSummary.of(seen).get("logs");
      // The marker (10:05:03) comes in batch 3, after lines up to hours later: behind the watermark
      // (max request time of batches 1-2 minus the default 300 s), so late, and still in every total.
      expectedLogs.put("late", k >= 2 ? 1 : 0);
      assertThat(ExpectedSummary.late(inputs.subList(0, k + 1), 300_000).get("logs")).isEqualTo(k >= 2 ? 1 : 0);
      assertThat(Expected.project(totals, expectedLogs)).as("logs totals after batch %d", k + 1)
          .isEqualTo(projectTop(expectedLogs, 5));
      assertThat(totals.path("sessions").path("count").asDouble()).isEqualTo(Expected.sessions(seen, GAP_MS)[0]);
      assertThat(totals.path("batchTime").asLong()).isEqualTo(Long.parseLong(dir.getFileName().toString()));
      JsonNode tweetTotals = BatchFiles.read(dir.resolve(BatchOutputs.TWEETS_TOTALS));
      assertThat(tweetTotals.path("tweets").asLong()).isEqualTo(Expected.distinctTweets(seen).size());
      assertThat(tweetTotals.path("topMentions")).isEqualTo(Expected.tweetWindow(seen, 5).get("topMentions"));

      List<Map<String, String>> logWindow = new ArrayList<>();
      for (int j = Math.max(0, k - 2); j <= k; j++) {
        logWindow.addAll(firstSeenPerBatch.get(j));
      }
      JsonNode window = BatchFiles.read(dir.resolve(BatchOutputs.LOGS_WINDOW));
      JsonNode expectedWindow = Expected.logWindow(logWindow, 5, 30);
      assertThat(Expected.project(window, expectedWindow)).as("logs window at batch %d", k + 1).isEqualTo(expectedWindow);
      assertThat(window.path("windowEnd").asLong() - window.path("windowStart").asLong()).isEqualTo(3 * BATCH_MS);

      JsonNode alerts = BatchFiles.read(dir.resolve(BatchOutputs.ALERTS)).path("alerts");
      long errors = expectedWindow.path("serverErrors").asLong();
      assertThat(alerts).as("alerts at batch %d", k + 1).hasSize(errors > 0 ? 1 : 0);
      if (errors > 0) {
        assertThat(alerts.get(0).path("serverErrors").asLong()).isEqualTo(errors);
        assertThat(alerts.get(0).path("requests").asLong()).isEqualTo(expectedWindow.path("requests").asLong());
        assertThat(alerts.get(0).path("windowEnd").asLong()).isEqualTo(window.path("windowEnd").asLong());
      }

      // The tweet window counts tweets (by tweet id) first seen in its batches.
      List<Map<String, String>> tweetWindow = new ArrayList<>(newTweetsPerBatch.get(k));
      if (k > 0) {
        tweetWindow.addAll(0, newTweetsPerBatch.get(k - 1));
      }
      JsonNode tw = BatchFiles.read(dir.resolve(BatchOutputs.TWEETS_WINDOW));
      JsonNode expectedTweets = Expected.tweetWindow(tweetWindow, 5);
      assertThat(Expected.project(tw, expectedTweets)).as("tweets window at batch %d", k + 1).isEqualTo(expectedTweets);
      assertThat(tw.path("tweetsPerSecond").asDouble()).isEqualTo(expectedTweets.path("tweets").asLong() / (2 * BATCH_MS / 1000.0));
    }
    JsonNode withoutLate = ExpectedSummary.of(seen);
    // Under the default 300 s lateness: the marker line, and the posts of batch 2 created before the
    // latest post of batch 1 (minus 300 s); the sample posts are in no time order.
    Map<String, Long> late = ExpectedSummary.late(inputs, 300_000);
    ((com.fasterxml.jackson.databind.node.ObjectNode) withoutLate.get("logs")).put("late", late.get("logs"));
    ((com.fasterxml.jackson.databind.node.ObjectNode) withoutLate.get("tweets")).put("late", late.get("tweets"));
    JsonNode expected = ExpectedSummary.normalized(withoutLate.toString());
    assertThat(late.get("logs")).isEqualTo(1);
    assertThat(late.get("tweets")).isEqualTo(450);
    assertThat(SummaryFiles.awaitContent(summary.file(), expected, TIMEOUT)).isEqualTo(expected);
    assertThat(expected.path("logs").path("lines").asLong()).isEqualTo(3001);
    assertThat(expected.path("tweets").path("tweets").asLong()).isEqualTo(950);
    assertThat(expected.path("tweets").path("records").asLong()).isEqualTo(950 + 300);
    assertThat(BatchFiles.read(dirs.get(0).resolve(BatchOutputs.ALERTS)).path("alerts")).as("no 5xx in lines 1-1500").isEmpty();
    assertThat(BatchFiles.read(dirs.get(1).resolve(BatchOutputs.ALERTS)).path("alerts")).as("line 2071").hasSize(1);
    assertThat(dirs).as("no event-time windows with --window-time arrival")
        .allSatisfy(d -> assertThat(d.resolve(BatchOutputs.LOGS_EVENT_WINDOWS)).doesNotExist());
  }

  @Test
  void byDefaultWindowsAndAlertsAreOnEventTimeAndArrivalWindowsShowThroughputAndLag() {
    List<Map<String, String>> logs = SampleEvents.logEvents();
    // Batch 1: lines 1-1000, read 1 s after their request time; batch 2: lines 1001-2080 read 60 s
    // after, 2081-2100 an hour after (line 2071 is a real 500); batch 3: lines 2101-2500 without a
    // read time (arrival: the batch time).
    List<Map<String, String>> first = withLag(logs.subList(0, 1000), 1_000);
    List<Map<String, String>> second = withLag(logs.subList(1000, 2080), 60_000);
    second.addAll(withLag(logs.subList(2080, 2100), 3_600_000));
    List<Map<String, String>> third = new ArrayList<>(logs.subList(2100, 2500));
    List<List<Map<String, String>>> inputs = List.of(first, second, third, List.of());
    inputs.forEach(this::offer);
    // Hour-long tumbling event-time windows; arrival-time windows of 2 batches sliding every batch.
    start(config("--pipeline", "logs", "--logs-window-seconds", "3600", "--logs-slide-seconds", "3600",
        "--arrival-window-seconds", "2", "--arrival-slide-seconds", "1", "--error-rate-threshold", "0.0",
        "--error-min-requests", "1"), new SummaryWriter(tmp));

    assertThat(BatchFiles.await(() -> BatchFiles.batchDirs(tmp).size() >= inputs.size()
        && Files.exists(BatchFiles.batchDirs(tmp).get(inputs.size() - 1).resolve(BatchOutputs.LOGS_WINDOW)), TIMEOUT))
        .as("%d batch directories", inputs.size()).isTrue();
    List<Path> dirs = BatchFiles.batchDirs(tmp);
    long batch3 = Long.parseLong(dirs.get(2).getFileName().toString());
    List<Long> thirdLags = new ArrayList<>();
    for (Map<String, String> e : third) {
      thirdLags.add(batch3 - Long.parseLong(e.get("timestamp")));
    }
    thirdLags.sort(null);

    JsonNode lag1 = BatchFiles.read(dirs.get(0).resolve(BatchOutputs.LOGS_WINDOW)).path("lag");
    assertThat(lag1.toString()).isEqualTo("{\"events\":1000,\"p50Seconds\":1.0,\"p99Seconds\":1.0,\"maxSeconds\":1.0}");
    JsonNode w2 = BatchFiles.read(dirs.get(1).resolve(BatchOutputs.LOGS_WINDOW));
    assertThat(w2.path("requests").asLong()).isEqualTo(2100);
    // Ranks 1050 and 2079 of 2,100: the 60 s lags are 1001-2080.
    assertThat(w2.path("lag").toString())
        .isEqualTo("{\"events\":2100,\"p50Seconds\":60.0,\"p99Seconds\":60.0,\"maxSeconds\":3600.0}");
    JsonNode lag3 = BatchFiles.read(dirs.get(2).resolve(BatchOutputs.LOGS_WINDOW)).path("lag");
    // Batches 2 and 3: 1,080 lags of 60 s, 20 of 1 h, 400 of years (rank 1485 of 1,500 is the 385th of those).
    assertThat(lag3.path("events").asLong()).isEqualTo(1500);
    assertThat(lag3.path("p50Seconds").asDouble()).isEqualTo(60.0);
    assertThat(lag3.path("p99Seconds").asDouble() * 1000)
        .isCloseTo(thirdLags.get(384), org.assertj.core.api.Assertions.within(thirdLags.get(384) * Lag.RELATIVE_ERROR));
    assertThat(lag3.path("maxSeconds").asDouble() * 1000).isEqualTo(thirdLags.get(399).doubleValue());
    JsonNode lag4 = BatchFiles.read(dirs.get(3).resolve(BatchOutputs.LOGS_WINDOW)).path("lag");
    assertThat(lag4.path("events").asLong()).isEqualTo(400);
    assertThat(lag4.path("p50Seconds").asDouble() * 1000)
        .isCloseTo(thirdLags.get(199), org.assertj.core.api.Assertions.within(thirdLags.get(199) * Lag.RELATIVE_ERROR));
    assertThat(lag4.path("maxSeconds").asDouble() * 1000).isEqualTo(thirdLags.get(399).doubleValue());

    // The alerts are the event-time windows': no arrival-time alert file, whatever the 5xx.
    assertThat(dirs).allSatisfy(d -> assertThat(d.resolve(BatchOutputs.ALERTS)).doesNotExist());
    long max = Long.MIN_VALUE;
    Map<Long, long[]> hours = new java.util.TreeMap<>(); // start -> {requests, serverErrors}
    for (Map<String, String> e : logs.subList(0, 2500)) {
      if (e.containsKey("rejectReason")) {
        continue;
      }
      long t = Long.parseLong(e.get("timestamp"));
      max = Math.max(max, t);
      long[] h = hours.computeIfAbsent(Math.floorDiv(t, 3_600_000L) * 3_600_000L, k -> new long[2]);
      h[0]++;
      h[1] += e.get("status").startsWith("5") ? 1 : 0;
    }
    long watermark = max - 300_000;
    hours.keySet().removeIf(start -> start + 3_600_000 > watermark);
    Map<Long, Long> windows = new java.util.TreeMap<>();
    List<String> alerts = new ArrayList<>();
    for (Path d : dirs) {
      Path f = d.resolve(BatchOutputs.LOGS_EVENT_WINDOWS);
      if (Files.exists(f)) {
        JsonNode json = BatchFiles.read(f);
        json.path("windows").forEach(w -> {
          assertThat(w.has("lag")).as("no lag in event-time windows").isFalse();
          windows.put(w.path("windowStart").asLong(), w.path("requests").asLong());
        });
        json.path("alerts").forEach(a -> alerts.add(a.path("id").asText()));
      }
    }
    Map<Long, Long> expectedWindows = new java.util.TreeMap<>();
    hours.forEach((start, h) -> expectedWindows.put(start, h[0]));
    assertThat(windows).isEqualTo(expectedWindows).hasSize(21); // 2015-05-17T10:00Z to 05-18T07:00Z, the last still open
    // Line 2071, 2015-05-18T03:05:34Z: the hour 03:00-04:00.
    long hour = java.time.Instant.parse("2015-05-18T03:00:00Z").toEpochMilli();
    assertThat(alerts).containsExactly("logs-error-rate@" + (hour + 3_600_000));
  }

  /** Copies of {@code events} read {@code lagMs} after their request time ({@code readTime} header). */
  private static List<Map<String, String>> withLag(List<Map<String, String>> events, long lagMs) {
    List<Map<String, String>> out = new ArrayList<>();
    for (Map<String, String> e : events) {
      Map<String, String> copy = new java.util.HashMap<>(e);
      if (copy.containsKey("timestamp")) {
        copy.put("readTime", String.valueOf(Long.parseLong(copy.get("timestamp")) + lagMs));
      }
      out.add(copy);
    }
    return out;
  }

  @Test
  void dedupStateExpiresAfterTheHorizonSoCostDoesNotGrowWithTheStream() {
    Map<String, String> a = SampleEvents.logEvents().get(0);
    Map<String, String> b = SampleEvents.logEvents().get(1);
    // A 2 s horizon (2 batches). Spark drops expired ids at the state's checkpoints, every 10
    // batches (10 s): an id seen again within the horizon is a duplicate; after the horizon and a
    // checkpoint it is forgotten, so it counts again.
    List<List<Map<String, String>>> inputs = new ArrayList<>();
    inputs.add(List.of(a, b));
    inputs.add(List.of(a));
    for (int i = 0; i < 12; i++) {
      inputs.add(List.of());
    }
    inputs.add(List.of(a));
    inputs.add(List.of());
    inputs.forEach(this::offer);
    start(config("--pipeline", "logs", "--arrival-window-seconds", "1", "--arrival-slide-seconds", "1",
        "--dedup-horizon-seconds", String.valueOf(2 * BATCH_MS / 1000)), new SummaryWriter(tmp));

    assertThat(BatchFiles.await(() -> BatchFiles.batchDirs(tmp).size() >= inputs.size()
        && Files.exists(BatchFiles.batchDirs(tmp).get(inputs.size() - 1).resolve(BatchOutputs.LOGS_TOTALS)), TIMEOUT))
        .as("%d batch directories", inputs.size()).isTrue();
    List<Path> dirs = BatchFiles.batchDirs(tmp);
    assertThat(BatchFiles.read(dirs.get(1).resolve(BatchOutputs.LOGS_TOTALS)).path("lines").asLong())
        .as("redelivery within the horizon").isEqualTo(2);
    assertThat(BatchFiles.read(dirs.get(13).resolve(BatchOutputs.LOGS_TOTALS)).path("lines").asLong()).isEqualTo(2);
    assertThat(BatchFiles.read(dirs.get(14).resolve(BatchOutputs.LOGS_TOTALS)).path("lines").asLong())
        .as("the id was forgotten after the horizon").isEqualTo(3);
  }

  @Test
  void syslogTotalsWindowsAndBruteForceAlertsOfTheRealAuthLogAreExactDespiteRedeliveries() {
    List<Map<String, String>> syslog = SampleEvents.syslogEvents();
    List<Map<String, String>> first = new ArrayList<>(syslog.subList(0, 3000));
    first.addAll(syslog.subList(0, 200));
    List<Map<String, String>> second = new ArrayList<>(syslog.subList(3000, syslog.size()));
    second.addAll(syslog.subList(1000, 3000));
    List<List<Map<String, String>>> inputs = List.of(first, second, List.of(), List.of());
    inputs.forEach(this::offer);
    long threshold = 50;
    // A 2 s syslog window (2 batches) sliding every batch.
    start(config("--pipeline", "syslog", "--syslog-window-seconds", "2", "--syslog-slide-seconds", "1",
        "--brute-force-threshold", String.valueOf(threshold), "--top-n", "5", "--window-time", "arrival"),
        new SummaryWriter(tmp));

    assertThat(BatchFiles.await(() -> BatchFiles.batchDirs(tmp).size() >= inputs.size()
        && Files.exists(BatchFiles.batchDirs(tmp).get(inputs.size() - 1).resolve(BatchOutputs.SYSLOG_TOTALS)), TIMEOUT))
        .as("%d batch directories", inputs.size()).isTrue();
    List<Path> dirs = BatchFiles.batchDirs(tmp);
    List<Map<String, String>> seen = new ArrayList<>();
    List<List<Map<String, String>>> firstSeenPerBatch = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    int alertsSeen = 0;
    for (int k = 0; k < inputs.size(); k++) {
      List<Map<String, String>> fresh = new ArrayList<>();
      inputs.get(k).stream().filter(e -> ids.add(e.get("eventId"))).forEach(fresh::add);
      firstSeenPerBatch.add(fresh);
      seen.addAll(inputs.get(k));
      Path dir = dirs.get(k);

      JsonNode totals = BatchFiles.read(dir.resolve(BatchOutputs.SYSLOG_TOTALS));
      JsonNode expected = ExpectedSummary.of(seen).get("syslog");
      assertThat(Expected.project(totals, expected)).as("syslog totals after batch %d", k + 1)
          .isEqualTo(cutTops(expected, 5));

      List<Map<String, String>> inWindow = new ArrayList<>(firstSeenPerBatch.get(k));
      if (k > 0) {
        inWindow.addAll(firstSeenPerBatch.get(k - 1));
      }
      JsonNode window = BatchFiles.read(dir.resolve(BatchOutputs.SYSLOG_WINDOW));
      com.fasterxml.jackson.databind.node.ObjectNode expectedWindow =
          (com.fasterxml.jackson.databind.node.ObjectNode) ExpectedSummary.of(inWindow).get("syslog");
      expectedWindow.remove(List.of("linesPerHour", "late", "future")); // running totals only
      assertThat(Expected.project(window, expectedWindow)).as("syslog window at batch %d", k + 1)
          .isEqualTo(cutTops(expectedWindow, 5));
      Map<String, Long> failures = new java.util.TreeMap<>();
      for (Map<String, String> e : inWindow) {
        String ip = ExpectedSummary.authFailureSource(e.get("program"), e.get("message"));
        if (ip != null) {
          failures.merge(ip, 1L, Long::sum);
        }
      }
      Map<String, Long> over = new java.util.TreeMap<>();
      failures.forEach((ip, n) -> {
        if (n > threshold) {
          over.put(ip, n);
        }
      });
      Map<String, Long> alerted = new java.util.TreeMap<>();
      JsonNode alerts = BatchFiles.read(dir.resolve(BatchOutputs.SYSLOG_ALERTS)).path("alerts");
      alerts.forEach(a -> {
        assertThat(a.path("type").asText()).isEqualTo("brute-force");
        assertThat(a.path("windowEnd").asLong()).isEqualTo(window.path("windowEnd").asLong());
        alerted.put(a.path("sourceIp").asText(), a.path("failures").asLong());
      });
      assertThat(alerted).as("brute-force alerts at batch %d", k + 1).isEqualTo(over);
      assertThat(window.path("bruteForce").path("count").asLong()).isEqualTo(over.size());
      alertsSeen += alerts.size();
    }
    // Lines 1-3000 hold 24.151.103.17 (97 failures) and 91.197.232.109 (58); lines 3001-7121 hold 60
    // more from 24.151.103.17 and 86 from 34.204.227.175: windows of batch 1, 1+2, 2, 3.
    assertThat(alertsSeen).as("alerts over the four windows").isEqualTo(2 + 3 + 2);
    assertThat(BatchFiles.read(dirs.get(3).resolve(BatchOutputs.SYSLOG_ALERTS)).path("alerts")).isEmpty();
    JsonNode last = BatchFiles.read(dirs.get(inputs.size() - 1).resolve(BatchOutputs.SYSLOG_TOTALS));
    assertThat(last.path("lines").asLong()).isEqualTo(7121);
    assertThat(last.path("authFailures").asLong()).isEqualTo(895);
  }

  @Test
  void syslogCountsPerKeyExpireOnceTheKeyIsIdleSoStateDoesNotGrowWithTheStream() {
    // Line 2301 of the real auth log, an sshd failure, then 12 s without lines, then line 40, a CRON
    // line of the same host. A 2 s idle timeout; Spark drops idle keys at the state's checkpoints,
    // every 10 batches.
    Map<String, String> failure = SampleEvents.syslogEvents().get(2300);
    Map<String, String> cron = SampleEvents.syslogEvents().get(39);
    assertThat(failure.get("message")).startsWith("Failed password for root from 218.60.136.106");
    assertThat(cron.get("program")).isEqualTo("CRON");
    List<List<Map<String, String>>> inputs = new ArrayList<>();
    inputs.add(List.of(failure));
    for (int i = 0; i < 12; i++) {
      inputs.add(List.of());
    }
    inputs.add(List.of(cron));
    inputs.add(List.of());
    inputs.forEach(this::offer);
    start(config("--pipeline", "syslog", "--arrival-window-seconds", "1", "--arrival-slide-seconds", "1",
        "--syslog-key-idle-seconds", "2"), new SummaryWriter(tmp));

    assertThat(BatchFiles.await(() -> BatchFiles.batchDirs(tmp).size() >= inputs.size()
        && Files.exists(BatchFiles.batchDirs(tmp).get(inputs.size() - 1).resolve(BatchOutputs.SYSLOG_TOTALS)), TIMEOUT))
        .as("%d batch directories", inputs.size()).isTrue();
    List<Path> dirs = BatchFiles.batchDirs(tmp);
    JsonNode before = BatchFiles.read(dirs.get(1).resolve(BatchOutputs.SYSLOG_TOTALS));
    assertThat(before.path("topPrograms").toString()).isEqualTo("[{\"program\":\"sshd\",\"count\":1}]");
    assertThat(before.path("topAuthFailureSources").toString()).isEqualTo("[{\"ip\":\"218.60.136.106\",\"count\":1}]");
    JsonNode idle = BatchFiles.read(dirs.get(12).resolve(BatchOutputs.SYSLOG_TOTALS));
    assertThat(idle.path("topHosts")).as("expired").isEmpty();
    assertThat(idle.path("topPrograms")).isEmpty();
    assertThat(idle.path("topAuthFailureSources")).isEmpty();
    assertThat(idle.path("lines").asLong()).as("counters never expire").isEqualTo(1);
    assertThat(idle.path("authFailures").asLong()).isEqualTo(1);
    JsonNode after = BatchFiles.read(dirs.get(13).resolve(BatchOutputs.SYSLOG_TOTALS));
    assertThat(after.path("topHosts").toString()).as("seen again: counted from zero")
        .isEqualTo("[{\"host\":\"ip-10-77-20-248\",\"count\":1}]");
    assertThat(after.path("topPrograms").toString()).isEqualTo("[{\"program\":\"CRON\",\"count\":1}]");
    assertThat(after.path("lines").asLong()).isEqualTo(2);
  }

  @Test
  void writesCompleteZeroSummaryWhileNothingArrives() {
    SummaryWriter writer = new SummaryWriter(tmp);
    start(config("--logs-window-seconds", "1", "--logs-slide-seconds", "1", "--tweets-window-seconds", "1",
        "--tweets-slide-seconds", "1"), writer);

    JsonNode zeros = ExpectedSummary.of(List.of());
    assertThat(SummaryFiles.awaitContent(writer.file(), zeros, TIMEOUT)).isEqualTo(zeros);
  }

  /** The expected logs half with its top list cut to {@code n} entries, as the totals file has it. */
  private static JsonNode projectTop(JsonNode logs, int n) {
    Map<String, Object> copy = new java.util.LinkedHashMap<>();
    logs.fields().forEachRemaining(f -> copy.put(f.getKey(), f.getValue()));
    List<JsonNode> top = new ArrayList<>();
    logs.get("topEndpoints").forEach(top::add);
    copy.put("topEndpoints", top.subList(0, Math.min(n, top.size())));
    return Expected.tree(copy);
  }

  /** The expected syslog section with its top lists cut to {@code n} entries, as windows and totals files have them. */
  private static JsonNode cutTops(JsonNode syslog, int n) {
    Map<String, Object> copy = new java.util.LinkedHashMap<>();
    syslog.fields().forEachRemaining(f -> {
      List<JsonNode> list = new ArrayList<>();
      f.getValue().forEach(list::add);
      copy.put(f.getKey(), f.getValue().isArray() ? list.subList(0, Math.min(n, list.size())) : f.getValue());
    });
    return Expected.tree(copy);
  }

  /** The job's options with 1 s batches and {@code more}. */
  private AnalyticsJobConfig config(String... more) {
    List<String> args = new ArrayList<>(List.of("--sinks", "unused:1", "--out", tmp.toString(),
        "--batch-seconds", String.valueOf(BATCH_MS / 1000)));
    args.addAll(List.of(more));
    return AnalyticsJobConfig.parse(args.toArray(new String[0]));
  }

  private void start(AnalyticsJobConfig config, SummaryWriter writer) {
    ClassTag<EventRecord> tag = ClassTag$.MODULE$.apply(EventRecord.class);
    JavaDStream<EventRecord> records = JavaDStream.fromDStream(ssc.ssc().queueStream(batches, true, tag), tag);
    OutputStore store = OutputStore.local(tmp);
    AnalyticsStreams.build(records, config, 2, new AnalyticsStreams.Outputs(writer, new BatchOutputs(store), null));
    ssc.start();
  }

  private void offer(List<Map<String, String>> events) {
    RDD<EventRecord> rdd = ssc.sparkContext().parallelize(SampleEvents.records(events), 3).rdd();
    synchronized (batches) {
      batches.$plus$eq(rdd);
    }
  }
}
