package io.sluice.flume.source.mqtt;

import static io.sluice.flume.source.SourceTestSupport.awaitTrue;
import static io.sluice.flume.source.mqtt.MqttSourceTest.accessLogLines;
import static io.sluice.flume.source.mqtt.MqttSourceTest.ids;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.contract.EventHeaders;
import io.sluice.flume.source.agents.AgentProcess;
import io.sluice.flume.source.agents.FileChannelContents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.flume.Event;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link MqttSource} in a Flume agent JVM of its own ({@link AgentProcess}) with a durable FILE
 * channel, killed with {@code kill -9} while it holds received messages that the channel has not
 * committed ({@link HoldingInterceptor} holds their batch before the transaction), then
 * restarted: the broker (a real mosquitto) delivers them again from the persistent session, and
 * every held message is in the channel exactly once (a committed message whose acknowledgement
 * the kill cut off on its way to the broker may come a second time, with its eventId); killed after the channel committed and before
 * the source acknowledged ({@link HoldingChannel}): the redelivered copies carry the same
 * eventIds, so counting distinct eventIds (as the Spark jobs do) gives each message once.
 */
class MqttSourceKillIT {

  private static final String AGENT = "mqtt";
  private static final String TOPIC = "logs/web-1/access";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir
  Path tmp;

  @ParameterizedTest(name = "MQTT {0}, QoS {1}")
  @CsvSource({"5, 1", "5, 2", "3.1.1, 1"})
  @Timeout(150)
  void messagesReceivedButNotCommittedWhenTheAgentIsKilledArriveOnceAfterTheRestart(
      String version, int qos) throws Exception {
    List<String> lines = accessLogLines(0, 12);
    List<String> ids = ids(1, 12);
    Path gate = Files.writeString(tmp.resolve("gate"), "hold");
    try (MosquittoBroker broker = MosquittoBroker.start(tmp, "")) {
      try (AgentProcess first = AgentProcess.start(AGENT, config(broker, version, qos, 1),
          tmp.resolve("agent-1.log"))) {
        // Lines 1-5, committed and acknowledged: the first batch that holds line 6 comes after.
        await(() -> subscribed(1), first);
        broker.publish(TOPIC, qos, lines.subList(0, 5), ids.subList(0, 5));
        await(() -> seen(1).containsAll(lines.subList(0, 5)), first);
        // Lines 6-10: received, held before the channel's transaction, never committed.
        broker.publish(TOPIC, qos, lines.subList(5, 10), ids.subList(5, 10));
        await(() -> Files.exists(tmp.resolve("held-1")), first);
        first.kill();
      }
      // Lines 1-6 at least (the held batch may have taken more of 7-10), in order, no more.
      List<String> seen = seen(1);
      assertThat(seen).as("what the first agent saw").hasSizeBetween(6, 10)
          .containsExactlyElementsOf(lines.subList(0, seen.size()));

      Files.delete(gate);
      try (AgentProcess second = AgentProcess.start(AGENT, config(broker, version, qos, 2),
          tmp.resolve("agent-2.log"))) {
        await(() -> subscribed(2), second);
        // Line 11, then line 12: the source commits batch after batch, so once line 12 reaches
        // the channel processor the batches before it (6-11) have committed.
        broker.publish(TOPIC, qos, lines.subList(10, 11), ids.subList(10, 11));
        await(() -> seen(2).contains(lines.get(10)), second);
        broker.publish(TOPIC, qos, lines.subList(11, 12), ids.subList(11, 12));
        await(() -> seen(2).contains(lines.get(11)), second);
        second.kill();
      }
    }

    List<Event> events = FileChannelContents.drain(tmp.resolve("channels/events")).stream()
        .filter(e -> !new String(e.getBody(), StandardCharsets.UTF_8).equals(lines.get(11)))
        .collect(Collectors.toList());
    // Lines 6-10 (held, never committed, when the agent was killed) each exactly once, and every
    // line 1-11 at least once, in order. Lines 1-5 had committed; a copy of one of them can only
    // come from an acknowledgement that the kill cut off on its way to the broker (the window
    // between commit and acknowledgement, as in the test below): counted by eventId it is once.
    List<String> bodies = events.stream().map(e -> new String(e.getBody(), StandardCharsets.UTF_8))
        .collect(Collectors.toList());
    assertThat(new LinkedHashSet<>(bodies)).containsExactlyElementsOf(lines.subList(0, 11));
    for (String held : lines.subList(5, 11)) {
      assertThat(bodies.stream().filter(held::equals).count()).as("copies of %s", held).isEqualTo(1);
    }
    assertThat(events).allSatisfy(e -> {
      assertThat(e.getHeaders().get(EventHeaders.TOPIC)).isEqualTo(TOPIC);
      assertThat(e.getHeaders().get(EventHeaders.QOS)).isEqualTo(Integer.toString(qos));
      assertThat(e.getHeaders().get(EventHeaders.PIPELINE)).isEqualTo("logs");
    });
    if (version.equals("5")) {
      // As the Spark jobs count: distinct eventIds, the same 11.
      Set<String> distinct = events.stream().map(e -> e.getHeaders().get(EventHeaders.EVENT_ID))
          .collect(Collectors.toCollection(LinkedHashSet::new));
      assertThat(distinct).containsExactlyElementsOf(ids.subList(0, 11));
    }
    // The restarted agent was handed lines 6-10 again by the broker, then 11 and 12 (after a
    // redelivery of committed lines of 1-5 whose acknowledgement the kill cut off, if any).
    List<String> second = seen(2);
    assertThat(second).endsWith(lines.subList(5, 12).toArray(new String[0]));
    assertThat(second.subList(0, second.size() - 7)).isSubsetOf(lines.subList(0, 5));
  }

