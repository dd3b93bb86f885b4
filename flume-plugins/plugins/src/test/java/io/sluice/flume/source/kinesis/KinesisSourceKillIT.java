package io.sluice.flume.source.kinesis;

import static io.sluice.flume.source.SourceTestSupport.awaitTrue;
import static io.sluice.flume.source.kinesis.KinesisSourceTest.accessLogLines;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.contract.EventHeaders;
import io.sluice.flume.source.agents.AgentProcess;
import io.sluice.flume.source.agents.FileChannelContents;
import io.sluice.flume.source.kinesis.KinesisLinePublisher.Put;
import io.sluice.flume.source.mqtt.HoldingInterceptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.flume.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * {@link KinesisSource} in a Flume agent JVM of its own ({@link AgentProcess}) with a durable FILE
 * channel, reading a real local Kinesis server (kinesalite), killed with {@code kill -9} while it
 * holds records it read and the channel has not committed ({@link HoldingInterceptor} holds their
 * batch before the transaction), then restarted on the same checkpoint directory: the restarted
 * agent reads each shard again after its last checkpoint, and every line is in the channel
 * exactly once, in shard order; killed after the channel committed a batch and before the source
 * saved its checkpoint ({@code HoldingChannel}): the batch comes again with the same eventIds, so
 * counting distinct eventIds gives each line once.
 */
class KinesisSourceKillIT {

  private static final String AGENT = "kinesis";
  private static final String STREAM = "access-logs";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final int LINES = 400;

  @TempDir
  Path tmp;

  @Test
  @Timeout(120)
  void recordsReadButNotCommittedWhenTheAgentIsKilledArriveOnceAfterTheRestart()
      throws Exception {
    List<String> lines = accessLogLines(0, LINES);
    // Hold the batch of a line that occurs once in the file (the log repeats a few lines).
    String holdOn = lines.subList(250, LINES).stream()
        .filter(l -> Collections.frequency(lines, l) == 1).findFirst().orElseThrow();
    Path holdOnFile = Files.writeString(tmp.resolve("hold-on"), holdOn);
    Files.writeString(tmp.resolve("gate"), "hold");
    try (Kinesalite server = Kinesalite.start(tmp); KinesisClient client = server.client()) {
      server.createStream(client, STREAM, 2);
      List<Put> puts = new KinesisLinePublisher(client, STREAM, "access.log").publish(lines, 1);
      Map<String, String> lastSequence = new LinkedHashMap<>();
      puts.forEach(p -> lastSequence.put(p.shardId, p.sequenceNumber));
      assertThat(lastSequence).as("both shards hold lines").hasSize(2);

      try (AgentProcess first = AgentProcess.start(AGENT, config(server, holdOnFile, 1),
          tmp.resolve("agent-1.log"), Kinesalite.ENVIRONMENT)) {
        await(() -> Files.exists(tmp.resolve("held-1")), first);
        first.kill();
      }
      List<String> seen = seen(1);
      assertThat(seen).as("what the first agent read").contains(holdOn).hasSizeLessThan(LINES);
      // The held batch's shard was checkpointed before it, never at or after it.
      Put held = puts.get(lines.indexOf(holdOn));
      String heldCheckpoint = checkpoint(held.shardId);
      assertThat(heldCheckpoint == null
          || new java.math.BigInteger(heldCheckpoint).compareTo(
              new java.math.BigInteger(held.sequenceNumber)) < 0)
          .as("checkpoint %s of %s before the held record %s", heldCheckpoint, held.shardId,
              held.sequenceNumber).isTrue();

      Files.delete(tmp.resolve("gate"));
      try (AgentProcess second = AgentProcess.start(AGENT, config(server, holdOnFile, 2),
          tmp.resolve("agent-2.log"), Kinesalite.ENVIRONMENT)) {
        // Every shard checkpointed at its last record: everything committed.
        await(() -> lastSequence.entrySet().stream()
            .allMatch(e -> e.getValue().equals(checkpoint(e.getKey()))), second);
        assertThat(seen(2)).as("the restart read the held line again").contains(holdOn);
        second.kill();
      }

      List<Event> events = FileChannelContents.drain(tmp.resolve("channels/events"));
      // Each line exactly once (by its partition key, the line number), with its own body.
      Map<String, Long> copies = events.stream().collect(Collectors.groupingBy(
          e -> e.getHeaders().get(EventHeaders.PARTITION_KEY), Collectors.counting()));
      assertThat(copies).hasSize(LINES).allSatisfy((key, n) -> assertThat(n).as(key)
          .isEqualTo(1));
      for (Event event : events) {
        int line = Integer.parseInt(
            event.getHeaders().get(EventHeaders.PARTITION_KEY).substring("access.log:".length()));
        assertThat(new String(event.getBody(), StandardCharsets.UTF_8))
            .isEqualTo(lines.get(line - 1));
        assertThat(event.getHeaders().get(EventHeaders.PIPELINE)).isEqualTo("logs");
      }
      // Per shard, the channel holds the records in their sequence order.
      for (String shard : lastSequence.keySet()) {
        List<String> expected = puts.stream().filter(p -> p.shardId.equals(shard))
            .map(p -> STREAM + "/" + shard + "/" + p.sequenceNumber).collect(Collectors.toList());
        assertThat(events.stream().filter(e -> shard.equals(
            e.getHeaders().get(EventHeaders.SHARD_ID)))
            .map(e -> e.getHeaders().get(EventHeaders.EVENT_ID))).as(shard)
            .containsExactlyElementsOf(expected);
      }
    }
  }

