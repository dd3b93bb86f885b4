package io.sluice.launcher.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.launcher.process.Net;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice kafka --tls --scram-user NAME --scram-password-file FILE}: a broker whose client
 * listener is SASL_SSL. Clients that trust its certificate and know the password produce and
 * consume; clients without credentials, with a wrong password, or without the truststore are
 * refused. The credential survives a {@code kill -9} and follows the password file.
 */
class SecureKafkaIT {

  private static final String USER = "sluice-agent";
  private static final String TOPIC = "secure-test";
  private static final int RECORDS = 200;
  private static final Duration STARTUP = Duration.ofSeconds(120);
  /** How long a refused client may take to fail. */
  private static final Duration REFUSAL = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  private Path home;
  private Path data;
  private Path passwordFile;
  private Path log;

  private List<String> start() throws Exception {
    home = SluiceKafkaProcess.home(dir);
    data = dir.resolve("kafka-data");
    log = dir.resolve("sluice-kafka.log");
    passwordFile = dir.resolve("kafka-password");
    Files.writeString(passwordFile, "first \"pass\\word\"\n", StandardCharsets.UTF_8);
    return List.of("--data", data.toString(), "--listen", Net.LOOPBACK + ":" + Net.freePort(),
        "--controller-port", Integer.toString(Net.freePort()), "--topics", TOPIC,
        "--tls", "--scram-user", USER, "--scram-password-file", passwordFile.toString());
  }

  /** What an agent's Kafka channel sets (flume-env.sh, agents/*.properties): SASL_SSL, PEM truststore, SCRAM. */
  private Properties client(String bootstrap, String user, String password) {
    Map<String, String> security = new HashMap<>(Map.of(
        "security.protocol", "SASL_SSL",
        "ssl.truststore.type", "PEM",
        "ssl.truststore.location", data.resolve("tls/ca.pem").toString(),
        "sasl.mechanism", "SCRAM-SHA-512"));
    if (user != null) {
      security.put("sasl.jaas.config", KafkaSecurityFiles.jaasConfig(user, password));
    }
    return quick(TestClients.props(bootstrap, security));
  }

  /** Short timeouts, so that a refused client fails within {@link #REFUSAL}. */
  private static Properties quick(Properties p) {
    p.put("max.block.ms", "10000");
    p.put("default.api.timeout.ms", "10000");
    p.put("request.timeout.ms", "10000");
    return p;
  }

  @Test
  @Timeout(300)
  void servesOnlyClientsThatTrustItsCertificateAndKnowThePassword() throws Exception {
    List<String> args = start();
    try (SluiceKafkaProcess kafka = SluiceKafkaProcess.start(home, log, args)) {
      SluiceKafkaProcess.Ready ready = kafka.awaitReady(STARTUP);
      assertThat(ready.protocol()).isEqualTo("SASL_SSL");
      String bootstrap = ready.bootstrap();

      Properties good = client(bootstrap, USER, "first \"pass\\word\"");
      TestClients.produce(good, TOPIC, TestClients.values(RECORDS));
      assertThat(TestClients.readAll(good, TOPIC, Duration.ofSeconds(60))).isEqualTo(TestClients.values(RECORDS));

      // Clients older than kafka-clients 2.7 (Spark 2.4's is 2.0) read PKCS12 truststores, not PEM.
      Properties pkcs12 = client(bootstrap, USER, "first \"pass\\word\"");
      pkcs12.put("ssl.truststore.type", "PKCS12");
      pkcs12.put("ssl.truststore.location", data.resolve("tls/truststore.p12").toString());
      pkcs12.put("ssl.truststore.password", KafkaSecurityFiles.readSecret(data.resolve("tls/truststore.password")));
      assertThat(TestClients.readAll(pkcs12, TOPIC, Duration.ofSeconds(60))).isEqualTo(TestClients.values(RECORDS));

      assertRefused(client(bootstrap, USER, "wrong"), SaslAuthenticationException.class);
      assertRefused(client(bootstrap, "nobody", "first \"pass\\word\""), SaslAuthenticationException.class);
      // Right password, but the JDK's default trust: the client does not accept the broker's certificate.
      Properties untrusting = client(bootstrap, USER, "first \"pass\\word\"");
      untrusting.remove("ssl.truststore.type");
      untrusting.remove("ssl.truststore.location");
      assertRefused(untrusting, SslAuthenticationException.class);
      // No credentials at all: a PLAINTEXT client. The broker closes every connection that does not
      // start with a TLS handshake, so the client never gets metadata.
      assertRefused(quick(TestClients.props(bootstrap, Map.of())), TimeoutException.class);

      assertThat(TestClients.readAll(good, TOPIC, Duration.ofSeconds(60))).as("nothing the refused clients sent")
          .isEqualTo(TestClients.values(RECORDS));
      assertNoSecretOutsideTheSecretsFile(List.of("first \"pass\\word\"", brokerPassword()));
    }
  }

