package io.sluice.launcher.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import io.sluice.launcher.LaunchException;
import io.sluice.launcher.SluiceHome;
import io.sluice.launcher.process.Deadline;
import io.sluice.launcher.process.ManagedProcess;
import io.sluice.launcher.process.ReplayLines;
import io.sluice.launcher.process.Net;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A local MQTT broker for {@code sluice demo --via mqtt}: Debian's {@code mosquitto} (2.0; MQTT 5.0,
 * 3.1.1), started as a child process listening on one loopback port, with its configuration and
 * log under the demo's output directory and no persistence (it lives as long as the demo). When
 * {@code mosquitto} is not installed, {@code SLUICE_HOME/libexec/ensure-debian-packages.sh mosquitto}
 * installs it (root or passwordless sudo); otherwise starting fails with a message saying what to
 * install.
 *
 * <p>The demo publishes through the HiveMQ MQTT client (MQTT 5), QoS 1: each line is a PUBLISH the
 * broker acknowledges (PUBACK) once it has queued it for every matching subscription. Sessions are
 * persistent: {@link #createSession} makes the broker hold a subscriber's session (Clean Start 0,
 * Session Expiry a day) before its agent connects, so what is published before the agent has
 * subscribed is queued for it rather than dropped. The queue per client is unbounded here
 * ({@code max_queued_messages 0}; mosquitto's default, 1,000, would drop the rest of a file
 * published faster than an agent reads it).
 */
public final class LocalMosquitto implements AutoCloseable {

  /** Where Debian installs the broker. */
  static final Path DEBIAN_BINARY = Path.of("/usr/sbin/mosquitto");
  /** How long a session the demo creates lasts without its client, in seconds. */
  static final long SESSION_EXPIRY_SECONDS = 86_400;
  /** The MQTT 5 user property carrying each line's event id (the MQTT agent's {@code eventIdProperty}). */
  public static final String EVENT_ID_PROPERTY = "eventId";

  private final ManagedProcess process;
  private final int port;

