package io.sluice.flume.source.kinesis;

import static io.sluice.flume.source.SourceTestSupport.awaitTrue;
import static io.sluice.flume.source.SourceTestSupport.bodies;
import static io.sluice.flume.source.SourceTestSupport.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.contract.EventHeaders;
import io.sluice.flume.source.agents.AgentRun;
import io.sluice.flume.source.kinesis.KinesisLinePublisher.Put;
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
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The packaged {@code agents/kinesis-agent.properties} (less its SparkSink, not on this module's
 * classpath, and with memory channels instead of Kafka), run by Flume's own configuration
 * provider against a real kinesalite: real access-log lines put into a one-shard stream reach the
 * events channel parsed, for the logs pipeline, with their Kinesis eventIds; a real malformed
 * line also reaches the dead-letter channel.
 */
@Timeout(120)
class KinesisAgentConfigTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(45);

  @TempDir
  Path tmp;

  @Test
  void accessLogLinesPutIntoTheStreamReachTheEventsChannelParsedAndTheMalformedOneTheDeadLetter()
      throws Exception {
    List<String> lines = new ArrayList<>(KinesisSourceTest.accessLogLines(0, 50));
    // The second line of lnav's bad access log lacks the ident and user fields.
    lines.add(Files.readAllLines(TestData.edgeCase("lnav_logfile_bad_access_log.0"),
        StandardCharsets.UTF_8).get(1));
    try (Kinesalite server = Kinesalite.start(tmp); KinesisClient client = server.client()) {
      server.createStream(client, "sluice-logs", 1);
      List<Put> puts = new KinesisLinePublisher(client, "sluice-logs", "access.log")
          .publish(lines, 1);
      Kinesalite.useCredentials();
      try (AgentRun agent = AgentRun.start(AgentRun.withoutSparkSink("kinesis", true, tmp),
          "kinesis", Map.of("SLUICE_KINESIS_ENDPOINT", server.endpoint().toString(),
              "SLUICE_KINESIS_REGION", Kinesalite.REGION,
              "SLUICE_KINESIS_CBOR", "false",
              "SLUICE_STATE_DIR", tmp.toString(),
              "SLUICE_REJECTS_DIR", Files.createDirectories(tmp.resolve("rejects")).toString(),
              "SLUICE_KAFKA_BOOTSTRAP", "127.0.0.1:9"), tmp, Map.of())) {
        agent.assertComponents(List.of("kinesis"), List.of("events", "rejects"),
            List.of("deadLetter"));
        List<Event> events = new ArrayList<>();
        awaitTrue(TIMEOUT, () -> {
          events.addAll(agent.takeAvailable("events"));
          return events.size() >= 51;
        }, () -> "events " + events.size());
        assertThat(bodies(events)).containsExactlyElementsOf(lines);
        assertThat(header(events, EventHeaders.PIPELINE)).containsOnly("logs");
        assertThat(header(events, EventHeaders.EVENT_ID)).containsExactlyElementsOf(
            puts.stream().map(p -> "sluice-logs/shardId-000000000000/" + p.sequenceNumber)
                .collect(java.util.stream.Collectors.toList()));
        assertThat(events.get(0).getHeaders())
            .containsEntry(EventHeaders.SHARD_ID, "shardId-000000000000")
            .containsEntry(EventHeaders.PARTITION_KEY, "access.log:1")
            .containsEntry(EventHeaders.CLIENT_IP, "83.149.9.216")
            .containsEntry(EventHeaders.STATUS, "200")
            // 17/May/2015:10:05:03 +0000, the request time, replaced the arrival time.
            .containsEntry(EventHeaders.TIMESTAMP, "1431857103000")
            .doesNotContainKey(EventHeaders.REJECT_REASON);
        assertThat(header(events.subList(0, 50), EventHeaders.REJECT_REASON)).containsOnlyNulls();
        assertThat(events.get(50).getHeaders())
            .containsEntry(EventHeaders.REJECT_REASON, "missing-field");
        // The dead-letter sink (file_roll, header_and_text) drains the rejects channel to a file.
        awaitTrue(TIMEOUT, () -> deadLetter(tmp.resolve("rejects")).contains(lines.get(50)));
        assertThat(deadLetter(tmp.resolve("rejects"))).contains("rejectReason=missing-field")
            .doesNotContain(lines.get(0));
        // The checkpoint, in SLUICE_STATE_DIR: the last record's sequence number.
        Path checkpoint = tmp.resolve("kinesis-checkpoints/sluice-logs/shardId-000000000000");
        awaitTrue(TIMEOUT, () -> puts.get(50).sequenceNumber.equals(read(checkpoint)));
      }
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
      return "(" + e + ")";
    }
    return text.toString();
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : null;
    } catch (java.io.IOException e) {
      return null;
    }
  }
}