  @Test
  @Timeout(120)
  void recordsCommittedButNotCheckpointedWhenTheAgentIsKilledComeAgainWithTheSameEventIds()
      throws Exception {
    List<String> lines = accessLogLines(1_000, 200);
    String holdOn = lines.subList(100, 200).stream()
        .filter(l -> Collections.frequency(lines, l) == 1).findFirst().orElseThrow();
    Path holdOnFile = Files.writeString(tmp.resolve("hold-on"), holdOn);
    Files.writeString(tmp.resolve("gate"), "hold");
    try (Kinesalite server = Kinesalite.start(tmp); KinesisClient client = server.client()) {
      server.createStream(client, STREAM, 1);
      List<Put> puts = new KinesisLinePublisher(client, STREAM, "access.log").publish(lines, 1);
      String shard = puts.get(0).shardId;
      // The batch holding the line is committed to the FILE channel, then held (in the second
      // required channel) before the source writes its checkpoint.
      try (AgentProcess first = AgentProcess.start(AGENT, committingConfig(server, holdOnFile, 1),
          tmp.resolve("agent-1.log"), Kinesalite.ENVIRONMENT)) {
        await(() -> Files.exists(tmp.resolve("held-1")), first);
        first.kill();
      }
      String before = checkpoint(shard);
      Files.delete(tmp.resolve("gate"));
      try (AgentProcess second = AgentProcess.start(AGENT, committingConfig(server, holdOnFile, 2),
          tmp.resolve("agent-2.log"), Kinesalite.ENVIRONMENT)) {
        await(() -> puts.get(199).sequenceNumber.equals(checkpoint(shard)), second);
        second.kill();
      }
      List<Event> events = FileChannelContents.drain(tmp.resolve("channels/events"));
      List<String> eventIds = events.stream().map(e -> e.getHeaders().get(EventHeaders.EVENT_ID))
          .collect(Collectors.toList());
      List<String> expected = puts.stream().map(p -> STREAM + "/" + shard + "/" + p.sequenceNumber)
          .collect(Collectors.toList());
      // At least once: the held batch is in the channel twice, committed by the killed agent and
      // read again after its checkpoint, with the same eventIds; counted by distinct eventId, as
      // the Spark jobs count, every line is there exactly once, in order.
      String heldId = expected.get(lines.indexOf(holdOn));
      assertThat(eventIds).filteredOn(heldId::equals).hasSize(2);
      assertThat(new java.util.LinkedHashSet<>(eventIds)).containsExactlyElementsOf(expected);
      assertThat(before).as("checkpoint at the kill: before the held batch")
          .isNotEqualTo(puts.get(199).sequenceNumber);
    }
  }

