package io.sluice.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.launcher.LaunchException;
import io.sluice.launcher.process.AgentFile;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LiveBlueskyTest {

  /** The repository's agents/ directory (the launcher module is assembly/launcher). */
  private static final AgentFile BLUESKY = AgentFile.read(
      Path.of("../../agents/bluesky-agent.properties").toAbsolutePath().normalize(), "bluesky");

  @Test
  void endpointsAreThoseOfTheAgentFileUnlessTheEnvironmentSetsThem() {
    assertThat(LiveBluesky.endpoints(BLUESKY, Map.of())).containsExactly(
        "wss://jetstream2.us-east.bsky.network/subscribe", "wss://jetstream1.us-east.bsky.network/subscribe");
    assertThat(LiveBluesky.endpoints(BLUESKY, Map.of("SLUICE_JETSTREAM_ENDPOINTS", "ws://127.0.0.1:1/subscribe, ")))
        .containsExactly("ws://127.0.0.1:1/subscribe");
    assertThat(LiveBluesky.agentEnv(Map.of("SLUICE_JETSTREAM_COLLECTIONS", "*", "SLUICE_JETSTREAM_ENDPOINTS", " ",
        "PATH", "/bin"))).containsExactly(Map.entry("SLUICE_JETSTREAM_COLLECTIONS", "*"));
  }

  @Test
  void resolvesFlumeEnvironmentLookupsWithTheirDefaults() {
    assertThat(LiveBluesky.resolve("a ${env:X:-d1} ${env:Y} ${env:Z:-} b", Map.of("Y", "y"))).isEqualTo("a d1 y  b");
    assertThat(LiveBluesky.resolve("${env:X:-d1}", Map.of("X", "x"))).isEqualTo("x");
  }

  @Test
  void failsWithinSecondsNamingEveryEndpointWhenNoneAnswers() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    List<String> endpoints = List.of("ws://127.0.0.1:" + closed + "/subscribe", "not a url");
    long start = System.nanoTime();

    LaunchException e = assertThrows(LaunchException.class,
        () -> LiveBluesky.checkReachable(endpoints, Duration.ofSeconds(5)));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(e.getMessage())
        .startsWith("cannot reach Bluesky Jetstream: ws://127.0.0.1:" + closed + "/subscribe (ConnectException")
        .contains(", not a url (")
        .endsWith("set SLUICE_JETSTREAM_ENDPOINTS to a reachable Jetstream instance (ws:// or wss:// URLs, "
            + "comma-separated).");
  }
}
