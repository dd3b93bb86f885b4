package io.sluice.flume.source.jetstream;

import static io.sluice.flume.source.SourceTestSupport.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.contract.EventHeaders;
import io.sluice.flume.source.agents.AgentProcess;
import io.sluice.flume.source.agents.FileChannelContents;
import io.sluice.flume.source.jetstream.JetstreamReplayServer.Recorded;
import io.sluice.flume.source.jetstream.JetstreamReplayServer.Script;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flume.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JetstreamSource} in a Flume agent JVM of its own ({@link AgentProcess}), crashed with
 * {@code kill -9} while the stream is quiet and restarted: it resumes from the cursor its timer
 * saved (nothing saved it on a stop), minus the rewind. The Jetstream instance is
 * {@link JetstreamReplayServer} in this JVM replaying the real golden events; the agent's channel
 * is a durable FILE channel, read back here at the end.
 */
class JetstreamSourceKillIT {

  private static final String AGENT = "bluesky";
  private static final long REWIND_MS = 10;
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  @Test
  @Timeout(120)
  void restartAfterKillResumesFromThePeriodicallySavedCursorMinusTheRewind() throws Exception {
    // First connection: the first 5 events (within 25 ms of stream time), then silence; after
    // the restart: everything from the cursor the agent asks for.
    try (JetstreamReplayServer server = JetstreamReplayServer.start(
        JetstreamSourceTest.golden(), Script.silentAfter(5), Script.sendAll())) {
      List<Recorded> recorded = server.events();
      Path stateFile = tmp.resolve("state/cursor.json");
      Path config = Files.writeString(tmp.resolve("agent.properties"),
          agentConfig(server, stateFile));
      long fifth = recorded.get(4).timeUs;

      try (AgentProcess first = AgentProcess.start(AGENT, config, tmp.resolve("agent-1.log"))) {
        awaitTrue(TIMEOUT, () -> savedCursor(stateFile) == fifth,
            () -> "cursor " + savedCursor(stateFile) + "; " + first + ":\n" + first.logTail(30));
        first.kill();
      }
      assertThat(savedCursor(stateFile)).as("the cursor the killed agent left").isEqualTo(fifth);

      long last = recorded.get(recorded.size() - 1).timeUs;
      try (AgentProcess second = AgentProcess.start(AGENT, config, tmp.resolve("agent-2.log"))) {
        awaitTrue(TIMEOUT, () -> server.requests.size() == 2 && savedCursor(stateFile) == last,
            () -> "handshakes " + server.requests + ", cursor " + savedCursor(stateFile) + "; "
                + second + ":\n" + second.logTail(30));
        second.kill();
      }

      long cursor = fifth - TimeUnit.MILLISECONDS.toMicros(REWIND_MS);
      assertThat(server.parameter(0, "cursor")).as("first start: no state file, live tip")
          .isEmpty();
      assertThat(server.parameter(1, "cursor")).as("restart: saved cursor minus the rewind")
          .containsExactly(Long.toString(cursor));
      // Every event once, and again those the rewind re-read: the 4th and 5th (time_us within
      // 10 ms of the cursor); exact, since nothing is lost or delivered a third time.
      Map<String, Integer> expected = new TreeMap<>();
      for (Recorded event : recorded) {
        expected.put(JetstreamSourceTest.expectedEventId(JSON.readTree(event.line)),
            event.timeUs >= cursor && event.timeUs <= fifth ? 2 : 1);
      }
      assertThat(expected.values().stream().filter(n -> n == 2).count()).isEqualTo(2);
      Map<String, Integer> delivered = new TreeMap<>();
      for (Event event : FileChannelContents.drain(tmp.resolve("channels/events"))) {
        delivered.merge(event.getHeaders().get(EventHeaders.EVENT_ID), 1,
            Integer::sum);
      }
      assertThat(delivered).isEqualTo(expected);
    }
  }

  private String agentConfig(JetstreamReplayServer server, Path stateFile) {
    String source = AGENT + ".sources.jetstream.";
    return AGENT + ".sources = jetstream\n"
        + AGENT + ".channels = events\n"
        + source + "type = " + JetstreamSource.class.getName() + "\n"
        + source + "endpoints = " + server.endpoint() + "\n"
        + source + "wantedCollections = *\n"
        + source + "kinds = commit,identity,account\n"
        + source + "stateFile = " + stateFile + "\n"
        + source + "cursorRewindMs = " + REWIND_MS + "\n"
        + source + "cursorSaveIntervalMs = 200\n"
        // One event per transaction: five batches in a burst, the cursor timer writes the last.
        + source + "batchSize = 1\n"
        + source + "batchDurationMs = 20\n"
        + source + "channels = events\n"
        + FileChannelContents.agentConfig(AGENT, "events", tmp.resolve("channels/events"));
  }

  /** The state file's cursor, 0 while there is none (it is replaced atomically: never torn). */
  private static long savedCursor(Path stateFile) {
    try {
      return Files.exists(stateFile)
          ? JSON.readTree(Files.readString(stateFile, StandardCharsets.UTF_8)).get("time_us")
              .asLong()
          : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
