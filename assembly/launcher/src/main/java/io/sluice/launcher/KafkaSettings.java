package io.sluice.launcher;

import java.nio.file.Path;

/**
 * Where a single-node KRaft broker (broker and controller in one JVM) listens and keeps its data.
 *
 * @param listenHost address the broker and controller listeners bind to
 * @param port broker (PLAINTEXT) port
 * @param controllerPort KRaft controller port, on the same address
 * @param advertisedHost address clients are told to connect to
 * @param dataDir directory of server.properties and the log directory ({@code data/})
 */
public record KafkaSettings(String listenHost, int port, int controllerPort, String advertisedHost, Path dataDir) {

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

  /** The broker's {@code server.properties}. */
  String serverProperties() {
    return String.join("\n",
        "# Written by bin/sluice kafka at every start.",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@" + listenHost + ":" + controllerPort,
        "listeners=PLAINTEXT://" + listenHost + ":" + port + ",CONTROLLER://" + listenHost + ":" + controllerPort,
        "advertised.listeners=PLAINTEXT://" + advertisedHost + ":" + port,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs=" + dataDir.resolve("data"),
        "num.partitions=1",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "");
  }
}