  /** The source writes to the FILE channel "events", then to a {@code HoldingChannel}. */
  private Path committingConfig(Kinesalite server, Path holdOn, int run) throws IOException {
    String source = AGENT + ".sources.kinesis.";
    String hold = AGENT + ".channels.hold.";
    String text = AGENT + ".sources = kinesis\n"
        + AGENT + ".channels = events hold\n"
        + source + "type = " + KinesisSource.class.getName() + "\n"
        + source + "streamName = " + STREAM + "\n"
        + source + "region = " + Kinesalite.REGION + "\n"
        + source + "endpoint = " + server.endpoint() + "\n"
        + source + "cbor = false\n"
        + source + "checkpointDir = " + tmp.resolve("checkpoints") + "\n"
        + source + "batchSize = 50\n"
        + source + "readIntervalMs = 0\n"
        + source + "idleReadIntervalMs = 100\n"
        + source + "channels = events hold\n"
        + hold + "type = " + io.sluice.flume.source.mqtt.HoldingChannel.class.getName() + "\n"
        + hold + "gateFile = " + tmp.resolve("gate") + "\n"
        + hold + "heldFile = " + tmp.resolve("held-" + run) + "\n"
        + hold + "holdOnFile = " + holdOn + "\n"
        + FileChannelContents.agentConfig(AGENT, "events", tmp.resolve("channels/events"));
    return Files.writeString(tmp.resolve("agent-" + run + ".properties"), text);
  }

  private void await(BooleanSupplier condition, AgentProcess agent) throws InterruptedException {
    awaitTrue(TIMEOUT, condition, () -> agent + ":\n" + agent.logTail(40));
  }

  private String checkpoint(String shardId) {
    try {
      Path file = tmp.resolve("checkpoints").resolve(STREAM).resolve(shardId);
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : null;
    } catch (IOException e) {
      return null;
    }
  }

  private List<String> seen(int run) throws IOException {
    Path file = tmp.resolve("seen-" + run);
    return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8)
        : new ArrayList<>();
  }

  private Path config(Kinesalite server, Path holdOn, int run) throws IOException {
    String source = AGENT + ".sources.kinesis.";
    String pipeline = source + "interceptors.pipeline.";
    String hold = source + "interceptors.hold.";
    String text = AGENT + ".sources = kinesis\n"
        + AGENT + ".channels = events\n"
        + source + "type = " + KinesisSource.class.getName() + "\n"
        + source + "streamName = " + STREAM + "\n"
        + source + "region = " + Kinesalite.REGION + "\n"
        + source + "endpoint = " + server.endpoint() + "\n"
        + source + "cbor = false\n"
        + source + "checkpointDir = " + tmp.resolve("checkpoints") + "\n"
        + source + "batchSize = 50\n"
        + source + "readIntervalMs = 0\n"
        + source + "idleReadIntervalMs = 100\n"
        + source + "channels = events\n"
        + source + "interceptors = pipeline hold\n"
        + pipeline + "type = static\n"
        + pipeline + "key = pipeline\n"
        + pipeline + "value = logs\n"
        + hold + "type = " + HoldingInterceptor.Builder.class.getName() + "\n"
        + hold + "seenFile = " + tmp.resolve("seen-" + run) + "\n"
        + hold + "gateFile = " + tmp.resolve("gate") + "\n"
        + hold + "heldFile = " + tmp.resolve("held-" + run) + "\n"
        + hold + "holdOnFile = " + holdOn + "\n"
        + FileChannelContents.agentConfig(AGENT, "events", tmp.resolve("channels/events"));
    return Files.writeString(tmp.resolve("agent-" + run + ".properties"), text);
  }
}
