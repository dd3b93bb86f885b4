package io.sluice.flume.source.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.sluice.flume.source.SourceTestSupport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real MQTT broker for the tests: Debian's {@code mosquitto} (2.0, MQTT 5.0 / 3.1.1 / 3.1),
 * installed by {@code assembly/support/ensure-debian-packages.sh} when missing, started as a
 * process of its own on a free loopback port with its files under a test directory. Close it in a
 * {@code finally} (try-with-resources): {@link #close()} kills it ({@code kill -9}).
 *
 * <p>Mosquitto cannot report a port it chose itself, so the port is one the OS handed out to a
 * socket bound to port 0 and released just before; a start that loses the race is retried.
 */
public final class MosquittoBroker implements AutoCloseable {

  /** System property set by the build: the path of ensure-debian-packages.sh. */
  static final String ENSURE_PACKAGES = "sluice.ensure.debian.packages";
  private static final long START_TIMEOUT_MS = 10_000;

  private final Process process;
  private final int port;
  private final Path log;
  private String username;
  private byte[] password;

  private MosquittoBroker(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Same as {@code start(dir, extraConfig, true)}: anonymous clients allowed. */
  public static MosquittoBroker start(Path dir, String extraConfig)
      throws IOException, InterruptedException {
    return start(dir, extraConfig, true);
  }

  /** The credentials {@link #publish} connects with from now on. */
  public MosquittoBroker withCredentials(String user, String secret) {
    this.username = user;
    this.password = secret.getBytes(StandardCharsets.UTF_8);
    return this;
  }

  /**
   * Starts a broker with a plain TCP listener on 127.0.0.1.
   *
   * @param dir a directory of its own (configuration, log)
   * @param extraConfig further mosquitto.conf lines (e.g. a password_file), may be empty
   * @param anonymous whether clients without a user name may connect
   */
  public static MosquittoBroker start(Path dir, String extraConfig, boolean anonymous)
      throws IOException, InterruptedException {
    Path binary = ensureInstalled(dir);
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int port = SourceTestSupport.freePort();
      Path log = dir.resolve("mosquitto-" + port + ".log");
      Path conf = Files.writeString(dir.resolve("mosquitto-" + port + ".conf"),
          "# written by MosquittoBroker (tests)\n"
              // Started as root (CI), mosquitto would switch to user 'mosquitto' and could not
              // write under the test directory.
              + "user root\n"
              + "per_listener_settings false\n"
              + "allow_anonymous " + anonymous + "\n"
              + "log_dest file " + log + "\n"
              + "log_type error\nlog_type warning\nlog_type notice\nlog_type information\n"
              + "listener " + port + " 127.0.0.1\n"
              // Generous queues: a test publishes its whole input while a client is away.
              + "max_queued_messages 100000\n"
              + extraConfig);
      Process process = new ProcessBuilder(binary.toString(), "-c", conf.toString())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
      process.getOutputStream().close();
      MosquittoBroker broker = new MosquittoBroker(process, port, log);
      if (broker.awaitListening()) {
        return broker;
      }
      last = new IOException("mosquitto did not listen on " + port + ": " + broker.logText());
      broker.close();
    }
    throw last;
  }

  /** The broker's {@code tcp://} URI. */
  public String uri() {
    return "tcp://127.0.0.1:" + port;
  }

  /** The plain TCP port. */
  public int port() {
    return port;
  }

  /** Its log, for failure messages. */
  public String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /**
   * Publishes each payload as an MQTT 5 message, in order, waiting for each acknowledgement.
   *
   * @param topic the topic
   * @param qos 0, 1 or 2
   * @param payloads the messages' payloads (UTF-8)
   * @param eventIds for each payload the value of the {@code eventId} user property, or null
   *     for none; null for no property at all
   */
  public void publish(String topic, int qos, List<String> payloads, List<String> eventIds) {
    Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5()
        .identifier("test-publisher-" + UUID.randomUUID()).serverHost("127.0.0.1")
        .serverPort(port).buildBlocking();
    if (username != null) {
      client.connectWith().simpleAuth().username(username).password(password).applySimpleAuth()
          .send();
    } else {
      client.connect();
    }
    try {
      for (int i = 0; i < payloads.size(); i++) {
        String id = eventIds == null ? null : eventIds.get(i);
        var publish = client.publishWith().topic(topic).qos(MqttQos.fromCode(qos))
            .payload(payloads.get(i).getBytes(StandardCharsets.UTF_8));
        if (id != null) {
          publish = publish.userProperties().add("eventId", id).applyUserProperties();
        }
        publish.send();
      }
    } finally {
      client.disconnect();
    }
  }

  /** {@code kill -9}, and waits until the process is gone. */
  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("mosquitto ended").isTrue();
  }

  private boolean awaitListening() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
    while (System.nanoTime() < deadline && process.isAlive()) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return true;
      } catch (IOException e) {
        Thread.sleep(20); // poll interval until the broker listens
      }
    }
    return false;
  }

  /** The mosquitto binary, installed with the project's helper when missing. */
  private static Path ensureInstalled(Path dir) throws IOException, InterruptedException {
    Path binary = Paths.get("/usr/sbin/mosquitto");
    if (Files.isExecutable(binary)) {
      return binary;
    }
    String script = System.getProperty(ENSURE_PACKAGES);
    assertThat(script).as("-D%s (set by the build)", ENSURE_PACKAGES).isNotBlank();
    Path log = dir.resolve("ensure-mosquitto.log");
    Process p = new ProcessBuilder("bash", script, "mosquitto").redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    try {
      p.getOutputStream().close();
      boolean finished = p.waitFor(10, TimeUnit.MINUTES);
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(finished).as("package install finished: %s", output).isTrue();
      assertThat(p.exitValue()).as("ensure-debian-packages.sh mosquitto: %s", output).isZero();
    } finally {
      p.destroyForcibly();
    }
    assertThat(binary).as("mosquitto installed").isExecutable();
    return binary;
  }
}
