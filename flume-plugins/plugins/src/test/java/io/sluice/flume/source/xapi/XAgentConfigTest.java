package io.sluice.flume.source.xapi;

import static io.sluice.flume.source.SourceTestSupport.bodies;
import static io.sluice.flume.source.SourceTestSupport.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.flume.source.agents.AgentRun;
import io.sluice.flume.source.xapi.XApiTestServer.StreamScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flume.Event;
import org.apache.flume.channel.kafka.KafkaChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code agents/x-agent.properties}, run by Flume's own configuration provider
 * against {@link XApiTestServer} streaming the Posts of X's documentation.
 */
class XAgentConfigTest {

  private static final List<String> POSTS =
      XFilteredStreamSourceTest.resourceLines("filtered_stream_quickstart.jsonl");

  @TempDir
  Path tmp;

  @Test
  void syncsItsRuleAndDeliversNormalisedPosts() throws Exception {
    try (XApiTestServer server = XApiTestServer.start(StreamScript.lines(POSTS).thenStall())) {
      server.addRule("dog has:images", "dog pictures"); // not declared: deleted by the sync
      try (AgentRun agent = AgentRun.start(AgentRun.withoutSparkSink("x", false, tmp), "x",
          environment(server), tmp, Map.of())) {
        runAgainst(server, agent);
      }
    }
  }

  private void runAgainst(XApiTestServer server, AgentRun agent) throws Exception {
    {
      agent.assertComponents(List.of("stream"), List.of("events", "rejects"),
          List.of("deadLetter"));

      List<Event> events = agent.awaitEvents("events", 3, Duration.ofSeconds(30));

      assertThat(bodies(events)).containsExactlyElementsOf(POSTS);
      for (Event event : events) {
        JsonNode post = new ObjectMapper().readTree(event.getBody()).get("data");
        assertThat(event.getHeaders())
            .containsEntry("pipeline", "tweets")
            .containsEntry("platform", "X_API_V2")
            .containsEntry("eventId", post.get("id").asText())
            .containsEntry("tweetId", post.get("id").asText())
            .doesNotContainKey("rejectReason");
      }
      assertThat(header(events, "lang")).containsOnly("und"); // the documented Posts have none
      assertThat(server.rules()).containsExactly("#dataengineering lang:en -is:retweet|sluice");
      XApiTestServer.Request stream = server.streamRequests.get(0);
      assertThat(stream.authorization).isEqualTo("Bearer token-read-from-a-file");
      assertThat(stream.parameter("expansions")).isEqualTo("author_id");
      assertThat(agent.takeAvailable("rejects")).isEmpty();
    }
  }

  @Test
  void writesToKafkaUnlessTheChannelTypeIsOverridden() throws Exception {
    Map<String, String> properties = new HashMap<>();
    properties.put(AgentRun.CHANNEL_TYPE_PROPERTY, null);
    try (XApiTestServer server = XApiTestServer.start(StreamScript.lines(POSTS));
        AgentRun agent = AgentRun.load(AgentRun.withoutSparkSink("x", false, tmp), "x",
            environment(server), properties, tmp)) {
      assertThat(agent.configuration().getChannels().values())
          .hasSize(2).allSatisfy(channel -> assertThat(channel).isInstanceOf(KafkaChannel.class));
    }
  }

  private Map<String, String> environment(XApiTestServer server) throws Exception {
    Path token = Files.writeString(tmp.resolve("x-token"), "token-read-from-a-file\n");
    return Map.of(
        "SLUICE_X_BASE_URL", server.baseUrl(),
        "SLUICE_X_BEARER_TOKEN_FILE", token.toString(),
        "SLUICE_X_RULE", "#dataengineering lang:en -is:retweet",
        "SLUICE_REJECTS_DIR", Files.createDirectories(tmp.resolve("rejects")).toString(),
        "SLUICE_KAFKA_BOOTSTRAP", "127.0.0.1:9");
  }
}
