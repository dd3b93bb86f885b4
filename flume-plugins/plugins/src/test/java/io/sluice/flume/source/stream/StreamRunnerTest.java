package io.sluice.flume.source.stream;

import static io.sluice.flume.source.SourceTestSupport.bodies;
import static io.sluice.flume.source.SourceTestSupport.memoryChannel;
import static io.sluice.flume.source.SourceTestSupport.processor;
import static io.sluice.flume.source.SourceTestSupport.takeAtLeast;
import static io.sluice.flume.source.SourceTestSupport.uniqueName;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.flume.metrics.StreamSourceCounter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.flume.Event;
import org.apache.flume.channel.MemoryChannel;
import org.apache.flume.event.EventBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link StreamRunner}'s reconnect rules, with a scripted {@link StreamRunner.Connector} (our own
 * seam; the network clients are tested against local servers in the source tests) and a real
 * memory channel.
 */
class StreamRunnerTest {

  private final List<StreamRunner> runners = new ArrayList<>();
  private final List<MemoryChannel> channels = new ArrayList<>();

  @AfterEach
  void stop() {
    runners.forEach(StreamRunner::stop);
    channels.forEach(MemoryChannel::stop);
  }

  /** Each connect() runs the next step: throw, or open and deliver messages (then maybe close). */
  private static final class ScriptedConnector implements StreamRunner.Connector {
    private final List<Object> steps;
    final List<Long> connectNanos = new CopyOnWriteArrayList<>();
    /** Delays the network back-off had handed out when each attempt started (set by run()). */
    final List<Integer> networkFailuresAtConnect = new CopyOnWriteArrayList<>();
    volatile Backoff network;

    ScriptedConnector(Object... steps) {
      this.steps = List.of(steps);
    }

    @Override
    public StreamConnection connect(StreamListener listener) throws StreamConnectException {
      int attempt = connectNanos.size();
      connectNanos.add(System.nanoTime());
      networkFailuresAtConnect.add(network == null ? -1 : network.failures());
      Object step = steps.get(Math.min(attempt, steps.size() - 1));
      if (step instanceof RuntimeException) {
        throw (RuntimeException) step;
      }
      if (step instanceof StreamConnectException) {
        throw (StreamConnectException) step;
      }
      StreamConnection connection = new StreamConnection() {
        @Override
        public void request(long n) {
        }

        @Override
        public void close() {
        }

        @Override
        public String describe() {
          return "scripted connection " + attempt;
        }
      };
      @SuppressWarnings("unchecked")
      List<String> messages = (List<String>) step;
      boolean close = messages.contains("<close>");
      messages.stream().filter(m -> !m.equals("<close>"))
          .forEach(m -> listener.onMessage(connection, m));
      if (close) {
        listener.onClosed(connection, "scripted close");
      }
      return connection;
    }
  }

  @Test
  void reconnectsAtOnceAfterAConnectionThatDeliveredButBacksOffAfterOneThatDidNot()
      throws Exception {
    ScriptedConnector connector = new ScriptedConnector(
        List.of("a", "<close>"),     // delivered, then dropped: reconnect at once
        List.of("<close>"),          // dropped before any message: network back-off (200 ms)
        List.of("b"));
    MemoryChannel channel = channel();
    run(connector, channel, 200);

    List<Event> events = takeAtLeast(channel, 2, Duration.ofSeconds(20));

    assertThat(bodies(events)).containsExactly("a", "b");
    List<Long> at = connector.connectNanos;
    assertThat(TimeUnit.NANOSECONDS.toMillis(at.get(2) - at.get(1))).isGreaterThanOrEqualTo(200);
    // At once: no network delay was drawn before attempt 1 (the previous connection delivered);
    // exactly one (the first linear step, 200 ms) before attempt 2.
    assertThat(connector.networkFailuresAtConnect.subList(0, 3)).containsExactly(0, 0, 1);
    assertThat(Backoff.linear(200, 2000).nextDelayMs()).isEqualTo(200);
  }

  @Test
  void keepsReadingAfterAnUnexpectedErrorAndCountsIt() throws Exception {
    ScriptedConnector connector = new ScriptedConnector(
        new IllegalStateException("a client bug"), List.of("after the error"));
    MemoryChannel channel = channel();
    StreamSourceCounter counter = run(connector, channel, 10);

    List<Event> events = takeAtLeast(channel, 1, Duration.ofSeconds(20));

    assertThat(bodies(events)).containsExactly("after the error");
    assertThat(counter.getGenericProcessingFail()).isEqualTo(1);
    assertThat(counter.getConnectCount()).isEqualTo(1);
  }

  @Test
  void backsOffByTheKindOfTheFailure() throws Exception {
    ScriptedConnector connector = new ScriptedConnector(
        new StreamConnectException(FailureKind.RATE_LIMITED, "HTTP 429", null),
        List.of("c"));
    MemoryChannel channel = channel();
    StreamSourceCounter counter = run(connector, channel, 10); // 429: 300 ms, others 10 ms

    takeAtLeast(channel, 1, Duration.ofSeconds(20));

    List<Long> at = connector.connectNanos;
    assertThat(TimeUnit.NANOSECONDS.toMillis(at.get(1) - at.get(0))).isGreaterThanOrEqualTo(300);
    assertThat(counter.getConnectFailCount()).isEqualTo(1);
  }

  private StreamSourceCounter run(StreamRunner.Connector connector, MemoryChannel channel,
      long networkBackoffMs) {
    Map<FailureKind, Backoff> backoffs = new EnumMap<>(FailureKind.class);
    backoffs.put(FailureKind.NETWORK, Backoff.linear(networkBackoffMs, networkBackoffMs * 10));
    backoffs.put(FailureKind.HTTP, Backoff.exponential(10, 100));
    backoffs.put(FailureKind.RATE_LIMITED, Backoff.exponential(300, 3000));
    if (connector instanceof ScriptedConnector) {
      ((ScriptedConnector) connector).network = backoffs.get(FailureKind.NETWORK);
    }
    StreamSourceCounter counter = new StreamSourceCounter(uniqueName("runner"));
    counter.start();
    StreamRunner runner = new StreamRunner(uniqueName("runner"), connector,
        message -> EventBuilder.withBody(message, UTF_8), processor(channel), counter,
        new StreamRunner.Settings(10, 20, 0, backoffs));
    runners.add(runner);
    runner.start();
    return counter;
  }

  private MemoryChannel channel() {
    MemoryChannel channel = memoryChannel(100, 100);
    channels.add(channel);
    return channel;
  }
}
