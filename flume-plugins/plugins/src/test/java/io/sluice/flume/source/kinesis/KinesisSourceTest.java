package io.sluice.flume.source.kinesis;

import static io.sluice.flume.source.SourceTestSupport.awaitTrue;
import static io.sluice.flume.source.SourceTestSupport.memoryChannel;
import static io.sluice.flume.source.SourceTestSupport.processor;
import static io.sluice.flume.source.SourceTestSupport.take;
import static io.sluice.flume.source.SourceTestSupport.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.contract.EventHeaders;
import io.sluice.flume.metrics.KinesisSourceCounter;
import io.sluice.flume.testing.TestData;
import io.sluice.flume.source.kinesis.KinesisLinePublisher.Put;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.channel.MemoryChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * {@link KinesisSource} against a real local Kinesis server (kinesalite, {@link Kinesalite}) and
 * a real Flume memory channel, fed with the bundled access log's real lines by
 * {@link KinesisLinePublisher}.
 */
@Timeout(90)
class KinesisSourceTest {

  static final String ACCESS_LOG = "access_logs/elastic-examples_apache_logs.log";
  private static final Duration TIMEOUT = Duration.ofSeconds(45);

  private static Kinesalite server;
  private static KinesisClient client;

  @TempDir
  Path tmp;

  private final List<KinesisSource> sources = new ArrayList<>();

