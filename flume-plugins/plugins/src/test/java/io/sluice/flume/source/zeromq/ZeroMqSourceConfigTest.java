package io.sluice.flume.source.zeromq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.flume.config.InvalidConfigurationException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ZeroMqSourceConfigTest {

  @Test
  void defaultsAreASubSocketConnectingWithTheLibrarysHighWaterMark() {
    ZeroMqSourceConfig config = ZeroMqSourceConfig.parse(Map.of("endpoints", "tcp://127.0.0.1:5556"));
    assertThat(config.sub).isTrue();
    assertThat(config.bind).isFalse();
    assertThat(config.endpoints).containsExactly("tcp://127.0.0.1:5556");
    assertThat(config.topics).isEmpty();
    assertThat(config.receiveHighWaterMark).isEqualTo(1_000);
    assertThat(config.frames()).isEqualTo(1);
    assertThat(config.batchSize).isEqualTo(100);
    assertThat(config.maxMessageBytes).isEqualTo(131_072);
    assertThat(config.pipeline).isEmpty();
    assertThat(config.reconnectInitialMs).isEqualTo(100);
    assertThat(config.reconnectMaxMs).isEqualTo(30_000);
    assertThat(config.handshakeTimeoutMs).isEqualTo(5_000);
  }

  @Test
  void readsEverySetting() {
    ZeroMqSourceConfig config = ZeroMqSourceConfig.parse(Map.ofEntries(
        Map.entry("socketType", "pull"), Map.entry("endpoints", "tcp://*:5557, ipc:///tmp/z"),
        Map.entry("mode", "bind"), Map.entry("receiveHighWaterMark", "0"),
        Map.entry("topicFrame", "true"), Map.entry("eventIdFrame", "true"),
        Map.entry("pipeline", "syslog"), Map.entry("batchSize", "500"),
        Map.entry("maxMessageBytes", "10"), Map.entry("reconnectBackoffInitialMs", "50"),
        Map.entry("reconnectBackoffMaxMs", "50"), Map.entry("handshakeTimeoutMs", "250")));
    assertThat(config.sub).isFalse();
    assertThat(config.bind).isTrue();
    assertThat(config.endpoints).containsExactly("tcp://*:5557", "ipc:///tmp/z");
    assertThat(config.receiveHighWaterMark).isZero();
    assertThat(config.frames()).isEqualTo(3);
    assertThat(config.pipeline).isEqualTo("syslog");
    assertThat(config.batchSize).isEqualTo(500);
    assertThat(config.maxMessageBytes).isEqualTo(10);
    assertThat(config.reconnectInitialMs).isEqualTo(50);
    assertThat(config.reconnectMaxMs).isEqualTo(50);
    assertThat(config.handshakeTimeoutMs).isEqualTo(250);
  }

  @Test
  void subscribesToEachPrefixAsUtf8Bytes() {
    ZeroMqSourceConfig config = ZeroMqSourceConfig.parse(Map.of("endpoints", "tcp://h:1",
        "topics", "logs.web, syslog.é"));
    assertThat(config.topics).containsExactly("logs.web".getBytes(StandardCharsets.UTF_8),
        "syslog.é".getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = '|', value = {
      "endpoints|''|Key 'endpoints'",
      "endpoints|http://h:1|Key 'endpoints': Invalid value http://h:1 for configuration endpoints: not a tcp://host:port",
      "endpoints|tcp://h|Key 'endpoints': Invalid value tcp://h for configuration endpoints: not a tcp://host:port",
      "socketType|PUB|Key 'socketType'",
      "mode|listen|Key 'mode'",
      "receiveHighWaterMark|-1|Key 'receiveHighWaterMark'",
      "batchSize|0|Key 'batchSize'",
      "maxMessageBytes|0|Key 'maxMessageBytes'",
      "pipeline|posts|Key 'pipeline': Invalid value posts for configuration pipeline: unknown pipeline 'posts'",
      "reconnectBackoffMaxMs|10|Key 'reconnectBackoffMaxMs' must be >= reconnectBackoffInitialMs (100), got 10",
      "handshakeTimeoutMs|0|Key 'handshakeTimeoutMs'",
      "topic|logs|Key 'topic' is unknown"})
  void aBadValueFailsNamingItsKey(String key, String value, String message) {
    Map<String, String> values = new HashMap<>(Map.of("endpoints", "tcp://127.0.0.1:5556"));
    values.put(key, value);
    assertThatThrownBy(() -> ZeroMqSourceConfig.parse(values))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageStartingWith("zeromq-source: " + message);
  }

  @Test
  void topicsAreForSubSocketsOnly() {
    assertThatThrownBy(() -> ZeroMqSourceConfig.parse(Map.of("endpoints", "tcp://h:1",
        "socketType", "PULL", "topics", "logs")))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageStartingWith("zeromq-source: Key 'topics' is for SUB sockets only");
  }
}
