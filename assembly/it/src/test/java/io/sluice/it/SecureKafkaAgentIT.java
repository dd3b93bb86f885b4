package io.sluice.it;

import static io.sluice.it.SecureKafkaClients.client;
import static io.sluice.it.SecureKafkaClients.endOffset;
import static io.sluice.it.SecureKafkaClients.failure;
import static io.sluice.it.SecureKafkaClients.produce;
import static io.sluice.it.SecureKafkaClients.quick;
import static io.sluice.it.SluiceProcesses.freePort;
import static io.sluice.it.SluiceProcesses.tail;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball's packaged logs agent on a TLS + SCRAM broker, both started the way a user starts them:
 * {@code bin/sluice kafka --tls --scram-user NAME --scram-password-file FILE} and
 * {@code bin/sluice agent -n logs}, with the Kafka settings in the environment that
 * {@code conf/flume-env.sh} turns into the channels' {@code SASL_SSL} properties. Every line of the
 * bundled log reaches the events topic (the channels' producers), the reject reaches the dead-letter
 * file (the rejects channel's consumer), clients without credentials or with a wrong password are
 * refused, and the password appears in no file, output or command line.
 */
class SecureKafkaAgentIT {

  private static final String USER = "sluice-agent";
  private static final String PASSWORD = "agent \"secret\" \\ 42";
  private static final Pattern READY = Pattern.compile("sluice kafka: broker ready on (\\S+) \\(SASL_SSL,");
  private static final Duration STARTUP = Duration.ofMinutes(2);

  @TempDir
  static Path unpacked;

  private static Path HOME;

  @TempDir
  Path tmp;

  @RegisterExtension
  final SluiceProcesses sluice = new SluiceProcesses();

  @BeforeAll
  static void unpackTheTarball() throws Exception {
    HOME = Distribution.unpack(unpacked);
  }

  @BeforeEach
  void startProcessesFromTheTarball() {
    sluice.in(HOME, tmp);
  }

  @Test
  @Timeout(420)
  void packagedAgentDeliversOverSaslSslAndTheBrokerRefusesOtherClients() throws Exception {
    Path passwordFile = tmp.resolve("kafka-password");
    Files.createFile(passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(passwordFile, PASSWORD + "\n", StandardCharsets.UTF_8);
    Path data = tmp.resolve("kafka");
    Path kafkaOut = tmp.resolve("kafka.out");
    Process kafka = sluice.start(kafkaOut, Map.of(), "kafka", "--data", data.toString(),
        "--listen", "127.0.0.1:" + freePort(), "--controller-port", Integer.toString(freePort()),
        "--topics", "sluice-logs,sluice-logs-rejects", "--tls", "--scram-user", USER,
        "--scram-password-file", passwordFile.toString());
    String bootstrap = sluice.awaitLine(kafka, kafkaOut, READY, STARTUP);
    Path caPem = data.resolve("tls/ca.pem");

    Path rejects = tmp.resolve("rejects/logs");
    Path agentOut = tmp.resolve("agent.out");
    Process agent = sluice.start(agentOut, Map.of(
        "SLUICE_KAFKA_BOOTSTRAP", bootstrap,
        "SLUICE_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
        "SLUICE_KAFKA_TRUSTSTORE", caPem.toString(),
        "SLUICE_KAFKA_USER", USER,
        "SLUICE_KAFKA_PASSWORD_FILE", passwordFile.toString(),
        "SLUICE_LOGS_SINK_PORT", Integer.toString(freePort()),
        "SLUICE_REJECTS_DIR", rejects.toString(),
        "SLUICE_STATE_DIR", tmp.resolve("state").toString()),
        "agent", "-n", "logs", "-f", HOME.resolve("conf/agents/logs-agent.properties").toString());

    Path logsFile = HOME.resolve("samples/access_logs/elastic-examples_apache_logs.log");
    long lines = IndependentCounts.lines(logsFile).size();
    Properties client = client(bootstrap, caPem, USER, PASSWORD);
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    long events = 0;
    while ((events = endOffset(client, "sluice-logs")) < lines || !containsReject(rejects)) {
      assertThat(agent.isAlive()).as("agent alive; output:%n%s", tail(agentOut)).isTrue();
      assertThat(System.nanoTime()).as("%s of %s lines in sluice-logs within 3 min; agent output:%n%s", events, lines,
          tail(agentOut)).isLessThan(deadline);
      Thread.sleep(500);
    }
    assertThat(events).as("every line once in the events topic").isEqualTo(lines);
    assertThat(endOffset(client, "sluice-logs-rejects")).isEqualTo(1);

    assertThat(failure(() -> endOffset(client(bootstrap, caPem, USER, "wrong"), "sluice-logs")))
        .isInstanceOf(SaslAuthenticationException.class);
    assertThat(failure(() -> produce(client(bootstrap, caPem, USER, "wrong"))))
        .isInstanceOf(SaslAuthenticationException.class);
    Properties plaintext = quick(new Properties());
    plaintext.put("bootstrap.servers", bootstrap);
    assertThat(failure(() -> produce(plaintext))).as("a client without TLS and credentials")
        .isInstanceOf(TimeoutException.class);
    assertThat(endOffset(client, "sluice-logs")).as("nothing from the refused clients").isEqualTo(lines);

    // The password is in its file only (the broker keeps SCRAM's salted form).
    String escaped = PASSWORD.replace("\\", "\\\\").replace("\"", "\\\"");
    for (ProcessHandle h : Stream.concat(kafka.descendants(), agent.descendants()).toList()) {
      String commandLine = h.info().commandLine().orElse("");
      assertThat(commandLine).doesNotContain(PASSWORD).doesNotContain(escaped);
    }
    try (Stream<Path> files = Stream.concat(Files.walk(tmp), Files.walk(HOME.resolve("conf")))) {
      for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.equals(passwordFile)).toList()) {
        String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertThat(text).as(f.toString()).doesNotContain(PASSWORD).doesNotContain(escaped);
      }
    }
  }





  private static boolean containsReject(Path rejects) throws IOException {
    if (!Files.isDirectory(rejects)) {
      return false;
    }
    try (Stream<Path> files = Files.list(rejects)) {
      for (Path f : files.toList()) {
        if (Files.readString(f, StandardCharsets.ISO_8859_1).contains("rejectReason=unterminated-quote")) {
          return true;
        }
      }
    }
    return false;
  }


}
