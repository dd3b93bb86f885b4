package io.sluice.launcher.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.launcher.process.Net;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice kafka} restarts on its own data, keeping its cluster id, address and records: after
 * a {@code kill -9} of the broker JVM (what the lab's systemd unit restarts after) and after a clean
 * stop. Each start is the launcher's command in a JVM of its own over a real broker.
 */
class SluiceKafkaRestartIT {

  private static final int RECORDS = 1000;
  private static final String TOPIC = "restart-test";
  private static final Duration STARTUP = Duration.ofSeconds(120);
  /** The launcher passes the broker's exit status on: killed by SIGKILL. */
  private static final int SIGKILL_EXIT = 128 + 9;
  /** A JVM ended by SIGTERM (after its shutdown hook stopped the broker). */
  private static final int SIGTERM_EXIT = 128 + 15;

  @TempDir
  Path dir;

  @Test
  @Timeout(300)
  void restartsAfterKill9WithSameClusterIdAndExactlyTheAcknowledgedRecords() throws Exception {
    restartKeepsData(true);
  }

  @Test
  @Timeout(300)
  void restartsAfterCleanStopWithSameClusterIdAndExactlyTheAcknowledgedRecords() throws Exception {
    restartKeepsData(false);
  }

  private void restartKeepsData(boolean crash) throws Exception {
    Path home = SluiceKafkaProcess.home(dir);
    Path data = dir.resolve("kafka-data");
    Path log = dir.resolve("sluice-kafka.log");
    // The ports must stay the same across restarts (clients keep the address): picked once, here.
    List<String> args = List.of("--data", data.toString(), "--listen", Net.LOOPBACK + ":" + Net.freePort(),
        "--controller-port", Integer.toString(Net.freePort()), "--topics", TOPIC);

    String firstClusterId;
    String bootstrap;
    try (SluiceKafkaProcess kafka = SluiceKafkaProcess.start(home, log, args)) {
      SluiceKafkaProcess.Ready ready = kafka.awaitReady(STARTUP);
      bootstrap = ready.bootstrap();
      Properties client = TestClients.props(bootstrap, Map.of());
      firstClusterId = TestClients.clusterId(client);
      assertThat(ready.clusterId()).isEqualTo(firstClusterId);
      TestClients.produce(client, TOPIC, TestClients.values(RECORDS));

      int exit = crash ? kafka.killBroker(Duration.ofSeconds(30)) : kafka.stop(Duration.ofSeconds(60));
      assertThat(exit).as("launcher exit status").isEqualTo(crash ? SIGKILL_EXIT : SIGTERM_EXIT);
      assertThat(kafka.output()).contains("Formatting metadata directory");
    }
    assertThat(LocalKafka.storedClusterId(data.resolve("data/meta.properties"))).isEqualTo(firstClusterId);

    try (SluiceKafkaProcess kafka = SluiceKafkaProcess.start(home, log, args)) {
      SluiceKafkaProcess.Ready ready = kafka.awaitReady(STARTUP);
      assertThat(ready.bootstrap()).isEqualTo(bootstrap);
      Properties client = TestClients.props(bootstrap, Map.of());
      assertThat(TestClients.clusterId(client)).isEqualTo(firstClusterId);
      assertThat(ready.clusterId()).isEqualTo(firstClusterId);
      assertThat(TestClients.readAll(client, TOPIC, Duration.ofSeconds(60))).isEqualTo(TestClients.values(RECORDS));
      assertThat(kafka.output()).doesNotContain("Formatting metadata directory");
    }
  }
}
