package io.sluice.flume.source.jetstream;

import static io.sluice.flume.source.SourceTestSupport.awaitTrue;
import static io.sluice.flume.source.SourceTestSupport.bodies;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.flume.metrics.JetstreamSourceCounterMBean;
import io.sluice.flume.source.agents.AgentRun;
import io.sluice.flume.source.jetstream.JetstreamReplayServer.Recorded;
import io.sluice.flume.source.jetstream.JetstreamReplayServer.Script;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flume.Event;
import org.apache.flume.channel.kafka.KafkaChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code agents/bluesky-agent.properties} (less its SparkSink, not on this module's
 * classpath), run by Flume's own configuration provider against {@link JetstreamReplayServer}
 * replaying the recorded Jetstream events.
 */
class BlueskyAgentConfigTest {


  @TempDir
  Path tmp;

  @Test
  void deliversNormalisedPostsOnceThroughADisconnect() throws Exception {
    // The first connection drops after the 3 events the agent asks for (the post, plus the
    // identity and account events Jetstream always sends); the reconnect's cursor rewind makes the
    // server send them again, and the agent's dedup interceptor drops the repeated post.
    try (JetstreamReplayServer server = JetstreamReplayServer.start(
        JetstreamSourceTest.golden(), Script.dropAfter(3), Script.silentAfter(3));
        AgentRun agent = AgentRun.start(AgentRun.withoutSparkSink("bluesky", false, tmp),
            "bluesky", environment(server), tmp, Map.of())) {
      agent.assertComponents(List.of("jetstream"), List.of("events", "rejects"),
          List.of("deadLetter"));

      awaitTrue(Duration.ofSeconds(30), () -> server.requests.size() == 2
          && server.requests.get(1).getRawQuery().contains("cursor="));
      List<Event> events = new ArrayList<>();
      awaitTrue(Duration.ofSeconds(30), () -> {
        events.addAll(agent.takeAvailable("events"));
        return !events.isEmpty();
      });
      // Give a duplicate every chance to show up before asserting there is none: wait until the
      // source has read all 6 messages of both connections.
      JetstreamSourceCounterMBean counter = counter(agent);
      awaitTrue(Duration.ofSeconds(30), () -> counter.getEventReceivedCount() == 6
          && counter.getEventAcceptedCount() == 2);
      events.addAll(agent.takeAvailable("events"));

      Recorded post = server.events().stream()
          .filter(e -> e.collection.equals("app.bsky.feed.post")).findFirst().orElseThrow();
      assertThat(bodies(events)).containsExactly(post.line);
      assertThat(events.get(0).getHeaders())
          .containsEntry("pipeline", "tweets")
          .containsEntry("platform", "BLUESKY_JETSTREAM")
          .containsEntry("eventId",
              "did:plc:q235v55g5unth4zjjdpacfdr/app.bsky.feed.post/3mmoojp4cd223@3mmoojpaqkn2z")
          .containsEntry("tweetId",
              "at://did:plc:q235v55g5unth4zjjdpacfdr/app.bsky.feed.post/3mmoojp4cd223")
          .containsEntry("lang", "en")
          .doesNotContainKey("rejectReason");
      assertThat(server.parameter(0, "wantedCollections")).containsExactly("app.bsky.feed.post");
      assertThat(counter.getFilteredEventCount()).as("identity and account, twice").isEqualTo(4);
      assertThat(agent.takeAvailable("rejects")).isEmpty();
    }
    assertThat(Files.readString(tmp.resolve("state/bluesky-jetstream.json")))
        .contains("\"time_us\":1779719009157119");
  }

  @Test
  void writesToKafkaUnlessTheChannelTypeIsOverridden() throws Exception {
    try (JetstreamReplayServer server = JetstreamReplayServer.start(JetstreamSourceTest.golden());
        AgentRun agent = AgentRun.load(AgentRun.withoutSparkSink("bluesky", false, tmp),
            "bluesky", environment(server),
            withoutChannelType(), tmp)) {
      assertThat(agent.configuration().getChannels().values())
          .hasSize(2).allSatisfy(channel -> assertThat(channel).isInstanceOf(KafkaChannel.class));
    }
  }

  /** Clears -Dsluice.channel.type for the run, so the file's default applies. */
  static Map<String, String> withoutChannelType() {
    Map<String, String> properties = new HashMap<>();
    properties.put(AgentRun.CHANNEL_TYPE_PROPERTY, null);
    return properties;
  }

  private Map<String, String> environment(JetstreamReplayServer server) throws Exception {
    Path rejects = Files.createDirectories(tmp.resolve("rejects"));
    return Map.of(
        "SLUICE_JETSTREAM_ENDPOINTS", server.endpoint(),
        "SLUICE_STATE_DIR", tmp.resolve("state").toString(),
        "SLUICE_REJECTS_DIR", rejects.toString(),
        "SLUICE_KAFKA_BOOTSTRAP", "127.0.0.1:9");
  }

  private static JetstreamSourceCounterMBean counter(AgentRun agent) {
    return ((JetstreamSource) agent.source("jetstream").getSource()).getCounter();
  }
}
