package io.sluice.spark.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.spark.BatchFiles;
import io.sluice.spark.Expected;
import io.sluice.spark.ExpectedSummary;
import io.sluice.spark.FlumeKafkaRecords;
import io.sluice.spark.KafkaBroker;
import io.sluice.spark.SampleEvents;
import io.sluice.spark.SparkTestContexts;
import io.sluice.spark.SummaryFiles;
import io.sluice.spark.output.BatchOutputs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job with {@code --source kafka} against a real Kafka broker (its own JVM), reading records
 * encoded the way Flume's Kafka channel writes them: exactly-once totals over redelivered records,
 * windows, alerts to a Kafka topic, and recovery from a checkpoint.
 */
class KafkaJobTest {

  /** No sample event is late under this lateness, so summaries compare whole with ExpectedSummary. */
  private static final String NOTHING_LATE = String.valueOf(ExpectedSummary.NOTHING_LATE_SECONDS);

  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path brokerDir;

  @TempDir
  Path tmp;

  private static KafkaBroker broker;
  private AnalyticsJob job;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.start(brokerDir);
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @AfterEach
  void stopJob() {
    if (job != null) {
      job.stop();
    }
  }

  @Test
  void readsFlumeEncodedRecordsCountsRedeliveriesOnceAndSendsAlerts() throws Exception {
    broker.createTopics("k1-logs", "k1-tweets", "k1-bluesky", "k1-syslog", "k1-alerts");
    List<Map<String, String>> logs = new ArrayList<>(SampleEvents.logEvents().subList(2000, 4000));
    logs.addAll(logs.subList(0, 500)); // redelivered by the channel
    List<Map<String, String>> tweets = new ArrayList<>(SampleEvents.tweetEvents().subList(0, 300));
    tweets.addAll(tweets.subList(100, 150));
    FlumeKafkaRecords.send(broker.bootstrap(), "k1-logs", logs, "not an Avro Flume event".getBytes(StandardCharsets.UTF_8));
    FlumeKafkaRecords.send(broker.bootstrap(), "k1-tweets", tweets);
    // The bluesky agent's Kafka channel: the same tweets pipeline, from another topic.
    List<Map<String, String>> bluesky = SampleEvents.jetstreamEvents();
    FlumeKafkaRecords.send(broker.bootstrap(), "k1-bluesky", bluesky);
    // Lines 1-3000 of the real auth log: 24.151.103.17 fails 97 times, 91.197.232.109 58 times.
    List<Map<String, String>> syslog = new ArrayList<>(SampleEvents.syslogEvents().subList(0, 3000));
    syslog.addAll(syslog.subList(2000, 2400));
    FlumeKafkaRecords.send(broker.bootstrap(), "k1-syslog", syslog);
    Path out = tmp.resolve("out");

    job = AnalyticsJob.getOrCreate(AnalyticsJobConfig.parse("--source", "kafka",
        "--kafka-bootstrap", broker.bootstrap(), "--logs-topic", "k1-logs", "--tweets-topic", "k1-tweets,k1-bluesky",
        "--syslog-topic", "k1-syslog", "--syslog-window-seconds", "60", "--syslog-slide-seconds", "1",
        "--brute-force-threshold", "57",
        "--kafka-group-id", "k1", "--out", out.toString(), "--kafka-max-rate", "1000",
        "--batch-seconds", "1", "--allowed-lateness", NOTHING_LATE, "--logs-window-seconds", "2", "--logs-slide-seconds", "1", "--tweets-window-seconds", "2",
        "--tweets-slide-seconds", "1", "--error-rate-threshold", "0", "--error-min-requests", "1",
        "--window-time", "arrival", "--alerts-topic", "k1-alerts"), SparkTestContexts.conf("KafkaJobTest"));
    job.start();

    List<Map<String, String>> all = new ArrayList<>(logs);
    all.addAll(tweets);
    all.addAll(bluesky);
    all.addAll(syslog);
    JsonNode expected = ExpectedSummary.of(all);
    assertThat(SummaryFiles.awaitContent(out.resolve("summary.json"), expected, TIMEOUT)).isEqualTo(expected);
    assertThat(expected.path("logs").path("lines").asLong()).isEqualTo(2000);
    JsonNode tweetsSection = expected.path("tweets");
    assertThat(tweetsSection.path("records").asLong()).isEqualTo(310);
    assertThat(tweetsSection.path("posts").asLong()).isEqualTo(301);
    assertThat(tweetsSection.path("rejected").asLong()).isZero();
    assertThat(tweetsSection.path("notPosts")).isEqualTo(ExpectedSummary.normalized(Map.of("like", 1, "repost", 1,
        "follow", 1, "block", 1, "profile", 1, "delete", 1, "other", 1, "identity", 1, "account", 1)));
    assertThat(tweetsSection.path("platforms")).isEqualTo(ExpectedSummary.normalized(Map.of(
        "TWITTER_V1_1", 300, "BLUESKY_JETSTREAM", 1)));
    assertThat(expected.path("syslog").path("lines").asLong()).isEqualTo(3000);

    // Lines 2071 and 3473 are real 500s: the windows holding them raise alerts, in the batch
    // directories and on the alerts topic, with the same ids.
    Set<String> written = new HashSet<>();
    assertThat(BatchFiles.await(() -> {
      written.clear();
      for (Path dir : BatchFiles.batchDirs(out)) {
        Path f = dir.resolve(BatchOutputs.ALERTS);
        if (Files.exists(f)) {
          BatchFiles.read(f).path("alerts").forEach(a -> written.add(a.path("id").asText()));
        }
      }
      return !written.isEmpty();
    }, TIMEOUT)).as("alerts written").isTrue();
    Set<String> sent = new HashSet<>();
    long errorsInAlerts = 0;
    // The 60 s syslog window ending a few slides after the last syslog record holds all 3,000 lines: a
    // brute-force alert for each of the two addresses above 57 failures, in the files and on the topic.
    Set<String> bruteForce = new HashSet<>();
    assertThat(BatchFiles.await(() -> {
      bruteForce.clear();
      for (Path dir : BatchFiles.batchDirs(out)) {
        Path f = dir.resolve(BatchOutputs.SYSLOG_ALERTS);
        if (Files.exists(f)) {
          BatchFiles.read(f).path("alerts").forEach(a -> bruteForce.add(a.path("id").asText()));
        }
      }
      return bruteForce.stream().anyMatch(id -> id.startsWith("syslog-brute-force:24.151.103.17@"))
          && bruteForce.stream().anyMatch(id -> id.startsWith("syslog-brute-force:91.197.232.109@"));
    }, TIMEOUT)).as("brute-force alerts written: %s", bruteForce).isTrue();
    for (ConsumerRecord<String, String> r : consume("k1-alerts", written.size() + bruteForce.size())) {
      JsonNode alert = JSON.readTree(r.value());
      assertThat(r.key()).isEqualTo(alert.path("id").asText());
      if (alert.path("type").asText().equals("brute-force")) {
        assertThat(alert.path("pipeline").asText()).isEqualTo("syslog");
        assertThat(alert.path("threshold").asLong()).isEqualTo(57);
        // At most the failures of lines 1-3000: 97 and 58.
        assertThat(alert.path("sourceIp").asText()).isIn("24.151.103.17", "91.197.232.109");
        assertThat(alert.path("failures").asLong()).isGreaterThan(57)
            .isLessThanOrEqualTo(alert.path("sourceIp").asText().equals("24.151.103.17") ? 97 : 58);
        sent.add(r.key());
        continue;
      }
      assertThat(alert.path("type").asText()).isEqualTo("error-rate");
      // Exactly the 5xx lines of the window the alert is about (one or both of the two).
      JsonNode window = BatchFiles.read(out.resolve(BatchOutputs.BATCHES)
          .resolve(String.valueOf(alert.path("windowEnd").asLong())).resolve(BatchOutputs.LOGS_WINDOW));
      assertThat(alert.path("serverErrors").asLong()).isBetween(1L, 2L)
          .isEqualTo(window.path("serverErrors").asLong());
      assertThat(alert.path("requests").asLong()).isEqualTo(window.path("requests").asLong());
      errorsInAlerts = Math.max(errorsInAlerts, alert.path("serverErrors").asLong());
      sent.add(r.key());
    }
    assertThat(sent).containsAll(written).containsAll(bruteForce);
    assertThat(errorsInAlerts).isBetween(1L, 2L);

    // Offsets are committed to the group after each batch's outputs.
    assertThat(BatchFiles.await(() -> committed("k1", "k1-logs") == logs.size() + 1
        && committed("k1", "k1-tweets") == tweets.size() && committed("k1", "k1-bluesky") == bluesky.size()
        && committed("k1", "k1-syslog") == syslog.size(), TIMEOUT))
        .as("offsets committed").isTrue();
  }

