package io.sluice.flume.source.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.contract.EventHeaders;
import io.sluice.flume.testing.TestData;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flume.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice demo --tweets FILE} with a file mixing the three formats: the packaged
 * {@code tweets} agent (less its SparkSink, memory channels) replays real lines of each platform,
 * interleaved: the 950 Twitter v1.1 statuses of {@code samples/tweets/ALL_shared_tweets.jsonl},
 * the 10 Jetstream events of the golden file (1 post, 9 events that are not posts) and the 4
 * recorded X API v2 Posts (the 3 filtered-stream lines of X's quickstart and the example payload).
 */
class MixedPostsReplayTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir
  Path tmp;

  @Test
  void replaysAMixedFileOfTheThreePlatformsWithExactCountsPerPlatformAndNoReject()
      throws Exception {
    List<byte[]> v1 = TestData.lines(TestData.sample("tweets/ALL_shared_tweets.jsonl"));
    List<byte[]> jetstream = TestData.lines(resource("/bluesky/jetstream_golden_v1.jsonl"));
    List<byte[]> x = new ArrayList<>(
        TestData.lines(resource("/x_api_v2/filtered_stream_quickstart.jsonl")));
    x.addAll(TestData.lines(resource("/x_api_v2/example_payloads_tweet.json")));
    assertThat(List.of(v1.size(), jetstream.size(), x.size())).containsExactly(950, 10, 4);
    Path input = tmp.resolve("mixed-posts.jsonl");
    try (OutputStream out = Files.newOutputStream(input)) {
      // Round robin while each list lasts, so every platform follows every other one.
      for (int i = 0; i < v1.size(); i++) {
        for (List<byte[]> lines : List.of(v1, jetstream, x)) {
          if (i < lines.size()) {
            out.write(lines.get(i));
            out.write('\n');
          }
        }
      }
    }
    Path rejects = Files.createDirectories(tmp.resolve("out/rejects/tweets"));
    Map<String, String> environment = Map.of(
        "SLUICE_TWEETS_FILE", input.toString(),
        "SLUICE_KAFKA_BOOTSTRAP", "127.0.0.1:9",
        "SLUICE_REJECTS_DIR", rejects.toString(),
        "SLUICE_STATE_DIR", tmp.resolve("state").toString());

    try (AgentRun run = AgentRun.start(AgentRun.withoutSparkSink("tweets", true, tmp), "tweets",
        environment, tmp, Map.of())) {
      List<Event> events = run.awaitEvents("events", 964, TIMEOUT);

      assertThat(events).hasSize(964);
      assertThat(events).extracting(e -> e.getHeaders().get(EventHeaders.REJECT_REASON))
          .containsOnlyNulls();
      assertThat(events).extracting(e -> e.getHeaders().get(EventHeaders.PIPELINE))
          .containsOnly("tweets");
      assertThat(countBy(events, e -> e.getHeaders().get(EventHeaders.PLATFORM)))
          .containsExactly(Map.entry("BLUESKY_JETSTREAM", 10L), Map.entry("TWITTER_V1_1", 950L),
              Map.entry("X_API_V2", 4L));
      List<Event> posts = events.stream()
          .filter(e -> e.getHeaders().containsKey(EventHeaders.TWEET_ID))
          .collect(Collectors.toList());
      assertThat(countBy(posts, e -> e.getHeaders().get(EventHeaders.PLATFORM)))
          .containsExactly(Map.entry("BLUESKY_JETSTREAM", 1L), Map.entry("TWITTER_V1_1", 950L),
              Map.entry("X_API_V2", 4L));
      assertThat(posts).extracting(e -> e.getHeaders().get(EventHeaders.TWEET_ID))
          .doesNotHaveDuplicates()
          .contains("1228393702244134912", "1227640996038684673", "1199786642791452673",
              "1307025659294674945",
              "at://did:plc:q235v55g5unth4zjjdpacfdr/app.bsky.feed.post/3mmoojp4cd223");
      assertThat(countBy(events.stream().filter(e -> !posts.contains(e))
          .collect(Collectors.toList()), e -> e.getHeaders().get(EventHeaders.NOT_POST)))
          .containsExactly(Map.entry("account", 1L), Map.entry("block", 1L),
              Map.entry("delete", 1L), Map.entry("follow", 1L), Map.entry("identity", 1L),
              Map.entry("like", 1L), Map.entry("other", 1L), Map.entry("profile", 1L),
              Map.entry("repost", 1L));
      assertThat(run.takeAvailable("rejects")).isEmpty();
    }
  }

  private static Map<String, Long> countBy(List<Event> events, Function<Event, String> key) {
    return events.stream().collect(Collectors.groupingBy(key, TreeMap::new,
        Collectors.counting()));
  }

  private static Path resource(String name) throws URISyntaxException {
    return Paths.get(MixedPostsReplayTest.class.getResource(name).toURI());
  }
}
