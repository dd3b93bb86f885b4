package io.sluice.launcher.kafka;

import io.sluice.launcher.process.Net;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Where a single-node KRaft broker (broker and controller in one JVM) listens and keeps its data,
 * and how its client listener is secured.
 *
 * <p>The client listener is named after its protocol ({@code PLAINTEXT}, {@code SSL},
 * {@code SASL_SSL}) and is also the inter-broker listener. The controller listener
 * ({@code CONTROLLER}, PLAINTEXT) binds {@code listenHost}, or {@code 127.0.0.1} when the client
 * listener uses TLS, so that nothing unencrypted is reachable from the network.
 *
 * @param listenHost address the client listener (and, without TLS, the controller listener) binds to
 * @param port client listener port
 * @param controllerPort KRaft controller port
 * @param advertisedHost address clients are told to connect to; null or blank: {@code listenHost}
 * @param dataDir directory of server.properties, the log directory ({@code data/}) and, with TLS,
 *     the broker's keystore, truststores and secrets ({@code tls/})
 * @param security the client listener's security; null: {@link KafkaSecurity#NONE}
 */
public record KafkaSettings(String listenHost, int port, int controllerPort, String advertisedHost, Path dataDir,
    KafkaSecurity security) {

  public KafkaSettings {
    if (listenHost == null || listenHost.isBlank()) {
      throw new IllegalArgumentException("Kafka listen address must not be blank");
    }
    checkPort("broker", port);
    checkPort("controller", controllerPort);
    if (port == controllerPort) {
      throw new IllegalArgumentException("Kafka broker and controller ports must differ (both " + port + ")");
    }
    if (advertisedHost == null || advertisedHost.isBlank()) {
      advertisedHost = listenHost;
    }
    dataDir = dataDir.toAbsolutePath().normalize();
    if (security == null) {
      security = KafkaSecurity.NONE;
    }
  }

  /** A PLAINTEXT broker. */
  public KafkaSettings(String listenHost, int port, int controllerPort, String advertisedHost, Path dataDir) {
    this(listenHost, port, controllerPort, advertisedHost, dataDir, KafkaSecurity.NONE);
  }

  /**
   * A PLAINTEXT broker on loopback keeping its data in {@code dataDir}: on the ports of the
   * {@code server.properties} a previous start left there (clients configured with that address
   * reconnect to a restarted broker), else on ports free now.
   */
  public static KafkaSettings loopback(Path dataDir) {
    int[] previous = previousPorts(dataDir.resolve("server.properties"));
    if (previous != null) {
      return new KafkaSettings(Net.LOOPBACK, previous[0], previous[1], Net.LOOPBACK, dataDir);
    }
    return new KafkaSettings(Net.LOOPBACK, Net.freePort(), Net.freePort(), Net.LOOPBACK, dataDir);
  }

  /** Client and controller ports of the {@code listeners} in {@code serverProperties}, or null. */
  static int[] previousPorts(Path serverProperties) {
    Properties p = readProperties(serverProperties);
    if (p == null) {
      return null;
    }
    int client = -1;
    int controller = -1;
    for (String listener : p.getProperty("listeners", "").split(",")) {
      int colon = listener.lastIndexOf(':');
      if (colon < 0) {
        continue;
      }
      try {
        int port = Integer.parseInt(listener.substring(colon + 1).trim());
        if (listener.trim().startsWith("CONTROLLER://")) {
          controller = port;
        } else {
          client = port;
        }
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return client > 0 && controller > 0 && client != controller ? new int[] {client, controller} : null;
  }

  /** The {@code advertised.listeners} of the {@code server.properties} of a previous start, or null. */
  public static String previousAdvertisedListeners(Path dataDir) {
    Properties p = readProperties(dataDir.resolve("server.properties"));
    return p == null ? null : p.getProperty("advertised.listeners");
  }

  private static Properties readProperties(Path file) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
      return p;
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  private static void checkPort(String what, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("Kafka " + what + " port must be in 1-65535, not " + port);
    }
  }

  /** {@code host:port} clients bootstrap from. */
  public String bootstrap() {
    return advertisedHost + ":" + port;
  }

  /** The broker's log directory ({@code log.dirs}), where {@code meta.properties} says it is formatted. */
  public Path logDir() {
    return dataDir.resolve("data");
  }

  /** The files of the TLS listener (keystore, truststores, the broker's secrets). */
  public KafkaSecurityFiles securityFiles() {
    return new KafkaSecurityFiles(this);
  }

  /** The broker's {@code server.properties}: no secret in it, only references to {@link KafkaSecurityFiles#secrets()}. */
  String serverProperties() {
    String client = security.protocol();
    String controllerHost = security.tls() ? Net.LOOPBACK : listenHost;
    List<String> lines = new ArrayList<>(List.of(
        "# Written by bin/sluice kafka at every start.",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@" + controllerHost + ":" + controllerPort,
        "listeners=" + client + "://" + listenHost + ":" + port + ",CONTROLLER://" + controllerHost + ":" + controllerPort,
        "advertised.listeners=" + client + "://" + advertisedHost + ":" + port,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=" + client,
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT," + client + ":" + client,
        "log.dirs=" + logDir(),
        "num.partitions=1",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "group.initial.rebalance.delay.ms=0"));
    if (security.tls()) {
      KafkaSecurityFiles files = securityFiles();
      String secrets = files.secrets().toString();
      lines.addAll(List.of(
          "# Secrets are read from " + secrets + " (mode 0600) by Kafka's FileConfigProvider.",
          "config.providers=file",
          "config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider",
          "ssl.keystore.type=PKCS12",
          "ssl.keystore.location=" + files.keystore(),
          "ssl.keystore.password=${file:" + secrets + ":" + KafkaSecurityFiles.KEYSTORE_PASSWORD + "}",
          "ssl.key.password=${file:" + secrets + ":" + KafkaSecurityFiles.KEYSTORE_PASSWORD + "}",
          "# The broker's own connections to its listener trust its certificate.",
          "ssl.truststore.type=PEM",
          "ssl.truststore.location=" + files.caPem()));
      if (security.scram()) {
        lines.addAll(List.of(
            "sasl.enabled.mechanisms=" + KafkaSecurity.SCRAM_MECHANISM,
            "sasl.mechanism.inter.broker.protocol=" + KafkaSecurity.SCRAM_MECHANISM,
            "listener.name.sasl_ssl." + KafkaSecurity.SCRAM_MECHANISM.toLowerCase(java.util.Locale.ROOT)
                + ".sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + KafkaSecurity.BROKER_USER + "\" password=\"${file:" + secrets + ":" + KafkaSecurityFiles.BROKER_PASSWORD
                + "}\";"));
      }
    }
    lines.add("");
    return String.join("\n", lines);
  }
}
