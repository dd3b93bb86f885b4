package io.sluice.flume.source.zeromq;

import static io.sluice.flume.source.SourceTestSupport.awaitTrue;
import static io.sluice.flume.source.SourceTestSupport.bodies;
import static io.sluice.flume.source.SourceTestSupport.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.contract.EventHeaders;
import io.sluice.flume.source.SourceTestSupport;
import io.sluice.flume.source.agents.AgentRun;
import io.sluice.flume.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flume.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The packaged {@code agents/zeromq-agent.properties} (less its SparkSink, with memory channels
 * instead of Kafka), run by Flume's own configuration provider: set for the tweets pipeline through
 * its environment as {@code sluice demo --via zeromq} sets it (PULL, bind, event-id frame, the
 * post normaliser), real tweets pushed by a connecting JeroMQ PUSH socket reach the events channel normalised
 * with their ids, and a message without its id frame reaches the dead letter too.
 */
@Timeout(120)
class ZeroMqAgentConfigTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir
  Path tmp;

  @Test
  void pushedTweetsReachTheEventsChannelNormalisedAndAMessageWithoutItsIdFrameTheDeadLetter()
      throws Exception {
    List<String> tweets = Files.readAllLines(TestData.sample("tweets/ALL_shared_tweets.jsonl"),
        StandardCharsets.UTF_8).subList(0, 30);
    // The agent binds it: Flume's configuration cannot report a port 0.
    String endpoint = "tcp://127.0.0.1:" + SourceTestSupport.freePort();
    try (ZContext peers = new ZContext()) {
      // As the demo: the agent binds its PULL socket, the pusher connects (the agent file says why).
      ZMQ.Socket push = peers.createSocket(SocketType.PUSH);
      push.setHandshakeIvl(ZeroMqSourceConfig.DEFAULT_HANDSHAKE_TIMEOUT_MS);
      push.connect(endpoint);
      try (AgentRun agent = AgentRun.start(AgentRun.withoutSparkSink("zeromq", true, tmp), "zeromq",
          Map.of("SLUICE_ZEROMQ_SOCKET_TYPE", "PULL",
              "SLUICE_ZEROMQ_MODE", "bind",
              "SLUICE_ZEROMQ_ENDPOINTS", endpoint,
              "SLUICE_ZEROMQ_EVENT_ID_FRAME", "true",
              "SLUICE_ZEROMQ_PIPELINE", "tweets",
              "SLUICE_ZEROMQ_INTERCEPTOR", "io.sluice.flume.interceptor.post.TweetNormalizerInterceptor$Builder",
              "SLUICE_REJECTS_DIR", Files.createDirectories(tmp.resolve("rejects")).toString(),
              "SLUICE_KAFKA_BOOTSTRAP", "127.0.0.1:9"), tmp, Map.of())) {
        agent.assertComponents(List.of("zeromq"), List.of("events", "rejects"), List.of("deadLetter"));
        for (int i = 0; i < tweets.size(); i++) {
          push.sendMore("tweets.jsonl:" + (i + 1));
          push.send(tweets.get(i));
        }
        push.send(tweets.get(0)); // no id frame

        List<Event> events = new ArrayList<>();
        awaitTrue(TIMEOUT, () -> {
          events.addAll(agent.takeAvailable("events"));
          return events.size() >= 31;
        }, () -> "events " + events.size());
        assertThat(events).hasSize(31);
        assertThat(bodies(events.subList(0, 30))).containsExactlyElementsOf(tweets);
        assertThat(header(events, EventHeaders.PIPELINE)).containsOnly("tweets");
        assertThat(header(events.subList(0, 30), EventHeaders.EVENT_ID))
            .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 30)
                .mapToObj(n -> "tweets.jsonl:" + n).toList());
        // The post normaliser ran: each parsed tweet has its id and platform.
        assertThat(header(events.subList(0, 30), EventHeaders.REJECT_REASON)).containsOnlyNulls();
        assertThat(header(events.subList(0, 30), EventHeaders.PLATFORM)).containsOnly("TWITTER_V1_1");
        assertThat(events.get(30).getHeaders()).containsEntry(EventHeaders.REJECT_REASON, "unexpected-message")
            .containsEntry(EventHeaders.REJECTED_BY, "zeromq-source");
        // The dead-letter sink (file_roll, header_and_text) drains the rejects channel to a file.
        Path rejects = tmp.resolve("rejects");
        awaitTrue(TIMEOUT, () -> deadLetter(rejects).contains("rejectReason=unexpected-message"),
            () -> "dead letter: " + deadLetter(rejects));
        assertThat(deadLetter(rejects)).contains(tweets.get(0)).doesNotContain(tweets.get(1));
      }
    }
  }
  /** Everything the file_roll sink wrote so far. */
  private static String deadLetter(Path dir) {
    StringBuilder text = new StringBuilder();
    try (var files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        text.append(Files.readString(file, StandardCharsets.UTF_8));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return text.toString();
  }
}
