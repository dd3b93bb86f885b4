package io.sluice.flume.source.xapi;

import static io.sluice.flume.source.SourceTestSupport.awaitTrue;
import static io.sluice.flume.source.SourceTestSupport.bodies;
import static io.sluice.flume.source.SourceTestSupport.header;
import static io.sluice.flume.source.SourceTestSupport.memoryChannel;
import static io.sluice.flume.source.SourceTestSupport.processor;
import static io.sluice.flume.source.SourceTestSupport.takeAtLeast;
import static io.sluice.flume.source.SourceTestSupport.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.contract.EventHeaders;
import io.sluice.flume.source.xapi.XApiTestServer.Request;
import io.sluice.flume.source.xapi.XApiTestServer.StreamScript;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.channel.MemoryChannel;
import org.apache.flume.conf.ConfigurationException;
import org.apache.flume.lifecycle.LifecycleState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link XFilteredStreamSource} against {@link XApiTestServer} speaking the v2 stream and rules
 * formats, with the Posts, rules and error objects of X's public documentation (see the test
 * resources' NOTICE), into real memory channels.
 */
class XFilteredStreamSourceTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "test-bearer-token-from-the-environment";
  /** The documented Posts, one stream line each. */
  private static final List<String> POSTS = resourceLines("filtered_stream_quickstart.jsonl");
  private static final String OPERATIONAL_DISCONNECT =
      resourceLines("stream_operational_disconnect.json").get(0);
  private static final String TOO_MANY_CONNECTIONS =
      resourceLines("stream_too_many_connections.json").get(0);

  @TempDir
  Path tmp;

  private final List<XFilteredStreamSource> sources = new ArrayList<>();
  private final List<XApiTestServer> servers = new ArrayList<>();
  private final List<MemoryChannel> channels = new ArrayList<>();

  @AfterEach
  void stopEverything() {
    for (XFilteredStreamSource source : sources) {
      if (source.getLifecycleState() == LifecycleState.START) {
        source.stop();
      }
    }
    servers.forEach(XApiTestServer::close);
    channels.forEach(MemoryChannel::stop);
  }

  // ---------------------------------------------------------------- rules and Posts

  @Test
  void syncsTheRulesThenDeliversEachPostVerbatimWithItsHeaders() throws Exception {
    XApiTestServer server = server(StreamScript.lines(POSTS).thenStall());
    server.addRule("dog has:images", "dog pictures");
    server.addRule("cat has:images", "an old tag");
    server.rulesPageSize(1); // exercise next_token
    MemoryChannel channel = channel(100);
    XFilteredStreamSource source = start(config(server), channel);

    List<Event> events = takeAtLeast(channel, 3, TIMEOUT);

    assertThat(server.rules()).containsExactly("cat has:images|cats with images");
    assertThat(source.getCounter().getRulesDeletedCount()).isEqualTo(2);
    assertThat(source.getCounter().getRulesAddedCount()).isEqualTo(1);
    assertThat(bodies(events)).containsExactlyElementsOf(POSTS);
    for (Event event : events) {
      JsonNode post = JSON.readTree(event.getBody()).get("data");
      assertThat(event.getHeaders())
          .containsEntry("eventId", post.get("id").asText())
          .containsEntry("tweetId", post.get("id").asText())
          .containsEntry("timestamp", Long.toString(
              Instant.parse(post.get("created_at").asText()).toEpochMilli()))
          .containsEntry("matchingRules", "cats with images");
    }
    Request stream = server.streamRequests.get(0);
    assertThat(stream.authorization).isEqualTo("Bearer " + TOKEN);
    assertThat(stream.parameter("tweet.fields")).isEqualTo("created_at,author_id,lang");
    assertThat(server.ruleRequests).allSatisfy(request ->
        assertThat(request.authorization).isEqualTo("Bearer " + TOKEN));
  }

  @Test
  void leavesTheRulesAloneWhenSyncIsOff() throws Exception {
    XApiTestServer server = server(StreamScript.lines(POSTS).thenStall());
    server.addRule("dog has:images", "dog pictures");
    Context context = new Context(config(server).getParameters().entrySet().stream()
        .filter(e -> !e.getKey().startsWith(XStreamSourceConfig.RULES))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    context.put(XStreamSourceConfig.SYNC_RULES, "false");
    start(context, channel(100));

    awaitTrue(TIMEOUT, () -> server.streamRequests.size() == 1);

    assertThat(server.ruleRequests).isEmpty();
    assertThat(server.rules()).containsExactly("dog has:images|dog pictures");
  }

  @Test
  void countsKeepAlivesAndDoesNotDeliverThem() throws Exception {
    XApiTestServer server = server(StreamScript.lines(
        List.of("", POSTS.get(0), "", "", POSTS.get(1))).thenStall());
    MemoryChannel channel = channel(100);
    XFilteredStreamSource source = start(config(server), channel);

    List<Event> events = takeAtLeast(channel, 2, TIMEOUT);
    awaitTrue(TIMEOUT, () -> source.getCounter().getKeepAliveCount() == 3);

    assertThat(bodies(events)).containsExactly(POSTS.get(0), POSTS.get(1));
    assertThat(source.getCounter().getEventReceivedCount()).isEqualTo(2);
  }

  @Test
  void routesMalformedLinesWithAReasonAndCountsThem() throws Exception {
    // Synthetic malformed lines (labelled: not X traffic) between documented Posts.
    String notJson = "<html>bad gateway</html>";
    String noId = "{\"data\":{\"text\":\"a Post without its id\"}}";
    String unexpected = "{\"meta\":{\"sent\":\"2020-06-16T23:14:06.498Z\"}}";
    XApiTestServer server = server(StreamScript.lines(
        List.of(POSTS.get(0), notJson, noId, unexpected)).thenStall());
    MemoryChannel channel = channel(100);
    XFilteredStreamSource source = start(config(server), channel);

    List<Event> events = takeAtLeast(channel, 4, TIMEOUT);

    assertThat(bodies(events)).containsExactly(POSTS.get(0), notJson, noId, unexpected);
    assertThat(header(events, EventHeaders.REJECT_REASON))
        .containsExactly(null, "invalid-json", "missing-id", "unexpected-message");
    assertThat(header(events.subList(1, 4), EventHeaders.REJECTED_BY))
        .containsOnly("x-filtered-stream-source");
    assertThat(source.getCounter().getMalformedMessageCount()).isEqualTo(3);
  }

  // ---------------------------------------------------------------- disconnections

  @Test
  void reconnectsAtOnceAfterAnOperationalDisconnect() throws Exception {
    XApiTestServer server = server(
        StreamScript.lines(List.of(POSTS.get(0), OPERATIONAL_DISCONNECT)),
        StreamScript.lines(POSTS.subList(1, 3)).thenStall());
    MemoryChannel channel = channel(100);
    XFilteredStreamSource source = start(config(server), channel);

    List<Event> events = takeAtLeast(channel, 3, TIMEOUT);

    assertThat(bodies(events)).containsExactlyElementsOf(POSTS);
    assertThat(source.getCounter().getStreamErrorCount()).isEqualTo(1);
    assertThat(source.getCounter().getDisconnectCount()).isEqualTo(1);
    assertThat(source.getCounter().getConnectFailCount()).isZero();
    assertThat(server.ruleRequests.stream().filter(r -> r.method.equals("GET")).count())
        .as("rules are synced once per start, not per reconnect").isEqualTo(1);
  }

  @Test
  void backsOffExponentiallyFromTheFirstDelayOnHttp429() throws Exception {
    XApiTestServer server = server(
        StreamScript.status(429, TOO_MANY_CONNECTIONS),
        StreamScript.status(429, TOO_MANY_CONNECTIONS),
        StreamScript.lines(POSTS).thenStall());
    Context context = config(server);
    context.put(XStreamSourceConfig.RATE_LIMIT_BACKOFF_INITIAL_MS, "100");
    context.put(XStreamSourceConfig.RATE_LIMIT_BACKOFF_MAX_MS, "1000");
    MemoryChannel channel = channel(100);
    XFilteredStreamSource source = start(context, channel);

    takeAtLeast(channel, 3, TIMEOUT);

    assertThat(source.getCounter().getRateLimitedCount()).isEqualTo(2);
    assertThat(source.getCounter().getConnectFailCount()).isEqualTo(2);
    List<Request> requests = server.streamRequests;
    assertThat(gapMs(requests.get(0), requests.get(1))).isGreaterThanOrEqualTo(100);
    assertThat(gapMs(requests.get(1), requests.get(2))).isGreaterThanOrEqualTo(200);
  }

  @Test
  void backsOffOnHttpErrors() throws Exception {
    XApiTestServer server = server(StreamScript.status(503, ""),
        StreamScript.lines(POSTS).thenStall());
    Context context = config(server);
    context.put(XStreamSourceConfig.HTTP_BACKOFF_INITIAL_MS, "150");
    context.put(XStreamSourceConfig.HTTP_BACKOFF_MAX_MS, "1000");
    MemoryChannel channel = channel(100);
    XFilteredStreamSource source = start(context, channel);

    takeAtLeast(channel, 3, TIMEOUT);

    assertThat(source.getCounter().getConnectFailCount()).isEqualTo(1);
    assertThat(source.getCounter().getRateLimitedCount()).isZero();
    assertThat(gapMs(server.streamRequests.get(0), server.streamRequests.get(1)))
        .isGreaterThanOrEqualTo(150);
  }

  @Test
  void reconnectsWhenKeepAlivesStop() throws Exception {
    XApiTestServer server = server(StreamScript.lines(List.of(POSTS.get(0))).thenStall(),
        StreamScript.lines(POSTS.subList(1, 3)).thenStall());
    Context context = config(server);
    // Long enough that the second connection, stalled after its Posts, does not time out too
    // before the counter is read.
    context.put(XStreamSourceConfig.KEEP_ALIVE_TIMEOUT_MS, "1000");
    MemoryChannel channel = channel(100);
    XFilteredStreamSource source = start(context, channel);

    List<Event> events = takeAtLeast(channel, 3, TIMEOUT);

    assertThat(bodies(events)).containsExactlyElementsOf(POSTS);
    assertThat(source.getCounter().getIdleTimeoutCount()).isEqualTo(1);
  }

  @Test
  void asksForBackfillOnlyWhenReconnecting() throws Exception {
    XApiTestServer server = server(StreamScript.lines(List.of(POSTS.get(0))),
        StreamScript.lines(POSTS.subList(1, 3)).thenStall());
    Context context = config(server);
    context.put(XStreamSourceConfig.BACKFILL_MINUTES, "2");
    start(context, channel(100));

    awaitTrue(TIMEOUT, () -> server.streamRequests.size() >= 2);

    assertThat(server.streamRequests.get(0).parameter("backfill_minutes")).isNull();
    assertThat(server.streamRequests.get(1).parameter("backfill_minutes")).isEqualTo("2");
  }

  @Test
  void readsTheTokenFromAFile() throws Exception {
    XApiTestServer server = server(StreamScript.lines(POSTS).thenStall());
    Path tokenFile = Files.writeString(tmp.resolve("x-token"), "  token-from-a-file\n");
    Context context = config(server);
    context.put(XStreamSourceConfig.BEARER_TOKEN_FILE, tokenFile.toString());
    start(context, channel(100));

    awaitTrue(TIMEOUT, () -> server.streamRequests.size() == 1);

    assertThat(server.streamRequests.get(0).authorization).isEqualTo("Bearer token-from-a-file");
  }

  // ---------------------------------------------------------------- configuration

  @Test
  void refusesATokenInTheAgentConfiguration() {
    assertRejected(XStreamSourceConfig.FORBIDDEN_BEARER_TOKEN, "AAAA");
  }

  @Test
  void rejectsATokenVariableThatIsNotSet() {
    Context context = minimal();
    context.put(XStreamSourceConfig.BEARER_TOKEN_ENV, "SLUICE_UNSET_TOKEN");
    assertThatThrownBy(() -> configured(context))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'" + XStreamSourceConfig.BEARER_TOKEN_ENV + "'")
        .hasMessageContaining("SLUICE_UNSET_TOKEN");
  }

  @Test
  void rejectsATokenFileThatDoesNotExist() {
    assertRejected(XStreamSourceConfig.BEARER_TOKEN_FILE, tmp.resolve("absent").toString());
  }

  @Test
  void rejectsAnEmptyTokenFile() throws IOException {
    assertRejected(XStreamSourceConfig.BEARER_TOKEN_FILE,
        Files.writeString(tmp.resolve("empty"), " \n").toString());
  }

  @Test
  void rejectsARuleWithoutValue() {
    Context context = minimal();
    context.put(XStreamSourceConfig.RULES, "cats,dogs");
    assertThatThrownBy(() -> configured(context))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'rules.dogs.value'");
  }

  @Test
  void rejectsARuleKeyOfAnUndeclaredRule() {
    assertRejected("rules.birds.value", "bird has:images");
  }

  @Test
  void rejectsTheSameRuleValueTwice() {
    Context context = minimal();
    context.put(XStreamSourceConfig.RULES, "cats,kittens");
    context.put("rules.kittens.value", "cat has:images");
    assertThatThrownBy(() -> configured(context))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'rules.kittens.value'");
  }

  @Test
  void rejectsRulesWhenSyncIsOff() {
    assertRejected(XStreamSourceConfig.SYNC_RULES, "false", XStreamSourceConfig.RULES);
  }

  @Test
  void rejectsSyncWithoutRules() {
    assertThatThrownBy(() -> configured(new Context()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'" + XStreamSourceConfig.RULES + "'");
  }

  @Test
  void rejectsABaseUrlThatIsNotHttp() {
    assertRejected(XStreamSourceConfig.BASE_URL, "ftp://api.x.com");
  }

  @Test
  void rejectsBackfillOfMoreThanFiveMinutes() {
    assertRejected(XStreamSourceConfig.BACKFILL_MINUTES, "6");
  }

  @Test
  void rejectsAZeroKeepAliveTimeout() {
    assertRejected(XStreamSourceConfig.KEEP_ALIVE_TIMEOUT_MS, "0");
  }

  @Test
  void rejectsABackoffCapBelowTheFirstDelay() {
    assertRejected(XStreamSourceConfig.HTTP_BACKOFF_MAX_MS, "1000");
  }

  @Test
  void rejectsAnUnknownKey() {
    assertRejected("tweet.fields", "created_at");
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = '|', value = {
      "syncRules|maybe",
      "backfillMinutes|-1",
      "connectTimeoutMs|0",
      "batchSize|0",
      "batchDurationMs|0",
      "networkBackoffStepMs|0",
      "networkBackoffMaxMs|1",
      "httpBackoffInitialMs|0",
      "rateLimitBackoffInitialMs|0",
      "rateLimitBackoffMaxMs|1000"})
  void rejectsOutOfRangeValues(String key, String value) {
    assertRejected(key, value);
  }

  @Test
  void appliesDefaults() {
    XFilteredStreamSource source = configured(minimal());
    assertThat(source.getBatchSize()).isEqualTo(100);
  }

  // ---------------------------------------------------------------- helpers

  private void assertRejected(String key, String value) {
    assertRejected(key, value, key);
  }

  private void assertRejected(String key, String value, String namedKey) {
    Context context = minimal();
    context.put(key, value);
    assertThatThrownBy(() -> configured(context))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'" + namedKey + "'");
  }

  /** Declares the documented rule; the token comes from the (test) environment. */
  private static Context minimal() {
    Context context = new Context();
    context.put(XStreamSourceConfig.RULES, "cats");
    context.put("rules.cats.value", "cat has:images");
    context.put("rules.cats.tag", "cats with images");
    return context;
  }

  private static Context config(XApiTestServer server) {
    Context context = minimal();
    context.put(XStreamSourceConfig.BASE_URL, server.baseUrl());
    context.put(XStreamSourceConfig.BATCH_DURATION_MS, "20");
    context.put(XStreamSourceConfig.CONNECT_TIMEOUT_MS, "5000");
    context.put(XStreamSourceConfig.NETWORK_BACKOFF_STEP_MS, "10");
    context.put(XStreamSourceConfig.NETWORK_BACKOFF_MAX_MS, "100");
    context.put(XStreamSourceConfig.HTTP_BACKOFF_INITIAL_MS, "10");
    context.put(XStreamSourceConfig.HTTP_BACKOFF_MAX_MS, "100");
    context.put(XStreamSourceConfig.RATE_LIMIT_BACKOFF_INITIAL_MS, "10");
    context.put(XStreamSourceConfig.RATE_LIMIT_BACKOFF_MAX_MS, "100");
    return context;
  }

  private XFilteredStreamSource configured(Context context) {
    XFilteredStreamSource source = new XFilteredStreamSource(
        name -> name.equals(XStreamSourceConfig.DEFAULT_BEARER_TOKEN_ENV) ? TOKEN : null);
    source.setName(uniqueName("x-stream"));
    source.configure(context);
    sources.add(source);
    return source;
  }

  private XFilteredStreamSource start(Context context, MemoryChannel channel) {
    XFilteredStreamSource source = configured(context);
    source.setChannelProcessor(processor(channel));
    source.start();
    return source;
  }

  private XApiTestServer server(StreamScript... scripts) throws IOException {
    XApiTestServer server = XApiTestServer.start(scripts);
    servers.add(server);
    return server;
  }

  private MemoryChannel channel(int capacity) {
    MemoryChannel channel = memoryChannel(capacity, capacity);
    channels.add(channel);
    return channel;
  }

  private static long gapMs(Request first, Request second) {
    return TimeUnit.NANOSECONDS.toMillis(second.atNanos - first.atNanos);
  }

  static List<String> resourceLines(String name) {
    try (InputStream in =
        XFilteredStreamSourceTest.class.getResourceAsStream("/x_api_v2/" + name)) {
      if (in == null) {
        throw new IllegalStateException("Missing test resource x_api_v2/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(line -> !line.isEmpty()).collect(Collectors.toList());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