  @Test
  void withEventWindowsTheAlertsTopicCarriesTheBruteForceAlertsOfEventTimeWindows() throws Exception {
    broker.createTopics("e-syslog", "e-alerts");
    List<Map<String, String>> syslog = SampleEvents.syslogEvents().subList(0, 3000);
    FlumeKafkaRecords.send(broker.bootstrap(), "e-syslog", syslog);
    // Expected from the lines' own times: 60 s tumbling windows (epoch-aligned) with more than 10
    // failures from one address, among those closed by the end: ending at or before the last
    // line's time (no lateness allowed). The lines arrive in time order: none is late.
    long max = Long.MIN_VALUE;
    Map<String, Long> failures = new java.util.TreeMap<>();
    for (Map<String, String> e : syslog) {
      long t = Long.parseLong(e.get("timestamp"));
      max = Math.max(max, t);
      String ip = ExpectedSummary.authFailureSource(e.get("program"), e.get("message"));
      if (ip != null) {
        failures.merge(ip + "@" + (Math.floorDiv(t, 60_000L) * 60_000L + 60_000L), 1L, Long::sum);
      }
    }
    long watermark = max;
    Set<String> expected = new java.util.TreeSet<>();
    failures.forEach((key, n) -> {
      if (n > 10 && Long.parseLong(key.substring(key.indexOf('@') + 1)) <= watermark) {
        expected.add("syslog-brute-force:" + key);
      }
    });
    // 91.197.232.109 twice; 24.151.103.17 in 4 consecutive minutes (a fifth ends after the last line).
    assertThat(expected).hasSize(6);

    Path out = tmp.resolve("event-windows");
    job = AnalyticsJob.getOrCreate(AnalyticsJobConfig.parse("--source", "kafka",
        "--kafka-bootstrap", broker.bootstrap(), "--pipeline", "syslog", "--syslog-topic", "e-syslog",
        "--kafka-group-id", "e", "--out", out.toString(), "--kafka-max-rate", "1000", "--batch-seconds", "1",
        "--syslog-window-seconds", "60", "--syslog-slide-seconds", "60", "--brute-force-threshold", "10",
        "--allowed-lateness", "0", "--alerts-topic", "e-alerts"), SparkTestContexts.conf("KafkaJobTestEvent"));
    job.start();

    Set<String> sent = new java.util.TreeSet<>();
    for (ConsumerRecord<String, String> r : consume("e-alerts", expected.size())) {
      JsonNode alert = JSON.readTree(r.value());
      assertThat(r.key()).isEqualTo(alert.path("id").asText());
      assertThat(alert.path("windowEnd").asLong() - alert.path("windowStart").asLong()).isEqualTo(60_000L);
      assertThat(alert.path("windowEnd").asLong()).as("event time: 2017").isLessThanOrEqualTo(watermark);
      sent.add(r.key());
    }
    assertThat(sent).isEqualTo(expected);
    assertThat(SummaryFiles.read(out.resolve("summary.json")).path("syslog").path("late").asLong()).isZero();
    // Event time is the default: the arrival-time windows (30 s every 10 s) raise none, and say the lag.
    assertThat(BatchFiles.await(() -> BatchFiles.batchDirs(out).stream()
        .anyMatch(d -> Files.exists(d.resolve(BatchOutputs.SYSLOG_WINDOW))), TIMEOUT)).isTrue();
    for (Path dir : BatchFiles.batchDirs(out)) {
      assertThat(dir.resolve(BatchOutputs.SYSLOG_ALERTS)).doesNotExist();
      Path window = dir.resolve(BatchOutputs.SYSLOG_WINDOW);
      if (Files.exists(window)) {
        JsonNode w = BatchFiles.read(window);
        assertThat(w.path("windowEnd").asLong() - w.path("windowStart").asLong()).isEqualTo(30_000);
        assertThat(w.path("lag").path("events").asLong()).isEqualTo(w.path("parsed").asLong());
      }
    }
  }

