package io.sluice.launcher.kafka;

import io.sluice.launcher.LaunchException;
import io.sluice.launcher.SluiceHome;
import io.sluice.launcher.process.Deadline;
import io.sluice.launcher.process.Jvm;
import io.sluice.launcher.process.ManagedProcess;
import io.sluice.launcher.process.Net;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A single-node Kafka broker in KRaft mode (broker and controller in one JVM), started from the
 * Kafka 3.9 jars in {@code lib/kafka}, data in a directory of its own: on loopback ports picked at
 * the first start for the demo, or where {@link KafkaSettings} say ({@code sluice kafka}).
 *
 * <p>Start-up follows Kafka's KRaft quick start: {@code kafka.tools.StorageTool format} with a fresh
 * cluster id, then {@code kafka.Kafka server.properties}. A directory formatted already (its log
 * directory holds {@code meta.properties}) is not formatted again: the broker restarts on its data
 * and keeps its cluster id, after a clean stop as after a crash. (Formatting it again, even with
 * {@code --ignore-formatted}, fails: Kafka checks the new cluster id against the stored one first.)
 *
 * <p>With {@link KafkaSecurity#tls()} the client listener speaks TLS ({@link KafkaSecurityFiles});
 * with {@link KafkaSecurity#scram()} clients authenticate with SCRAM-SHA-512. The broker's own
 * user {@value KafkaSecurity#BROKER_USER} is created when the storage is formatted
 * ({@code --add-scram}, passed in a java argument file of mode 0600 that is deleted right after,
 * never on a command line); the clients' user is then created, or updated to its password file, at
 * every start through the admin API, before the broker is reported ready.
 */
public final class LocalKafka implements AutoCloseable {

  /** SCRAM iterations of the credentials the launcher creates (Kafka's minimum for SHA-512 is 4,096). */
  static final int SCRAM_ITERATIONS = 8192;

  private final ManagedProcess process;
  private final KafkaSettings settings;
  private final String clusterId;
  private final Map<String, String> clientSecurity;

  private LocalKafka(ManagedProcess process, KafkaSettings settings, String clusterId, Map<String, String> clientSecurity) {
    this.process = process;
    this.settings = settings;
    this.clusterId = clusterId;
    this.clientSecurity = clientSecurity;
  }

  /**
   * Starts a PLAINTEXT broker on loopback keeping its data in {@code dataDir}, formatting it first
   * if it is not yet: on the ports of its previous start when there was one (clients reconnect to
   * the same address), else on ports free now ({@link KafkaSettings#loopback}). Returns once it
   * answers metadata requests. Output goes to {@code logDir/kafka.log}.
   *
   * @throws LaunchException when formatting fails or the broker is not ready within {@code timeout}
   */
  public static LocalKafka start(SluiceHome home, Path dataDir, Path logDir, Duration timeout)
      throws IOException, InterruptedException {
    return start(home, KafkaSettings.loopback(dataDir), logDir.resolve("kafka.log"), timeout);
  }

  /**
   * Formats the storage of {@code settings.dataDir()} unless already formatted (a restart keeps its
   * data and cluster id), prepares the TLS files if asked, starts the broker and returns once it
   * answers metadata requests and its SCRAM user (if any) is set.
   *
   * @param log file of the broker's output, or null for the launcher's console
   * @throws LaunchException when formatting fails or the broker is not ready within {@code timeout}
   */
  public static LocalKafka start(SluiceHome home, KafkaSettings settings, Path log, Duration timeout)
      throws IOException, InterruptedException {
    Path dataDir = settings.dataDir();
    Files.createDirectories(dataDir);
    Path meta = settings.logDir().resolve("meta.properties");
    boolean formatted = Files.isRegularFile(meta);
    KafkaSecurity security = settings.security();
    KafkaSecurityFiles files = settings.securityFiles();
    if (security.tls()) {
      files.prepare(formatted, log, timeout);
    }
    Path config = dataDir.resolve("server.properties");
    Files.writeString(config, settings.serverProperties(), StandardCharsets.UTF_8);

    List<String> java = javaCommand(home);
    String clusterId;
    if (formatted) {
      clusterId = storedClusterId(meta);
    } else {
      clusterId = Uuid.randomUuid().toString();
      format(java, settings, clusterId, files, log, timeout);
    }

    List<String> server = new ArrayList<>(java);
    server.addAll(List.of("kafka.Kafka", config.toString()));
    ManagedProcess p = ManagedProcess.start("kafka", server, Map.of(), dataDir, log);
    LocalKafka kafka = new LocalKafka(p, settings, clusterId, security.tls() ? files.adminClientSettings() : Map.of());
    try {
      Deadline.await(kafka::answersMetadata, p::isAlive, timeout, Duration.ofMillis(250),
          () -> "Kafka broker did not start" + (p.isAlive() ? " within " + timeout.toSeconds() + " s" : " (exit " + p.exitValue() + ")")
              + (log == null ? "" : "; see " + log + System.lineSeparator() + p.logTail(15)));
      if (security.scram()) {
        kafka.upsertScramUser(security.scramUser(), files.scramUserPassword(), timeout);
      }
    } catch (RuntimeException | InterruptedException | IOException e) {
      kafka.close();
      throw e;
    }
    return kafka;
  }

  private static void format(List<String> java, KafkaSettings settings, String clusterId, KafkaSecurityFiles files,
      Path log, Duration timeout) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("kafka.tools.StorageTool", "format",
        "-t", clusterId, "-c", settings.dataDir().resolve("server.properties").toString()));
    Path argFile = null;
    List<String> format = new ArrayList<>(java);
    try {
      if (settings.security().scram()) {
        args.addAll(List.of("--add-scram", KafkaSecurity.SCRAM_MECHANISM + "=[name=" + KafkaSecurity.BROKER_USER
            + ",password=" + files.brokerPassword() + "]"));
        // The password stays off every command line: the JVM reads the main class and its arguments
        // from this file (java's @argfiles), readable by the owner only.
        argFile = files.dir().resolve("format.args");
        Files.deleteIfExists(argFile);
        Files.createFile(argFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(argFile, argFileContent(args), StandardCharsets.UTF_8);
        format.add("@" + argFile);
      } else {
        format.addAll(args);
      }
      int rc = ManagedProcess.run("kafka storage format", format, settings.dataDir(), log, timeout);
      if (rc != 0) {
        throw new LaunchException("Kafka storage format failed (exit " + rc + ")" + (log == null ? "" : "; see " + log));
      }
    } finally {
      if (argFile != null) {
        Files.deleteIfExists(argFile);
      }
    }
  }

  /** A java argument file: one argument a line, each quoted ({@code \} and {@code "} escaped). */
  static String argFileContent(List<String> args) {
    StringBuilder sb = new StringBuilder();
    for (String a : args) {
      sb.append('"').append(a.replace("\\", "\\\\").replace("\"", "\\\"")).append('"').append('\n');
    }
    return sb.toString();
  }

  /** The {@code cluster.id} of a formatted log directory's {@code meta.properties}. */
  static String storedClusterId(Path meta) throws IOException {
    Properties p = new Properties();
    try (java.io.Reader in = Files.newBufferedReader(meta, StandardCharsets.UTF_8)) {
      p.load(in);
    }
    String id = p.getProperty("cluster.id");
    if (id == null || id.isBlank()) {
      throw new LaunchException(meta + " has no cluster.id: the Kafka storage is damaged");
    }
    return id.trim();
  }

  private static List<String> javaCommand(SluiceHome home) {
    return new ArrayList<>(List.of(Jvm.javaBinary(), "-Xms128m", "-Xmx512m",
        "-Dlog4j.configuration=file:" + home.conf().resolve("kafka-log4j.properties"),
        "-cp", home.kafkaClasspath()));
  }

  private Admin admin() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
    p.putAll(clientSecurity);
    return Admin.create(p);
  }

  private void upsertScramUser(String user, String password, Duration timeout) throws InterruptedException {
    try (Admin admin = admin()) {
      admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
          new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), password)))
          .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new LaunchException("cannot set the SCRAM credential of Kafka user " + user + ": " + e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new LaunchException("timed out setting the SCRAM credential of Kafka user " + user);
    }
  }

  private boolean answersMetadata() {
    if (!Net.isOpen(settings.advertisedHost(), settings.port())) {
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
    return settings.bootstrap();
  }

  /** Where the broker listens and keeps its data. */
  public KafkaSettings settings() {
    return settings;
  }

  /** The cluster id the storage was formatted with (kept across restarts). */
  public String clusterId() {
    return clusterId;
  }

  public ManagedProcess process() {
    return process;
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(15));
  }
}
