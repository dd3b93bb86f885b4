package io.sluice.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A real single-node Kafka 3.9 broker (KRaft, broker and controller in one process) for tests, in a
 * JVM of its own: the broker is Scala 2.13 and cannot share the Spark test JVM (Scala 2.11). Runs
 * from the jars {@code assembly/kafka-runtime} copies to its {@code target/lib} (system property
 * {@code sluice.kafka.lib}, set by surefire). Kafka cannot bind port 0 and report it back, so the
 * ports are free ports picked just before the start. Talks to the broker with the test JVM's
 * kafka-clients 2.0 (the version Spark's Kafka integration runs on).
 */
final class KafkaBroker implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private final Process process;
  private final String bootstrap;
  private final Path log;

  private KafkaBroker(Process process, String bootstrap, Path log) {
    this.process = process;
    this.bootstrap = bootstrap;
    this.log = log;
  }

  static KafkaBroker start(Path dir) throws IOException, InterruptedException {
    Path lib = Paths.get(System.getProperty("sluice.kafka.lib", "assembly/kafka-runtime/target/lib"));
    if (!Files.isDirectory(lib) || !Files.exists(lib.resolve("kafka_2.13-3.9.2.jar"))) {
      throw new IllegalStateException("Kafka broker jars missing in " + lib
          + ": build them with mvn -pl assembly/kafka-runtime package (the reactor does so before this module)");
    }
    int brokerPort = freePort();
    int controllerPort = freePort();
    Files.createDirectories(dir);
    Path config = dir.resolve("server.properties");
    Files.writeString(config, String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPort,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs=" + dir.resolve("data"),
        "num.partitions=1",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        ""), StandardCharsets.UTF_8);
    Path log4j = dir.resolve("log4j.properties");
    Files.writeString(log4j, "log4j.rootLogger=WARN, stderr\n"
        + "log4j.appender.stderr=org.apache.log4j.ConsoleAppender\n"
        + "log4j.appender.stderr.target=System.err\n"
        + "log4j.appender.stderr.layout=org.apache.log4j.PatternLayout\n"
        + "log4j.appender.stderr.layout.ConversionPattern=%d %p %c{1}: %m%n\n", StandardCharsets.UTF_8);
    Path log = dir.resolve("kafka.log");
    List<String> java = List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-Dlog4j.configuration=" + log4j.toUri(), "-cp", lib + "/*");
    List<String> format = new ArrayList<>(java);
    format.addAll(List.of("kafka.tools.StorageTool", "format", "-t", randomClusterId(), "-c", config.toString()));
    Process formatting = new ProcessBuilder(format).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    if (!formatting.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || formatting.exitValue() != 0) {
      formatting.destroyForcibly();
      throw new IllegalStateException("kafka storage format failed; see " + log + ":\n" + tail(log));
    }
    List<String> server = new ArrayList<>(java);
    server.addAll(List.of("kafka.Kafka", config.toString()));
    Process p = new ProcessBuilder(server).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    KafkaBroker broker = new KafkaBroker(p, "127.0.0.1:" + brokerPort, log);
    try {
      broker.awaitReady(brokerPort);
    } catch (RuntimeException | InterruptedException e) {
      broker.close();
      throw e;
    }
    return broker;
  }

  private void awaitReady(int port) throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("kafka exited " + process.exitValue() + "; see " + log + ":\n" + tail(log));
      }
      if (accepts(port)) {
        try (AdminClient admin = admin()) {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception e) {
          // not ready yet
        }
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("kafka not ready within " + START_TIMEOUT + "; see " + log + ":\n" + tail(log));
  }

  String bootstrap() {
    return bootstrap;
  }

  AdminClient admin() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    return AdminClient.create(p);
  }

  /** Creates topics with one partition each. */
  void createTopics(String... topics) throws Exception {
    try (AdminClient admin = admin()) {
      List<NewTopic> list = new ArrayList<>();
      for (String t : topics) {
        list.add(new NewTopic(t, 1, (short) 1));
      }
      admin.createTopics(list).all().get(60, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A KRaft cluster id: 16 random bytes, URL-safe base64 without padding. */
  private static String randomClusterId() {
    UUID u = UUID.randomUUID();
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
