package io.sluice.flume.source.mqtt;

import static io.sluice.flume.source.SourceTestSupport.awaitTrue;
import static io.sluice.flume.source.SourceTestSupport.bodies;
import static io.sluice.flume.source.SourceTestSupport.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.contract.EventHeaders;
import io.sluice.flume.source.SourceTestSupport;
import io.sluice.flume.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.channel.MemoryChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link MqttSource} in this JVM against a real broker (mosquitto, {@link MosquittoBroker}) and
 * a real Flume memory channel; the messages are real lines of the bundled access log.
 */
@Timeout(120)
class MqttSourceTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String ACCESS_LOG = "access_logs/elastic-examples_apache_logs.log";

  @TempDir
  Path tmp;

  private MosquittoBroker broker;
  private final List<MqttSource> sources = new ArrayList<>();

  @BeforeEach
  void startBroker() throws Exception {
    broker = MosquittoBroker.start(tmp, "");
  }

  @AfterEach
  void stopAll() throws Exception {
    try {
      for (MqttSource source : sources) {
        if (source.getLifecycleState() == org.apache.flume.lifecycle.LifecycleState.START) {
          source.stop();
        }
      }
    } finally {
      broker.close();
    }
  }

  @ParameterizedTest(name = "MQTT {0}, QoS {1}")
  @CsvSource({"5, 1", "5, 2", "3.1.1, 1", "3.1.1, 2"})
  void deliversPublishedLinesWithTopicQosEventIdAndPipeline(String version, int qos)
      throws Exception {
    List<String> lines = accessLogLines(0, 20);
    List<String> ids = ids(1, 20);
    MemoryChannel channel = SourceTestSupport.memoryChannel(1_000, 100);
    MqttSource source = started(channel, Map.of("protocolVersion", version,
        "topicFilters", "logs/+/access", "qos", Integer.toString(qos)));

    broker.publish("logs/web-1/access", qos, lines, ids);

    List<Event> events = SourceTestSupport.takeAtLeast(channel, 20, TIMEOUT);
    assertThat(bodies(events)).containsExactlyElementsOf(lines);
    assertThat(header(events, EventHeaders.TOPIC)).containsOnly("logs/web-1/access");
    assertThat(header(events, EventHeaders.QOS)).containsOnly(Integer.toString(qos));
    assertThat(header(events, EventHeaders.PIPELINE)).containsOnly("logs");
    if (version.equals("5")) {
      // MQTT 5: the publisher's eventId user property.
      assertThat(header(events, EventHeaders.EVENT_ID)).containsExactlyElementsOf(ids);
    } else {
      // MQTT 3.1.1 has no user properties: a random UUID per message.
      assertThat(header(events, EventHeaders.EVENT_ID)).doesNotHaveDuplicates()
          .allMatch(id -> id.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}"));
    }
    for (Event event : events) {
      assertThat(event.getHeaders().get(EventHeaders.TIMESTAMP))
          .isEqualTo(event.getHeaders().get(EventHeaders.READ_TIME));
    }
    awaitTrue(TIMEOUT, () -> source.getCounter().getAckCount() == 20,
        () -> "acks " + source.getCounter().getAckCount());
    assertThat(source.getCounter().getEventAcceptedCount()).isEqualTo(20);
    assertThat(source.getCounter().getEventReceivedCount()).isEqualTo(20);
  }

  @Test
  void deliversTheLowerOfPublishAndSubscriptionQosAndMatchesMultiLevelWildcards()
      throws Exception {
    MemoryChannel channel = SourceTestSupport.memoryChannel(1_000, 100);
    MqttSource source = started(channel, Map.of("topicFilters", "logs/#", "qos", "1"));

    broker.publish("logs/a/b/c", 2, accessLogLines(0, 1), List.of("q2"));
    broker.publish("logs", 0, accessLogLines(1, 1), List.of("q0"));
    broker.publish("other/logs", 1, accessLogLines(2, 1), List.of("not-subscribed"));
    broker.publish("logs/x", 1, accessLogLines(3, 1), List.of("q1"));

    List<Event> events = SourceTestSupport.takeAtLeast(channel, 3, TIMEOUT);
    assertThat(header(events, EventHeaders.EVENT_ID)).containsExactly("q2", "q0", "q1");
    assertThat(header(events, EventHeaders.TOPIC)).containsExactly("logs/a/b/c", "logs", "logs/x");
    assertThat(header(events, EventHeaders.QOS)).containsExactly("1", "0", "1");
    // QoS 0 is never acknowledged.
    awaitTrue(TIMEOUT, () -> source.getCounter().getAckCount() == 2);
  }

  @Test
  void messagesPublishedWhileTheSourceIsStoppedArriveAfterItsRestart() throws Exception {
    MemoryChannel channel = SourceTestSupport.memoryChannel(1_000, 100);
    Map<String, String> config = Map.of("topicFilters", "logs/+/access", "clientId", "agent-1");
    MqttSource first = started(channel, config);
    broker.publish("logs/web-1/access", 1, accessLogLines(0, 2), ids(1, 2));
    assertThat(bodies(SourceTestSupport.takeAtLeast(channel, 2, TIMEOUT)))
        .containsExactlyElementsOf(accessLogLines(0, 2));
    first.stop();

    broker.publish("logs/web-1/access", 1, accessLogLines(2, 5), ids(3, 5));

    MqttSource second = started(channel, config);
    List<Event> events = SourceTestSupport.takeAtLeast(channel, 5, TIMEOUT);
    assertThat(bodies(events)).containsExactlyElementsOf(accessLogLines(2, 5));
    assertThat(header(events, EventHeaders.EVENT_ID)).containsExactlyElementsOf(ids(3, 5));
    awaitTrue(TIMEOUT, () -> second.getCounter().getAckCount() == 5);
  }

  @Test
  void aFullChannelIsRetriedWithoutAcknowledgingAndTheBrokerRedeliversAfterARestart()
      throws Exception {
    // Room for 3 events; one event per transaction so that exactly 3 commit.
    MemoryChannel channel = SourceTestSupport.memoryChannel(3, 1);
    Map<String, String> config = Map.of("topicFilters", "logs/+/access", "clientId", "agent-2",
        "batchSize", "1");
    MqttSource first = started(channel, config);
    broker.publish("logs/web-1/access", 1, accessLogLines(0, 8), ids(1, 8));

    awaitTrue(TIMEOUT, () -> first.getCounter().getChannelWriteFail() >= 2,
        () -> "channel write failures " + first.getCounter().getChannelWriteFail());
    assertThat(first.getCounter().getEventAcceptedCount()).isEqualTo(3);
    assertThat(first.getCounter().getAckCount()).isEqualTo(3);
    assertThat(first.getLifecycleState())
        .isEqualTo(org.apache.flume.lifecycle.LifecycleState.START);
    // Stopped while the 4th is refused: 5 messages received and never acknowledged.
    first.stop();

    List<Event> events = oneByOne(channel, 3);
    assertThat(header(events, EventHeaders.EVENT_ID)).containsExactlyElementsOf(ids(1, 3));

    MqttSource second = started(channel, config);
    events.addAll(oneByOne(channel, 5));
    assertThat(header(events, EventHeaders.EVENT_ID)).containsExactlyElementsOf(ids(1, 8));
    assertThat(bodies(events)).containsExactlyElementsOf(accessLogLines(0, 8));
    awaitTrue(TIMEOUT, () -> second.getCounter().getAckCount() == 5);
  }

  @Test
  void aFullChannelDelaysDeliveryUntilThereIsRoomAgain() throws Exception {
    MemoryChannel channel = SourceTestSupport.memoryChannel(2, 1);
    MqttSource source = started(channel, Map.of("topicFilters", "logs/#", "batchSize", "1"));
    broker.publish("logs/web-1/access", 1, accessLogLines(0, 6), ids(1, 6));
    awaitTrue(TIMEOUT, () -> source.getCounter().getChannelWriteFail() >= 1);

    List<Event> events = oneByOne(channel, 6);
    assertThat(header(events, EventHeaders.EVENT_ID)).containsExactlyElementsOf(ids(1, 6));
    awaitTrue(TIMEOUT, () -> source.getCounter().getAckCount() == 6);
  }

  @Test
  void theUserNameAndThePasswordFromItsFileAreSentToTheBroker() throws Exception {
    broker.close();
    Path passwords = Files.writeString(tmp.resolve("passwords"), "");
    Process hash = new ProcessBuilder("mosquitto_passwd", "-b", passwords.toString(), "flume",
        "s3cret pass").redirectErrorStream(true).start();
    assertThat(hash.waitFor()).isZero();
    broker = MosquittoBroker.start(tmp, "password_file " + passwords + "\n", false)
        .withCredentials("flume", "s3cret pass");
    Path wrong = Files.writeString(tmp.resolve("wrong.password"), "s3cret\n");
    MemoryChannel channel = SourceTestSupport.memoryChannel(100, 10);
    MqttSource refused = new MqttSource();
    refused.setName(SourceTestSupport.uniqueName("mqtt"));
    refused.configure(new Context(Map.of("brokerUri", broker.uri(), "topicFilters", "logs/#",
        "username", "flume", "passwordFile", wrong.toString(), "reconnectBackoffInitialMs", "50",
        "reconnectBackoffMaxMs", "50")));
    refused.setChannelProcessor(SourceTestSupport.processor(channel));
    refused.start();
    sources.add(refused);
    awaitTrue(TIMEOUT, () -> refused.getCounter().getConnectFailCount() >= 2);
    assertThat(refused.getCounter().getConnectCount()).isZero();
    refused.stop();

    // The file's one trailing line break is not part of the password.
    Path secret = Files.writeString(tmp.resolve("mqtt.password"), "s3cret pass\n");
    MqttSource source = started(channel, Map.of("topicFilters", "logs/#", "username", "flume",
        "passwordFile", secret.toString()));
    broker.publish("logs/x", 1, accessLogLines(0, 1), List.of("auth"));
    assertThat(header(SourceTestSupport.takeAtLeast(channel, 1, TIMEOUT), EventHeaders.EVENT_ID))
        .containsExactly("auth");
    assertThat(source.getCounter().getConnectFailCount()).isZero();
  }

  private MqttSource started(MemoryChannel channel, Map<String, String> settings)
      throws InterruptedException {
    Map<String, String> values = new HashMap<>();
    values.put("brokerUri", broker.uri());
    values.put("pipeline", "logs");
    values.put("reconnectBackoffInitialMs", "100");
    values.put("reconnectBackoffMaxMs", "1000");
    values.putAll(settings);
    MqttSource source = new MqttSource();
    source.setName(SourceTestSupport.uniqueName("mqtt"));
    source.configure(new Context(values));
    source.setChannelProcessor(SourceTestSupport.processor(channel));
    source.start();
    sources.add(source);
    awaitTrue(TIMEOUT, source::subscriptionsAcknowledged,
        () -> "subscribed; broker log:\n" + broker.logText());
    return source;
  }

  /** Takes {@code count} events, one per transaction (channels of transactionCapacity 1). */
  private static List<Event> oneByOne(MemoryChannel channel, int count)
      throws InterruptedException {
    List<Event> events = new ArrayList<>();
    awaitTrue(TIMEOUT, () -> {
      events.addAll(SourceTestSupport.take(channel, 1));
      return events.size() >= count;
    }, () -> "events " + events.size() + " of " + count);
    return events;
  }

  static List<String> accessLogLines(int from, int count) throws Exception {
    return Files.readAllLines(TestData.sample(ACCESS_LOG), StandardCharsets.UTF_8)
        .subList(from, from + count);
  }

  /** {@code access.log:<n>} for n in first .. first + count - 1, as the replay source numbers. */
  static List<String> ids(int first, int count) {
    return IntStream.range(first, first + count).mapToObj(n -> "access.log:" + n)
        .collect(Collectors.toList());
  }
}
