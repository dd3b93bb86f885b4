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
 * write-ahead log and Kryo as the job configures them, every event is counted exactly once; one
 * receiver takes from several sinks and holds to {@code spark.streaming.receiver.maxRate}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ReliablePollingReceiverTest {

  /** Occurrences of each received body (one JVM: local[2]). */
  private static final Map<String, Integer> RECEIVED = new ConcurrentHashMap<>();
  /** Events of each batch, in batch order. */
  private static final List<Integer> PER_BATCH = new java.util.concurrent.CopyOnWriteArrayList<>();

  @TempDir
  Path dir;
  private KafkaBroker broker;
  private KafkaChannelAgent agent;
  private KafkaChannelAgent second;
  private JavaStreamingContext ssc;

  @AfterEach
  void stopAll() {
    if (ssc != null) {
      ssc.stop(true, false);
    }
    if (agent != null) {
      agent.close();
    }
    if (second != null) {
      second.close();
    }
    RECEIVED.clear();
    PER_BATCH.clear();
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

    ssc = streamingContext("spark.streaming.receiver.writeAheadLog.enable", "true");
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

  /**
   * One receiver polls two agents' SparkSinks at {@code spark.streaming.receiver.maxRate} = 50
   * events/s: each event of both is counted once, and no 1 s batch holds more than the rate allows
   * (50, plus up to 50 saved while idle, plus a request of 20 in flight per thread: 140), where an
   * unlimited receiver takes the 600 events in a batch or two.
   */
  @Test
  void twoSinksInOneReceiverAreHeldToTheReceiversMaxRate() throws Exception {
    broker = KafkaBroker.start(dir.resolve("kafka"));
    broker.createTopics("spark3-a", "spark3-b");
    agent = KafkaChannelAgent.start(dir.resolve("agent-a"), broker.bootstrap(), "spark3-a", 10);
    second = KafkaChannelAgent.start(dir.resolve("agent-b"), broker.bootstrap(), "spark3-b", 10);
    List<String> a = IntStream.range(0, 300).mapToObj(i -> "a-" + i).collect(Collectors.toList());
    List<String> b = IntStream.range(0, 300).mapToObj(i -> "b-" + i).collect(Collectors.toList());
    agent.put(a);
    second.put(b);

    ssc = streamingContext("spark.streaming.receiver.maxRate", "50");
    SluiceFlumeUtils.createPollingStream(ssc, new InetSocketAddress[] {
            new InetSocketAddress("127.0.0.1", agent.port()), new InetSocketAddress("127.0.0.1", second.port())},
            StorageLevel.MEMORY_AND_DISK_SER(), 20, 2)
        .map(e -> utf8(e.event().getBody()))
        .foreachRDD(rdd -> {
          List<String> batch = rdd.collect();
          PER_BATCH.add(batch.size());
          batch.forEach(body -> RECEIVED.merge(body, 1, Integer::sum));
        });
    ssc.start();

    await(Duration.ofSeconds(150), () -> RECEIVED.size() >= 600, "all 600 events of both sinks");
    assertThat(RECEIVED.keySet()).containsAll(a).containsAll(b).hasSize(600);
    assertThat(RECEIVED.values()).as("each counted once").containsOnly(1);
    assertThat(PER_BATCH.stream().mapToInt(Integer::intValue).max().orElseThrow())
        .as("most events in one 1 s batch; batches %s", PER_BATCH).isLessThanOrEqualTo(140);
  }

  /** A context of 1 s batches in local[2] with Kryo as the job configures it, and {@code key = value}. */
  private static JavaStreamingContext streamingContext(String key, String value) {
    SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("ReliablePollingReceiverTest")
        .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1").set(key, value);
    SluiceKryoRegistrator.configure(conf);
    return new JavaStreamingContext(conf, Durations.seconds(1));
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
