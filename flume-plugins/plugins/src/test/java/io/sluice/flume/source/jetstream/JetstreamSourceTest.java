package io.sluice.flume.source.jetstream;

import static io.sluice.flume.source.SourceTestSupport.awaitTrue;
import static io.sluice.flume.source.SourceTestSupport.bodies;
import static io.sluice.flume.source.SourceTestSupport.header;
import static io.sluice.flume.source.SourceTestSupport.memoryChannel;
import static io.sluice.flume.source.SourceTestSupport.processor;
import static io.sluice.flume.source.SourceTestSupport.take;
import static io.sluice.flume.source.SourceTestSupport.takeAtLeast;
import static io.sluice.flume.source.SourceTestSupport.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.contract.EventHeaders;
import io.sluice.flume.source.jetstream.JetstreamReplayServer.Recorded;
import io.sluice.flume.source.jetstream.JetstreamReplayServer.Script;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.FlumeException;
import org.apache.flume.channel.MemoryChannel;
import org.apache.flume.conf.ConfigurationException;
import org.apache.flume.lifecycle.LifecycleState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link JetstreamSource} against {@link JetstreamReplayServer} replaying the real events of
 * {@code bluesky/jetstream_golden_v1.jsonl}, into real memory channels.
 */
class JetstreamSourceTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ALL_KINDS = "commit,identity,account";

  @TempDir
  Path tmp;

  private final List<JetstreamSource> sources = new ArrayList<>();
  private final List<JetstreamReplayServer> servers = new ArrayList<>();
  private final List<MemoryChannel> channels = new ArrayList<>();

  @AfterEach
  void stopEverything() throws InterruptedException {
    for (JetstreamSource source : sources) {
      if (source.getLifecycleState() == LifecycleState.START) {
        source.stop();
      }
    }
    for (JetstreamReplayServer server : servers) {
      server.close();
    }
    channels.forEach(MemoryChannel::stop);
  }

  // ---------------------------------------------------------------- events and headers

  @Test
  void deliversEveryRecordedEventVerbatimWithItsHeaders() throws Exception {
    JetstreamReplayServer server = server(Script.sendAll());
    MemoryChannel channel = channel(100);
    Context context = config(server);
    context.put(JetstreamSourceConfig.WANTED_COLLECTIONS, "*");
    context.put(JetstreamSourceConfig.KINDS, ALL_KINDS);
    start(context, channel);

    List<Event> events = takeAtLeast(channel, 10, TIMEOUT);

    assertThat(bodies(events)).containsExactlyElementsOf(lines(server.events()));
    for (Event event : events) {
      JsonNode message = JSON.readTree(event.getBody());
      Map<String, String> headers = event.getHeaders();
      long timeUs = message.get("time_us").asLong();
      assertThat(headers).containsEntry("did", message.get("did").asText())
          .containsEntry("kind", message.get("kind").asText())
          .containsEntry("timeUs", Long.toString(timeUs))
          .containsEntry("timestamp", Long.toString(timeUs / 1000))
          .containsEntry("eventId", expectedEventId(message));
      if (message.get("kind").asText().equals("commit")) {
        assertThat(headers)
            .containsEntry("collection", message.at("/commit/collection").asText())
            .containsEntry("operation", message.at("/commit/operation").asText());
      }
    }
    assertThat(header(events, "eventId")).contains(
        "did:plc:q235v55g5unth4zjjdpacfdr/app.bsky.feed.post/3mmoojp4cd223@3mmoojpaqkn2z",
        "did:plc:g4ut2w5755qxi3fe7mfs72p4#identity@30340180350",
        "did:plc:g4ut2w5755qxi3fe7mfs72p4#account@30340180351");
    assertThat(server.parameter(0, "wantedCollections")).isEmpty();
    assertThat(server.parameter(0, "cursor")).as("no state file: live tip").isEmpty();
  }

  @Test
  void filtersKindsThatAreNotConfiguredAndCountsThem() throws Exception {
    JetstreamReplayServer server = server(Script.sendAll());
    MemoryChannel channel = channel(100);
    Context context = config(server);
    context.put(JetstreamSourceConfig.WANTED_COLLECTIONS, "*");
    JetstreamSource source = start(context, channel); // kinds: the default, commit only

    List<Event> events = takeAtLeast(channel, 8, TIMEOUT);
    // The runner counts a batch as accepted just after the channel took it: wait for the count.
    awaitTrue(TIMEOUT, () -> source.getCounter().getFilteredEventCount() == 2
        && source.getCounter().getEventAcceptedCount() >= 8);

    assertThat(header(events, "kind")).hasSize(8).containsOnly("commit");
    assertThat(source.getCounter().getEventReceivedCount()).isEqualTo(10);
    assertThat(source.getCounter().getEventAcceptedCount()).isEqualTo(8);
  }

  @Test
  void asksForTheDefaultCollectionAndDeliversWhatJetstreamSends() throws Exception {
    JetstreamReplayServer server = server(Script.sendAll());
    MemoryChannel channel = channel(100);
    Context context = config(server);
    context.put(JetstreamSourceConfig.KINDS, ALL_KINDS);
    JetstreamSource source = start(context, channel);

    awaitTrue(TIMEOUT, () -> source.getCounter().getEventAcceptedCount() == 3);

    assertThat(server.parameter(0, "wantedCollections")).containsExactly("app.bsky.feed.post");
    // Jetstream sends identity and account events whatever the collections.
    assertThat(header(take(channel, 100), "kind"))
        .containsExactlyInAnyOrder("commit", "identity", "account");
  }

  @Test
  void routesMalformedMessagesWithAReasonAndCountsThem() throws Exception {
    // Synthetic malformed frames (labelled: not recorded traffic) before the recorded events.
    String notJson = "this is not JSON";
    String noTime = "{\"did\":\"did:plc:q235v55g5unth4zjjdpacfdr\",\"kind\":\"commit\"}";
    String noRkey = "{\"did\":\"did:plc:q235v55g5unth4zjjdpacfdr\",\"time_us\":1779719009000000,"
        + "\"kind\":\"commit\",\"commit\":{\"operation\":\"create\"}}";
    JetstreamReplayServer server =
        server(Script.sendAll().withFramesFirst(notJson, noTime, noRkey));
    MemoryChannel channel = channel(100);
    Context context = config(server);
    context.put(JetstreamSourceConfig.WANTED_COLLECTIONS, "*");
    JetstreamSource source = start(context, channel);

    List<Event> events = takeAtLeast(channel, 3 + 8, TIMEOUT);

    List<Event> rejects = events.stream()
        .filter(e -> e.getHeaders().containsKey(EventHeaders.REJECT_REASON))
        .collect(Collectors.toList());
    assertThat(bodies(rejects)).containsExactly(notJson, noTime, noRkey);
    assertThat(header(rejects, EventHeaders.REJECT_REASON))
        .containsExactly("invalid-json", "missing-field", "missing-field");
    assertThat(header(rejects, EventHeaders.REJECTED_BY)).containsOnly("jetstream-source");
    assertThat(source.getCounter().getMalformedMessageCount()).isEqualTo(3);
  }

  // ---------------------------------------------------------------- cursor and reconnects

  @Test
  void reconnectsWithTheCursorWhenTheServerDropsTheConnectionAndLosesNoEvent() throws Exception {
    JetstreamReplayServer server = server(Script.dropAfter(4), Script.sendAll());
    MemoryChannel channel = channel(100);
    Context context = config(server);
    context.put(JetstreamSourceConfig.WANTED_COLLECTIONS, "*");
    context.put(JetstreamSourceConfig.KINDS, ALL_KINDS);
    context.put(JetstreamSourceConfig.CURSOR_REWIND_MS, "1000");
    JetstreamSource source = start(context, channel);

    List<Event> events = new ArrayList<>();
    awaitTrue(TIMEOUT, () -> {
      events.addAll(take(channel, 100));
      return distinctIds(events).size() == 10;
    }, () -> "distinct events: " + distinctIds(events));

    List<Recorded> recorded = server.events();
    assertThat(distinctIds(events)).containsExactlyInAnyOrderElementsOf(expectedIds(recorded));
    assertThat(server.requests).hasSize(2);
    assertThat(server.parameter(0, "cursor")).isEmpty();
    long cursor = recorded.get(3).timeUs - 1_000_000;
    assertThat(server.parameter(1, "cursor")).containsExactly(Long.toString(cursor));
    // Duplicates: only events at or after the rewound cursor, each with identical content.
    Map<String, List<Event>> byId = events.stream()
        .collect(Collectors.groupingBy(e -> e.getHeaders().get("eventId")));
    byId.values().stream().filter(copies -> copies.size() > 1).forEach(copies -> {
      assertThat(Long.parseLong(copies.get(0).getHeaders().get("timeUs")))
          .isGreaterThanOrEqualTo(cursor);
      assertThat(bodies(copies)).containsOnly(bodies(copies).get(0));
    });
    assertThat(source.getCounter().getDisconnectCount()).isEqualTo(1);
    assertThat(source.getCounter().getConnectCount()).isEqualTo(2);
  }

  @Test
  void resumesFromTheSavedCursorAfterARestartWithoutAGap() throws Exception {
    JetstreamReplayServer server = server(Script.silentAfter(5), Script.sendAll());
    Path stateFile = tmp.resolve("state/cursor.json");
    MemoryChannel channel = channel(100);
    Context context = config(server);
    context.put(JetstreamSourceConfig.WANTED_COLLECTIONS, "*");
    context.put(JetstreamSourceConfig.KINDS, ALL_KINDS);
    context.put(JetstreamSourceConfig.STATE_FILE, stateFile.toString());
    context.put(JetstreamSourceConfig.CURSOR_SAVE_INTERVAL_MS, "60000"); // written on stop
    context.put(JetstreamSourceConfig.CURSOR_REWIND_MS, "500");
    JetstreamSource first = start(context, channel);
    List<Event> beforeRestart = takeAtLeast(channel, 5, TIMEOUT);
    first.stop();

    List<Recorded> recorded = server.events();
    long saved = recorded.get(4).timeUs;
    assertThat(JSON.readTree(stateFile.toFile()).get("time_us").asLong()).isEqualTo(saved);
    assertThat(first.getCounter().getCursorUs()).isEqualTo(saved);

    start(context, channel);
    List<Event> afterRestart = new ArrayList<>();
    Set<String> all = new HashSet<>(distinctIds(beforeRestart));
    awaitTrue(TIMEOUT, () -> {
      List<Event> taken = take(channel, 100);
      afterRestart.addAll(taken);
      all.addAll(distinctIds(taken));
      return all.size() == 10;
    }, () -> "distinct events: " + all);

    long cursor = saved - 500_000;
    assertThat(server.parameter(1, "cursor")).containsExactly(Long.toString(cursor));
    assertThat(afterRestart).allSatisfy(event ->
        assertThat(Long.parseLong(event.getHeaders().get("timeUs")))
            .isGreaterThanOrEqualTo(cursor));
    assertThat(all).containsExactlyInAnyOrderElementsOf(expectedIds(recorded));
  }

  @Test
  void writesTheCursorPeriodicallyWhileRunningEvenWhenTheStreamGoesQuiet() throws Exception {
    // Five one-event batches within a few milliseconds, then silence: only the timer can write
    // the fifth event's cursor (no stop, no further batch).
    JetstreamReplayServer server = server(Script.silentAfter(5));
    Path stateFile = tmp.resolve("cursor.json");
    MemoryChannel channel = channel(100);
    Context context = config(server);
    context.put(JetstreamSourceConfig.WANTED_COLLECTIONS, "*");
    context.put(JetstreamSourceConfig.KINDS, ALL_KINDS);
    context.put(JetstreamSourceConfig.STATE_FILE, stateFile.toString());
    context.put(JetstreamSourceConfig.CURSOR_SAVE_INTERVAL_MS, "100");
    context.put(JetstreamSourceConfig.BATCH_SIZE, "1");
    JetstreamSource source = start(context, channel);
    long fifth = server.events().get(4).timeUs;

    // CursorUs is set right after the file is written.
    awaitTrue(TIMEOUT, () -> savedCursor(stateFile) == fifth
            && source.getCounter().getCursorUs() == fifth,
        () -> "cursor in " + stateFile + ": " + savedCursor(stateFile) + ", CursorUs "
            + source.getCounter().getCursorUs());

    assertThat(source.getLifecycleState()).isEqualTo(LifecycleState.START);
    assertThat(source.getCounter().getEventAcceptedCount()).isEqualTo(5);
    assertThat(source.getCounter().getCursorSaveFailCount()).isZero();
  }

  @Test
  void savesTheCursorOfTheLastAcceptedEventWhenStoppedMidStream() throws Exception {
    JetstreamReplayServer server = server(Script.sendAll());
    Path stateFile = tmp.resolve("cursor.json");
    MemoryChannel channel = channel(100);
    Context context = config(server);
    context.put(JetstreamSourceConfig.WANTED_COLLECTIONS, "*");
    context.put(JetstreamSourceConfig.KINDS, ALL_KINDS);
    context.put(JetstreamSourceConfig.STATE_FILE, stateFile.toString());
    context.put(JetstreamSourceConfig.CURSOR_SAVE_INTERVAL_MS, "0"); // after every batch
    context.put(JetstreamSourceConfig.BATCH_SIZE, "1");
    JetstreamSource source = start(context, channel);
    awaitTrue(TIMEOUT, () -> source.getCounter().getEventAcceptedCount() >= 2);

    source.stop(); // while batches, and cursor writes, are still going on

    long newestAccepted = take(channel, 100).stream()
        .mapToLong(e -> Long.parseLong(e.getHeaders().get("timeUs"))).max().orElseThrow();
    assertThat(JSON.readTree(stateFile.toFile()).get("time_us").asLong())
        .isEqualTo(newestAccepted);
    assertThat(source.getCounter().getCursorSaveFailCount()).isZero();
  }

  @Test
  void retriesWithBackoffAfterRefusedHandshakes() throws Exception {
    JetstreamReplayServer server = server(Script.refuse(), Script.refuse(), Script.sendAll());
    MemoryChannel channel = channel(100);
    Context context = config(server);
    context.put(JetstreamSourceConfig.WANTED_COLLECTIONS, "*");
    JetstreamSource source = start(context, channel);

    takeAtLeast(channel, 8, TIMEOUT);

    assertThat(server.requests).hasSize(3);
    assertThat(source.getCounter().getConnectFailCount()).isEqualTo(2);
    assertThat(source.getCounter().getConnectCount()).isEqualTo(1);
  }

  @Test
  void reconnectsWhenTheStreamGoesSilent() throws Exception {
    JetstreamReplayServer server = server(Script.silentAfter(3), Script.sendAll());
    MemoryChannel channel = channel(100);
    Context context = config(server);
    context.put(JetstreamSourceConfig.WANTED_COLLECTIONS, "*");
    context.put(JetstreamSourceConfig.KINDS, ALL_KINDS);
    // Long enough that the second connection, silent after its events, does not time out too
    // before the counters are read.
    context.put(JetstreamSourceConfig.IDLE_TIMEOUT_MS, "1000");
    JetstreamSource source = start(context, channel);

    List<Event> events = new ArrayList<>();
    awaitTrue(TIMEOUT, () -> {
      events.addAll(take(channel, 100));
      return distinctIds(events).size() == 10;
    }, () -> "distinct events: " + distinctIds(events));

    assertThat(source.getCounter().getIdleTimeoutCount()).isEqualTo(1);
    // The cursor: the third (last delivered) event's time_us, rewound by the default 5 s.
    long cursor = server.events().get(2).timeUs
        - JetstreamSourceConfig.DEFAULT_CURSOR_REWIND_MS * 1000;
    assertThat(server.parameter(1, "cursor")).containsExactly(Long.toString(cursor));
  }

  @Test
  void losesNothingWhenTheChannelIsFull() throws Exception {
    JetstreamReplayServer server = server(Script.sendAll());
    MemoryChannel channel = channel(3);
    Context context = config(server);
    context.put(JetstreamSourceConfig.WANTED_COLLECTIONS, "*");
    context.put(JetstreamSourceConfig.KINDS, ALL_KINDS);
    context.put(JetstreamSourceConfig.BATCH_SIZE, "3");
    JetstreamSource source = start(context, channel);

    awaitTrue(TIMEOUT, () -> source.getCounter().getChannelWriteFail() > 0);
    List<Event> events = new ArrayList<>();
    awaitTrue(TIMEOUT, () -> {
      events.addAll(take(channel, 1)); // drains slower than the source fills
      return events.size() >= 10;
    });

    assertThat(bodies(events)).containsExactlyElementsOf(lines(server.events()));
  }

  @Test
  void refusesToStartOnAStateFileItCannotRead() throws Exception {
    JetstreamReplayServer server = server(Script.sendAll());
    Path stateFile = tmp.resolve("broken.json");
    Files.writeString(stateFile, "{\"cursor\": \"yesterday\"}");
    Context context = config(server);
    context.put(JetstreamSourceConfig.STATE_FILE, stateFile.toString());
    JetstreamSource source = configured(context);
    source.setChannelProcessor(processor(channel(10)));

    assertThatThrownBy(source::start)
        .isInstanceOf(FlumeException.class)
        .hasMessageContaining(stateFile.toString());
    assertThat(server.requests).isEmpty();
  }

  // ---------------------------------------------------------------- configuration

  @Test
  void appliesDefaults() {
    JetstreamSource source = configured(minimal());
    assertThat(source.getBatchSize()).isEqualTo(100);
  }

  @Test
  void rejectsAnEndpointThatIsNotAWebSocketUrl() {
    assertRejected(JetstreamSourceConfig.ENDPOINTS, "https://jetstream2.us-east.bsky.network");
  }

  @Test
  void rejectsACollectionThatIsNotAnNsid() {
    assertRejected(JetstreamSourceConfig.WANTED_COLLECTIONS, "posts");
  }

  @Test
  void rejectsTheWildcardMixedWithCollections() {
    assertRejected(JetstreamSourceConfig.WANTED_COLLECTIONS, "*,app.bsky.feed.post");
  }

  @Test
  void rejectsADidThatIsNotADid() {
    assertRejected(JetstreamSourceConfig.WANTED_DIDS, "alice.bsky.social");
  }

  @Test
  void rejectsAnUnknownKind() {
    assertRejected(JetstreamSourceConfig.KINDS, "commit,sync");
  }

  @Test
  void rejectsANegativeCursorRewind() {
    assertRejected(JetstreamSourceConfig.CURSOR_REWIND_MS, "-1");
  }

  @Test
  void rejectsAZeroBatchSize() {
    assertRejected(JetstreamSourceConfig.BATCH_SIZE, "0");
  }

  @Test
  void rejectsABackoffCapBelowTheFirstDelay() {
    Context context = minimal();
    context.put(JetstreamSourceConfig.RECONNECT_BACKOFF_INITIAL_MS, "5000");
    context.put(JetstreamSourceConfig.RECONNECT_BACKOFF_MAX_MS, "1000");
    assertThatThrownBy(() -> configured(context))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'" + JetstreamSourceConfig.RECONNECT_BACKOFF_MAX_MS + "'");
  }

  @Test
  void rejectsAStateFileThatIsADirectory() {
    assertRejected(JetstreamSourceConfig.STATE_FILE, tmp.toString());
  }

  @Test
  void rejectsAnUnknownKey() {
    assertRejected("wantedCollection", "app.bsky.feed.post");
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = '|', value = {
      "endpoints|''",
      "wantedCollections|app.bsky.feed.post,app.bsky.feed.*,not a collection",
      "kinds|''",
      "cursorSaveIntervalMs|-1",
      "batchDurationMs|0",
      "idleTimeoutMs|-5",
      "connectTimeoutMs|0",
      "reconnectBackoffInitialMs|0",
      "reconnectBackoffMaxMs|ten",
      "batchSize|2147483648"})
  void rejectsOutOfRangeValues(String key, String value) {
    if (value.isEmpty()) { // blank means "default": check the validators on an explicit empty list
      Context context = minimal();
      context.put(key, ",");
      assertThatThrownBy(() -> configured(context))
          .isInstanceOf(ConfigurationException.class).hasMessageContaining("'" + key + "'");
      return;
    }
    assertRejected(key, value);
  }

  // ---------------------------------------------------------------- helpers

  private void assertRejected(String key, String value) {
    Context context = minimal();
    context.put(key, value);
    assertThatThrownBy(() -> configured(context))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'" + key + "'");
  }

  private Context minimal() {
    Context context = new Context();
    context.put(JetstreamSourceConfig.STATE_FILE, tmp.resolve("state.json").toString());
    return context;
  }

  private Context config(JetstreamReplayServer server) {
    Context context = minimal();
    context.put(JetstreamSourceConfig.ENDPOINTS, server.endpoint());
    context.put(JetstreamSourceConfig.BATCH_DURATION_MS, "20");
    context.put(JetstreamSourceConfig.RECONNECT_BACKOFF_INITIAL_MS, "20");
    context.put(JetstreamSourceConfig.RECONNECT_BACKOFF_MAX_MS, "200");
    context.put(JetstreamSourceConfig.CONNECT_TIMEOUT_MS, "5000");
    return context;
  }

  private JetstreamSource configured(Context context) {
    JetstreamSource source = new JetstreamSource();
    source.setName(uniqueName("jetstream"));
    source.configure(context);
    sources.add(source);
    return source;
  }

  private JetstreamSource start(Context context, MemoryChannel channel) {
    JetstreamSource source = configured(context);
    source.setChannelProcessor(processor(channel));
    source.start();
    return source;
  }

  private JetstreamReplayServer server(Script... scripts) throws Exception {
    JetstreamReplayServer server = JetstreamReplayServer.start(golden(), scripts);
    servers.add(server);
    return server;
  }

  private MemoryChannel channel(int capacity) {
    MemoryChannel channel = memoryChannel(capacity, capacity);
    channels.add(channel);
    return channel;
  }

  static Path golden() throws URISyntaxException {
    return Paths.get(JetstreamSourceTest.class.getResource("/bluesky/jetstream_golden_v1.jsonl")
        .toURI());
  }

  /** The state file's cursor, 0 while there is none (it is replaced atomically: never torn). */
  private static long savedCursor(Path stateFile) {
    try {
      return Files.exists(stateFile) ? JSON.readTree(stateFile.toFile()).get("time_us").asLong()
          : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> lines(List<Recorded> recorded) {
    return recorded.stream().map(r -> r.line).collect(Collectors.toList());
  }

  private static Set<String> distinctIds(List<Event> events) {
    return new HashSet<>(header(events, "eventId"));
  }

  private static List<String> expectedIds(List<Recorded> recorded) throws Exception {
    List<String> ids = new ArrayList<>();
    for (Recorded event : recorded) {
      ids.add(expectedEventId(JSON.readTree(event.line.getBytes(StandardCharsets.UTF_8))));
    }
    return ids;
  }

  /** The documented id scheme, computed independently of the source. */
  static String expectedEventId(JsonNode message) {
    String did = message.get("did").asText();
    String kind = message.get("kind").asText();
    if (kind.equals("commit")) {
      JsonNode commit = message.get("commit");
      return did + "/" + commit.get("collection").asText() + "/" + commit.get("rkey").asText()
          + "@" + commit.get("rev").asText();
    }
    return did + "#" + kind + "@" + message.get(kind).get("seq").asText();
  }
}
