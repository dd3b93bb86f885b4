package io.sluice.spark.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.spark.input.KafkaClientProperties;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalyticsJobConfigTest {

  @TempDir
  Path tmp;

  private static AnalyticsJobConfig flume(String... more) {
    String[] args = new String[more.length + 4];
    args[0] = "--sinks";
    args[1] = "agent1:9999";
    args[2] = "--out";
    args[3] = "/data/out";
    System.arraycopy(more, 0, args, 4, more.length);
    return AnalyticsJobConfig.parse(args);
  }

  private static IllegalArgumentException rejected(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> AnalyticsJobConfig.parse(args), String.join(" ", args));
  }

  @Test
  void appliesDefaultsToOptionalSettings() {
    AnalyticsJobConfig config = flume();

    assertThat(config.isHelpRequested()).isFalse();
    assertThat(config.pipelines()).isEqualTo(AnalyticsJobConfig.Pipelines.ALL);
    assertThat(config.source()).isEqualTo(AnalyticsJobConfig.Source.FLUME);
    assertThat(config.sinks()).containsExactly(InetSocketAddress.createUnresolved("agent1", 9999));
    assertThat(config.out()).isEqualTo("file:/data/out");
    assertThat(config.checkpoint()).isEqualTo("file:/data/out/checkpoint");
    assertThat(config.batchSeconds()).isEqualTo(2);
    assertThat(config.maxBatchSize()).isEqualTo(5000);
    assertThat(config.dedupHorizonSeconds()).isEqualTo(180);
    assertThat(config.parallelism()).isEqualTo(5);
    assertThat(config.receiverWal()).isTrue();
    assertThat(config.logsWindowSeconds()).isEqualTo(30);
    assertThat(config.logsSlideSeconds()).isEqualTo(10);
    assertThat(config.tweetsWindowSeconds()).isEqualTo(60);
    assertThat(config.tweetsSlideSeconds()).isEqualTo(10);
    assertThat(config.topN()).isEqualTo(10);
    assertThat(config.heavyClientRequests()).isEqualTo(100);
    assertThat(config.errorRateRule().threshold()).isEqualTo(0.05);
    assertThat(config.errorRateRule().minRequests()).isEqualTo(20);
    assertThat(config.sessionGapSeconds()).isEqualTo(1800);
    assertThat(config.syslogWindowSeconds()).isEqualTo(60);
    assertThat(config.syslogSlideSeconds()).isEqualTo(10);
    assertThat(config.bruteForceThreshold()).isEqualTo(10);
    assertThat(config.syslogKeyIdleSeconds()).isEqualTo(86_400);
    assertThat(config.alertsTopic()).isNull();
  }

  @Test
  void makesRelativeLocalPathsAbsoluteAndKeepsHadoopUris() {
    AnalyticsJobConfig config = AnalyticsJobConfig.parse("--sinks", "a:1", "--out", "rel/out",
        "--checkpoint", "hdfs://nn:8020/ckpt/");

    assertThat(config.out()).isEqualTo("file:" + Paths.get("rel/out").toAbsolutePath());
    assertThat(config.checkpoint()).isEqualTo("hdfs://nn:8020/ckpt");
  }

  @Test
  void pollingStreamsAutoIsOneReceiverOnLocalMastersOnly() {
    assertThat(flume().receiverPerSink("local[2]")).isFalse();
    assertThat(flume().receiverPerSink("spark://master:7077")).isTrue();
    assertThat(flume("--polling-streams", "per-sink").receiverPerSink("local[4]")).isTrue();
    assertThat(flume("--polling-streams", "one").receiverPerSink("yarn")).isFalse();
  }

  @Test
  void rejectsFewerRequestThreadsThanSinksOfOneReceiver() {
    AnalyticsJobConfig two = AnalyticsJobConfig.parse("--sinks", "a:1,b:2", "--out", "o", "--parallelism", "1");

    assertThat(assertThrows(IllegalArgumentException.class, () -> two.checkReceivers("local[2]")))
        .hasMessageContaining("--parallelism");
    two.checkReceivers("spark://m:7077"); // a receiver per sink
    AnalyticsJobConfig.parse("--sinks", "a:1,b:2", "--out", "o", "--parallelism", "2").checkReceivers("local[2]");
  }

  @Test
  void readsEveryOptionInBothSpellings() {
    AnalyticsJobConfig config = AnalyticsJobConfig.parse(
        "--source=kafka", "--kafka-bootstrap", "k1:9092, [::1]:9093", "--pipeline", "logs", "--logs-topic", "my.logs",
        "--kafka-group-id", "g1", "--kafka-starting-offsets", "latest", "--kafka-max-rate", "500",
        "--out", "hdfs://nn:8020/out", "--batch-seconds=2", "--logs-window-seconds", "20", "--logs-slide-seconds", "4",
        "--top-n", "3", "--heavy-client-requests", "7", "--error-rate-threshold", "0.25", "--error-min-requests", "9",
        "--session-gap-seconds", "60", "--alerts-topic", "alerts", "--alerts-bootstrap", "a1:1",
        "--allowed-lateness", "0");

    assertThat(config.source()).isEqualTo(AnalyticsJobConfig.Source.KAFKA);
    assertThat(config.kafkaBootstrap()).isEqualTo("k1:9092,[::1]:9093");
    assertThat(config.topics()).containsExactly("my.logs");
    assertThat(config.kafkaGroupId()).isEqualTo("g1");
    assertThat(config.kafkaStartingOffsets()).isEqualTo("latest");
    assertThat(config.kafkaMaxRate()).isEqualTo(500);
    assertThat(config.checkpoint()).isEqualTo("hdfs://nn:8020/out/checkpoint");
    assertThat(config.batchSeconds()).isEqualTo(2);
    assertThat(config.logsWindowSeconds()).isEqualTo(20);
    assertThat(config.logsSlideSeconds()).isEqualTo(4);
    assertThat(config.topN()).isEqualTo(3);
    assertThat(config.heavyClientRequests()).isEqualTo(7);
    assertThat(config.errorRateRule().threshold()).isEqualTo(0.25);
    assertThat(config.errorRateRule().minRequests()).isEqualTo(9);
    assertThat(config.sessionGapSeconds()).isEqualTo(60);
    assertThat(config.alertsTopic()).isEqualTo("alerts");
    assertThat(config.alertsBootstrap()).isEqualTo("a1:1");
    assertThat(config.allowedLatenessSeconds()).isZero();
    assertThat(config.windowTime()).isEqualTo(AnalyticsJobConfig.WindowTime.EVENT);
    assertThat(config.eventWindows()).isTrue();
    assertThat(config.arrivalWindowSeconds()).isEqualTo(30);
    assertThat(config.arrivalSlideSeconds()).isEqualTo(10);
    assertThat(config.checkpointedSettings()).containsEntry("--window-time", "event")
        .containsEntry("--arrival-window-seconds", "30").containsEntry("--arrival-slide-seconds", "10");
    assertThat(config.checkpointedSettings()).containsEntry("--allowed-lateness", "0");
    assertThat(AnalyticsJobConfig.parse("--sinks", "a:1", "--out", "o").allowedLatenessSeconds()).isEqualTo(300);
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--allowed-lateness", "-1"))
        .hasMessageContaining("--allowed-lateness");
    AnalyticsJobConfig defaults = AnalyticsJobConfig.parse("--sinks", "a:1", "--out", "o");
    assertThat(defaults.watermarkIdleSeconds()).isEqualTo(30);
    assertThat(defaults.maxFutureSeconds()).isEqualTo(86_400);
    AnalyticsJobConfig clock = AnalyticsJobConfig.parse("--sinks", "a:1", "--out", "o", "--watermark-idle-seconds", "0",
        "--max-future-seconds", "60");
    assertThat(clock.watermarkIdleSeconds()).isZero();
    assertThat(clock.maxFutureSeconds()).isEqualTo(60);
    assertThat(clock.checkpointedSettings()).containsEntry("--watermark-idle-seconds", "0")
        .containsEntry("--max-future-seconds", "60");
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--watermark-idle-seconds", "-1"))
        .hasMessageContaining("--watermark-idle-seconds");
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--max-future-seconds", "x"))
        .hasMessageContaining("--max-future-seconds");
  }

  @Test
  void windowTimeIsEventByDefaultWithArrivalWindowsOfTheirOwnOrArrivalAsBefore() {
    // Event time: the pipelines' windows are on the events' clock, any whole number of seconds.
    AnalyticsJobConfig event = AnalyticsJobConfig.parse("--sinks", "a:1", "--out", "o", "--batch-seconds", "2",
        "--logs-window-seconds", "3600", "--logs-slide-seconds", "3600", "--syslog-window-seconds", "61",
        "--syslog-slide-seconds", "61", "--arrival-window-seconds", "10", "--arrival-slide-seconds", "2");
    assertThat(event.windowTime()).isEqualTo(AnalyticsJobConfig.WindowTime.EVENT);
    assertThat(event.syslogWindowSeconds()).isEqualTo(61);
    assertThat(event.arrivalWindowSeconds()).isEqualTo(10);
    assertThat(event.arrivalSlideSeconds()).isEqualTo(2);
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--batch-seconds", "2", "--arrival-window-seconds", "9"))
        .hasMessageContaining("--arrival-window-seconds").hasMessageContaining("multiple of --batch-seconds");
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--arrival-window-seconds", "10", "--arrival-slide-seconds", "20"))
        .hasMessageContaining("--arrival-slide-seconds");

    AnalyticsJobConfig arrival = AnalyticsJobConfig.parse("--sinks", "a:1", "--out", "o", "--window-time", "arrival");
    assertThat(arrival.windowTime()).isEqualTo(AnalyticsJobConfig.WindowTime.ARRIVAL);
    assertThat(arrival.eventWindows()).isFalse();
    assertThat(arrival.checkpointedSettings()).containsEntry("--window-time", "arrival")
        .doesNotContainKey("--arrival-window-seconds");
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--window-time", "arrival", "--batch-seconds", "2",
        "--syslog-window-seconds", "61")).hasMessageContaining("--syslog-window-seconds");
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--window-time", "arrival", "--arrival-window-seconds", "10"))
        .hasMessageContaining("--arrival-window-seconds").hasMessageContaining("--window-time event");
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--window-time", "batch"))
        .hasMessageContaining("--window-time").hasMessageContaining("event|arrival");
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--event-windows", "true")).hasMessageContaining("--event-windows");
  }

  @Test
  void anomalyModelsAreOptInWithLogsEventWindowsAndTheirOptionsApplyOnlyThere() {
    assertThat(AnalyticsJobConfig.parse("--sinks", "a:1", "--out", "o").anomalies()).as("off by default").isFalse();
    AnalyticsJobConfig on = AnalyticsJobConfig.parse("--sinks", "a:1", "--out", "o", "--anomalies", "true");
    assertThat(on.anomalies()).isTrue();
    assertThat(on.anomalyMultiplier()).isEqualTo(1.5);
    assertThat(on.forecastBand()).isEqualTo(3.0);
    assertThat(on.checkpointedSettings()).containsEntry("--anomalies", "true")
        .containsEntry("--anomaly-multiplier", "1.5").containsEntry("--forecast-band", "3.0");
    AnalyticsJobConfig tuned = AnalyticsJobConfig.parse("--sinks", "a:1", "--out", "o", "--anomalies", "true",
        "--anomaly-multiplier", "2", "--forecast-band", "4.5");
    assertThat(tuned.anomalyMultiplier()).isEqualTo(2.0);
    assertThat(tuned.forecastBand()).isEqualTo(4.5);
    assertThat(AnalyticsJobConfig.parse("--sinks", "a:1", "--out", "o", "--anomalies", "false")
        .anomalies()).isFalse();
    assertThat(flume("--window-time", "arrival").anomalies()).as("off without event-time windows").isFalse();
    assertThat(flume("--window-time", "arrival").checkpointedSettings()).doesNotContainKey("--anomalies");
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--pipeline", "syslog", "--anomalies", "true"))
        .as("logs only").hasMessage("Option --anomalies applies only with --window-time event and --pipeline logs or all");

    assertThat(rejected("--sinks", "a:1", "--out", "o", "--window-time", "arrival", "--anomalies", "true"))
        .hasMessage("Option --anomalies applies only with --window-time event and --pipeline logs or all");
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--anomalies", "false",
        "--forecast-band", "2")).hasMessage("Option --forecast-band applies only with --anomalies true");
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--forecast-band", "2"))
        .as("off by default").hasMessage("Option --forecast-band applies only with --anomalies true");
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--anomalies", "true", "--anomaly-multiplier", "0.9"))
        .hasMessage("Invalid value for --anomaly-multiplier: '0.9' (expected a number of at least 1.0)");
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--anomalies", "true", "--forecast-band", "0"))
        .hasMessage("Invalid value for --forecast-band: '0' (expected a number above 0.0)");
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--anomalies", "yes"))
        .hasMessageContaining("--anomalies");
    // Sliding windows whose slide does not divide the length do not tile event time.
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--anomalies", "true", "--logs-window-seconds", "30",
        "--logs-slide-seconds", "20")).hasMessageStartingWith("Invalid value for --logs-slide-seconds: '20' (must divide");
    AnalyticsJobConfig.parse("--sinks", "a:1", "--out", "o", "--anomalies", "false",
        "--logs-window-seconds", "30", "--logs-slide-seconds", "20");
  }

  @Test
  void kafkaSourceDefaultsToThePipelinesTopicsAndAGroupPerPipeline() {
    AnalyticsJobConfig config = AnalyticsJobConfig.parse("--source", "kafka", "--kafka-bootstrap", "k:9092",
        "--out", "o", "--pipeline", "tweets");

    assertThat(config.topics()).containsExactly("sluice-tweets");
    assertThat(config.kafkaGroupId()).isEqualTo("sluice-analytics-tweets");
    assertThat(config.kafkaStartingOffsets()).isEqualTo("earliest");
    assertThat(AnalyticsJobConfig.parse("--source", "kafka", "--kafka-bootstrap", "k:9092", "--out", "o").topics())
        .containsExactly("sluice-logs", "sluice-tweets", "sluice-syslog");
    AnalyticsJobConfig syslog = AnalyticsJobConfig.parse("--source", "kafka", "--kafka-bootstrap", "k:9092",
        "--out", "o", "--pipeline", "syslog", "--syslog-topic", "auth", "--syslog-window-seconds", "30",
        "--syslog-slide-seconds", "6", "--brute-force-threshold", "25", "--syslog-key-idle-seconds", "3600");
    assertThat(syslog.topics()).containsExactly("auth");
    assertThat(syslog.kafkaGroupId()).isEqualTo("sluice-analytics-syslog");
    assertThat(syslog.syslogWindowSeconds()).isEqualTo(30);
    assertThat(syslog.syslogSlideSeconds()).isEqualTo(6);
    assertThat(syslog.bruteForceThreshold()).isEqualTo(25);
    assertThat(syslog.syslogKeyIdleSeconds()).isEqualTo(3600);
  }

  @Test
  void tweetsPipelineReadsSeveralTopicsForThePostsAgentsOfEveryPlatform() {
    AnalyticsJobConfig config = AnalyticsJobConfig.parse("--source", "kafka", "--kafka-bootstrap", "k:9092",
        "--out", "o", "--tweets-topic", "sluice-tweets, sluice-bluesky,sluice-x");

    assertThat(config.topics()).containsExactly("sluice-logs", "sluice-tweets", "sluice-bluesky", "sluice-x",
        "sluice-syslog");
    assertThat(rejected("--source", "kafka", "--kafka-bootstrap", "k:9092", "--out", "o",
        "--tweets-topic", "sluice-x,sluice-x"))
        .hasMessageContaining("--tweets-topic").hasMessageContaining("sluice-x is repeated");
    assertThat(rejected("--source", "kafka", "--kafka-bootstrap", "k:9092", "--out", "o",
        "--tweets-topic", "sluice-tweets,")).hasMessageContaining("--tweets-topic");
  }

  @Test
  void helpWinsOverEverythingElseAndListsEveryOptionWithItsDefault() {
    assertThat(AnalyticsJobConfig.parse("--help").isHelpRequested()).isTrue();
    assertThat(AnalyticsJobConfig.parse("--bogus", "--help").isHelpRequested()).isTrue();

    String usage = AnalyticsJobConfig.usage();
    assertThat(AnalyticsJobOptions.documented()).hasSize(45);
    AnalyticsJobOptions.documented().forEach((option, doc) -> assertThat(usage).contains(option).contains(doc));
    for (String option : new String[] {"--pipeline logs|tweets|syslog|all", "--source flume|kafka",
        "--sinks host:port[,host:port...]", "--polling-streams auto|one|per-sink", "--max-batch-size N",
        "--parallelism N", "--receiver-wal true|false", "--kafka-bootstrap host:port[,host:port...]",
        "--logs-topic TOPIC", "--tweets-topic TOPIC[,TOPIC...]", "--kafka-group-id ID", "--kafka-starting-offsets earliest|latest",
        "--kafka-max-rate N", "--out URI", "--checkpoint URI", "--batch-seconds N", "--logs-window-seconds N",
        "--logs-slide-seconds N", "--tweets-window-seconds N", "--tweets-slide-seconds N", "--top-n N",
        "--heavy-client-requests N", "--error-rate-threshold RATIO", "--error-min-requests N",
        "--session-gap-seconds N", "--syslog-topic TOPIC", "--syslog-window-seconds N",
        "--syslog-slide-seconds N", "--brute-force-threshold N", "--syslog-key-idle-seconds N", "--dedup-horizon-seconds N",
        "--allowed-lateness SECONDS", "--watermark-idle-seconds SECONDS", "--max-future-seconds SECONDS",
        "--window-time event|arrival", "--arrival-window-seconds N",
        "--arrival-slide-seconds N", "--anomalies true|false", "--anomaly-multiplier X",
        "--forecast-band X", "--audit-ids true|false", "--alerts-topic TOPIC",
        "--alerts-bootstrap host:port[,host:port...]", "--kafka-properties FILE", "--help"}) {
      assertThat(AnalyticsJobOptions.documented()).containsKey(option);
    }
    for (String defaultValue : new String[] {"all", "flume", "auto", "5000", "5", "true", "sluice-logs",
        "sluice-tweets", "sluice-analytics-<pipeline>", "earliest", "0", "<out>/checkpoint", "2", "30", "10", "60", "event",
        "100", "0.05", "20", "1800", "180", "false", "none", "--kafka-bootstrap", "none (PLAINTEXT)", "sluice-syslog",
        "86400", "300", "1.5", "3.0"}) {
      assertThat(usage).contains("(default: " + defaultValue + ")");
    }
    assertThat(usage).contains("--logs-window-seconds N").contains("(default: 30)")
        .contains("--error-rate-threshold RATIO").contains("(default: 0.05)");
  }

  @Test
  void rejectsUnknownOptionByName() {
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--batch-size", "3")).hasMessageContaining("--batch-size");
  }

  @Test
  void rejectsBadSinkValueNamingOptionAndValue() {
    for (String bad : new String[] {"localhost", "localhost:", ":9999", "host:port", "host:0", "host:70000",
        "a:1,,b:2", "::1:4545", "a:1,a:1"}) {
      assertThat(rejected("--sinks", bad, "--out", "o")).as(bad).hasMessageContaining("--sinks");
    }
    assertThat(rejected("--sinks", "good:1,bad:x", "--out", "o")).hasMessageContaining("'bad:x'");
  }

  @Test
  void rejectsMissingRequiredOptions() {
    assertThat(rejected("--out", "o")).hasMessageContaining("--sinks");
    assertThat(rejected("--sinks", "a:1")).hasMessageContaining("--out");
    assertThat(rejected("--source", "kafka", "--out", "o")).hasMessageContaining("--kafka-bootstrap");
  }

  @Test
  void rejectsBadValuesNamingTheOption() {
    List<String[]> bad = List.of(
        new String[] {"--batch-seconds", "0"}, new String[] {"--max-batch-size", "-1"},
        new String[] {"--parallelism", "ten"}, new String[] {"--logs-window-seconds", "1.5"},
        new String[] {"--top-n", "0"}, new String[] {"--heavy-client-requests", "x"},
        new String[] {"--error-rate-threshold", "1"}, new String[] {"--error-rate-threshold", "-0.1"},
        new String[] {"--error-min-requests", "0"}, new String[] {"--session-gap-seconds", "0"},
        new String[] {"--pipeline", "metrics"}, new String[] {"--source", "socket"},
        new String[] {"--polling-streams", "two"}, new String[] {"--receiver-wal", "yes"},
        new String[] {"--alerts-topic", "bad topic"});
    for (String[] option : bad) {
      IllegalArgumentException e = rejected("--sinks", "a:1", "--out", "o", option[0], option[1]);
      assertThat(e).as(option[0] + " " + option[1]).hasMessageContaining(option[0]).hasMessageContaining(option[1]);
    }
    assertThat(rejected("--source", "kafka", "--kafka-bootstrap", "k:1", "--out", "o", "--kafka-starting-offsets", "now"))
        .hasMessageContaining("--kafka-starting-offsets");
  }

  @Test
  void rejectsWindowsThatDoNotFitTheBatchInterval() {
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--batch-seconds", "4"))
        .as("default 30 s arrival window is not a multiple of 4 s batches").hasMessageContaining("--arrival-window-seconds")
        .hasMessageContaining("--batch-seconds");
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--batch-seconds", "4", "--window-time", "arrival"))
        .as("nor, over arrival time, the default 30 s logs window").hasMessageContaining("--logs-window-seconds")
        .hasMessageContaining("--batch-seconds");
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--tweets-slide-seconds", "90"))
        .hasMessageContaining("--tweets-slide-seconds").hasMessageContaining("--tweets-window-seconds");
  }

  @Test
  void rejectsOptionsThatDoNotApplyToTheSourceOrPipeline() {
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--kafka-bootstrap", "k:1")).hasMessageContaining("--kafka-bootstrap");
    assertThat(rejected("--source", "kafka", "--kafka-bootstrap", "k:1", "--sinks", "a:1", "--out", "o"))
        .hasMessageContaining("--sinks");
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--pipeline", "tweets", "--logs-window-seconds", "60"))
        .hasMessageContaining("--logs-window-seconds");
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--alerts-topic", "a"))
        .as("no brokers for the alerts").hasMessageContaining("--alerts-bootstrap");
    assertThat(rejected("--source", "kafka", "--kafka-bootstrap", "k:1", "--out", "o", "--pipeline", "tweets",
        "--alerts-topic", "a")).as("alerts come from the logs and syslog pipelines").hasMessageContaining("--alerts-topic");
    AnalyticsJobConfig.parse("--source", "kafka", "--kafka-bootstrap", "k:1", "--out", "o", "--pipeline", "syslog",
        "--alerts-topic", "a");
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--pipeline", "logs", "--brute-force-threshold", "5"))
        .hasMessageContaining("--brute-force-threshold").hasMessageContaining("--pipeline syslog or all");
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--pipeline", "syslog", "--heavy-client-requests", "5"))
        .hasMessageContaining("--heavy-client-requests");
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--syslog-slide-seconds", "90"))
        .hasMessageContaining("--syslog-slide-seconds");
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--brute-force-threshold", "0"))
        .hasMessageContaining("--brute-force-threshold");
  }

  @Test
  void rejectsMissingValuesRepeatsAndStrayArguments() {
    assertThat(rejected("--sinks", "a:1", "--out")).hasMessageContaining("--out");
    assertThat(rejected("--sinks", "--out", "o")).hasMessageContaining("--sinks");
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--out", "p")).hasMessageContaining("--out");
    assertThat(rejected("--sinks", "a:1", "--out", "o", "extra")).hasMessageContaining("extra");
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--help=yes")).hasMessageContaining("--help");
  }

  @Test
  void checkpointedSettingsNameTheOptionsASavedGraphFixes() {
    assertThat(flume().checkpointedSettings()).containsEntry("--logs-window-seconds", "30")
        .containsEntry("--sinks", "agent1:9999").containsEntry("--out", "file:/data/out")
        .containsKeys("--error-rate-threshold", "--tweets-slide-seconds", "--session-gap-seconds");
    assertThat(flume("--pipeline", "tweets").checkpointedSettings()).doesNotContainKey("--logs-window-seconds")
        .doesNotContainKey("--brute-force-threshold");
    assertThat(flume().checkpointedSettings()).containsEntry("--brute-force-threshold", "10")
        .containsEntry("--syslog-key-idle-seconds", "86400").containsEntry("--syslog-window-seconds", "60");
  }

  /** A --kafka-properties file for SCRAM over TLS with the JDK's trusted CAs; the password in {@code tmp/kafka-password}. */
  private Path kafkaProperties() throws IOException {
    Files.writeString(tmp.resolve("kafka-password"), "s3cr3t\n");
    Path file = tmp.resolve("kafka.properties");
    Files.writeString(file, String.join("\n", "security.protocol=SASL_SSL", "sasl.mechanism=SCRAM-SHA-512",
        "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"sluice\" "
            + "password=\"${dir:" + tmp + ":kafka-password}\";", ""));
    return file;
  }

  @Test
  void kafkaPropertiesGoToTheKafkaClientsAndTheirSettingsNotSecretsToTheCheckpoint() throws IOException {
    String file = kafkaProperties().toString();
    AnalyticsJobConfig config = AnalyticsJobConfig.parse("--source", "kafka", "--kafka-bootstrap", "k:9093",
        "--out", "o", "--kafka-properties", file);

    assertThat(config.kafkaProperties().clientSettings()).containsEntry("security.protocol", "SASL_SSL");
    assertThat(((Password) config.kafkaProperties().clientSettings().get("sasl.jaas.config")).value())
        .contains("password=\"s3cr3t\"");
    assertThat(config.checkpointedSettings().get("--kafka-properties")).contains("security.protocol=SASL_SSL")
        .contains("${dir:" + tmp + ":kafka-password}").doesNotContain("s3cr3t").doesNotContain(file);
    assertThat(config.toString()).doesNotContain("s3cr3t");
    assertThat(AnalyticsJobConfig.parse("--sinks", "a:1", "--out", "o", "--alerts-topic", "alerts",
        "--alerts-bootstrap", "k:9093", "--kafka-properties=" + file).kafkaProperties().isEmpty())
        .as("the alerts producer of a Flume-fed job").isFalse();
  }

  @Test
  void withoutKafkaPropertiesTheClientsAndTheCheckpointedSettingsAreAsBefore() {
    AnalyticsJobConfig config = AnalyticsJobConfig.parse("--source", "kafka", "--kafka-bootstrap", "k:9092", "--out", "o");

    assertThat(config.kafkaProperties()).isSameAs(KafkaClientProperties.NONE);
    assertThat(config.kafkaProperties().clientSettings()).isEmpty();
    assertThat(config.checkpointedSettings()).doesNotContainKey("--kafka-properties");
  }

  @Test
  void rejectsAKafkaPropertiesFileItCannotUseNamingTheOption() throws IOException {
    String file = kafkaProperties().toString();
    assertThat(rejected("--source", "kafka", "--kafka-bootstrap", "k:1", "--out", "o", "--kafka-properties",
        tmp.resolve("missing.properties").toString())).hasMessageContaining("--kafka-properties")
        .hasMessageContaining("missing.properties");
    assertThat(rejected("--sinks", "a:1", "--out", "o", "--kafka-properties", file))
        .as("a Flume-fed job without alerts has no Kafka client").hasMessageContaining("--kafka-properties")
        .hasMessageContaining("--alerts-topic");
    Files.delete(tmp.resolve("kafka-password"));
    assertThat(rejected("--source", "kafka", "--kafka-bootstrap", "k:1", "--out", "o", "--kafka-properties", file))
        .hasMessageContaining("--kafka-properties").hasMessageContaining("sasl.jaas.config")
        .hasMessageContaining("kafka-password");
    Files.writeString(Path.of(file), "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule "
        + "required username=\"sluice\" password=\"s3cr3t\";\n");
    assertThat(rejected("--source", "kafka", "--kafka-bootstrap", "k:1", "--out", "o", "--kafka-properties", file))
        .hasMessageContaining("--kafka-properties").hasMessageContaining("sasl.jaas.config")
        .hasMessageNotContaining("s3cr3t");
  }
}
