package io.sluice.spark.input.flume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flume.Context;
import org.apache.flume.Transaction;
import org.apache.flume.channel.MemoryChannel;
import org.apache.flume.conf.Configurables;
import org.apache.flume.event.EventBuilder;
import org.apache.spark.streaming.flume.sink.SparkSink;
import org.apache.spark.streaming.flume.sink.SparkSinkEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SinkPoller} and {@link AvroSinkConnection} against a real stock SparkSink on a real memory
 * channel (transaction {@code timeout} 2 s): a nack and a transaction timeout each deliver the same
 * event bodies again; an ack commits them; the rate limit's throttle waits after the ack.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SinkPollerTest {

  private MemoryChannel channel;
  private SparkSink sink;

  @BeforeEach
  void start() {
    channel = new MemoryChannel();
    channel.setName("channel");
    Configurables.configure(channel, new Context(Map.of("capacity", "1000", "transactionCapacity", "100",
        "keep-alive", "0")));
    channel.start();
    sink = new SparkSink();
    sink.setName("spark");
    Configurables.configure(sink, new Context(Map.of("hostname", "127.0.0.1", "port", "0", "threads", "1",
        "timeout", "2")));
    sink.setChannel(channel);
    sink.start();
    Transaction tx = channel.getTransaction();
    tx.begin();
    for (int i = 0; i < 10; i++) {
      channel.put(EventBuilder.withBody(("event " + i).getBytes(StandardCharsets.UTF_8), Map.of("eventId", "e" + i)));
    }
    tx.commit();
    tx.close();
  }

  @AfterEach
  void stop() {
    sink.stop();
    channel.stop();
  }

  @Test
  void aBatchSparkDidNotStoreIsNackedAndDeliveredAgain() throws Exception {
    SinkPoller<String> refusing = poller(events -> {
      throw new IllegalStateException("block manager refused the block");
    }, () -> false);
    assertThatThrownBy(refusing::run).isInstanceOf(SinkPoller.StoreFailedException.class)
        .hasMessageContaining("was nacked").hasRootCauseMessage("block manager refused the block");

    List<String> stored = new CopyOnWriteArrayList<>();
    run(poller(stored::addAll, () -> stored.size() >= 10));
    assertThat(stored).isEqualTo(bodies(0, 10));
    assertThat(channelSize()).as("acked: committed on the sink").isZero();
  }

  @Test
  void aBatchWhoseAckComesAfterTheTransactionTimeoutIsDeliveredAgain() throws Exception {
    List<List<String>> batches = new CopyOnWriteArrayList<>();
    run(poller(events -> {
      batches.add(new ArrayList<>(events));
      if (batches.size() == 1) {
        TimeUnit.MILLISECONDS.sleep(3_500); // beyond the sink's 2 s timeout: it rolls back, the ack is too late
      }
    }, () -> batches.size() >= 2));
    assertThat(batches.get(0)).isEqualTo(bodies(0, 10));
    assertThat(batches.get(1)).as("redelivered after the timeout").isEqualTo(bodies(0, 10));
    assertThat(channelSize()).isZero();
  }

  @Test
  void theThrottleTakesEachAcknowledgedBatchBeforeTheNextRequest() throws Exception {
    List<String> stored = new CopyOnWriteArrayList<>();
    List<String> throttled = new CopyOnWriteArrayList<>();
    SinkPoller.Throttle throttle = events -> throttled.add(events + " after " + stored.size()
        + " stored, " + channelSize() + " left in the channel");
    run(poller(3, stored::addAll, () -> stored.size() >= 10, throttle));
    assertThat(stored).isEqualTo(bodies(0, 10));
    // Each batch's size, once it was stored and its ack had committed it on the sink.
    assertThat(throttled).containsExactly("3 after 3 stored, 7 left in the channel",
        "3 after 6 stored, 4 left in the channel", "3 after 9 stored, 1 left in the channel",
        "1 after 10 stored, 0 left in the channel");
  }

  private SinkPoller<String> poller(SinkPoller.Store<String> store, java.util.function.BooleanSupplier stopped) {
    return poller(100, store, stopped, SinkPoller.Throttle.NONE);
  }

  private SinkPoller<String> poller(int maxBatchSize, SinkPoller.Store<String> store,
      java.util.function.BooleanSupplier stopped, SinkPoller.Throttle throttle) {
    SinkConnection.Factory<String> factory = AvroSinkConnection.factory("test client", 5_000, 5_000,
        (SparkSinkEvent e) -> StandardCharsets.UTF_8.decode(e.getBody()).toString());
    return new SinkPoller<>("127.0.0.1", sink.getPort(), factory, maxBatchSize, store, new SinkPoller.Listener() {},
        stopped, Duration.ofMillis(200), throttle);
  }

  private static void run(SinkPoller<?> poller) throws InterruptedException {
    Thread t = new Thread(poller, "poller");
    t.start();
    t.join(TimeUnit.SECONDS.toMillis(60));
    assertThat(t.isAlive()).as("poller ended").isFalse();
  }

  private static List<String> bodies(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> "event " + i).collect(Collectors.toList());
  }

  /** Events left in the channel (taken and rolled back by this count). */
  private int channelSize() {
    Transaction tx = channel.getTransaction();
    tx.begin();
    int n = 0;
    while (channel.take() != null) {
      n++;
    }
    tx.rollback();
    tx.close();
    return n;
  }
}
