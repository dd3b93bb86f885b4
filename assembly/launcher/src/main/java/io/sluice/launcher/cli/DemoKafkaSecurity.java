package io.sluice.launcher.cli;

import io.sluice.launcher.kafka.KafkaSecurity;
import io.sluice.launcher.kafka.KafkaSecurityFiles;
import io.sluice.launcher.kafka.KafkaSettings;
import io.sluice.launcher.process.RunningParts;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The Kafka security of {@code sluice demo --kafka-tls}: a broker whose client listener is
 * {@code SASL_SSL} (SCRAM-SHA-512, TLS with the certificate {@code bin/sluice kafka --tls}
 * generates), one client user {@value #USER} for the agents and the Spark jobs, and its client
 * settings.
 *
 * <p>The user's password is random, written to {@code OUT/kafka-client/password} (directory 0700,
 * file 0600) and read from there only: it is never printed, never on a command line, never in
 * another file. The agents get it in their environment ({@code SLUICE_KAFKA_SASL_JAAS_CONFIG}, as
 * {@code conf/flume-env.sh} passes it); the Spark jobs' {@code --kafka-properties} file
 * ({@code OUT/kafka-client/spark-kafka.properties}) refers to it with {@code ${dir:...}}.
 */
public final class DemoKafkaSecurity {

  /** The SCRAM user of the demo's agents and jobs. */
  static final String USER = "sluice-demo";

  private final Path dir;

  private DemoKafkaSecurity(Path dir) {
    this.dir = dir;
  }

  /** Creates {@code OUT/kafka-client} (0700) with a new random password file (0600). */
  static DemoKafkaSecurity create(Path outDir) throws IOException {
    Path dir = outDir.resolve("kafka-client");
    RunningParts.deleteTree(dir);
    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    DemoKafkaSecurity security = new DemoKafkaSecurity(dir);
    Files.createFile(security.passwordFile(),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(security.passwordFile(), KafkaSecurityFiles.randomPassword() + "\n", StandardCharsets.UTF_8);
    return security;
  }

  /** The file holding {@value #USER}'s password, mode 0600. */
  Path passwordFile() {
    return dir.resolve("password");
  }

  /** The broker's security: TLS with a generated certificate, SCRAM user {@value #USER}. */
  KafkaSecurity brokerSecurity() {
    return new KafkaSecurity(true, null, null, USER, passwordFile());
  }

  /** A PLAINTEXT loopback broker's settings on {@code dataDir} with {@link #brokerSecurity()}. */
  KafkaSettings brokerSettings(Path dataDir) {
    KafkaSettings plain = KafkaSettings.loopback(dataDir);
    return new KafkaSettings(plain.listenHost(), plain.port(), plain.controllerPort(), plain.advertisedHost(),
        plain.dataDir(), brokerSecurity());
  }

  /**
   * The {@code ${env:SLUICE_KAFKA_...}} values of the agent files for {@code SASL_SSL}, as
   * {@code conf/flume-env.sh} derives them from {@code SLUICE_KAFKA_USER} and
   * {@code SLUICE_KAFKA_PASSWORD_FILE}: kafka-clients 3.9 on the agents trusts the broker's PEM
   * {@code ca.pem}.
   */
  Map<String, String> agentEnv(KafkaSettings broker) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SLUICE_KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
    env.put("SLUICE_KAFKA_TRUSTSTORE", broker.securityFiles().caPem().toString());
    env.put("SLUICE_KAFKA_TRUSTSTORE_TYPE", "PEM");
    env.put("SLUICE_KAFKA_SASL_MECHANISM", KafkaSecurity.SCRAM_MECHANISM);
    env.put("SLUICE_KAFKA_SASL_JAAS_CONFIG",
        KafkaSecurityFiles.jaasConfig(USER, KafkaSecurityFiles.readSecret(passwordFile())));
    return env;
  }

  /**
   * Writes the Spark jobs' {@code --kafka-properties} file: PKCS12 {@code truststore.p12} (Spark
   * 2.4's kafka-clients 2.0 reads no PEM) and every password as a {@code ${dir:...}} reference.
   */
  Path writeSparkProperties(KafkaSettings broker) throws IOException {
    KafkaSecurityFiles files = broker.securityFiles();
    Properties p = new Properties();
    p.setProperty("security.protocol", "SASL_SSL");
    p.setProperty("ssl.truststore.type", "PKCS12");
    p.setProperty("ssl.truststore.location", files.truststore().toString());
    p.setProperty("ssl.truststore.password", dirReference(files.truststorePasswordFile()));
    p.setProperty("sasl.mechanism", KafkaSecurity.SCRAM_MECHANISM);
    p.setProperty("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + USER + "\" password=\"" + dirReference(passwordFile()) + "\";");
    Path file = dir.resolve("spark-kafka.properties");
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(out, "Kafka client settings of the demo's Spark jobs (sluice demo --kafka-tls); passwords by reference only");
    }
    return file;
  }

  /** {@code ${dir:DIR:FILE}}: the whole content of {@code file}, trailing line breaks dropped. */
  private static String dirReference(Path file) {
    return "${dir:" + file.getParent() + ":" + file.getFileName() + "}";
  }
}
