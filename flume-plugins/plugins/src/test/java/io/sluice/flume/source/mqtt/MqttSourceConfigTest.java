package io.sluice.flume.source.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.flume.config.InvalidConfigurationException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link MqttSourceConfig}: defaults, and a bad configuration fails naming its key. */
class MqttSourceConfigTest {

  @TempDir
  Path tmp;

  @Test
  void defaults() {
    MqttSourceConfig config = parse(Map.of("topicFilters", "logs/+/access, sensors/#"));
    assertThat(config.host).isEqualTo("127.0.0.1");
    assertThat(config.port).isEqualTo(1883);
    assertThat(config.tls).isFalse();
    assertThat(config.mqtt5).isTrue();
    assertThat(config.topicFilters).containsExactly("logs/+/access", "sensors/#");
    assertThat(config.qos).isEqualTo(1);
    assertThat(config.clientId).isEqualTo("sluice-mqtt");
    assertThat(config.cleanStart).isFalse();
    assertThat(config.sessionExpirySeconds).isEqualTo(86_400);
    assertThat(config.receiveMaximum).isEqualTo(1_000);
    assertThat(config.password).isNull();
    assertThat(config.pipeline).isEmpty();
    assertThat(config.eventIdProperty).isEqualTo("eventId");
    assertThat(config.batchSize).isEqualTo(100);
  }

  @Test
  void tlsDefaultsToPort8883AndThePasswordComesFromTheNamedVariable() {
    MqttSourceConfig config = MqttSourceConfig.parse(new HashMap<>(Map.of("topicFilters", "a",
        "brokerUri", "ssl://broker.example", "username", "flume", "passwordEnv",
        "MQTT_PASSWORD")), "mqtt", name -> name.equals("MQTT_PASSWORD") ? "pw é" : null);
    assertThat(config.tls).isTrue();
    assertThat(config.port).isEqualTo(8883);
    assertThat(new String(config.password, StandardCharsets.UTF_8)).isEqualTo("pw é");
  }

  @Test
  void thePasswordFileLosesOneTrailingLineBreak() throws Exception {
    Path file = Files.writeString(tmp.resolve("pw"), "secret \r\n");
    MqttSourceConfig config = parse(Map.of("topicFilters", "a", "username", "u", "passwordFile",
        file.toString()));
    assertThat(new String(config.password, StandardCharsets.UTF_8)).isEqualTo("secret ");
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = '|', value = {
      "topicFilters|''|Key 'topicFilters' is required",
      "topicFilters|logs/#/x|Key 'topicFilters': Invalid value logs/#/x for configuration topicFilters: '#' must be a whole level and the last one",
      "topicFilters|logs/a+|Key 'topicFilters': Invalid value logs/a+ for configuration topicFilters: '+' must be a whole level",
      "brokerUri|http://h:1883|Key 'brokerUri'",
      "brokerUri|tcp://user:pw@h:1883|Key 'brokerUri'",
      "protocolVersion|3.1|Key 'protocolVersion'",
      "qos|3|Key 'qos'",
      "pipeline|posts|Key 'pipeline': Invalid value posts for configuration pipeline: unknown pipeline 'posts'",
      "receiveMaximum|10|Key 'receiveMaximum' must be >= batchSize (100), got 10",
      "passwordEnv|NOT_SET_ANYWHERE_42|Key 'passwordEnv': environment variable NOT_SET_ANYWHERE_42 is not set",
      "passwordFile|/nonexistent/pw|Key 'passwordFile': /nonexistent/pw is not a readable regular file",
      "tlsCaFile|/nonexistent/ca.pem|Key 'tlsCaFile': /nonexistent/ca.pem is not a readable regular file",
      "sessionExpirySeconds|4294967296|Key 'sessionExpirySeconds'",
      "topicFilter|logs|Key 'topicFilter' is unknown"})
  void aBadValueFailsNamingItsKey(String key, String value, String message) {
    Map<String, String> values = new HashMap<>(Map.of("topicFilters", "logs/#", "username", "u"));
    values.put(key, value);
    assertThatThrownBy(() -> parse(values)).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageStartingWith("mqtt-source: " + message);
  }

  @Test
  void aPasswordNeedsAUserNameAndOnlyOneSource() throws Exception {
    Path file = Files.writeString(tmp.resolve("pw"), "secret");
    assertThatThrownBy(() -> parse(Map.of("topicFilters", "a", "passwordFile", file.toString())))
        .hasMessageStartingWith("mqtt-source: Key 'username' is required with a password");
    assertThatThrownBy(() -> parse(Map.of("topicFilters", "a", "username", "u", "passwordFile",
        file.toString(), "passwordEnv", "HOME")))
        .hasMessageStartingWith("mqtt-source: Key 'passwordEnv' cannot be used with passwordFile");
    assertThatThrownBy(() -> parse(Map.of("topicFilters", "a", "tlsCaFile", file.toString())))
        .hasMessageStartingWith("mqtt-source: Key 'tlsCaFile' is set but brokerUri");
  }

  private static MqttSourceConfig parse(Map<String, String> values) {
    return MqttSourceConfig.parse(new HashMap<>(values), "mqtt", name -> null);
  }
}
