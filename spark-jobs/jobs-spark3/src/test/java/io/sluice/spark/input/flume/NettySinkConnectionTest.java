package io.sluice.spark.input.flume;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spark.KafkaBroker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sluice's Avro 1.11 {@code SparkFlumeProtocol} client ({@link NettySinkConnection}) against a real
 * Flume 1.11 agent: Kafka channel on a KRaft broker, Sluice's packaged SparkSink. A nacked batch
 * and a batch whose ack never came (the sink's transaction {@code timeout}) are delivered again:
 * the same event bodies, compared one by one.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NettySinkConnectionTest {

  /** The sink's transaction timeout in these tests, in seconds. */
  private static final int TRANSACTION_TIMEOUT_SECONDS = 3;

  @TempDir
  static Path dir;
  private static KafkaBroker broker;
  private KafkaChannelAgent agent;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.start(dir.resolve("kafka"));
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @AfterEach
  void killAgent() {
    if (agent != null) {
      agent.close();
    }
  }

  @Test
  void redeliversTheSameBodiesAfterANack() throws Exception {
    List<String> bodies = bodies("nack", 200);
    agent = startAgent("nack", bodies);
    try (SinkConnection<String> sink = connect()) {
      PolledBatch<String> first = nonEmptyBatch(sink, 200);
      sink.nack(first.sequenceNumber());

      List<String> again = takeAndAck(sink, first.events().size());
      assertThat(again).as("bodies delivered after the nack").containsExactlyElementsOf(first.events());
      assertThat(first.events()).isSubsetOf(bodies).doesNotHaveDuplicates();
    }
  }

  @Test
  void redeliversTheSameBodiesWhenTheAckNeverComes() throws Exception {
    List<String> bodies = bodies("timeout", 200);
    agent = startAgent("timeout", bodies);
    try (SinkConnection<String> sink = connect()) {
      PolledBatch<String> first = nonEmptyBatch(sink, 200);
      // No ack and no nack: the sink rolls the transaction back after its timeout.
      long unanswered = System.nanoTime();
      List<String> again = takeAndAck(sink, first.events().size());
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - unanswered))
          .as("redelivered only after the transaction timeout").isGreaterThanOrEqualTo(TRANSACTION_TIMEOUT_SECONDS * 1000L - 500);
      assertThat(again).as("bodies delivered after the transaction timeout").containsExactlyElementsOf(first.events());
      assertThat(first.events()).isSubsetOf(bodies).doesNotHaveDuplicates();
    }
  }

  @Test
  void ackedBatchesAreNotDeliveredAgain() throws Exception {
    List<String> bodies = bodies("ack", 500);
    agent = startAgent("ack", bodies);
    try (SinkConnection<String> sink = connect()) {
      List<String> all = takeAndAck(sink, 500);
      assertThat(all).containsExactlyElementsOf(bodies);
      // One more event: it comes next and alone, so no acked event was delivered again.
      agent.put(List.of("ack-after"));
      assertThat(takeAndAck(sink, 1)).containsExactly("ack-after");
    }
  }

  private KafkaChannelAgent startAgent(String name, List<String> bodies) throws Exception {
    broker.createTopics("spark3-" + name);
    KafkaChannelAgent a = KafkaChannelAgent.start(dir.resolve("agent-" + name), broker.bootstrap(), "spark3-" + name,
        TRANSACTION_TIMEOUT_SECONDS);
    a.put(bodies);
    return a;
  }

  private SinkConnection<String> connect() throws IOException {
    return NettySinkConnection.factory(5_000, 10_000, (headers, body) -> utf8(body)).connect("127.0.0.1", agent.port());
  }

  /** The first batch with events (the sink answers with an error while its channel has none yet). */
  private static PolledBatch<String> nonEmptyBatch(SinkConnection<String> sink, int max) throws IOException {
    while (true) {
      PolledBatch<String> batch = sink.getEventBatch(max, () -> false);
      if (!batch.isError() && !batch.events().isEmpty()) {
        return batch;
      }
      if (!batch.isError()) {
        sink.ack(batch.sequenceNumber());
      }
    }
  }

  /** Takes and acks batches until {@code count} bodies came, in order of delivery. */
  private static List<String> takeAndAck(SinkConnection<String> sink, int count) throws IOException {
    List<String> received = new ArrayList<>();
    while (received.size() < count) {
      PolledBatch<String> batch = sink.getEventBatch(count - received.size(), () -> false);
      if (!batch.isError()) {
        received.addAll(batch.events());
        sink.ack(batch.sequenceNumber());
      }
    }
    return received;
  }

  private static List<String> bodies(String prefix, int n) {
    return IntStream.range(0, n).mapToObj(i -> prefix + "-" + i).collect(Collectors.toList());
  }

  private static String utf8(ByteBuffer body) {
    ByteBuffer b = body.duplicate();
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
