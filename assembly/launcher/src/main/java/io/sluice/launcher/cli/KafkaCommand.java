package io.sluice.launcher.cli;

import io.sluice.launcher.LaunchException;
import io.sluice.launcher.SluiceHome;
import io.sluice.launcher.kafka.KafkaSecurity;
import io.sluice.launcher.kafka.KafkaSecurityFiles;
import io.sluice.launcher.kafka.KafkaSettings;
import io.sluice.launcher.kafka.LocalKafka;
import io.sluice.launcher.process.Foreground;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sluice kafka}: a single-node Kafka 3.9 broker in KRaft mode (broker and controller in one
 * JVM) in the foreground, from {@code lib/kafka}. Formats the data directory on first start only: a
 * restart (after a clean stop or a crash, e.g. by systemd's {@code Restart=}) keeps the data and the
 * cluster id. Run it again with the same {@code --listen} / {@code --advertise} so that clients find
 * it where they were told to. Creates the given topics once the broker answers, then runs until
 * stopped (SIGTERM, Ctrl-C). Output goes to stdout.
 *
 * <p>{@code --tls} serves clients over TLS (and {@code --scram-user} adds SASL/SCRAM-SHA-512
 * authentication): see {@link KafkaSecurity} and {@link KafkaSecurityFiles} for the files under
 * {@code DATA/tls} and {@code docs/running.md} for the clients' settings.
 */
@Command(name = "kafka", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Run a single-node Kafka 3.9 broker (KRaft: broker and controller in one JVM) in the foreground."
        + " The data directory is formatted at the first start only: a restart keeps its data and cluster id.",
    footer = {"", "Examples:", "  sluice kafka --data /var/lib/sluice/kafka --listen 10.0.0.1:9092 --topics sluice-logs,sluice-tweets",
        "  sluice kafka --data /var/lib/sluice/kafka --listen 10.0.0.1:9092 --tls \\",
        "      --scram-user sluice --scram-password-file /etc/sluice/kafka-password"})
public final class KafkaCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", paramLabel = "DIR", defaultValue = "kafka-data",
      description = "Data directory: server.properties and the log directory (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9092",
      description = "Address of the broker's client listener (PLAINTEXT, or SSL / SASL_SSL with --tls) (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--controller-port", paramLabel = "PORT", defaultValue = "9093",
      description = "Port of the KRaft controller listener (PLAINTEXT), on the --listen address, or on 127.0.0.1 with --tls (default: ${DEFAULT-VALUE}).")
  int controllerPort;

  @Option(names = "--advertise", paramLabel = "HOST",
      description = "Address clients are told to connect to (default: the --listen address).")
  String advertise;

  @Option(names = "--topics", paramLabel = "TOPIC", split = ",", splitSynopsisLabel = ",",
      description = "Topics to create once the broker is up (1 partition, replication 1); existing topics are kept.")
  List<String> topics = new ArrayList<>();

  @Option(names = "--tls",
      description = "Serve clients over TLS (security protocol SSL, or SASL_SSL with --scram-user) instead of PLAINTEXT."
          + " Unless --tls-keystore is given, a self-signed certificate for the advertised address (EC P-256, valid "
          + KafkaSecurityFiles.CERTIFICATE_VALIDITY_DAYS + " days) is generated with keytool at the first start into DIR/tls/keystore.p12;"
          + " clients trust DIR/tls/ca.pem (PEM) or DIR/tls/truststore.p12 (PKCS12, password in DIR/tls/truststore.password)"
          + " (default: off).")
  boolean tls;

  @Option(names = "--tls-keystore", paramLabel = "FILE",
      description = "PKCS12 or JKS keystore with the broker's key and certificate chain (key password = store password), instead of a generated one.")
  Path tlsKeystore;

  @Option(names = "--tls-keystore-password-file", paramLabel = "FILE",
      description = "File holding the --tls-keystore password (trailing line breaks ignored).")
  Path tlsKeystorePasswordFile;

  @Option(names = "--scram-user", paramLabel = "NAME",
      description = "With --tls: clients authenticate with SASL/SCRAM-SHA-512 as this user (letters, digits, . _ -);"
          + " its credential is created, or updated to the password file's content, at every start (default: no SASL).")
  String scramUser;

  @Option(names = "--scram-password-file", paramLabel = "FILE",
      description = "File holding the --scram-user password (trailing line breaks ignored); never pass the password itself.")
  Path scramPasswordFile;

  @Option(names = "--startup-timeout", paramLabel = "SECONDS", defaultValue = "120",
      description = "Time the broker gets to answer (default: ${DEFAULT-VALUE}).")
  long startupTimeoutSeconds;

  private KafkaSecurity security() {
    try {
      return new KafkaSecurity(tls, tlsKeystore, tlsKeystorePasswordFile, scramUser, scramPasswordFile);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  @Override
  public Integer call() throws Exception {
    SluiceHome home = SluiceHome.fromSystemProperty();
    KafkaSettings settings;
    try {
      int colon = listen.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("expected HOST:PORT");
      }
      settings = new KafkaSettings(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1)),
          controllerPort, advertise, data, security());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--listen " + listen + ": " + e.getMessage());
    }
    String previous = KafkaSettings.previousAdvertisedListeners(settings.dataDir());
    String now = settings.security().protocol() + "://" + settings.bootstrap();
    if (previous != null && !previous.equals(now)) {
      System.err.printf("sluice kafka: note: the previous start advertised %s, this one %s: clients configured with the old"
          + " address must be told the new one%n", previous, now);
    }
    LocalKafka kafka;
    try {
      kafka = LocalKafka.start(home, settings, null, Duration.ofSeconds(startupTimeoutSeconds));
    } catch (LaunchException e) {
      System.err.println("sluice kafka failed: " + e.getMessage());
      return 1;
    }
    try {
      kafka.createTopics(topics);
    } catch (LaunchException e) {
      System.err.println("sluice kafka failed: " + e.getMessage());
      kafka.close();
      return 1;
    }
    System.out.printf("sluice kafka: broker ready on %s (%s, cluster id %s, data %s)%s%n", settings.bootstrap(),
        settings.security().protocol(), kafka.clusterId(), settings.dataDir(),
        topics.isEmpty() ? "" : ", topics " + String.join(",", topics));
    if (settings.security().tls()) {
      KafkaSecurityFiles files = settings.securityFiles();
      System.out.printf("sluice kafka: clients: security.protocol=%s, ssl.truststore.type=PEM ssl.truststore.location=%s"
          + " (or PKCS12 %s, password in %s)%s%n", settings.security().protocol(), files.caPem(), files.truststore(),
          files.truststorePasswordFile(), settings.security().scram()
              ? ", sasl.mechanism=" + KafkaSecurity.SCRAM_MECHANISM + " as user " + settings.security().scramUser() : "");
    }
    System.out.flush();
    return Foreground.run(kafka.process(), Duration.ofSeconds(20));
  }
}
