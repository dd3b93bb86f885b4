package io.sluice.spark.input.flume;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.flume.source.avro.AvroFlumeEvent;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A real Flume 1.11 agent in a JVM of its own, from the jars of {@code flume-plugins/runtime}
 * ({@code sluice.flume.lib}) and Sluice's packaged SparkSink ({@code sluice.spark.sink.jar}):
 * a Kafka channel ({@code parseAsFlumeEvent = true}) on {@code topic}, drained by
 * {@code org.apache.spark.streaming.flume.sink.SparkSink} ({@code threads = 1}) on
 * {@code 127.0.0.1:port()} with the given transaction {@code timeout}. Flume needs a source, so the
 * agent has an idle netcat source on loopback. Events go into the channel the way the channel
 * writes them: {@link #put} sends Avro-encoded {@link AvroFlumeEvent}s to the topic.
 */
final class KafkaChannelAgent implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final int port;
  private final String bootstrap;
  private final String topic;
  private final Path log;

  private KafkaChannelAgent(Process process, int port, String bootstrap, String topic, Path log) {
    this.process = process;
    this.port = port;
    this.bootstrap = bootstrap;
    this.topic = topic;
    this.log = log;
  }

  /** Starts the agent and waits until its SparkSink accepts connections. */
  static KafkaChannelAgent start(Path dir, String bootstrap, String topic, int transactionTimeoutSeconds)
      throws IOException, InterruptedException {
    Path lib = Paths.get(System.getProperty("sluice.flume.lib", "flume-plugins/runtime/target/lib"));
    Path sinkJar = Paths.get(System.getProperty("sluice.spark.sink.jar", "flume-plugins/spark-sink/target/sluice-spark-sink.jar"));
    if (!Files.isDirectory(lib) || !Files.isRegularFile(sinkJar)) {
      throw new IllegalStateException("Flume agent jars missing (" + lib + ", " + sinkJar
          + "): mvn -pl flume-plugins/runtime,flume-plugins/spark-sink package (the reactor does so before this module)");
    }
    int port = freePort();
    int netcat = freePort();
    Files.createDirectories(dir);
    Path conf = dir.resolve("agent.properties");
    String group = topic + "-sparksink";
    Files.writeString(conf, String.join("\n",
        "a1.sources = idle",
        "a1.channels = c1",
        "a1.sinks = spark",
        "a1.sources.idle.type = netcat",
        "a1.sources.idle.bind = 127.0.0.1",
        "a1.sources.idle.port = " + netcat,
        "a1.sources.idle.channels = c1",
        "a1.channels.c1.type = org.apache.flume.channel.kafka.KafkaChannel",
        "a1.channels.c1.kafka.bootstrap.servers = " + bootstrap,
        "a1.channels.c1.kafka.topic = " + topic,
        "a1.channels.c1.kafka.consumer.group.id = " + group,
        "a1.channels.c1.kafka.consumer.auto.offset.reset = earliest",
        "a1.channels.c1.parseAsFlumeEvent = true",
        "a1.sinks.spark.type = org.apache.spark.streaming.flume.sink.SparkSink",
        "a1.sinks.spark.hostname = 127.0.0.1",
        "a1.sinks.spark.port = " + port,
        "a1.sinks.spark.threads = 1",
        "a1.sinks.spark.timeout = " + transactionTimeoutSeconds,
        "a1.sinks.spark.channel = c1", ""));
    Path log = dir.resolve("agent.log");
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    Process process = new ProcessBuilder(java.toString(), "-Xmx256m", "-cp", lib + "/*:" + sinkJar,
        "org.apache.flume.node.Application", "-n", "a1", "-f", conf.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    KafkaChannelAgent agent = new KafkaChannelAgent(process, port, bootstrap, topic, log);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (!accepts(port)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        agent.close();
        throw new IllegalStateException("the agent's SparkSink did not listen on " + port + " within "
            + START_TIMEOUT.toSeconds() + " s; agent log:\n" + Files.readString(log));
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    return agent;
  }

  int port() {
    return port;
  }

  /** The agent's output so far (for assertion messages). */
  String log() throws IOException {
    return Files.readString(log);
  }

  /** Puts one event per body into the channel's topic, with header {@code eventId = <body>}. */
  void put(List<String> bodies) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      SpecificDatumWriter<AvroFlumeEvent> writer = new SpecificDatumWriter<>(AvroFlumeEvent.class);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder encoder = null;
      for (String body : bodies) {
        Map<CharSequence, CharSequence> headers = new HashMap<>();
        headers.put("eventId", body);
        out.reset();
        encoder = EncoderFactory.get().binaryEncoder(out, encoder);
        try {
          writer.write(new AvroFlumeEvent(headers, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8))), encoder);
          encoder.flush();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
        producer.send(new ProducerRecord<>(topic, out.toByteArray()));
      }
      producer.flush();
    }
  }

  /** {@code kill -9}. */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