  @BeforeAll
  static void startServer(@TempDir Path dir) throws Exception {
    server = Kinesalite.start(dir);
    client = server.client();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void stopSources() {
    for (KinesisSource source : sources) {
      source.stop();
    }
  }

  @Test
  void deliversEachRecordOnceInShardOrderWithItsSequenceNumberAsEventId() throws Exception {
    String stream = uniqueName("two-shards");
    server.createStream(client, stream, 2);
    List<String> lines = accessLogLines(0, 2_000);
    List<Put> puts = new KinesisLinePublisher(client, stream, "access.log").publish(lines, 1);
    MemoryChannel channel = memoryChannel(10_000, 1_000);
    KinesisSource source = start(stream, channel, Map.of("batchSize", "300"));

    List<Event> events = takeAtLeast(channel, 2_000, TIMEOUT);
    assertThat(take(channel, 100)).as("nothing more").isEmpty();

    // Each line once; per shard in the order of the sequence numbers Kinesis gave at the put.
    Map<String, List<String>> expected = new LinkedHashMap<>();
    for (Put put : puts) {
      expected.computeIfAbsent(put.shardId, s -> new ArrayList<>())
          .add(stream + "/" + put.shardId + "/" + put.sequenceNumber);
    }
    assertThat(expected).as("both shards got lines").hasSize(2);
    Map<String, List<String>> actual = new LinkedHashMap<>();
    for (Event event : events) {
      actual.computeIfAbsent(event.getHeaders().get(EventHeaders.SHARD_ID),
          s -> new ArrayList<>()).add(event.getHeaders().get(EventHeaders.EVENT_ID));
    }
    assertThat(actual).containsOnlyKeys(expected.keySet());
    expected.forEach((shard, ids) -> assertThat(actual.get(shard)).as(shard)
        .containsExactlyElementsOf(ids));
    // Body, partition key and sequence number of each event are those of its line.
    Map<String, Put> byEventId = puts.stream().collect(Collectors.toMap(
        p -> stream + "/" + p.shardId + "/" + p.sequenceNumber, Function.identity()));
    for (Event event : events) {
      Map<String, String> headers = event.getHeaders();
      Put put = byEventId.get(headers.get(EventHeaders.EVENT_ID));
      assertThat(new String(event.getBody(), StandardCharsets.UTF_8))
          .isEqualTo(lines.get((int) put.line - 1));
      assertThat(headers).containsEntry(EventHeaders.STREAM, stream)
          .containsEntry(EventHeaders.SEQUENCE_NUMBER, put.sequenceNumber)
          .containsEntry(EventHeaders.PARTITION_KEY, "access.log:" + put.line)
          .containsKeys(EventHeaders.ARRIVAL_TIME, EventHeaders.TIMESTAMP, EventHeaders.READ_TIME);
      assertThat(headers.get(EventHeaders.TIMESTAMP)).isEqualTo(
          headers.get(EventHeaders.ARRIVAL_TIME));
    }
    // A checkpoint per shard: the sequence number of its last line.
    KinesisSourceCounter counter = source.getCounter();
    awaitTrue(TIMEOUT, () -> counter.getEventAcceptedCount() == 2_000);
    for (Map.Entry<String, List<String>> shard : expected.entrySet()) {
      List<String> ids = shard.getValue();
      String last = ids.get(ids.size() - 1);
      assertThat(checkpoint(stream, shard.getKey()))
          .isEqualTo(last.substring(last.lastIndexOf('/') + 1));
    }
    assertThat(counter.getEventReceivedCount()).isEqualTo(2_000);
    assertThat(counter.getCheckpointSavedCount()).isEqualTo(counter.getAppendBatchAcceptedCount());
    assertThat(counter.getAppendBatchAcceptedCount())
        .isEqualTo(counter.getAppendBatchReceivedCount());
    assertThat(counter.getOwnedShardCount()).isEqualTo(2);
    assertThat(counter.getChannelWriteFail()).isZero();
  }

  @Test
  void readsTheParentToItsEndBeforeTheChildrenOfASplitMidStream() throws Exception {
    String stream = uniqueName("split");
    server.createStream(client, stream, 1);
    List<String> lines = accessLogLines(0, 1_500);
    KinesisLinePublisher publisher = new KinesisLinePublisher(client, stream, "access.log");
    List<Put> before = publisher.publish(lines.subList(0, 1_000), 1);
    // A channel with room for 200 events: the source is held in the parent, 100 records a read.
    MemoryChannel channel = memoryChannel(200, 100);
    KinesisSource source = start(stream, channel, Map.of("batchSize", "100",
        "readIntervalMs", "0"));
    List<Event> events = new ArrayList<>(takeAtLeast(channel, 100, TIMEOUT));

    Shard parent = Kinesalite.shards(client, stream).get(0);
    BigInteger start = new BigInteger(parent.hashKeyRange().startingHashKey());
    BigInteger end = new BigInteger(parent.hashKeyRange().endingHashKey());
    client.splitShard(b -> b.streamName(stream).shardToSplit(parent.shardId())
        .newStartingHashKey(start.add(end).shiftRight(1).toString()));
    Kinesalite.awaitActive(client, stream);
    List<Put> after = publisher.publish(lines.subList(1_000, 1_500), 1_001);
    assertThat(after).extracting(p -> p.shardId).doesNotContain(parent.shardId());
    assertThat(after.stream().map(p -> p.shardId).distinct()).as("both children").hasSize(2);

    events.addAll(takeAtLeast(channel, 1_400, TIMEOUT));
    assertThat(take(channel, 100)).as("nothing more").isEmpty();

    List<String> shards = events.stream().map(e -> e.getHeaders().get(EventHeaders.SHARD_ID))
        .collect(Collectors.toList());
    // Every parent record (the first 1,000 lines, in order), then the children's.
    assertThat(shards.subList(0, 1_000)).containsOnly(parent.shardId());
    assertThat(shards.subList(1_000, 1_500)).doesNotContain(parent.shardId());
    assertThat(bodies(events.subList(0, 1_000))).containsExactlyElementsOf(
        lines.subList(0, 1_000));
    // Each child in its own order; all 1,500 lines exactly once.
    Map<String, List<String>> children = new HashMap<>();
    for (Event event : events.subList(1_000, 1_500)) {
      children.computeIfAbsent(event.getHeaders().get(EventHeaders.SHARD_ID),
          s -> new ArrayList<>()).add(event.getHeaders().get(EventHeaders.SEQUENCE_NUMBER));
    }
    for (String child : children.keySet()) {
      assertThat(children.get(child)).containsExactlyElementsOf(after.stream()
          .filter(p -> p.shardId.equals(child)).map(p -> p.sequenceNumber)
          .collect(Collectors.toList()));
    }
    assertThat(events.stream().map(e -> e.getHeaders().get(EventHeaders.PARTITION_KEY))
        .distinct().count()).isEqualTo(1_500);
    assertThat(before).hasSize(1_000);
    assertThat(checkpoint(stream, parent.shardId())).isEqualTo(ShardCheckpoints.SHARD_END);
    assertThat(source.getCounter().getShardEndCount()).isEqualTo(1);
  }

  @Test
  void checkpointsOnlyCommittedRecordsAndResumesAfterThemWhenStartedAgain() throws Exception {
    String stream = uniqueName("restart");
    server.createStream(client, stream, 1);
    List<String> lines = accessLogLines(2_000, 700);
    KinesisLinePublisher publisher = new KinesisLinePublisher(client, stream, "access.log");
    List<Put> puts = new ArrayList<>(publisher.publish(lines.subList(0, 500), 1));
    // Room for two batches of 100: the third is refused until the test takes.
    MemoryChannel full = memoryChannel(200, 100);
    KinesisSource first = start(stream, full, Map.of("batchSize", "100", "readIntervalMs", "0"));
    KinesisSourceCounter counter = first.getCounter();
    awaitTrue(TIMEOUT, () -> counter.getChannelWriteFail() >= 3);
    String shard = puts.get(0).shardId;
    // Two committed batches: the checkpoint is the 200th record, not the refused batch's last.
    assertThat(checkpoint(stream, shard)).isEqualTo(puts.get(199).sequenceNumber);
    assertThat(counter.getEventReceivedCount()).isEqualTo(300);
    first.stop();
    sources.remove(first);
    List<Event> held = new ArrayList<>(take(full, 100));
    held.addAll(take(full, 100));
    assertThat(bodies(held)).containsExactlyElementsOf(lines.subList(0, 200));

    puts.addAll(publisher.publish(lines.subList(500, 700), 501));
    MemoryChannel channel = memoryChannel(10_000, 1_000);
    KinesisSource second = start(stream, channel, Map.of("batchSize", "100"));
    List<Event> events = takeAtLeast(channel, 500, TIMEOUT);
    assertThat(take(channel, 100)).as("nothing more").isEmpty();
    // Lines 201-700: after the checkpoint, each once, in order.
    assertThat(bodies(events)).containsExactlyElementsOf(lines.subList(200, 700));
    assertThat(events.get(0).getHeaders().get(EventHeaders.EVENT_ID))
        .isEqualTo(stream + "/" + shard + "/" + puts.get(200).sequenceNumber);
    awaitTrue(TIMEOUT, () -> puts.get(699).sequenceNumber.equals(checkpoint(stream, shard)));
    assertThat(second.getCounter().getEventReceivedCount()).isEqualTo(500);
  }

  @Test
  void startsAtTheLatestRecordWhenTold() throws Exception {
    String stream = uniqueName("latest");
    server.createStream(client, stream, 1);
    List<String> lines = accessLogLines(3_000, 60);
    KinesisLinePublisher publisher = new KinesisLinePublisher(client, stream, "access.log");
    publisher.publish(lines.subList(0, 50), 1);
    MemoryChannel channel = memoryChannel(1_000, 100);
    KinesisSource source = start(stream, channel, Map.of("initialPosition", "LATEST",
        "idleReadIntervalMs", "50"));
    KinesisSourceCounter counter = source.getCounter();
    // The first read (at LATEST) has returned nothing before the next lines go in.
    awaitTrue(TIMEOUT, () -> counter.getGetRecordsCount() >= 2);
    publisher.publish(lines.subList(50, 60), 51);
    List<Event> events = takeAtLeast(channel, 10, TIMEOUT);
    assertThat(bodies(events)).containsExactlyElementsOf(lines.subList(50, 60));
  }

  private KinesisSource start(String stream, MemoryChannel channel, Map<String, String> extra) {
    KinesisSource source = new KinesisSource();
    source.setName(uniqueName("kinesis"));
    Map<String, String> values = new HashMap<>(Map.of(
        "streamName", stream,
        "region", Kinesalite.REGION,
        "endpoint", server.endpoint().toString(),
        "checkpointDir", tmp.resolve("checkpoints").toString(),
        "idleReadIntervalMs", "100",
        "shardSyncIntervalMs", "500",
        "backoffInitialMs", "100",
        "cbor", "false"));
    values.putAll(extra);
    source.configure(new Context(values));
    source.setChannelProcessor(processor(channel));
    source.start();
    sources.add(source);
    return source;
  }

  private String checkpoint(String stream, String shardId) {
    try {
      Path file = tmp.resolve("checkpoints").resolve(stream).resolve(shardId);
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : null;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Takes events, 100 a transaction (the test channels' transactionCapacity), until expected. */
  static List<Event> takeAtLeast(MemoryChannel channel, int expected, Duration timeout)
      throws InterruptedException {
    List<Event> events = new ArrayList<>();
    awaitTrue(timeout, () -> {
      for (List<Event> taken = take(channel, 100); !taken.isEmpty();
          taken = take(channel, 100)) {
        events.addAll(taken);
      }
      return events.size() >= expected;
    }, () -> "events taken: " + events.size() + " of " + expected + "; kinesalite: "
        + server.logText());
    return events;
  }

  static List<String> bodies(List<Event> events) {
    return events.stream().map(e -> new String(e.getBody(), StandardCharsets.UTF_8))
        .collect(Collectors.toList());
  }

  static List<String> accessLogLines(int from, int count) throws Exception {
    return Files.readAllLines(TestData.sample(ACCESS_LOG), StandardCharsets.UTF_8)
        .subList(from, from + count);
  }
}
