package io.sluice.flume.source.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.text.StringSubstitutor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The delivery settings of every packaged agent file ({@code agents/*.properties}): each Kafka
 * channel's producer is idempotent with {@code acks = all}, as accepted by the Kafka client itself
 * ({@link ProducerConfig} refuses idempotence with settings that contradict it), and each
 * SparkSink rolls an unacknowledged transaction back after 10 s.
 */
class KafkaDeliverySettingsTest {

  private static final String KAFKA_CHANNEL = "org.apache.flume.channel.kafka.KafkaChannel";
  private static final String SPARK_SINK = "org.apache.spark.streaming.flume.sink.SparkSink";
  private static final String PRODUCER = "kafka.producer.";

  @Test
  void everyKafkaChannelHasAnIdempotentProducerWithAcksAll() throws IOException {
    List<String> checked = new ArrayList<>();
    for (Path file : agentFiles()) {
      Properties agent = resolved(file);
      for (String channel : components(agent, ".channels.")) {
        if (!agent.getProperty(channel + ".type", "").contains(KAFKA_CHANNEL)) {
          continue;
        }
        Properties producer = new Properties();
        for (String key : agent.stringPropertyNames()) {
          String value = agent.getProperty(key).trim();
          // Flume drops keys with an empty value ("Configuration property ignored").
          if (key.startsWith(channel + "." + PRODUCER) && !value.isEmpty()) {
            producer.put(key.substring((channel + "." + PRODUCER).length()), value);
          }
        }
        // What Flume's KafkaChannel adds to them (setProducerProps).
        producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class.getName());

        ProducerConfig config = new ProducerConfig(producer);

        String what = file.getFileName() + ": " + channel;
        assertThat(config.getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).as(what).isTrue();
        assertThat(config.getString(ProducerConfig.ACKS_CONFIG)).as(what).isEqualTo("-1");
        assertThat(config.getInt(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION))
            .as(what).isBetween(1, 5);
        assertThat(config.getInt(ProducerConfig.RETRIES_CONFIG)).as(what)
            .isEqualTo(Integer.MAX_VALUE);
        assertThat(config.getInt(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)).as(what)
            .isEqualTo(120_000);
        checked.add(what);
      }
    }
    assertThat(checked).as("Kafka channels of the agent files").contains(
        "logs-agent.properties: logs.channels.events",
        "logs-agent.properties: logs.channels.rejects",
        "tweets-agent.properties: tweets.channels.events",
        "tweets-agent.properties: tweets.channels.rejects",
        "bluesky-agent.properties: bluesky.channels.events",
        "x-agent.properties: x.channels.rejects",
        "twitter-v1-agent.properties: twitter.channels.events",
        "web-logs-agent.properties: weblogs.channels.events",
        "web-logs-agent.properties: weblogs.channels.rejects",
        "syslog-agent.properties: syslog.channels.events",
        "syslog-agent.properties: syslog.channels.rejects",
        "mqtt-agent.properties: mqtt.channels.events",
        "mqtt-agent.properties: mqtt.channels.rejects",
        "kinesis-agent.properties: kinesis.channels.events",
        "kinesis-agent.properties: kinesis.channels.rejects",
        "zeromq-agent.properties: zeromq.channels.events",
        "zeromq-agent.properties: zeromq.channels.rejects",
        "tcp-agent.properties: tcp.channels.events",
        "tcp-agent.properties: tcp.channels.rejects");
  }

  @Test
  void everySparkSinkRollsAnUnacknowledgedBatchBackAfterTenSeconds() throws IOException {
    List<String> checked = new ArrayList<>();
    for (Path file : agentFiles()) {
      Properties agent = resolved(file);
      for (String sink : components(agent, ".sinks.")) {
        if (SPARK_SINK.equals(agent.getProperty(sink + ".type", "").trim())) {
          // The stock SparkSink reads its transaction timeout (seconds) from the key "timeout".
          assertThat(agent.getProperty(sink + ".timeout", "").trim()).as(sink).isEqualTo("10");
          checked.add(sink);
        }
      }
    }
    assertThat(checked).containsExactlyInAnyOrder("logs.sinks.spark", "tweets.sinks.spark",
        "weblogs.sinks.spark", "bluesky.sinks.spark", "x.sinks.spark",
        "syslog.sinks.spark", "mqtt.sinks.spark", "kinesis.sinks.spark", "zeromq.sinks.spark", "tcp.sinks.spark");
  }

  private static List<Path> agentFiles() throws IOException {
    try (Stream<Path> files = Files.list(AgentRun.agentFile("logs-agent.properties").getParent())) {
      return files.filter(f -> f.getFileName().toString().endsWith("-agent.properties")).sorted()
          .collect(Collectors.toList());
    }
  }

  /** The file with {@code ${env:...}} / {@code ${sys:...}} at their defaults, as Flume would. */
  private static Properties resolved(Path file) throws IOException {
    Properties raw = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      raw.load(in);
    }
    StringSubstitutor defaults = new StringSubstitutor(key -> null)
        .setEnableSubstitutionInVariables(true);
    Properties resolved = new Properties();
    raw.stringPropertyNames().forEach(key ->
        resolved.setProperty(key, defaults.replace(raw.getProperty(key))));
    return resolved;
  }

  /** The prefixes {@code <agent><kind><name>} of the components of one kind that have a type. */
  private static List<String> components(Properties agent, String kind) {
    return agent.stringPropertyNames().stream()
        .filter(key -> key.contains(kind) && key.endsWith(".type")
            && key.indexOf('.', key.indexOf(kind) + kind.length()) == key.length() - 5)
        .map(key -> key.substring(0, key.length() - ".type".length()))
        .sorted().collect(Collectors.toList());
  }
}
