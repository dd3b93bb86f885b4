package io.sluice.spark.input.flume;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spark.KafkaBroker;
import io.sluice.spark.job.SluiceKryoRegistrator;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark 3.5 {@link ReliablePollingReceiver} ({@link SluiceFlumeUtils#createPollingStream}) in
 * {@code local[2]}, in a test JVM started without any {@code --add-opens}, against a real Flume
 * 1.11 agent (Kafka channel on a KRaft broker, Sluice's packaged SparkSink): with the receiver
 * write-ahead log and Kryo as the job configures them, every event is counted exactly once.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ReliablePollingReceiverTest {

  /** Occurrences of each received body (one JVM: local[2]). */
  private static final Map<String, Integer> RECEIVED = new ConcurrentHashMap<>();

  @TempDir
  Path dir;
  private KafkaBroker broker;
  private KafkaChannelAgent agent;
  private JavaStreamingContext ssc;

  @AfterEach
  void stopAll() {
    if (ssc != null) {
      ssc.stop(true, false);
    }
    if (agent != null) {
      agent.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void countsEveryEventExactlyOnceWithTheWriteAheadLog() throws Exception {
    broker = KafkaBroker.start(dir.resolve("kafka"));
    broker.createTopics("spark3-receiver");
    agent = KafkaChannelAgent.start(dir.resolve("agent"), broker.bootstrap(), "spark3-receiver", 10);
    List<String> bodies = IntStream.range(0, 5_000).mapToObj(i -> "event-" + i).collect(Collectors.toList());
    agent.put(bodies);

    SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("ReliablePollingReceiverTest")
        .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
        .set("spark.streaming.receiver.writeAheadLog.enable", "true");
    SluiceKryoRegistrator.configure(conf);
    ssc = new JavaStreamingContext(conf, Durations.seconds(1));
    ssc.checkpoint(dir.resolve("checkpoint").toString());
    SluiceFlumeUtils.createPollingStream(ssc, new InetSocketAddress[] {new InetSocketAddress("127.0.0.1", agent.port())},
            StorageLevel.MEMORY_AND_DISK_SER(), 1_000, 1)
        .map(e -> utf8(e.event().getBody()))
        .foreachRDD(rdd -> rdd.collect().forEach(body -> RECEIVED.merge(body, 1, Integer::sum)));
    ssc.start();

    System.out.println("Streaming started; agent on port " + agent.port());
    await(Duration.ofSeconds(150), () -> RECEIVED.size() >= 5_000, "all 5,000 events");
    agent.put(List.of("after"));
    await(Duration.ofSeconds(30), () -> RECEIVED.containsKey("after"), "the event put after the others");

    assertThat(RECEIVED.keySet()).containsAll(bodies).hasSize(5_001);
    assertThat(RECEIVED.entrySet().stream().filter(e -> e.getValue() != 1).map(Map.Entry::getKey)
        .collect(Collectors.toList())).as("events counted more than once").isEmpty();
  }

  private static String utf8(ByteBuffer body) {
    ByteBuffer b = body.duplicate();
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static void await(Duration timeout, BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what + " (" + RECEIVED.size() + " received)");
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }
}