  @Test
  @Timeout(300)
  void keepsDataAndCredentialAcrossKill9AndTakesTheNewPasswordFromItsFile() throws Exception {
    List<String> args = start();
    String clusterId;
    try (SluiceKafkaProcess kafka = SluiceKafkaProcess.start(home, log, args)) {
      SluiceKafkaProcess.Ready ready = kafka.awaitReady(STARTUP);
      clusterId = ready.clusterId();
      TestClients.produce(client(ready.bootstrap(), USER, "first \"pass\\word\""), TOPIC, TestClients.values(RECORDS));
      kafka.killBroker(Duration.ofSeconds(30));
    }
    Files.writeString(passwordFile, "second-password\n", StandardCharsets.UTF_8);
    try (SluiceKafkaProcess kafka = SluiceKafkaProcess.start(home, log, args)) {
      SluiceKafkaProcess.Ready ready = kafka.awaitReady(STARTUP);
      assertThat(ready.clusterId()).isEqualTo(clusterId);
      assertThat(kafka.output()).doesNotContain("Formatting metadata directory");
      Properties renewed = client(ready.bootstrap(), USER, "second-password");
      assertThat(TestClients.clusterId(renewed)).isEqualTo(clusterId);
      assertThat(TestClients.readAll(renewed, TOPIC, Duration.ofSeconds(60))).isEqualTo(TestClients.values(RECORDS));
      assertRefused(client(ready.bootstrap(), USER, "first \"pass\\word\""), SaslAuthenticationException.class);
    }
  }

  private static void assertRefused(Properties client, Class<? extends Throwable> expected) {
    long t0 = System.nanoTime();
    Throwable produced = TestClients.failure(() -> TestClients.produce(client, TOPIC, List.of("must-not-arrive")));
    assertThat(produced).as("producer").isInstanceOf(expected);
    Throwable consumed = TestClients.failure(() -> TestClients.readAll(client, TOPIC, Duration.ofSeconds(10)));
    assertThat(consumed).as("consumer").isInstanceOf(expected);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(REFUSAL.multipliedBy(2));
  }

  private String brokerPassword() throws Exception {
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(data.resolve("tls/broker-secrets.properties"))) {
      p.load(in);
    }
    return p.getProperty("broker.password");
  }

  /** The passwords are in the secrets file (mode 0600) and nowhere else: not in server.properties, not in the output. */
  private void assertNoSecretOutsideTheSecretsFile(List<String> secrets) throws Exception {
    Path secretsFile = data.resolve("tls/broker-secrets.properties");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secretsFile))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("tls")))).isEqualTo("rwx------");
    assertThat(Files.readString(data.resolve("server.properties"))).contains("${file:" + secretsFile);
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.equals(secretsFile) && !f.equals(passwordFile))
          .filter(f -> f.toString().endsWith(".properties") || f.toString().endsWith(".log") || f.toString().endsWith(".args"))
          .toList()) {
        String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        for (String secret : secrets) {
          assertThat(text).as(f.toString()).doesNotContain(secret);
        }
      }
    }
  }
}
