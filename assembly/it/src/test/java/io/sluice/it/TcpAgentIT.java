package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball's {@code tcp} agent ({@code conf/agents/tcp-agent.properties}: Flume's own
 * {@code netcat} source, the static pipeline interceptor and the access-log interceptor, Kafka
 * channels), started as a user starts it ({@code bin/sluice kafka}, {@code bin/sluice agent -n tcp}).
 * The test sends real lines of the bundled access log over one TCP connection, reading the source's
 * {@code OK} after each, then reads the Kafka channel topics: every line is in {@code sluice-tcp}
 * exactly once, in order, as a Flume event whose body is the line (the channel writes Flume's Avro
 * event record, {@code parseAsFlumeEvent = true}: headers then body, so the record ends with the
 * line's bytes) with the headers {@code pipeline = logs}; the malformed line 8,899 is also in
 * {@code sluice-tcp-rejects} with its reject reason, and nothing else is.
 */
class TcpAgentIT {

  private static final Pattern READY = Pattern.compile("sluice kafka: broker ready on (\\S+) ");
  private static final Duration STARTUP = Duration.ofSeconds(90);
  /** Lines 8,800 to 8,999 of the bundled log: 200 real lines, the malformed 8,899 among them. */
  private static final int FROM = 8_799;
  private static final int COUNT = 200;

  @TempDir
  Path unpacked;

  @TempDir
  Path tmp;

  private final List<Process> started = new ArrayList<>();
  private Path home;

  @AfterEach
  void killEverything() throws InterruptedException {
    for (Process p : started) {
      Commands.killTree(p);
    }
  }

  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  void everyLineSentOverTcpIsInTheKafkaChannelTopicOnceInOrder() throws Exception {
    home = Distribution.unpack(unpacked);
    List<String> lines = Files.readAllLines(home.resolve("samples/access_logs/elastic-examples_apache_logs.log"),
        StandardCharsets.UTF_8).subList(FROM, FROM + COUNT);

    Path kafkaOut = tmp.resolve("kafka.out");
    Process kafka = sluice(kafkaOut, Map.of(), "kafka", "--data", tmp.resolve("kafka").toString(),
        "--listen", "127.0.0.1:" + freePort(), "--controller-port", Integer.toString(freePort()),
        "--topics", "sluice-tcp,sluice-tcp-rejects");
    String bootstrap = awaitReady(kafka, kafkaOut);
    int tcpPort = freePort();
    Path agentOut = tmp.resolve("agent.out");
    Process agent = sluice(agentOut, Map.of(
        "SLUICE_KAFKA_BOOTSTRAP", bootstrap,
        "SLUICE_TCP_PORT", Integer.toString(tcpPort),
        "SLUICE_TCP_SINK_PORT", Integer.toString(freePort()),
        "SLUICE_METRICS_PORT", "off",
        "SLUICE_REJECTS_DIR", tmp.resolve("rejects").toString(),
        "SLUICE_STATE_DIR", tmp.resolve("state").toString()),
        "agent", "-n", "tcp", "-f", home.resolve("conf/agents/tcp-agent.properties").toString());
    await("the netcat source listens on " + tcpPort, () -> listening(tcpPort), agent, agentOut);

    List<String> answers = new ArrayList<>();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", tcpPort), 5_000);
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      for (String line : lines) {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        answers.add(in.readLine());
      }
    }
    // OK: the channel committed the line (one transaction per line).
    assertThat(answers).hasSize(COUNT).containsOnly("OK");

    List<byte[]> events = readTopic(bootstrap, "sluice-tcp", COUNT);
    assertThat(events).hasSize(COUNT);
    for (int i = 0; i < COUNT; i++) {
      byte[] line = lines.get(i).getBytes(StandardCharsets.UTF_8);
      assertThat(endsWith(events.get(i), line)).as("record %d ends with line %d", i, FROM + i + 1).isTrue();
      assertThat(contains(events.get(i), "pipeline")).isTrue();
    }
    List<byte[]> rejects = readTopic(bootstrap, "sluice-tcp-rejects", 1);
    assertThat(rejects).hasSize(1);
    assertThat(endsWith(rejects.get(0), lines.get(8_898 - FROM).getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(contains(rejects.get(0), "unterminated-quote")).isTrue();
  }

  /**
   * Every record of partition 0 of {@code topic}, once its end offset reaches {@code expected}
   * (polling up to 30 s); the end offset is then checked to be exactly that.
   */
  private static List<byte[]> readTopic(String bootstrap, String topic, int expected) throws InterruptedException {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    TopicPartition tp = new TopicPartition(topic, 0);
    List<byte[]> values = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          values.add(r.value());
        }
      }
      // Nothing beyond: the topic holds exactly what was read.
      assertThat(consumer.endOffsets(List.of(tp)).get(tp)).as("end offset of %s", topic).isEqualTo(values.size());
    }
    return values;
  }

  private static boolean endsWith(byte[] record, byte[] suffix) {
    return record.length >= suffix.length
        && Arrays.equals(record, record.length - suffix.length, record.length, suffix, 0, suffix.length);
  }

  private static boolean contains(byte[] record, String text) {
    return new String(record, StandardCharsets.ISO_8859_1).contains(text);
  }

  private Process sluice(Path output, Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(home.resolve("bin/sluice").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile()).redirectErrorStream(true)
        .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().put("HOME", tmp.toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    started.add(p);
    return p;
  }

  private static void await(String what, BooleanSupplier condition, Process process, Path output)
      throws IOException, InterruptedException {
    long end = System.nanoTime() + STARTUP.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(process.isAlive()).as("%s: process alive; output:%n%s", what, tail(output)).isTrue();
      assertThat(System.nanoTime()).as("%s within %s s; output:%n%s", what, STARTUP.toSeconds(), tail(output))
          .isLessThan(end);
      Thread.sleep(200);
    }
  }

  private static String awaitReady(Process kafka, Path output) throws IOException, InterruptedException {
    long end = System.nanoTime() + STARTUP.toNanos();
    while (true) {
      Matcher m = READY.matcher(tail(output));
      if (m.find()) {
        return m.group(1);
      }
      assertThat(kafka.isAlive()).as("sluice kafka alive; output:%n%s", tail(output)).isTrue();
      assertThat(System.nanoTime()).as("sluice kafka ready within %s s; output:%n%s", STARTUP.toSeconds(),
          tail(output)).isLessThan(end);
      Thread.sleep(200);
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String tail(Path file) throws IOException {
    if (!Files.exists(file)) {
      return "";
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
    return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 60), lines.size()));
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