  @ParameterizedTest(name = "MQTT 5, QoS {0}")
  @CsvSource({"1", "2"})
  @Timeout(150)
  void messagesCommittedButNotAcknowledgedWhenTheAgentIsKilledAreCountedOnceByEventId(int qos)
      throws Exception {
    List<String> lines = accessLogLines(0, 8);
    List<String> ids = ids(1, 8);
    Path gate = Files.writeString(tmp.resolve("gate"), "hold");
    Path holdOn = Files.writeString(tmp.resolve("hold-on"), lines.get(3));
    try (MosquittoBroker broker = MosquittoBroker.start(tmp, "")) {
      try (AgentProcess first = AgentProcess.start(AGENT,
          committingConfig(broker, qos, holdOn, 1), tmp.resolve("agent-1.log"))) {
        await(() -> subscribed(1), first);
        // Lines 1-6: the batch holding line 4 is committed to the FILE channel, then held (in the
        // second required channel) before the source acknowledges it.
        broker.publish(TOPIC, qos, lines.subList(0, 6), ids.subList(0, 6));
        await(() -> Files.exists(tmp.resolve("held-1")), first);
        first.kill();
      }
      Files.delete(gate);
      try (AgentProcess second = AgentProcess.start(AGENT,
          committingConfig(broker, qos, holdOn, 2), tmp.resolve("agent-2.log"))) {
        await(() -> subscribed(2), second);
        // Lines 7, 8: once line 8 reaches the channel processor, the batches before it committed.
        broker.publish(TOPIC, qos, lines.subList(6, 7), ids.subList(6, 7));
        await(() -> seen(2).contains(lines.get(6)), second);
        broker.publish(TOPIC, qos, lines.subList(7, 8), ids.subList(7, 8));
        await(() -> seen(2).contains(lines.get(7)), second);
        second.kill();
      }
    }
    List<String> eventIds = FileChannelContents.drain(tmp.resolve("channels/events")).stream()
        .map(e -> e.getHeaders().get(EventHeaders.EVENT_ID))
        .filter(id -> !id.equals(ids.get(7))).collect(Collectors.toList());
    // At least once: the held batch (with line 4) is in the channel twice, from the killed agent
    // and from the broker's redelivery, with the same eventIds; counted by distinct eventId, as
    // the Spark jobs count, every line is there exactly once.
    assertThat(eventIds).contains(ids.get(3)).filteredOn(ids.get(3)::equals).hasSize(2);
    assertThat(new LinkedHashSet<>(eventIds)).containsExactlyElementsOf(ids.subList(0, 7));
  }

