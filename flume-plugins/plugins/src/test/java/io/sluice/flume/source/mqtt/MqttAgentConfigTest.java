package io.sluice.flume.source.mqtt;

import static io.sluice.flume.source.SourceTestSupport.awaitTrue;
import static io.sluice.flume.source.SourceTestSupport.bodies;
import static io.sluice.flume.source.SourceTestSupport.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.contract.EventHeaders;
import io.sluice.flume.source.agents.AgentRun;
import io.sluice.flume.testing.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flume.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code agents/mqtt-agent.properties} (less its SparkSink, not on this module's
 * classpath, and with memory channels instead of Kafka), run by Flume's own configuration
 * provider against a real mosquitto: real access-log lines published with their eventIds reach
 * the events channel parsed, for the logs pipeline; a real malformed line also reaches the
 * dead-letter channel.
 */
@Timeout(120)
class MqttAgentConfigTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir
  Path tmp;

  @Test
  void publishedAccessLogLinesReachTheEventsChannelParsedAndTheMalformedOneTheDeadLetter()
      throws Exception {
    List<String> lines = MqttSourceTest.accessLogLines(0, 50);
    List<String> ids = MqttSourceTest.ids(1, 50);
    // The second line of lnav's bad access log lacks the ident and user fields.
    String bad = Files.readAllLines(TestData.edgeCase("lnav_logfile_bad_access_log.0"),
        StandardCharsets.UTF_8).get(1);
    try (MosquittoBroker broker = MosquittoBroker.start(tmp, "");
        AgentRun agent = AgentRun.start(AgentRun.withoutSparkSink("mqtt", true, tmp), "mqtt",
            Map.of("SLUICE_MQTT_BROKER", broker.uri(),
                "SLUICE_REJECTS_DIR", Files.createDirectories(tmp.resolve("rejects")).toString(),
                "SLUICE_KAFKA_BOOTSTRAP", "127.0.0.1:9"), tmp, Map.of())) {
      agent.assertComponents(List.of("mqtt"), List.of("events", "rejects"),
          List.of("deadLetter"));
      MqttSource source = (MqttSource) agent.source("mqtt").getSource();
      awaitTrue(TIMEOUT, source::subscriptionsAcknowledged);

      broker.publish("logs/web-1/access", 1, lines, ids);
      broker.publish("logs/web-2/access", 1, List.of(bad), List.of("bad.log:2"));

      List<Event> events = new ArrayList<>();
      awaitTrue(TIMEOUT, () -> {
        events.addAll(agent.takeAvailable("events"));
        return events.size() >= 51;
      }, () -> "events " + events.size());
      List<String> expected = new ArrayList<>(lines);
      expected.add(bad);
      assertThat(bodies(events)).containsExactlyElementsOf(expected);
      assertThat(header(events, EventHeaders.PIPELINE)).containsOnly("logs");
      assertThat(header(events.subList(0, 50), EventHeaders.EVENT_ID))
          .containsExactlyElementsOf(ids);
      assertThat(events.get(0).getHeaders())
          .containsEntry(EventHeaders.TOPIC, "logs/web-1/access")
          .containsEntry(EventHeaders.QOS, "1")
          .containsEntry(EventHeaders.CLIENT_IP, "83.149.9.216")
          .containsEntry(EventHeaders.STATUS, "200")
          // 17/May/2015:10:05:03 +0000, the request time, replaced the receive time.
          .containsEntry(EventHeaders.TIMESTAMP, "1431857103000")
          .doesNotContainKey(EventHeaders.REJECT_REASON);
      assertThat(header(events.subList(0, 50), EventHeaders.REJECT_REASON)).containsOnlyNulls();

      assertThat(events.get(50).getHeaders()).containsEntry(EventHeaders.EVENT_ID, "bad.log:2")
          .containsEntry(EventHeaders.REJECT_REASON, "missing-field")
          .containsEntry(EventHeaders.TOPIC, "logs/web-2/access");
      // The dead-letter sink (file_roll, header_and_text) drains the rejects channel to a file.
      Path rejects = tmp.resolve("rejects");
      awaitTrue(TIMEOUT, () -> deadLetter(rejects).contains(bad),
          () -> "dead letter: " + deadLetter(rejects));
      assertThat(deadLetter(rejects)).contains("rejectReason=missing-field", "eventId=bad.log:2")
          .doesNotContain(lines.get(0));
      awaitTrue(TIMEOUT, () -> source.getCounter().getAckCount() == 51);
    }
  }

  /** Everything the file_roll sink wrote so far. */
  private static String deadLetter(Path dir) {
    StringBuilder text = new StringBuilder();
    try (var files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        text.append(Files.readString(file, StandardCharsets.UTF_8));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return text.toString();
  }
}