  private LocalMosquitto(ManagedProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts mosquitto on {@code 127.0.0.1:port}, with its files in {@code dir} and its log in {@code log}.
   *
   * @throws LaunchException when mosquitto is missing and cannot be installed, or does not listen within
   *     {@code timeout}
   */
  public static LocalMosquitto start(SluiceHome home, int port, Path dir, Path log, Duration timeout)
      throws IOException, InterruptedException {
    Path binary = ensureInstalled(home, log);
    Files.createDirectories(dir);
    Path conf = Files.writeString(dir.resolve("mosquitto.conf"),
        "# written by sluice demo --via mqtt\n"
            // As root mosquitto would switch to the user 'mosquitto', which cannot write here.
            + (isRoot() ? "user root\n" : "")
            + "per_listener_settings false\n"
            + "allow_anonymous true\n"
            + "listener " + port + " " + Net.LOOPBACK + "\n"
            + "persistence false\n"
            // No limit on a session's queue: the demo publishes whole files.
            + "max_queued_messages 0\n"
            + "log_dest stdout\n"
            + "log_type error\nlog_type warning\nlog_type notice\n", StandardCharsets.UTF_8);
    ManagedProcess p = ManagedProcess.start("mosquitto", List.of(binary.toString(), "-c", conf.toString()),
        java.util.Map.of(), dir, log);
    LocalMosquitto broker = new LocalMosquitto(p, port);
    try {
      Deadline.await(() -> Net.isOpen(Net.LOOPBACK, port), p::isAlive, timeout, Duration.ofMillis(100),
          () -> "mosquitto did not listen on " + Net.LOOPBACK + ":" + port
              + (p.isAlive() ? " within " + timeout.toSeconds() + " s" : " (exit " + p.exitValue() + ")")
              + "; see " + log + System.lineSeparator() + p.logTail(10));
    } catch (LaunchException | InterruptedException e) {
      broker.close();
      throw e;
    }
    return broker;
  }

  /** {@code tcp://127.0.0.1:PORT}. */
  public String uri() {
    return "tcp://" + Net.LOOPBACK + ":" + port;
  }

  /**
   * Creates (or keeps) the persistent session {@code clientId} subscribed to {@code topicFilter} at
   * QoS 1, then disconnects: from now on the broker queues for it every message published there,
   * until its client (the agent's source, same identifier) connects with Clean Start 0 and takes them.
   */
  public void createSession(String clientId, String topicFilter) {
    Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier(clientId)
        .serverHost(Net.LOOPBACK).serverPort(port).buildBlocking();
    client.connectWith().cleanStart(false).sessionExpiryInterval(SESSION_EXPIRY_SECONDS).send();
    try {
      client.subscribeWith().topicFilter(topicFilter).qos(MqttQos.AT_LEAST_ONCE).send();
    } finally {
      client.disconnect();
    }
  }

  /**
   * Publishes every line of {@code file} to {@code topic}, in order, QoS 1, each with the MQTT 5 user
   * property {@value #EVENT_ID_PROPERTY} = {@code <file name>:<1-based line number>}, the id the replay
   * source gives the same line; returns once the broker acknowledged every one. Lines are split as the
   * replay source splits them: on {@code '\n'}, one trailing {@code '\r'} removed, empty lines kept,
   * bytes never decoded.
   *
   * @param clientId the publisher's client identifier (a persistent session of its own)
   * @return the number of lines published
   * @throws LaunchException when the broker does not acknowledge them all within {@code timeout}
   */
  public long publishLines(Path file, String topic, String clientId, Duration timeout)
      throws IOException, InterruptedException {
    List<byte[]> lines = ReplayLines.split(Files.readAllBytes(file));
    String name = file.getFileName().toString();
    Mqtt5AsyncClient client = MqttClient.builder().useMqttVersion5().identifier(clientId)
        .serverHost(Net.LOOPBACK).serverPort(port).buildAsync();
    try {
      client.connectWith().cleanStart(false).sessionExpiryInterval(SESSION_EXPIRY_SECONDS).send()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      List<CompletableFuture<Mqtt5PublishResult>> acks = new ArrayList<>(lines.size());
      for (int i = 0; i < lines.size(); i++) {
        acks.add(client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(lines.get(i))
            .userProperties().add(EVENT_ID_PROPERTY, name + ":" + (i + 1)).applyUserProperties().send());
      }
      CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      for (CompletableFuture<Mqtt5PublishResult> ack : acks) {
        if (ack.get().getError().isPresent()) {
          throw new LaunchException("mosquitto refused a line of " + file + ": " + ack.get().getError().get());
        }
      }
      return lines.size();
    } catch (ExecutionException e) {
      throw new LaunchException("publishing " + file + " to mosquitto failed: " + e.getCause());
    } catch (TimeoutException e) {
      throw new LaunchException("mosquitto did not acknowledge every line of " + file + " within "
          + timeout.toSeconds() + " s");
    } finally {
      client.disconnect();
    }
  }

  /** The process, for its log and liveness. */
  public ManagedProcess process() {
    return process;
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(5));
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** The mosquitto binary, installed with the distribution's helper when missing. */
  private static Path ensureInstalled(SluiceHome home, Path log) throws IOException, InterruptedException {
    if (Files.isExecutable(DEBIAN_BINARY)) {
      return DEBIAN_BINARY;
    }
    Path script = home.root().resolve("libexec/ensure-debian-packages.sh");
    if (Files.isRegularFile(script)) {
      int rc = ManagedProcess.run("install mosquitto", List.of("bash", script.toString(), "mosquitto"),
          home.root(), log, Duration.ofMinutes(10));
      if (rc == 0 && Files.isExecutable(DEBIAN_BINARY)) {
        return DEBIAN_BINARY;
      }
    }
    throw new LaunchException("mosquitto (the MQTT broker of --via mqtt) is not installed and could not be"
        + " installed (needs root or passwordless sudo): apt-get install mosquitto; see " + log);
  }
}
