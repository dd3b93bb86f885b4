package io.sluice.flume.source.zeromq;

import static io.sluice.flume.source.SourceTestSupport.awaitTrue;
import static io.sluice.flume.source.SourceTestSupport.bodies;
import static io.sluice.flume.source.SourceTestSupport.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.contract.EventHeaders;
import io.sluice.flume.metrics.ZeroMqSourceCounter;
import io.sluice.flume.source.SourceTestSupport;
import io.sluice.flume.testing.TestData;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.FlumeException;
import org.apache.flume.channel.MemoryChannel;
import org.apache.flume.lifecycle.LifecycleState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * {@link ZeroMqSource} in this JVM against JeroMQ PUSH and (X)PUB sockets of the test and a real
 * Flume memory channel; the messages are real lines of the bundled access log.
 */
@Timeout(120)
class ZeroMqSourceTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String ACCESS_LOG = "access_logs/elastic-examples_apache_logs.log";

  private final ZContext peers = new ZContext();
  private final List<ZeroMqSource> sources = new ArrayList<>();

  @AfterEach
  void stopAll() {
    try {
      for (ZeroMqSource source : sources) {
        if (source.getLifecycleState() == LifecycleState.START) {
          source.stop();
        }
      }
    } finally {
      peers.destroy();
    }
  }

  // PULL tests bind the source and connect the pusher, as the agent file advises: a connecting PUSH
  // keeps its queue when JeroMQ stalls a fresh connection (see ZeroMqSourceConfig), a bound one
  // drops it.

  @Test
  void pullDeliversEveryPushedLineInOrderWithItsEventIdAndPipeline() throws Exception {
    MemoryChannel channel = SourceTestSupport.memoryChannel(10_000, 10_000);
    ZeroMqSource source = started(channel, Map.of("socketType", "PULL", "mode", "bind",
        "endpoints", "tcp://127.0.0.1:*", "eventIdFrame", "true", "batchSize", "1000"));
    ZMQ.Socket push = pusher();
    push.connect(source.lastEndpoint());
    List<String> lines = accessLogLines(0, 2_000);
    List<String> ids = ids(1, 2_000);

    for (int i = 0; i < lines.size(); i++) {
      push.sendMore(ids.get(i));
      push.send(lines.get(i));
    }

    List<Event> events = SourceTestSupport.takeAtLeast(channel, 2_000, TIMEOUT);
    assertThat(bodies(events)).containsExactlyElementsOf(lines);
    assertThat(header(events, EventHeaders.EVENT_ID)).containsExactlyElementsOf(ids);
    assertThat(header(events, EventHeaders.PIPELINE)).containsOnly("logs");
    assertThat(header(events, EventHeaders.REJECT_REASON)).containsOnlyNulls();
    assertThat(header(events, EventHeaders.TOPIC)).containsOnlyNulls();
    for (Event event : events) {
      assertThat(event.getHeaders().get(EventHeaders.TIMESTAMP))
          .isEqualTo(event.getHeaders().get(EventHeaders.READ_TIME));
    }
    assertThat(source.getCounter().getEventReceivedCount()).isEqualTo(2_000);
    assertThat(source.getCounter().getEventAcceptedCount()).isEqualTo(2_000);
    assertConnections(source, 1);
  }

  @Test
  void aBoundPullSocketTakesFromEveryPusherThatConnects() throws Exception {
    MemoryChannel channel = SourceTestSupport.memoryChannel(1_000, 100);
    ZeroMqSource source = started(channel, Map.of("socketType", "PULL", "mode", "bind",
        "endpoints", "tcp://127.0.0.1:*"));
    String endpoint = source.lastEndpoint();
    ZMQ.Socket first = pusher();
    first.connect(endpoint);
    ZMQ.Socket second = pusher();
    second.connect(endpoint);

    for (String line : accessLogLines(0, 5)) {
      first.send(line);
    }
    for (String line : accessLogLines(5, 5)) {
      second.send(line);
    }

    List<Event> events = SourceTestSupport.takeAtLeast(channel, 10, TIMEOUT);
    assertThat(bodies(events)).containsExactlyInAnyOrderElementsOf(accessLogLines(0, 10));
    // No event-id frame: a random UUID each.
    assertThat(header(events, EventHeaders.EVENT_ID)).doesNotHaveDuplicates()
        .allMatch(id -> id.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}"));
    assertConnections(source, 2);
  }

  @Test
  void subReceivesOnlyItsTopicPrefixesWithTheTopicFrameAsHeader() throws Exception {
    // XPUB: the test sees the subscriptions arrive, so it publishes only once they are in place
    // (a PUB drops what it sends before then).
    ZMQ.Socket xpub = peers.createSocket(SocketType.XPUB);
    xpub.bind("tcp://127.0.0.1:*");
    xpub.setReceiveTimeOut(100);
    MemoryChannel channel = SourceTestSupport.memoryChannel(1_000, 100);
    ZeroMqSource source = started(channel, Map.of("endpoints", xpub.getLastEndpoint(),
        "topics", "logs.web-1,logs.web-2", "topicFrame", "true"));
    List<String> subscriptions = new ArrayList<>();
    awaitTrue(TIMEOUT, () -> {
      byte[] frame = xpub.recv();
      if (frame != null && frame.length > 0 && frame[0] == 1) {
        subscriptions.add(new String(frame, 1, frame.length - 1, StandardCharsets.UTF_8));
      }
      return subscriptions.size() == 2;
    }, () -> "subscriptions " + subscriptions);
    assertThat(subscriptions).containsExactlyInAnyOrder("logs.web-1", "logs.web-2");
    List<String> lines = accessLogLines(0, 6);

    String[] topics = {"logs.web-1", "other", "logs.web-2", "logs.web-10", "syslog", "logs.web"};
    for (int i = 0; i < 6; i++) {
      xpub.sendMore(topics[i]);
      xpub.send(lines.get(i));
    }

    // logs.web-10 starts with logs.web-1: prefixes match bytes, not levels.
    List<Event> events = SourceTestSupport.takeAtLeast(channel, 3, TIMEOUT);
    assertThat(header(events, EventHeaders.TOPIC)).containsExactly("logs.web-1", "logs.web-2",
        "logs.web-10");
    assertThat(bodies(events)).containsExactly(lines.get(0), lines.get(2), lines.get(3));
    // The others were filtered by the publisher: nothing more arrives, nothing was received.
    xpub.sendMore("logs.web-2");
    xpub.send(lines.get(5));
    assertThat(bodies(SourceTestSupport.takeAtLeast(channel, 1, TIMEOUT)))
        .containsExactly(lines.get(5));
    assertThat(source.getCounter().getEventReceivedCount()).isEqualTo(4);
  }

  @Test
  void aMessageWithUnexpectedFramesOrAnOverlongBodyIsRejectedByReasonNotDropped()
      throws Exception {
    MemoryChannel channel = SourceTestSupport.memoryChannel(1_000, 100);
    ZeroMqSource source = started(channel, Map.of("socketType", "PULL", "mode", "bind",
        "endpoints", "tcp://127.0.0.1:*", "eventIdFrame", "true", "maxMessageBytes", "100"));
    ZMQ.Socket push = pusher();
    push.connect(source.lastEndpoint());
    List<String> lines = accessLogLines(0, 3);
    assertThat(lines).allMatch(line -> line.length() > 100 && line.length() == line.getBytes(StandardCharsets.UTF_8).length);

    push.send(lines.get(0)); // one frame: the event-id frame is missing
    push.sendMore("access.log:2");
    push.send(lines.get(1)); // too long
    push.sendMore("x");
    push.sendMore("access.log:3");
    push.send(lines.get(2)); // three frames
    push.sendMore("access.log:4");
    push.send("ok");

    List<Event> events = SourceTestSupport.takeAtLeast(channel, 4, TIMEOUT);
    assertThat(header(events, EventHeaders.REJECT_REASON)).containsExactly("unexpected-message",
        "line-too-long", "unexpected-message", null);
    assertThat(header(events, EventHeaders.REJECTED_BY)).containsExactly("zeromq-source",
        "zeromq-source", "zeromq-source", null);
    // Every body over maxMessageBytes is cut, whatever the reason it is rejected for.
    assertThat(bodies(events)).containsExactly(lines.get(0).substring(0, 100),
        lines.get(1).substring(0, 100), lines.get(2).substring(0, 100), "ok");
    assertThat(header(events, EventHeaders.ORIGINAL_LENGTH_BYTES)).containsExactly(
        Integer.toString(lines.get(0).length()), Integer.toString(lines.get(1).length()),
        Integer.toString(lines.get(2).length()), null);
    assertThat(events.get(1).getHeaders()).containsEntry(EventHeaders.EVENT_ID, "access.log:2");
    assertThat(events.get(3).getHeaders()).containsEntry(EventHeaders.EVENT_ID, "access.log:4");
    assertThat(source.getCounter().getRejectUnexpectedMessageCount()).isEqualTo(2);
    assertThat(source.getCounter().getRejectLineTooLongCount()).isEqualTo(1);
    assertThat(source.getCounter().getEventReceivedCount()).isEqualTo(4);
    assertThat(source.getCounter().getEventAcceptedCount()).isEqualTo(4);
  }

  @Test
  void aFullChannelMakesThePusherWaitAndLosesNothing() throws Exception {
    // Room for one batch: the source's next puts are refused until the test takes.
    MemoryChannel channel = SourceTestSupport.memoryChannel(20, 20);
    ZeroMqSource source = started(channel, Map.of("socketType", "PULL", "mode", "bind",
        "endpoints", "tcp://127.0.0.1:*", "batchSize", "20", "receiveHighWaterMark", "10"));
    ZMQ.Socket push = pusher();
    push.setSndHWM(10);
    push.connect(source.lastEndpoint());
    List<String> lines = accessLogLines(0, 500);
    Thread pusher = new Thread(() -> lines.forEach(push::send), "test-pusher");
    pusher.start();

    List<Event> events = new ArrayList<>();
    awaitTrue(TIMEOUT, () -> source.getCounter().getChannelWriteFail() > 0,
        () -> "a refused batch");
    awaitTrue(TIMEOUT, () -> {
      events.addAll(SourceTestSupport.take(channel, 7));
      return events.size() >= 500;
    }, () -> "events " + events.size());
    pusher.join(TIMEOUT.toMillis());

    assertThat(bodies(events)).containsExactlyElementsOf(lines);
    assertThat(source.getCounter().getEventAcceptedCount()).isEqualTo(500);
    assertThat(source.getCounter().getEventReceivedCount()).isEqualTo(500);
  }

  @Test
  void aConnectionWhoseHandshakeNeverCompletesIsClosedAndReconnected() throws Exception {
    // A TCP peer that accepts but never answers ZMTP: what a connection JeroMQ stalled looks like
    // from the source's side. Only the handshake timer (300 ms here) ends it; a read that waits
    // 3 s fails for the 5 s default or ZeroMQ's 30 s, so the key must have been applied.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      silent.setSoTimeout((int) TIMEOUT.toMillis());
      started(SourceTestSupport.memoryChannel(10, 10), Map.of("socketType", "PULL",
          "handshakeTimeoutMs", "300", "endpoints", "tcp://127.0.0.1:" + silent.getLocalPort()));

      for (int connection = 1; connection <= 2; connection++) {
        try (Socket accepted = silent.accept()) {
          accepted.setSoTimeout(3_000);
          byte[] greeting = accepted.getInputStream().readAllBytes(); // to the source's close
          // The ZMTP 3 signature (0xFF, eight padding bytes, 0x7F) when JeroMQ managed to send it.
          assertThat(greeting).as("connection %d", connection)
              .satisfiesAnyOf(g -> assertThat(g).isEmpty(),
                  g -> assertThat(g).startsWith(0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F));
        }
      }
    }
  }

  @Test
  void anEndpointThatCannotBeBoundFailsTheStartNamingIt() throws Exception {
    ZMQ.Socket taken = peers.createSocket(SocketType.PUSH);
    taken.bind("tcp://127.0.0.1:*");
    ZeroMqSource source = new ZeroMqSource();
    source.setName(SourceTestSupport.uniqueName("zeromq"));
    source.configure(new Context(Map.of("socketType", "PULL", "mode", "bind",
        "endpoints", taken.getLastEndpoint())));
    source.setChannelProcessor(SourceTestSupport.processor(
        SourceTestSupport.memoryChannel(10, 10)));
    assertThatThrownBy(source::start).isInstanceOf(FlumeException.class)
        .hasMessageContaining("cannot bind endpoints " + taken.getLastEndpoint());
  }

  /**
   * The source ends up with {@code open} connections, each accepted connection but those open
   * having been disconnected: one more accepted and disconnected when JeroMQ stalled a pusher's
   * connection and its handshake timer remade it.
   */
  private static void assertConnections(ZeroMqSource source, int open) throws Exception {
    ZeroMqSourceCounter counter = source.getCounter();
    awaitTrue(TIMEOUT, () -> counter.getOpenConnectionCount() == open
        && counter.getConnectCount() == counter.getDisconnectCount() + open,
        () -> "open " + counter.getOpenConnectionCount() + ", accepted " + counter.getConnectCount()
            + ", disconnected " + counter.getDisconnectCount());
  }

  /**
   * A PUSH socket that connects: with the source's handshake timer, as JeroMQ 0.6.0 stalls a few
   * percent of fresh outgoing connections until it fires (see ZeroMqSourceConfig).
   */
  private ZMQ.Socket pusher() {
    ZMQ.Socket push = peers.createSocket(SocketType.PUSH);
    push.setHandshakeIvl(ZeroMqSourceConfig.DEFAULT_HANDSHAKE_TIMEOUT_MS);
    return push;
  }

  private ZeroMqSource started(MemoryChannel channel, Map<String, String> settings) {
    Map<String, String> values = new HashMap<>();
    values.put("pipeline", "logs");
    values.putAll(settings);
    ZeroMqSource source = new ZeroMqSource();
    source.setName(SourceTestSupport.uniqueName("zeromq"));
    source.configure(new Context(values));
    source.setChannelProcessor(SourceTestSupport.processor(channel));
    source.start();
    sources.add(source);
    return source;
  }

  static List<String> accessLogLines(int from, int count) throws Exception {
    return Files.readAllLines(TestData.sample(ACCESS_LOG), StandardCharsets.UTF_8)
        .subList(from, from + count);
  }

  static List<String> ids(int first, int count) {
    return IntStream.range(first, first + count).mapToObj(n -> "access.log:" + n)
        .collect(Collectors.toList());
  }
}
