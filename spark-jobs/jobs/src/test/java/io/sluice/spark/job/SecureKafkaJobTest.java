package io.sluice.spark.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.spark.BatchFiles;
import io.sluice.spark.ExpectedSummary;
import io.sluice.spark.FlumeKafkaRecords;
import io.sluice.spark.KafkaBroker;
import io.sluice.spark.SampleEvents;
import io.sluice.spark.SparkTestContexts;
import io.sluice.spark.SummaryFiles;
import io.sluice.spark.output.BatchOutputs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's Kafka clients against a broker whose only client listener is SASL_SSL with
 * SCRAM-SHA-512, started as {@code bin/sluice kafka --tls --scram-user} starts it
 * ({@link KafkaBroker#startSecure}): the direct reader and the alerts producer get their settings
 * from {@code --kafka-properties}, whose passwords are references to the broker's
 * {@code truststore.password} and to the user's password file. The job counts exactly what was
 * produced, its alerts arrive over SASL_SSL, no password reaches its checkpoint or outputs, and
 * after a password change it resumes from its checkpoint with the new one. Clients without valid
 * credentials are refused.
 */
class SecureKafkaJobTest {

  /** No sample event is late under this lateness, so summaries compare whole with ExpectedSummary. */
  private static final String NOTHING_LATE = String.valueOf(ExpectedSummary.NOTHING_LATE_SECONDS);

  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USER = "sluice-job";

  @TempDir
  static Path shared;

  @TempDir
  Path tmp;

  private static KafkaBroker broker;
  /** The user's password file, as given to {@code bin/sluice kafka --scram-password-file}. */
  private static Path passwordFile;
  private AnalyticsJob job;

  @BeforeAll
  static void startBroker() throws Exception {
    Path secrets = Files.createDirectory(shared.resolve("secrets"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    passwordFile = secrets.resolve("kafka-password");
    writePassword(KafkaBroker.randomPassword());
    broker = KafkaBroker.startSecure(shared.resolve("kafka"), USER, passwordFile);
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
  @Timeout(300)
  void countsExactlyWhatWasProducedAndSendsAlertsOverSaslSsl() throws Exception {
    broker.createTopics("s1-logs", "s1-tweets", "s1-alerts");
    List<Map<String, String>> logs = new ArrayList<>(SampleEvents.logEvents().subList(2000, 4000));
    logs.addAll(logs.subList(0, 500)); // redelivered by the channel
    List<Map<String, String>> tweets = new ArrayList<>(SampleEvents.tweetEvents().subList(0, 300));
    tweets.addAll(tweets.subList(100, 150));
    FlumeKafkaRecords.send(broker.bootstrap(), broker.clientSecurity(), "s1-logs", logs,
        "not an Avro Flume event".getBytes(StandardCharsets.UTF_8));
    FlumeKafkaRecords.send(broker.bootstrap(), broker.clientSecurity(), "s1-tweets", tweets);
    Path out = tmp.resolve("out");

    job = AnalyticsJob.getOrCreate(AnalyticsJobConfig.parse("--source", "kafka",
        "--kafka-bootstrap", broker.bootstrap(), "--kafka-properties", kafkaProperties().toString(),
        "--logs-topic", "s1-logs", "--tweets-topic", "s1-tweets", "--kafka-group-id", "s1", "--out", out.toString(),
        "--kafka-max-rate", "1000", "--batch-seconds", "1", "--allowed-lateness", NOTHING_LATE, "--logs-window-seconds", "2", "--logs-slide-seconds", "1",
        "--tweets-window-seconds", "2", "--tweets-slide-seconds", "1", "--error-rate-threshold", "0",
        "--error-min-requests", "1", "--window-time", "arrival", "--alerts-topic", "s1-alerts"),
        SparkTestContexts.conf("SecureKafkaJobTest"));
    job.start();

    List<Map<String, String>> all = new ArrayList<>(logs);
    all.addAll(tweets);
    JsonNode expected = ExpectedSummary.of(all);
    assertThat(SummaryFiles.awaitContent(out.resolve("summary.json"), expected, TIMEOUT)).isEqualTo(expected);
    assertThat(expected.path("logs").path("lines").asLong()).isEqualTo(2000);
    assertThat(expected.path("tweets").path("records").asLong()).isEqualTo(300);

    // Lines 2071 and 3473 are real 500s: their windows raise alerts, sent over SASL_SSL.
    Set<String> written = awaitAlertIds(out);
    Set<String> sent = new HashSet<>();
    for (ConsumerRecord<String, String> r : consume("s1-alerts", written.size())) {
      JsonNode alert = JSON.readTree(r.value());
      assertThat(r.key()).isEqualTo(alert.path("id").asText());
      assertThat(alert.path("type").asText()).isEqualTo("error-rate");
      sent.add(r.key());
    }
    assertThat(sent).containsAll(written);
    assertThat(BatchFiles.await(() -> committed("s1", "s1-logs") == logs.size() + 1
        && committed("s1", "s1-tweets") == tweets.size(), TIMEOUT)).as("offsets committed").isTrue();

    assertThat(Files.readString(out.resolve("checkpoint").resolve(CheckpointSettings.FILE_NAME)))
        .contains("--kafka-properties").contains("${dir:" + passwordFile.getParent() + ":kafka-password}");
    assertNoSecretIn(out, currentPassword(), KafkaBroker.readPassword(broker.truststorePasswordFile()));
  }

  @Test
  @Timeout(300)
  void refusesClientsWithoutValidCredentials() throws Exception {
    broker.createTopics("s2-topic");
    assertThat(listTopics(broker.clientSecurity())).as("the test user's credentials work").containsKey("s2-topic");

    Map<String, Object> wrongPassword = new HashMap<>(broker.clientSecurity());
    wrongPassword.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
        + "username=\"" + USER + "\" password=\"not-the-password\";");
    assertThrows(SaslAuthenticationException.class, () -> listTopics(wrongPassword));

    // TLS trusting the broker, but no SASL credentials: the broker closes the connection before any request.
    Map<String, Object> tlsOnly = new HashMap<>(broker.clientSecurity());
    tlsOnly.put("security.protocol", "SSL");
    tlsOnly.remove("sasl.mechanism");
    tlsOnly.remove("sasl.jaas.config");
    assertThrows(TimeoutException.class, () -> listTopics(tlsOnly));

    // No credentials at all (PLAINTEXT, as the job without --kafka-properties): no TLS handshake, no metadata.
    assertThrows(TimeoutException.class, () -> listTopics(Map.of()));
  }

  @Test
  @Timeout(400)
  void resumesFromItsCheckpointWithThePasswordOfItsFileAfterAPasswordChange() throws Exception {
    broker.createTopics("s3-logs", "s3-tweets", "s3-alerts");
    List<Map<String, String>> first = SampleEvents.logEvents().subList(0, 3000);
    List<Map<String, String>> second = SampleEvents.logEvents().subList(3000, 6000);
    List<Map<String, String>> tweets = SampleEvents.tweetEvents().subList(0, 200);
    FlumeKafkaRecords.send(broker.bootstrap(), broker.clientSecurity(), "s3-logs", first);
    FlumeKafkaRecords.send(broker.bootstrap(), broker.clientSecurity(), "s3-tweets", tweets);
    Path out = tmp.resolve("out");
    AnalyticsJobConfig config = AnalyticsJobConfig.parse("--source", "kafka",
        "--kafka-bootstrap", broker.bootstrap(), "--kafka-properties", kafkaProperties().toString(),
        "--logs-topic", "s3-logs", "--tweets-topic", "s3-tweets", "--kafka-group-id", "s3", "--out", out.toString(),
        "--kafka-max-rate", "1000", "--batch-seconds", "1", "--allowed-lateness", NOTHING_LATE, "--logs-window-seconds", "2", "--logs-slide-seconds", "1",
        "--tweets-window-seconds", "2", "--tweets-slide-seconds", "1", "--error-rate-threshold", "0",
        "--error-min-requests", "1", "--window-time", "arrival", "--alerts-topic", "s3-alerts");

    job = AnalyticsJob.getOrCreate(config, uncachedConsumers("before"));
    job.start();
    List<Map<String, String>> before = new ArrayList<>(first);
    before.addAll(tweets);
    JsonNode expectedBefore = ExpectedSummary.of(before);
    assertThat(SummaryFiles.awaitContent(out.resolve("summary.json"), expectedBefore, TIMEOUT)).isEqualTo(expectedBefore);
    job.stop();
    job = null;

    String oldPassword = currentPassword();
    String newPassword = KafkaBroker.randomPassword();
    broker.setScramPassword(USER, newPassword);
    writePassword(newPassword);
    Map<String, Object> oldCredentials = new HashMap<>(broker.clientSecurity());
    oldCredentials.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
        + "username=\"" + USER + "\" password=\"" + oldPassword + "\";");
    assertThrows(SaslAuthenticationException.class, () -> listTopics(oldCredentials), "the old password is refused");
    FlumeKafkaRecords.send(broker.bootstrap(), broker.clientSecurity(), "s3-logs", second);

    job = AnalyticsJob.getOrCreate(config, uncachedConsumers("after"));
    assertThat(job.recovered()).isTrue();
    job.start();
    List<Map<String, String>> all = new ArrayList<>(before);
    all.addAll(second);
    JsonNode expected = ExpectedSummary.of(all);
    assertThat(SummaryFiles.awaitContent(out.resolve("summary.json"), expected, TIMEOUT)).isEqualTo(expected);
    assertThat(expected.path("logs").path("lines").asLong()).isEqualTo(6000);

    // Line 3473, a 500, came after the restart: the recovered publisher sent its alert with the new password.
    Set<String> written = awaitAlertIds(out);
    Set<String> sent = new HashSet<>();
    consume("s3-alerts", written.size()).forEach(r -> sent.add(r.key()));
    assertThat(sent).containsAll(written);
    assertNoSecretIn(out, oldPassword, newPassword);
  }

  /**
   * The job's Kafka settings for this broker: a PKCS12 truststore (kafka-clients 2.0 reads no PEM)
   * and SCRAM; the passwords are references to the files, as for {@code bin/sluice kafka}.
   */
  private Path kafkaProperties() throws IOException {
    Path file = tmp.resolve("kafka-client.properties");
    Properties p = new Properties();
    p.setProperty("security.protocol", "SASL_SSL");
    p.setProperty("ssl.truststore.type", "PKCS12");
    p.setProperty("ssl.truststore.location", broker.truststore().toString());
    p.setProperty("ssl.truststore.password", "${dir:" + broker.truststorePasswordFile().getParent() + ":truststore.password}");
    p.setProperty("sasl.mechanism", "SCRAM-SHA-512");
    p.setProperty("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + USER + "\" password=\"${dir:" + passwordFile.getParent() + ":kafka-password}\";");
    try (java.io.Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(w, "no password in here");
    }
    return file;
  }

  /**
   * Spark settings whose executors create a new consumer for every task (no consumer cache), from
   * the settings the task carries: a consumer of the first run cannot stand in for them.
   */
  private static SparkConf uncachedConsumers(String appName) {
    return SparkTestContexts.conf(appName).set("spark.streaming.kafka.consumer.cache.enabled", "false");
  }

  private static void writePassword(String password) throws IOException {
    Path tmp = passwordFile.resolveSibling("kafka-password.tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, password + "\n", StandardCharsets.UTF_8);
    Files.move(tmp, passwordFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static String currentPassword() {
    return KafkaBroker.readPassword(passwordFile);
  }

  /** No file under {@code dir} (checkpoint, outputs, settings) holds any of {@code secrets}. */
  private static void assertNoSecretIn(Path dir, String... secrets) throws IOException {
    List<Path> files = new java.util.ArrayList<>();
    // Not Files.walk: it fails on a file the running job deletes or renames during the listing
    // (e.g. checkpoint/.checkpoint-<time>.crc); such a file is skipped like one gone before reading.
    Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<Path>() {
      @Override
      public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
        if (attrs.isRegularFile()) {
          files.add(file);
        }
        return java.nio.file.FileVisitResult.CONTINUE;
      }

      @Override
      public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (e instanceof java.nio.file.NoSuchFileException) {
          return java.nio.file.FileVisitResult.CONTINUE;
        }
        throw e;
      }
    });
    assertThat(files).as("files written").isNotEmpty();
    for (Path f : files) {
      String content;
      try {
        content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
      } catch (java.nio.file.NoSuchFileException renamedAway) {
        continue; // a temporary file of the running job (e.g. checkpoint/.temp), renamed after the listing
      }
      for (String secret : secrets) {
        assertThat(content.contains(secret)).as("a password in %s", f).isFalse();
      }
    }
  }

  private static Set<String> awaitAlertIds(Path out) {
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
    return written;
  }

  /** Topics seen by a consumer with {@code security}; its Kafka exception when the broker refuses it. */
  private static Map<String, ?> listTopics(Map<String, Object> security) {
    Properties p = new Properties();
    p.putAll(security);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-lister");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      return consumer.listTopics(Duration.ofSeconds(15));
    }
  }

  /** Reads {@code topic} over SASL_SSL as the test user until {@code atLeast} records, then a second more. */
  private static List<ConsumerRecord<String, String>> consume(String topic, int atLeast) {
    Properties p = new Properties();
    p.putAll(broker.clientSecurity());
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + topic + "-" + System.nanoTime());
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
