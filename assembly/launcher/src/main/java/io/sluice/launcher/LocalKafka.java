package io.sluice.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A single-node Kafka broker in KRaft mode (broker and controller in one JVM), started from the
 * Kafka 3.9 jars in {@code lib/kafka}, data in a directory of its own: on loopback ports picked at
 * start for the demo, or where {@link KafkaSettings} say ({@code sluice kafka}).
 *
 * <p>Start-up follows Kafka's KRaft quick start: {@code kafka.tools.StorageTool format} with a fresh
 * cluster id (skipped by {@code --ignore-formatted} when the directory holds a broker already), then
 * {@code kafka.Kafka server.properties}.
 */
public final class LocalKafka implements AutoCloseable {

  private final ManagedProcess process;
  private final String bootstrap;

  private LocalKafka(ManagedProcess process, String bootstrap) {
    this.process = process;
    this.bootstrap = bootstrap;
  }

  /**
   * Formats {@code dataDir} and starts the broker on loopback ports picked now; returns once it
   * answers metadata requests. Output goes to {@code logDir/kafka.log}.
   *
   * @throws LaunchException when formatting fails or the broker is not ready within {@code timeout}
   */
  public static LocalKafka start(SluiceHome home, Path dataDir, Path logDir, Duration timeout)
      throws IOException, InterruptedException {
    KafkaSettings settings = new KafkaSettings(Net.LOOPBACK, Net.freePort(), Net.freePort(), Net.LOOPBACK, dataDir);
    return start(home, settings, logDir.resolve("kafka.log"), timeout);
  }

  /**
   * Formats the storage of {@code settings.dataDir()} unless already formatted (a restart keeps its
   * data), starts the broker and returns once it answers metadata requests.
   *
   * @param log file of the broker's output, or null for the launcher's console
   * @throws LaunchException when formatting fails or the broker is not ready within {@code timeout}
   */
  public static LocalKafka start(SluiceHome home, KafkaSettings settings, Path log, Duration timeout)
      throws IOException, InterruptedException {
    Path dataDir = settings.dataDir();
    Files.createDirectories(dataDir);
    Path config = dataDir.resolve("server.properties");
    Files.writeString(config, settings.serverProperties(), StandardCharsets.UTF_8);

    List<String> java = javaCommand(home);
    List<String> format = new ArrayList<>(java);
    format.addAll(List.of("kafka.tools.StorageTool", "format", "--ignore-formatted",
        "-t", Uuid.randomUuid().toString(), "-c", config.toString()));
    int rc = ManagedProcess.run("kafka storage format", format, dataDir, log, timeout);
    if (rc != 0) {
      throw new LaunchException("Kafka storage format failed (exit " + rc + ")" + (log == null ? "" : "; see " + log));
    }

    List<String> server = new ArrayList<>(java);
    server.addAll(List.of("kafka.Kafka", config.toString()));
    ManagedProcess p = ManagedProcess.start("kafka", server, Map.of(), dataDir, log);
    LocalKafka kafka = new LocalKafka(p, settings.bootstrap());
    try {
      Deadline.await(kafka::answersMetadata, p::isAlive, timeout, Duration.ofMillis(250),
          () -> "Kafka broker did not start" + (p.isAlive() ? " within " + timeout.toSeconds() + " s" : " (exit " + p.exitValue() + ")")
              + (log == null ? "" : "; see " + log + System.lineSeparator() + p.logTail(15)));
    } catch (RuntimeException | InterruptedException e) {
      kafka.close();
      throw e;
    }
    return kafka;
  }

  private static List<String> javaCommand(SluiceHome home) {
    return new ArrayList<>(List.of(Jvm.javaBinary(), "-Xms128m", "-Xmx512m",
        "-Dlog4j.configuration=file:" + home.conf().resolve("kafka-log4j.properties"),
        "-cp", home.kafkaClasspath()));
  }

  private Admin admin() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
    return Admin.create(p);
  }

  private boolean answersMetadata() {
    int colon = bootstrap.lastIndexOf(':');
    if (!Net.isOpen(bootstrap.substring(0, colon), Integer.parseInt(bootstrap.substring(colon + 1)))) {
      return false;
    }
    try (Admin admin = admin()) {
      return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
    } catch (Exception e) {
      return false;
    }
  }

  /** Creates each topic with one partition and replication factor 1; existing topics are kept. */
  public void createTopics(List<String> topics) throws InterruptedException {
    try (Admin admin = admin()) {
      for (String topic : topics) {
        try {
          admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new LaunchException("cannot create Kafka topic " + topic + ": " + e.getCause());
          }
        } catch (java.util.concurrent.TimeoutException e) {
          throw new LaunchException("timed out creating Kafka topic " + topic);
        }
      }
    }
  }

  public String bootstrap() {
    return bootstrap;
  }

  public ManagedProcess process() {
    return process;
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(15));
  }
}
