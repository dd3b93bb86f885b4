package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.flume.source.jetstream.JetstreamReplayServer;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/sluice demo --live bluesky} of the unpacked tarball, on a machine without internet:
 * against a closed local port it fails within seconds naming the endpoint; against the Flume
 * plugins' local Jetstream replay server (the 10 real events of the golden file, all collections
 * asked for) it runs the bluesky agent into the tweets job for {@code --duration} seconds and prints
 * the summary: the agent's source delivers the 8 commits (it keeps {@code kinds = commit}: the
 * identity and account events are filtered, and counted, by the source), 1 post and 7 events that
 * are not posts, none rejected.
 */
class LiveDemoIT {

  @TempDir
  static Path unpacked;

  private static Path home;

  @TempDir
  Path tmp;

  @RegisterExtension
  final SluiceProcesses sluice = new SluiceProcesses().without("SLUICE_JETSTREAM_");

  @BeforeAll
  static void unpackTheTarball() throws Exception {
    home = Distribution.unpack(unpacked);
  }

  @BeforeEach
  void startProcessesFromTheTarball() {
    sluice.in(home, tmp);
  }

  @Test
  @Timeout(90)
  void failsWithinSecondsNamingTheEndpointWhenJetstreamCannotBeReached() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    String endpoint = "ws://127.0.0.1:" + closed + "/subscribe";
    Path console = tmp.resolve("console.txt");
    long start = System.nanoTime();

    Process demo = sluice.start(console, Map.of("SLUICE_JETSTREAM_ENDPOINTS", endpoint),
        "demo", "--live", "bluesky", "--out", tmp.resolve("out").toString());

    assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as("demo exits").isTrue();
    String printed = Files.readString(console, StandardCharsets.UTF_8);
    assertThat(demo.exitValue()).as("exit status; output:%n%s", printed).isEqualTo(1);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time to fail").isLessThan(Duration.ofSeconds(30));
    assertThat(printed).contains("sluice demo failed: cannot reach Bluesky Jetstream: " + endpoint + " (ConnectException")
        .contains("set SLUICE_JETSTREAM_ENDPOINTS").doesNotContain("[1/4]");
  }

  @Test
  @Timeout(180)
  void readsTheReplayedJetstreamForItsDurationAndPrintsTheSummary() throws Exception {
    Path golden = tmp.resolve("jetstream_golden_v1.jsonl");
    try (InputStream in = JetstreamReplayServer.class.getResourceAsStream("/bluesky/jetstream_golden_v1.jsonl")) {
      Files.copy(in, golden);
    }
    Path out = tmp.resolve("out");
    Path console = tmp.resolve("console.txt");
    try (JetstreamReplayServer server = JetstreamReplayServer.start(golden)) {
      Process demo = sluice.start(console, Map.of("SLUICE_JETSTREAM_ENDPOINTS", server.endpoint(),
          "SLUICE_JETSTREAM_COLLECTIONS", "*"), "demo", "--live", "bluesky", "--duration", "6", "--out", out.toString());

      assertThat(demo.waitFor(150, TimeUnit.SECONDS)).as("demo exits").isTrue();
      String printed = Files.readString(console, StandardCharsets.UTF_8);
      assertThat(demo.exitValue()).as("exit status; output:%n%s", printed).isZero();
      assertThat(server.requests).as("handshakes: the launcher's check, then the agent's").hasSizeGreaterThanOrEqualTo(2);
      assertThat(printed).contains("Bluesky Jetstream " + server.endpoint() + " (live)", "[4/4] reading live for 6 s",
          "(stopped)", "Tweets", "not a post", "BLUESKY_JETSTREAM");

      JsonNode tweets = new ObjectMapper().readTree(out.resolve("summary.json").toFile()).path("tweets");
      assertThat(tweets.path("records").asLong()).isEqualTo(8);
      assertThat(tweets.path("posts").asLong()).isEqualTo(1);
      assertThat(tweets.path("rejected").asLong()).isZero();
      assertThat(tweets.path("tweets").asLong()).isEqualTo(1);
      assertThat(counts(tweets.path("notPosts"))).containsExactlyEntriesOf(new TreeMap<>(Map.of("block", 1L,
          "delete", 1L, "follow", 1L, "like", 1L, "other", 1L, "profile", 1L, "repost", 1L)));
      assertThat(counts(tweets.path("platforms"))).containsExactly(Map.entry("BLUESKY_JETSTREAM", 1L));
      assertThat(counts(tweets.path("languages"))).containsExactly(Map.entry("en", 1L));
      assertThat(new ObjectMapper().readTree(out.resolve("summary.json").toFile()).has("logs"))
          .as("--live runs the tweets pipeline only").isFalse();
    }
  }

  private static Map<String, Long> counts(JsonNode object) {
    Map<String, Long> m = new TreeMap<>();
    object.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asLong()));
    return m;
  }

}