  @Test
  void withEventWindowsTheAlertsTopicCarriesTheAnomalousClientOfTheRealLog() throws Exception {
    broker.createTopics("m-logs", "m-alerts");
    FlumeKafkaRecords.send(broker.bootstrap(), "m-logs", SampleEvents.logEvents());

    // The anomaly models (--anomalies true) on event-time windows; the job is checkpointed
    // (AnalyticsJob.getOrCreate), so the models' closure is in the checkpointed graph.
    job = AnalyticsJob.getOrCreate(AnalyticsJobConfig.parse("--source", "kafka",
        "--kafka-bootstrap", broker.bootstrap(), "--pipeline", "logs", "--logs-topic", "m-logs",
        "--kafka-group-id", "m", "--out", tmp.resolve("models").toString(), "--kafka-max-rate", "2000",
        "--batch-seconds", "1", "--logs-window-seconds", "3600", "--logs-slide-seconds", "3600",
        "--alerts-topic", "m-alerts", "--anomalies", "true"), SparkTestContexts.conf("KafkaJobTestModels"));
    job.start();

    // Hourly windows: no error-rate alert (at most one 5xx an hour); the editor probe of
    // 2015-05-20T05:00Z is the one anomalous client (AnomalyStreamsTest), no forecast alert.
    Set<String> sent = new java.util.TreeSet<>();
    for (ConsumerRecord<String, String> r : consume("m-alerts", 1)) {
      JsonNode alert = JSON.readTree(r.value());
      assertThat(r.key()).isEqualTo(alert.path("id").asText());
      assertThat(alert.path("type").asText()).isEqualTo("anomalous-client");
      assertThat(alert.path("clientIp").asText()).isEqualTo("91.236.75.25");
      assertThat(alert.path("features").size()).isEqualTo(6);
      sent.add(r.key());
    }
    assertThat(sent).containsExactly("logs-anomalous-client:91.236.75.25@1432101600000");
  }

