package io.sluice.flume.source.mqtt;

import static io.sluice.flume.source.SourceTestSupport.awaitTrue;
import static io.sluice.flume.source.SourceTestSupport.bodies;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.flume.source.SourceTestSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flume.Context;
import org.apache.flume.channel.MemoryChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MqttSource} over TLS ({@code ssl://}) to mosquitto's TLS listener, whose certificate a
 * test CA made with {@code openssl} signs (for 127.0.0.1 and localhost): trusted through
 * {@code tlsCaFile}, refused with the JDK's CAs.
 */
@Timeout(120)
class MqttSourceTlsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir
  Path tmp;

  @Test
  void connectsOverTlsTrustingTheConfiguredCaOnly() throws Exception {
    Path pki = Files.createDirectories(tmp.resolve("pki"));
    openssl(pki, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-subj", "/CN=Sluice test CA", "-keyout", "ca.key", "-out", "ca.pem");
    openssl(pki, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
        "-keyout", "server.key", "-out", "server.csr");
    Files.writeString(pki.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    openssl(pki, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "server.pem");
    int tlsPort = SourceTestSupport.freePort();
    try (MosquittoBroker broker = MosquittoBroker.start(tmp, "listener " + tlsPort
        + " 127.0.0.1\ncafile " + pki.resolve("ca.pem") + "\ncertfile "
        + pki.resolve("server.pem") + "\nkeyfile " + pki.resolve("server.key") + "\n")) {
      MemoryChannel channel = SourceTestSupport.memoryChannel(100, 10);
      List<MqttSource> sources = new ArrayList<>();
      try {
        MqttSource untrusting = start(sources, channel, Map.of(
            "brokerUri", "ssl://127.0.0.1:" + tlsPort, "topicFilters", "logs/#",
            "reconnectBackoffInitialMs", "50", "reconnectBackoffMaxMs", "50"));
        awaitTrue(TIMEOUT, () -> untrusting.getCounter().getConnectFailCount() >= 2);
        assertThat(untrusting.getCounter().getConnectCount()).isZero();
        untrusting.stop();

        MqttSource source = start(sources, channel, Map.of(
            "brokerUri", "ssl://127.0.0.1:" + tlsPort, "topicFilters", "logs/#",
            "tlsCaFile", pki.resolve("ca.pem").toString()));
        awaitTrue(TIMEOUT, source::subscriptionsAcknowledged,
            () -> "subscribed over TLS; broker log:\n" + broker.logText());
        List<String> lines = MqttSourceTest.accessLogLines(0, 3);
        broker.publish("logs/tls", 1, lines, MqttSourceTest.ids(1, 3));
        assertThat(bodies(SourceTestSupport.takeAtLeast(channel, 3, TIMEOUT)))
            .containsExactlyElementsOf(lines);
        assertThat(broker.logText()).contains("on port " + tlsPort);
      } finally {
        for (MqttSource source : sources) {
          if (source.getLifecycleState() == org.apache.flume.lifecycle.LifecycleState.START) {
            source.stop();
          }
        }
      }
    }
  }

  private static MqttSource start(List<MqttSource> sources, MemoryChannel channel,
      Map<String, String> values) {
    MqttSource source = new MqttSource();
    source.setName(SourceTestSupport.uniqueName("mqtt-tls"));
    source.configure(new Context(values));
    source.setChannelProcessor(SourceTestSupport.processor(channel));
    source.start();
    sources.add(source);
    return source;
  }

  private static void openssl(Path dir, String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(arguments));
    Path log = dir.resolve("openssl.log");
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    try {
      process.getOutputStream().close();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("openssl ended").isTrue();
      assertThat(process.exitValue()).as("openssl %s: %s", command,
          Files.readString(log, StandardCharsets.UTF_8)).isZero();
    } finally {
      process.destroyForcibly();
    }
  }
}
