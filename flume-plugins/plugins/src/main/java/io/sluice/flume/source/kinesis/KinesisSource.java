package io.sluice.flume.source.kinesis;

import io.sluice.contract.EventHeaders;
import io.sluice.flume.config.InvalidConfigurationException;
import io.sluice.flume.metrics.KinesisSourceCounter;
import io.sluice.flume.source.stream.Backoff;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flume.ChannelException;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.EventDrivenSource;
import org.apache.flume.FlumeException;
import org.apache.flume.conf.BatchSizeSupported;
import org.apache.flume.conf.Configurable;
import org.apache.flume.event.EventBuilder;
import org.apache.flume.source.AbstractSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KmsThrottlingException;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Reads an Amazon Kinesis data stream into Flume, at least once: the sequence number of a shard's
 * last record is saved as that shard's checkpoint only after the channel transaction that holds
 * the record committed, and a restarted agent resumes after it, so a crash ({@code kill -9}
 * included) between reading and committing makes the source read the records again instead of
 * losing them. A record is in the channel twice only if the agent died between a commit and the
 * checkpoint write that follows it; its {@code eventId} is then the same, so counting distinct
 * eventIds (as the Spark jobs do) counts it once.
 *
 * <p>The client is the AWS SDK for Java v2 ({@code software.amazon.awssdk:kinesis}), synchronous,
 * over the JDK's HTTP client ({@link KinesisClients}); it follows the Kinesis Data Streams API
 * Reference (ListShards, GetShardIterator, GetRecords). The Kinesis Client Library (KCL) is not
 * used: KCL 2.x and 3.x keep leases and checkpoints in DynamoDB, which the local test server
 * (kinesalite) does not provide, and commit checkpoints from the record processor on their own
 * schedule, not after a Flume transaction.
 *
 * <h2>Shards and resharding</h2>
 * The source lists the stream's shards (ListShards) at start, every {@code shardSyncIntervalMs}
 * and as soon as a shard it reads has ended, and reads the shards of its assignment (below). A
 * shard whose parents ({@code ParentShardId}, and {@code AdjacentParentShardId} after a merge)
 * are in the list starts only once every parent's checkpoint is {@code SHARD_END}: a parent is
 * read to its end before its children (SplitShard, MergeShards, UpdateShardCount), so the
 * records of one partition key stay in order across a reshard. A shard ends when GetRecords
 * returns no next iterator (the shard is closed and every record was returned); its last records
 * are committed, then its checkpoint becomes {@code SHARD_END}.
 *
 * <p>Where a shard starts: after its checkpoint (GetShardIterator {@code AFTER_SEQUENCE_NUMBER});
 * without one, a child of a listed parent at its first record ({@code TRIM_HORIZON}), any other
 * shard at {@code initialPosition} ({@code TRIM_HORIZON}, the default, or {@code LATEST}). A
 * checkpoint that Kinesis refuses (InvalidArgumentException: a stream deleted and created again
 * under the same name) is logged, counted in {@code ApiFailCount} and replaced by
 * {@code initialPosition}.
 *
 * <h2>Reading and back-off</h2>
 * One thread reads the shards in turn: one GetRecords of up to {@code batchSize} records per
 * shard, then one channel transaction with its records ({@code processEventBatch}), then the
 * checkpoint. The next GetRecords of that shard comes {@code readIntervalMs} (200) later after a
 * read that returned records, {@code idleReadIntervalMs} (1000) after an empty one. A throttled
 * call (ProvisionedThroughputExceededException, KmsThrottlingException, LimitExceededException;
 * Kinesis allows 5 GetRecords per second per shard) or a failed one (network, HTTP 5xx, timeout)
 * pauses that shard for {@code backoffInitialMs} (500) doubling up to {@code backoffMaxMs}
 * (10000), reset by a successful read. An expired iterator (unused for 5 minutes) is replaced
 * from the checkpoint. A batch the channel refuses ({@link ChannelException}: channel full, Kafka
 * away) is not checkpointed and is offered again, as the same events, after 100 ms doubling up to
 * 5 s, until it commits or the source stops.
 *
 * <h2>Several agents on one stream</h2>
 * {@code shardAssignment = i/n} makes this agent read the shards that hash to {@code i} among
 * {@code n} agents ({@link ShardAssignment}: by the id of the shard's oldest listed ancestor, so
 * split children stay with their parent's agent). Give each of the {@code n} agents its own
 * {@code i}, the same {@code n}, and preferably one shared {@code checkpointDir} (a merge's
 * second parent may belong to another agent: its child waits for that agent's {@code SHARD_END}).
 * The assignment is static: it does not move shards away from an agent that is down.
 *
 * <h2>Events</h2>
 * One event per record; the body is the record's data, byte for byte (the source rejects no
 * record: interceptors parse the body and route what they reject). Headers:
 * <ul>
 *   <li>{@value EventHeaders#EVENT_ID}: {@code <stream>/<shardId>/<sequenceNumber>}, unique in
 *       the stream and the same each time the record is read again;</li>
 *   <li>{@value EventHeaders#STREAM}, {@value EventHeaders#SHARD_ID},
 *       {@value EventHeaders#SEQUENCE_NUMBER}, {@value EventHeaders#PARTITION_KEY};</li>
 *   <li>{@value EventHeaders#ARRIVAL_TIME}: ApproximateArrivalTimestamp, epoch milliseconds;</li>
 *   <li>{@value EventHeaders#TIMESTAMP}: the arrival time too (an interceptor may replace it with
 *       a time from the content, as the access-log interceptor does);
 *       {@value EventHeaders#READ_TIME}: when the source read the record, epoch
 *       milliseconds.</li>
 * </ul>
 * The {@value EventHeaders#PIPELINE} header comes from the agent's static interceptor, as in the
 * other agents.
 *
 * <h2>Configuration</h2>
 * Keys, with types, defaults and units, in {@link KinesisSourceConfig#DEFINITION}:
 * {@code streamName} (required), {@code region} (SDK default chain), {@code endpoint} (none),
 * {@code cbor} (true; false for kinesalite),
 * {@code initialPosition} (TRIM_HORIZON), {@code checkpointDir} (required),
 * {@code shardAssignment} (0/1), {@code batchSize} (1000, at most 10000), {@code readIntervalMs},
 * {@code idleReadIntervalMs}, {@code backoffInitialMs}, {@code backoffMaxMs},
 * {@code shardSyncIntervalMs} (10000), {@code apiTimeoutMs} (10000). Credentials come from the
 * SDK's default chain only. A bad, missing or unknown key fails {@link #configure(Context)} with an
 * {@link InvalidConfigurationException} naming it; a checkpoint directory that cannot be created
 * fails {@link #start()} with a {@link FlumeException}.
 *
 * <h2>Metrics</h2>
 * {@link KinesisSourceCounter} ({@code org.apache.flume.source:type=<name>}).
 */
public class KinesisSource extends AbstractSource
    implements EventDrivenSource, Configurable, BatchSizeSupported {

  private static final Logger LOG = LoggerFactory.getLogger(KinesisSource.class);
  private static final long CHANNEL_RETRY_INITIAL_MS = 100;
  private static final long CHANNEL_RETRY_MAX_MS = 5_000;
  private static final long MAX_WAIT_MS = 100;
  private static final long STOP_WAIT_SECONDS = 15;

  /** The read state of one shard this agent reads. */
  private static final class ShardReader {
    final String shardId;
    final Backoff backoff;
    /** The sequence number of the last committed record; null before the first. */
    String checkpoint;
    String iterator;
    long notBeforeNanos;

    ShardReader(String shardId, String checkpoint, Backoff backoff) {
      this.shardId = shardId;
      this.checkpoint = checkpoint;
      this.backoff = backoff;
    }
  }

  private volatile String name;
  private KinesisSourceConfig config;
  private KinesisSourceCounter counter;

  // Run state, set by start().
  private volatile boolean running;
  private KinesisClient client;
  private ShardCheckpoints checkpoints;
  private final Map<String, ShardReader> readers = new TreeMap<>();
  private Map<String, Shard> listed = Map.of();
  private boolean syncNeeded;
  private long nextSyncNanos;
  private Thread thread;

  /**
   * Validates the configuration and creates the counters.
   *
   * @throws InvalidConfigurationException naming the key on a bad, missing or unknown value
   */
  @Override
  public void configure(Context context) {
    name = getName();
    config = KinesisSourceConfig.parse(context);
    if (counter == null) {
      counter = new KinesisSourceCounter(name);
    }
    LOG.info("{} configured: stream={}, region={}, endpoint={}, initialPosition={}, "
        + "checkpointDir={}, shardAssignment={}, batchSize={}", name, config.streamName,
        config.region.isEmpty() ? "(SDK default)" : config.region,
        config.endpoint == null ? "(AWS)" : config.endpoint, config.initialPosition,
        config.checkpointDir, config.shardAssignment, config.batchSize);
  }

  /**
   * Creates the checkpoint directory and the client and starts the source's thread; the stream is
   * listed from that thread (a stream that does not exist yet is retried with back-off).
   *
   * @throws IllegalStateException if the source has not been configured
   * @throws FlumeException if the checkpoint directory cannot be created
   */
  @Override
  public synchronized void start() {
    if (config == null) {
      throw new IllegalStateException(getName() + " started before configure()");
    }
    try {
      checkpoints = new ShardCheckpoints(config.checkpointDir, config.streamName);
    } catch (IOException e) {
      throw new FlumeException(name + ": cannot create the checkpoint directory under "
          + config.checkpointDir + " (" + KinesisSourceConfig.CHECKPOINT_DIR + "): " + e, e);
    }
    client = KinesisClients.create(config.region, config.endpoint, config.apiTimeoutMs,
        config.cbor);
    readers.clear();
    listed = Map.of();
    syncNeeded = true;
    counter.start();
    running = true;
    thread = new Thread(this::run, "kinesis-" + name);
    thread.start();
    super.start();
  }

  /**
   * Stops the source's thread (a batch being offered to the channel is given up, not
   * checkpointed: the next run reads it again) and closes the client.
   */
  @Override
  public synchronized void stop() {
    running = false;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(TimeUnit.SECONDS.toMillis(STOP_WAIT_SECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) {
        LOG.warn("{}: thread did not end within {} s", name, STOP_WAIT_SECONDS);
      }
      thread = null;
    }
    if (client != null) {
      client.close();
      client = null;
    }
    if (counter != null) {
      counter.setOwnedShardCount(0);
      counter.stop();
    }
    super.stop();
    LOG.info("{} stopped. Metrics: {}", name, counter);
  }

  @Override
  public long getBatchSize() {
    return config == null ? KinesisSourceConfig.DEFAULT_BATCH_SIZE : config.batchSize;
  }

  /** Counters of this source; null before {@link #configure(Context)}. */
  KinesisSourceCounter getCounter() {
    return counter;
  }

  /** The source's thread. */
  private void run() {
    Backoff syncBackoff = Backoff.exponential(config.backoffInitialMs, config.backoffMaxMs);
    while (running) {
      try {
        long now = System.nanoTime();
        if (syncNeeded || now - nextSyncNanos >= 0) {
          if (syncShards()) {
            syncBackoff.reset();
            nextSyncNanos = System.nanoTime()
                + TimeUnit.MILLISECONDS.toNanos(config.shardSyncIntervalMs);
          } else {
            nextSyncNanos = System.nanoTime()
                + TimeUnit.MILLISECONDS.toNanos(syncBackoff.nextDelayMs());
          }
          syncNeeded = false;
        }
        for (ShardReader reader : new ArrayList<>(readers.values())) {
          if (!running) {
            break;
          }
          if (System.nanoTime() - reader.notBeforeNanos >= 0) {
            read(reader);
          }
        }
        waitForNextRead();
      } catch (InterruptedException e) {
        if (running) {
          LOG.warn("{}: interrupted while running", name);
        }
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException e) {
        // Not expected (call and channel errors are handled where they occur): never die.
        counter.incrementGenericProcessingFail();
        LOG.error("{}: unexpected error; continuing", name, e);
        try {
          TimeUnit.MILLISECONDS.sleep(config.backoffInitialMs);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
  }

  private void waitForNextRead() throws InterruptedException {
    long now = System.nanoTime();
    long waitNanos = TimeUnit.MILLISECONDS.toNanos(MAX_WAIT_MS);
    for (ShardReader reader : readers.values()) {
      waitNanos = Math.min(waitNanos, reader.notBeforeNanos - now);
    }
    waitNanos = Math.min(waitNanos, nextSyncNanos - now);
    if (waitNanos > 0 && !syncNeeded) {
      TimeUnit.NANOSECONDS.sleep(waitNanos);
    }
  }

  /**
   * Lists the shards and updates the set this agent reads.
   *
   * @return false when the list could not be read
   */
  private boolean syncShards() {
    Map<String, Shard> shards = new LinkedHashMap<>();
    try {
      String token = null;
      do {
        String next = token;
        ListShardsResponse response = next == null
            ? client.listShards(b -> b.streamName(config.streamName))
            : client.listShards(b -> b.nextToken(next));
        for (Shard shard : response.shards()) {
          shards.put(shard.shardId(), shard);
        }
        token = response.nextToken();
      } while (token != null && running);
    } catch (ResourceNotFoundException e) {
      counter.incrementApiFailCount();
      LOG.warn("{}: stream {} not found (retrying): {}", name, config.streamName,
          e.getMessage());
      return false;
    } catch (SdkException e) {
      if (!running) {
        return false;
      }
      counter.incrementApiFailCount();
      LOG.warn("{}: ListShards of {} failed (retrying): {}", name, config.streamName,
          e.toString());
      return false;
    }
    counter.incrementShardSyncCount();
    listed = shards;
    List<String> owned = config.shardAssignment.owned(shards);
    try {
      // Shards no longer ours (or gone): stop reading them.
      for (Iterator<String> it = readers.keySet().iterator(); it.hasNext(); ) {
        String id = it.next();
        if (!owned.contains(id)) {
          LOG.info("{}: {} is no longer read by this agent (shard list changed)", name, id);
          it.remove();
        }
      }
      for (String id : owned) {
        if (readers.containsKey(id)) {
          continue;
        }
        String checkpoint = checkpoints.read(id);
        if (ShardCheckpoints.SHARD_END.equals(checkpoint)) {
          continue;
        }
        String waitingFor = unfinishedParent(shards.get(id));
        if (waitingFor != null) {
          LOG.debug("{}: {} waits for its parent {} to be read to its end", name, id,
              waitingFor);
          continue;
        }
        readers.put(id, new ShardReader(id, checkpoint,
            Backoff.exponential(config.backoffInitialMs, config.backoffMaxMs)));
        LOG.info("{}: reading {} of {} from {}", name, id, config.streamName,
            checkpoint == null ? "its start position" : "after checkpoint " + checkpoint);
      }
      int expired = checkpoints.expire(shards.keySet());
      if (expired > 0) {
        LOG.info("{}: deleted {} checkpoints of shards no longer listed", name, expired);
      }
    } catch (IOException e) {
      counter.incrementCheckpointFailCount();
      LOG.error("{}: cannot read the checkpoints in {} (retrying): {}", name,
          checkpoints.directory(), e.toString());
      return false;
    }
    counter.setOwnedShardCount(readers.size());
    return true;
  }

  /** A listed parent of the shard that is not finished, or null. */
  private String unfinishedParent(Shard shard) throws IOException {
    for (String parent : new String[] {shard.parentShardId(), shard.adjacentParentShardId()}) {
      if (parent != null && listed.containsKey(parent) && !checkpoints.finished(parent)) {
        return parent;
      }
    }
    return null;
  }

  /** One GetRecords of a shard, its transaction and its checkpoint. */
  private void read(ShardReader reader) throws InterruptedException {
    GetRecordsResponse response;
    try {
      if (reader.iterator == null) {
        reader.iterator = iterator(reader);
      }
      counter.incrementGetRecordsCount();
      String iterator = reader.iterator;
      response = client.getRecords(b -> b.shardIterator(iterator).limit(config.batchSize));
    } catch (ProvisionedThroughputExceededException | KmsThrottlingException
        | LimitExceededException e) {
      counter.incrementGetRecordsThrottledCount();
      pause(reader, reader.backoff.nextDelayMs());
      LOG.debug("{}: {} throttled: {}", name, reader.shardId, e.getMessage());
      return;
    } catch (ExpiredIteratorException e) {
      counter.incrementExpiredIteratorCount();
      reader.iterator = null;
      return;
    } catch (ResourceNotFoundException e) {
      counter.incrementApiFailCount();
      LOG.warn("{}: {} not found: {} (listing the shards again)", name, reader.shardId,
          e.getMessage());
      readers.remove(reader.shardId);
      syncNeeded = true;
      return;
    } catch (SdkException e) {
      if (!running) {
        return; // stop() interrupted the call (AbortedException)
      }
      counter.incrementApiFailCount();
      long delay = reader.backoff.nextDelayMs();
      LOG.warn("{}: reading {} failed; retrying in {} ms: {}", name, reader.shardId, delay,
          e.toString());
      reader.iterator = null;
      pause(reader, delay);
      return;
    }
    reader.backoff.reset();
    List<Record> records = response.records();
    if (response.millisBehindLatest() != null) {
      counter.setMillisBehindLatest(response.millisBehindLatest());
    }
    if (!records.isEmpty()) {
      counter.addToEventReceivedCount(records.size());
      counter.incrementAppendBatchReceivedCount();
      if (!deliver(reader, records)) {
        return; // stopping: not committed, not checkpointed
      }
      reader.checkpoint = records.get(records.size() - 1).sequenceNumber();
      saveCheckpoint(reader.shardId, reader.checkpoint);
    }
    reader.iterator = response.nextShardIterator();
    if (reader.iterator == null) {
      finish(reader);
      return;
    }
    pause(reader, records.isEmpty() ? config.idleReadIntervalMs : config.readIntervalMs);
  }

  private String iterator(ShardReader reader) {
    String shardId = reader.shardId;
    if (reader.checkpoint != null) {
      try {
        return client.getShardIterator(b -> b.streamName(config.streamName).shardId(shardId)
            .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
            .startingSequenceNumber(reader.checkpoint)).shardIterator();
      } catch (InvalidArgumentException e) {
        counter.incrementApiFailCount();
        LOG.error("{}: Kinesis refuses the checkpoint {} of {} ({}); starting at {} instead",
            name, reader.checkpoint, shardId, e.getMessage(), config.initialPosition);
        reader.checkpoint = null;
        return client.getShardIterator(b -> b.streamName(config.streamName).shardId(shardId)
            .shardIteratorType(config.initialPosition.name())).shardIterator();
      }
    }
    Shard shard = listed.get(shardId);
    boolean childOfListed = shard != null
        && ((shard.parentShardId() != null && listed.containsKey(shard.parentShardId()))
            || (shard.adjacentParentShardId() != null
                && listed.containsKey(shard.adjacentParentShardId())));
    ShardIteratorType type = childOfListed ? ShardIteratorType.TRIM_HORIZON
        : ShardIteratorType.fromValue(config.initialPosition.name());
    return client.getShardIterator(b -> b.streamName(config.streamName).shardId(shardId)
        .shardIteratorType(type)).shardIterator();
  }

  /**
   * Offers the records to the channel until a transaction commits.
   *
   * @return true once committed; false when the source stops first
   */
  private boolean deliver(ShardReader reader, List<Record> records)
      throws InterruptedException {
    long readTime = System.currentTimeMillis();
    List<Event> events = new ArrayList<>(records.size());
    for (Record record : records) {
      events.add(toEvent(reader.shardId, record, readTime));
    }
    Backoff retry = Backoff.exponential(CHANNEL_RETRY_INITIAL_MS, CHANNEL_RETRY_MAX_MS);
    while (running) {
      try {
        getChannelProcessor().processEventBatch(events);
        counter.incrementAppendBatchAcceptedCount();
        counter.addToEventAcceptedCount(events.size());
        return true;
      } catch (ChannelException e) {
        counter.incrementChannelWriteFail();
        LOG.debug("{}: channel refused {} records of {} (not checkpointed; retrying): {}", name,
            events.size(), reader.shardId, e.getMessage());
      } catch (RuntimeException e) {
        counter.incrementGenericProcessingFail();
        LOG.error("{}: failed to deliver {} records of {} (not checkpointed; retrying)", name,
            events.size(), reader.shardId, e);
      }
      TimeUnit.MILLISECONDS.sleep(retry.nextDelayMs());
    }
    return false;
  }

  private void saveCheckpoint(String shardId, String sequenceNumber) {
    try {
      checkpoints.save(shardId, sequenceNumber);
      counter.incrementCheckpointSavedCount();
    } catch (IOException e) {
      // Committed but not saved: after a restart these records are read again (duplicates with
      // the same eventIds), never lost. The next commit's save may succeed.
      counter.incrementCheckpointFailCount();
      LOG.error("{}: cannot save the checkpoint {} of {} in {}: {}", name, sequenceNumber,
          shardId, checkpoints.directory(), e.toString());
    }
  }

  private void finish(ShardReader reader) {
    try {
      checkpoints.finish(reader.shardId);
      counter.incrementCheckpointSavedCount();
      counter.incrementShardEndCount();
      readers.remove(reader.shardId);
      counter.setOwnedShardCount(readers.size());
      syncNeeded = true;
      LOG.info("{}: {} read to its end (last committed record {}); its children come next",
          name, reader.shardId, reader.checkpoint);
    } catch (IOException e) {
      counter.incrementCheckpointFailCount();
      LOG.error("{}: cannot save the end of {} in {} (retrying): {}", name, reader.shardId,
          checkpoints.directory(), e.toString());
      reader.iterator = null;
      pause(reader, reader.backoff.nextDelayMs());
    }
  }

  private void pause(ShardReader reader, long delayMs) {
    reader.notBeforeNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs);
  }

  private Event toEvent(String shardId, Record record, long readTime) {
    Map<String, String> headers = new HashMap<>(12);
    headers.put(EventHeaders.EVENT_ID, config.streamName + "/" + shardId + "/"
        + record.sequenceNumber());
    headers.put(EventHeaders.STREAM, config.streamName);
    headers.put(EventHeaders.SHARD_ID, shardId);
    headers.put(EventHeaders.SEQUENCE_NUMBER, record.sequenceNumber());
    headers.put(EventHeaders.PARTITION_KEY, record.partitionKey());
    String arrival = Long.toString(record.approximateArrivalTimestamp() != null
        ? record.approximateArrivalTimestamp().toEpochMilli() : readTime);
    headers.put(EventHeaders.ARRIVAL_TIME, arrival);
    headers.put(EventHeaders.TIMESTAMP, arrival);
    headers.put(EventHeaders.READ_TIME, Long.toString(readTime));
    return EventBuilder.withBody(record.data().asByteArray(), headers);
  }
}