  private void await(BooleanSupplier condition, AgentProcess agent) throws InterruptedException {
    awaitTrue(TIMEOUT, condition, () -> agent + ":\n" + agent.logTail(40));
  }

  private boolean subscribed(int run) {
    try {
      Path log = tmp.resolve("agent-" + run + ".log");
      return Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8)
          .contains(": subscribed to [");
    } catch (IOException e) {
      return false;
    }
  }

  private List<String> seen(int run) {
    try {
      Path file = tmp.resolve("seen-" + run);
      return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** The source writes to the FILE channel "events", then to a {@link HoldingChannel}. */
  private Path committingConfig(MosquittoBroker broker, int qos, Path holdOn, int run)
      throws Exception {
    String source = AGENT + ".sources.mqtt.";
    String hold = AGENT + ".channels.hold.";
    String seen = source + "interceptors.seen.";
    String text = AGENT + ".sources = mqtt\n"
        + AGENT + ".channels = events hold\n"
        + source + "type = " + MqttSource.class.getName() + "\n"
        + source + "brokerUri = " + broker.uri() + "\n"
        + source + "topicFilters = logs/+/access\n"
        + source + "qos = " + qos + "\n"
        + source + "clientId = kill-after-commit-it\n"
        + source + "pipeline = logs\n"
        + source + "channels = events hold\n"
        + source + "interceptors = seen\n"
        // The interceptor only records (its gate file never exists).
        + seen + "type = " + HoldingInterceptor.Builder.class.getName() + "\n"
        + seen + "seenFile = " + tmp.resolve("seen-" + run) + "\n"
        + seen + "gateFile = " + tmp.resolve("no-gate") + "\n"
        + seen + "heldFile = " + tmp.resolve("never-held") + "\n"
        + seen + "holdOnFile = " + holdOn + "\n"
        + hold + "type = " + HoldingChannel.class.getName() + "\n"
        + hold + "gateFile = " + tmp.resolve("gate") + "\n"
        + hold + "heldFile = " + tmp.resolve("held-" + run) + "\n"
        + hold + "holdOnFile = " + holdOn + "\n"
        + FileChannelContents.agentConfig(AGENT, "events", tmp.resolve("channels/events"));
    return Files.writeString(tmp.resolve("agent-" + run + ".properties"), text);
  }

  private Path config(MosquittoBroker broker, String version, int qos, int run)
      throws Exception {
    Path holdOn = Files.writeString(tmp.resolve("hold-on"), accessLogLines(5, 1).get(0));
    String source = AGENT + ".sources.mqtt.";
    String hold = source + "interceptors.hold.";
    String text = AGENT + ".sources = mqtt\n"
        + AGENT + ".channels = events\n"
        + source + "type = " + MqttSource.class.getName() + "\n"
        + source + "brokerUri = " + broker.uri() + "\n"
        + source + "protocolVersion = " + version + "\n"
        + source + "topicFilters = logs/+/access\n"
        + source + "qos = " + qos + "\n"
        + source + "clientId = kill-it\n"
        + source + "pipeline = logs\n"
        + source + "reconnectBackoffInitialMs = 100\n"
        + source + "channels = events\n"
        + source + "interceptors = hold\n"
        + hold + "type = " + HoldingInterceptor.Builder.class.getName() + "\n"
        + hold + "seenFile = " + tmp.resolve("seen-" + run) + "\n"
        + hold + "gateFile = " + tmp.resolve("gate") + "\n"
        + hold + "heldFile = " + tmp.resolve("held-" + run) + "\n"
        + hold + "holdOnFile = " + holdOn + "\n"
        + FileChannelContents.agentConfig(AGENT, "events", tmp.resolve("channels/events"));
    return Files.writeString(tmp.resolve("agent-" + run + ".properties"), text);
  }
}