  @Test
  void restartedJobResumesFromItsCheckpointAndEndsWithTheTotalsOfAnUninterruptedRun() throws Exception {
    broker.createTopics("r-logs", "r-tweets");
    List<Map<String, String>> logs = new ArrayList<>(SampleEvents.logEvents().subList(0, 6000));
    logs.addAll(logs.subList(0, 1000)); // redelivered
    List<Map<String, String>> tweets = new ArrayList<>(SampleEvents.tweetEvents());
    tweets.addAll(tweets.subList(0, 100));
    FlumeKafkaRecords.send(broker.bootstrap(), "r-logs", logs);
    FlumeKafkaRecords.send(broker.bootstrap(), "r-tweets", tweets);
    List<Map<String, String>> all = new ArrayList<>(logs);
    all.addAll(tweets);
    JsonNode expected = ExpectedSummary.of(all);

    Path straight = tmp.resolve("straight");
    job = AnalyticsJob.getOrCreate(recoveryConfig(straight, "straight"), SparkTestContexts.conf("straight"));
    job.start();
    assertThat(SummaryFiles.awaitContent(straight.resolve("summary.json"), expected, TIMEOUT)).isEqualTo(expected);
    JsonNode straightSessions = awaitLatestLogsTotals(straight, 6000).path("sessions");
    job.stop();
    job = null;

    Path interrupted = tmp.resolve("interrupted");
    AnalyticsJobConfig config = recoveryConfig(interrupted, "interrupted");
    job = AnalyticsJob.getOrCreate(config, SparkTestContexts.conf("interrupted"));
    job.start();
    assertThat(BatchFiles.await(() -> lines(interrupted) >= 2000, TIMEOUT)).as("some batches done").isTrue();
    job.stop();
    long linesAtStop = lines(interrupted);
    job = null;
    assertThat(linesAtStop).as("stopped part-way through the input").isBetween(2000L, 5999L);

    job = AnalyticsJob.getOrCreate(config, SparkTestContexts.conf("interrupted"));
    assertThat(job.recovered()).isTrue();
    job.start();
    assertThat(SummaryFiles.awaitContent(interrupted.resolve("summary.json"), expected, TIMEOUT)).isEqualTo(expected);
    assertThat(awaitLatestLogsTotals(interrupted, 6000).path("sessions")).isEqualTo(straightSessions);
    assertThat(straightSessions.path("count").asDouble()).isEqualTo(Expected.sessions(logs, 1_800_000L)[0]);
    job.stop();
    job = null;

    IllegalArgumentException changed = assertThrows(IllegalArgumentException.class,
        () -> AnalyticsJob.getOrCreate(recoveryConfig(interrupted, "interrupted", "--error-min-requests", "5"),
            SparkTestContexts.conf("changed")));
    assertThat(changed).hasMessageContaining("--error-min-requests").hasMessageContaining("checkpoint: 20, now: 5");
  }

