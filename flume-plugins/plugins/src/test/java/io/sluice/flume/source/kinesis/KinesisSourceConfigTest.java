package io.sluice.flume.source.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.flume.config.InvalidConfigurationException;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KinesisSourceConfigTest {

  private static Map<String, String> minimal() {
    Map<String, String> values = new HashMap<>();
    values.put("type", KinesisSource.class.getName());
    values.put("channels", "events");
    values.put("streamName", "access-logs");
    values.put("checkpointDir", "/var/lib/sluice/kinesis");
    return values;
  }

  @Test
  void appliesTheDocumentedDefaults() {
    KinesisSourceConfig config = KinesisSourceConfig.parse(minimal());
    assertThat(config.streamName).isEqualTo("access-logs");
    assertThat(config.checkpointDir).isEqualTo(Paths.get("/var/lib/sluice/kinesis"));
    assertThat(config.region).isEmpty();
    assertThat(config.endpoint).isNull();
    assertThat(config.cbor).isTrue();
    assertThat(config.initialPosition).isEqualTo(KinesisSourceConfig.InitialPosition.TRIM_HORIZON);
    assertThat(config.shardAssignment).hasToString("0/1");
    assertThat(config.batchSize).isEqualTo(1_000);
    assertThat(config.readIntervalMs).isEqualTo(200);
    assertThat(config.idleReadIntervalMs).isEqualTo(1_000);
    assertThat(config.backoffInitialMs).isEqualTo(500);
    assertThat(config.backoffMaxMs).isEqualTo(10_000);
    assertThat(config.shardSyncIntervalMs).isEqualTo(10_000);
    assertThat(config.apiTimeoutMs).isEqualTo(10_000);
  }

  @ParameterizedTest(name = "{0} = ''{1}''")
  @CsvSource(delimiter = '|', value = {
      "streamName | ''",
      "checkpointDir | ''",
      "streamName | logs/2015",
      "endpoint | ftp://127.0.0.1:4567",
      "endpoint | http//127.0.0.1",
      "initialPosition | AT_TIMESTAMP",
      "shardAssignment | 2/2",
      "shardAssignment | 1",
      "shardAssignment | -1/3",
      "batchSize | 10001",
      "batchSize | 0",
      "readIntervalMs | -1",
      "shardSyncIntervalMs | 10",
      "cbor | yes",
      "streamNme | access-logs"})
  void rejectsABadValueNamingItsKey(String key, String value) {
    Map<String, String> values = minimal();
    if (value.isEmpty()) {
      values.remove(key);
    } else {
      values.put(key, value);
    }
    assertThatThrownBy(() -> KinesisSourceConfig.parse(values))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageStartingWith("kinesis-source: Key '" + key + "'");
  }

  @Test
  void rejectsABackoffMaximumBelowItsStart() {
    Map<String, String> values = minimal();
    values.put("backoffInitialMs", "2000");
    values.put("backoffMaxMs", "1000");
    assertThatThrownBy(() -> KinesisSourceConfig.parse(values))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("kinesis-source: Key 'backoffMaxMs' must be >= backoffInitialMs (2000), "
            + "got 1000");
  }
}
