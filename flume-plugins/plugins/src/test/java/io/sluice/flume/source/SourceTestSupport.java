package io.sluice.flume.source;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.flume.Channel;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.Transaction;
import org.apache.flume.channel.ChannelProcessor;
import org.apache.flume.channel.MemoryChannel;
import org.apache.flume.channel.ReplicatingChannelSelector;
import org.apache.flume.conf.Configurables;

/** Real Flume channels and polling helpers shared by the source tests. */
public final class SourceTestSupport {

  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private SourceTestSupport() {
  }

  /** A unique component name with the given prefix (JMX names must not collide). */
  public static String uniqueName(String prefix) {
    return prefix + "-" + SEQUENCE.incrementAndGet();
  }

  /** A started memory channel that refuses a put at once (keep-alive 0) when it has no room. */
  public static MemoryChannel memoryChannel(int capacity, int transactionCapacity) {
    MemoryChannel channel = new MemoryChannel();
    channel.setName(uniqueName("channel"));
    Context context = new Context();
    context.put("capacity", Integer.toString(capacity));
    context.put("transactionCapacity", Integer.toString(transactionCapacity));
    context.put("keep-alive", "0");
    Configurables.configure(channel, context);
    channel.start();
    return channel;
  }

  /** A channel processor replicating to one channel. */
  public static ChannelProcessor processor(Channel channel) {
    ReplicatingChannelSelector selector = new ReplicatingChannelSelector();
    selector.setChannels(List.of(channel));
    return new ChannelProcessor(selector);
  }

  /** Takes up to {@code max} events in one transaction. */
  public static List<Event> take(Channel channel, int max) {
    List<Event> events = new ArrayList<>();
    Transaction tx = channel.getTransaction();
    tx.begin();
    try {
      for (Event event; events.size() < max && (event = channel.take()) != null; ) {
        events.add(event);
      }
      tx.commit();
    } catch (RuntimeException e) {
      tx.rollback();
      throw e;
    } finally {
      tx.close();
    }
    return events;
  }

  /**
   * Takes events until {@code expected} have been taken or the deadline passes; fails then.
   */
  public static List<Event> takeAtLeast(Channel channel, int expected, Duration timeout)
      throws InterruptedException {
    List<Event> events = new ArrayList<>();
    awaitTrue(timeout, () -> {
      events.addAll(take(channel, Integer.MAX_VALUE));
      return events.size() >= expected;
    }, () -> "events taken: " + events.size() + " of " + expected);
    return events;
  }

  /** Polls {@code condition} every 5 ms until it holds; fails at the deadline. */
  public static void awaitTrue(Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    awaitTrue(timeout, condition, () -> "condition");
  }

  /** Polls {@code condition} every 5 ms until it holds; fails at the deadline with the text. */
  public static void awaitTrue(Duration timeout, BooleanSupplier condition,
      java.util.function.Supplier<String> description) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        assertThat(false).as("before the deadline of %s: %s", timeout, description.get())
            .isTrue();
      }
      Thread.sleep(5); // poll interval, not a wait for a guessed duration
    }
  }

  /** A loopback port free a moment ago: for servers and agents that cannot bind port 0 and report it. */
  public static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Event bodies as UTF-8 strings. */
  public static List<String> bodies(List<Event> events) {
    return events.stream().map(e -> new String(e.getBody(), UTF_8)).collect(Collectors.toList());
  }

  /** One header of every event. */
  public static List<String> header(List<Event> events, String name) {
    return events.stream().map(e -> e.getHeaders().get(name)).collect(Collectors.toList());
  }
}