  /** At most 1,000 records per partition and second: the 7,000 log records take 7 batches or more. */
  private static AnalyticsJobConfig recoveryConfig(Path out, String group, String... more) {
    List<String> args = new ArrayList<>(List.of("--source", "kafka", "--kafka-bootstrap", broker.bootstrap(),
        "--logs-topic", "r-logs", "--tweets-topic", "r-tweets", "--kafka-group-id", group,
        "--out", out.toString(), "--kafka-max-rate", "1000", "--batch-seconds", "1", "--allowed-lateness", NOTHING_LATE, "--logs-window-seconds", "2",
        "--logs-slide-seconds", "1", "--tweets-window-seconds", "2", "--tweets-slide-seconds", "1", "--window-time", "arrival"));
    args.addAll(List.of(more));
    return AnalyticsJobConfig.parse(args.toArray(new String[0]));
  }

  private static long lines(Path out) {
    JsonNode s = SummaryFiles.read(out.resolve("summary.json"));
    return s == null ? 0 : s.path("logs").path("lines").asLong();
  }

  /** The logs totals of the latest batch directory once they count {@code lines} lines. */
  private static JsonNode awaitLatestLogsTotals(Path out, long lines) {
    JsonNode[] last = new JsonNode[1];
    assertThat(BatchFiles.await(() -> {
      List<Path> dirs = BatchFiles.batchDirs(out);
      for (int i = dirs.size() - 1; i >= 0; i--) {
        Path f = dirs.get(i).resolve(BatchOutputs.LOGS_TOTALS);
        if (Files.exists(f)) {
          last[0] = BatchFiles.read(f);
          return last[0].path("lines").asLong() == lines;
        }
      }
      return false;
    }, TIMEOUT)).as("latest logs totals count %d lines", lines).isTrue();
    return last[0];
  }

  private static List<ConsumerRecord<String, String>> consume(String topic, int atLeast) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + topic);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (records.size() < atLeast && System.nanoTime() < deadline) {
        consumer.poll(500).forEach(records::add);
      }
      consumer.poll(1000).forEach(records::add); // anything sent after the first ones
    }
    return records;
  }

  private static long committed(String group, String topic) {
    try (AdminClient admin = broker.admin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
      OffsetAndMetadata o = offsets.get(new TopicPartition(topic, 0));
      return o == null ? -1 : o.offset();
    } catch (Exception e) {
      return -1;
    }
  }
}
