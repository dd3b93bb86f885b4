package io.sluice.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {

  @Test
  void listensAndAdvertisesWhereTold() {
    KafkaSettings s = new KafkaSettings("10.0.0.1", 9092, 9093, null, Path.of("/var/lib/kafka"));
    assertThat(s.bootstrap()).isEqualTo("10.0.0.1:9092");
    assertThat(s.serverProperties()).contains(
        "listeners=PLAINTEXT://10.0.0.1:9092,CONTROLLER://10.0.0.1:9093",
        "advertised.listeners=PLAINTEXT://10.0.0.1:9092",
        "controller.quorum.voters=1@10.0.0.1:9093",
        "log.dirs=/var/lib/kafka/data");
    assertThat(new KafkaSettings("0.0.0.0", 9092, 9093, "kafka.lab", Path.of("d")).bootstrap()).isEqualTo("kafka.lab:9092");
  }

  @Test
  void rejectsBadPortsNamingThem() {
    assertThatThrownBy(() -> new KafkaSettings("h", 0, 9093, null, Path.of("d"))).hasMessageContaining("broker port");
    assertThatThrownBy(() -> new KafkaSettings("h", 9092, 70000, null, Path.of("d"))).hasMessageContaining("controller port");
    assertThatThrownBy(() -> new KafkaSettings("h", 9092, 9092, null, Path.of("d"))).hasMessageContaining("must differ");
    assertThatThrownBy(() -> new KafkaSettings(" ", 9092, 9093, null, Path.of("d"))).hasMessageContaining("listen address");
  }
}
