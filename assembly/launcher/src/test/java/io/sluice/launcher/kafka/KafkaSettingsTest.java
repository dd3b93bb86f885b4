package io.sluice.launcher.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  @Test
  void loopbackBrokerKeepsThePortsOfItsPreviousStart(@TempDir Path dir) throws Exception {
    KafkaSettings first = KafkaSettings.loopback(dir);
    Files.writeString(dir.resolve("server.properties"), first.serverProperties(), StandardCharsets.UTF_8);
    KafkaSettings again = KafkaSettings.loopback(dir);
    assertThat(again.port()).isEqualTo(first.port());
    assertThat(again.controllerPort()).isEqualTo(first.controllerPort());
    assertThat(again.bootstrap()).isEqualTo(first.bootstrap());
  }

  @Test
  void tlsListenerWithScramReferencesItsSecretsAndKeepsTheControllerOnLoopback() {
    KafkaSecurity security = new KafkaSecurity(true, null, null, "agent", Path.of("/etc/sluice/kafka-password"));
    KafkaSettings s = new KafkaSettings("10.0.0.1", 9092, 9093, null, Path.of("/var/lib/kafka"), security);
    assertThat(s.serverProperties()).contains(
        "listeners=SASL_SSL://10.0.0.1:9092,CONTROLLER://127.0.0.1:9093",
        "advertised.listeners=SASL_SSL://10.0.0.1:9092",
        "controller.quorum.voters=1@127.0.0.1:9093",
        "inter.broker.listener.name=SASL_SSL",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL",
        "ssl.keystore.location=/var/lib/kafka/tls/keystore.p12",
        "ssl.keystore.password=${file:/var/lib/kafka/tls/broker-secrets.properties:keystore.password}",
        "sasl.enabled.mechanisms=SCRAM-SHA-512",
        "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule"
            + " required username=\"sluice-broker\" password=\"${file:/var/lib/kafka/tls/broker-secrets.properties:broker.password}\";");
    assertThat(new KafkaSettings("h", 9092, 9093, null, Path.of("d"), new KafkaSecurity(true, null, null, null, null))
        .serverProperties()).contains("listeners=SSL://h:9092,CONTROLLER://127.0.0.1:9093").doesNotContain("sasl");
  }

  @Test
  void rejectsScramWithoutTlsAndOptionsWithoutTheirPasswordFile() {
    Path pw = Path.of("pw");
    assertThatThrownBy(() -> new KafkaSecurity(false, null, null, "agent", pw)).hasMessageContaining("--scram-user needs --tls");
    assertThatThrownBy(() -> new KafkaSecurity(true, null, null, "agent", null)).hasMessageContaining("--scram-password-file");
    assertThatThrownBy(() -> new KafkaSecurity(true, Path.of("ks.p12"), null, null, null)).hasMessageContaining("--tls-keystore-password-file");
    assertThatThrownBy(() -> new KafkaSecurity(false, Path.of("ks.p12"), pw, null, null)).hasMessageContaining("--tls-keystore needs --tls");
    assertThatThrownBy(() -> new KafkaSecurity(true, null, null, "a b", pw)).hasMessageContaining("--scram-user a b");
    assertThatThrownBy(() -> new KafkaSecurity(true, null, null, KafkaSecurity.BROKER_USER, pw)).hasMessageContaining("broker's own user");
    assertThat(new KafkaSecurity(true, null, null, "agent", pw).protocol()).isEqualTo("SASL_SSL");
    assertThat(KafkaSecurity.NONE.protocol()).isEqualTo("PLAINTEXT");
  }

  @Test
  void readsPasswordFilesWithoutTrailingLineBreaks(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("pw");
    Files.writeString(f, "s3cret \"quoted\"\r\n\n");
    assertThat(KafkaSecurityFiles.readSecret(f)).isEqualTo("s3cret \"quoted\"");
    assertThat(KafkaSecurityFiles.jaasConfig("u", "a\"b\\c")).isEqualTo(
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"a\\\"b\\\\c\";");
    Files.writeString(f, "\n");
    assertThatThrownBy(() -> KafkaSecurityFiles.readSecret(f)).hasMessageContaining("is empty");
  }

  @Test
  void namesTheAdvertisedAddressInTheCertificate() {
    assertThat(KafkaSecurityFiles.subjectAlternativeName("10.0.0.1")).isEqualTo("ip:10.0.0.1");
    assertThat(KafkaSecurityFiles.subjectAlternativeName("kafka.lab")).isEqualTo("dns:kafka.lab");
    assertThat(KafkaSecurityFiles.subjectAlternativeName("127.0.0.1")).isEqualTo("ip:127.0.0.1,dns:localhost");
    assertThat(KafkaSecurityFiles.subjectAlternativeName("localhost")).isEqualTo("dns:localhost,ip:127.0.0.1");
    assertThat(KafkaSecurityFiles.subjectAlternativeName("[::1]")).isEqualTo("ip:::1,dns:localhost");
    assertThat(KafkaSecurityFiles.subjectAlternativeName("[2001:db8::1]")).isEqualTo("ip:2001:db8::1");
  }
}
