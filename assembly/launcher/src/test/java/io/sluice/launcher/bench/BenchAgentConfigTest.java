package io.sluice.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class BenchAgentConfigTest {

  /** The repository's agents/logs-agent.properties, what the distribution packages. */
  private static Properties logsAgent() throws IOException {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("agents/logs-agent.properties");
      if (Files.isRegularFile(candidate)) {
        return BenchAgentConfig.load(candidate);
      }
    }
    throw new IllegalStateException("agents/logs-agent.properties not found above " + Path.of("").toAbsolutePath());
  }

  private static Properties parse(String text) throws IOException {
    Properties p = new Properties();
    p.load(new StringReader(text));
    return p;
  }

  @Test
  void bareFlumeKeepsTheLogsAgentsSourceAndInterceptorsOnAMemoryChannelAndNullSink() throws IOException {
    Properties logs = logsAgent();

    Properties bench = parse(BenchAgentConfig.render(logs, "logs", BenchAgentConfig.Channel.memory, "unused", "logs.properties"));

    for (String key : logs.stringPropertyNames()) {
      String rest = key.substring("logs.".length());
      if (rest.startsWith("sources.replay.") && !rest.equals("sources.replay.channels")
          && !rest.startsWith("sources.replay.selector.")) {
        assertThat(bench.getProperty("bench." + rest)).as(key).isEqualTo(logs.getProperty(key).trim());
      }
    }
    assertThat(bench.getProperty("bench.sources.replay.interceptors")).isEqualTo("pipeline accessLog");
    assertThat(bench.getProperty("bench.sources.replay.eventsPerSecond"))
        .isEqualTo("${env:SLUICE_LOGS_EVENTS_PER_SECOND:-0}");
    assertThat(bench.getProperty("bench.sources.replay.file")).isEqualTo("${env:SLUICE_LOGS_FILE}");
    assertThat(bench.stringPropertyNames()).noneMatch(k -> k.contains(".selector.") || k.contains("rejects"));
    assertThat(bench).containsEntry("bench.sources", "replay").containsEntry("bench.channels", "events")
        .containsEntry("bench.sinks", "drain")
        .containsEntry("bench.sources.replay.channels", "events")
        .containsEntry("bench.channels.events.type", "memory")
        .containsEntry("bench.channels.events.capacity", "100000")
        .containsEntry("bench.channels.events.transactionCapacity", "5000")
        .containsEntry("bench.sinks.drain.type", "null")
        .containsEntry("bench.sinks.drain.batchSize", "5000")
        .containsEntry("bench.sinks.drain.channel", "events");
  }

  @Test
  void kafkaChannelIsTheLogsAgentsSparkSinkChannelOnItsOwnTopic() throws IOException {
    Properties bench = parse(BenchAgentConfig.render(logsAgent(), "logs", BenchAgentConfig.Channel.kafka,
        "bench-kafka-channel", "logs.properties"));

    assertThat(bench).containsEntry("bench.channels.events.type", "org.apache.flume.channel.kafka.KafkaChannel")
        .containsEntry("bench.channels.events.kafka.bootstrap.servers", "${env:SLUICE_KAFKA_BOOTSTRAP}")
        .containsEntry("bench.channels.events.parseAsFlumeEvent", "true")
        .containsEntry("bench.channels.events.kafka.consumer.auto.offset.reset", "earliest")
        .containsEntry("bench.channels.events.kafka.topic", "bench-kafka-channel")
        .containsEntry("bench.channels.events.kafka.consumer.group.id", "bench-kafka-channel-null-sink");
    assertThat(bench.getProperty("bench.channels.events.capacity")).isNull();
  }

  @Test
  void transactionCapacityCoversALargerSourceBatch() throws IOException {
    Properties agent = parse("a.sources.replay.type = io.sluice.flume.source.replay.ReplaySource\n"
        + "a.sources.replay.batchSize = 8000\n"
        + "a.sources.replay.file = C:\\\\logs\\\\access.log\n");

    Properties bench = parse(BenchAgentConfig.render(agent, "a", BenchAgentConfig.Channel.memory, "t", "a.properties"));

    assertThat(bench).containsEntry("bench.channels.events.transactionCapacity", "8000")
        .containsEntry("bench.sources.replay.file", "C:\\logs\\access.log");
  }

  @Test
  void refusesAnAgentWithoutReplaySourceOrKafkaSparkSinkChannel() throws IOException {
    assertThatThrownBy(() -> BenchAgentConfig.render(parse("x.sources = other\n"), "x", BenchAgentConfig.Channel.memory,
        "t", "x.properties")).hasMessageContaining("no source 'replay'");
    Properties memoryOnly = parse("a.sources.replay.type = R\n"
        + "a.channels.c.type = memory\n"
        + "a.sinks.spark.type = org.apache.spark.streaming.flume.sink.SparkSink\n"
        + "a.sinks.spark.channel = c\n");
    assertThatThrownBy(() -> BenchAgentConfig.render(memoryOnly, "a", BenchAgentConfig.Channel.kafka, "t", "a.properties"))
        .hasMessageContaining("not a Kafka channel");
    assertThatThrownBy(() -> BenchAgentConfig.render(parse("a.sources.replay.type = R\n"), "a",
        BenchAgentConfig.Channel.kafka, "t", "a.properties")).hasMessageContaining("no SparkSink");
  }

  @Test
  void listsTheTopicsOfTheLogsAgentsKafkaChannels() throws IOException {
    assertThat(BenchAgentConfig.kafkaTopics(logsAgent(), "logs")).containsExactly("sluice-logs", "sluice-logs-rejects");
  }
}
