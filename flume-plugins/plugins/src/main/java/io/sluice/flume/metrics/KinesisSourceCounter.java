package io.sluice.flume.metrics;

import org.apache.flume.instrumentation.SourceCounter;

/**
 * Counters of {@code io.sluice.flume.source.kinesis.KinesisSource}; see
 * {@link KinesisSourceCounterMBean}. Thread-safe.
 */
public class KinesisSourceCounter extends SourceCounter implements KinesisSourceCounterMBean {

  static final String GET_RECORDS = "src.kinesis.getrecords";
  static final String THROTTLED = "src.kinesis.getrecords.throttled";
  static final String API_FAIL = "src.kinesis.api.fail";
  static final String EXPIRED_ITERATOR = "src.kinesis.iterator.expired";
  static final String CHECKPOINT_SAVED = "src.kinesis.checkpoint.saved";
  static final String CHECKPOINT_FAIL = "src.kinesis.checkpoint.fail";
  static final String SHARD_END = "src.kinesis.shard.end";
  static final String SHARD_SYNC = "src.kinesis.shard.sync";
  static final String OWNED_SHARDS = "src.kinesis.shards.owned";
  static final String MILLIS_BEHIND = "src.kinesis.millis.behind.latest";

  /**
   * @param name the source's name (JMX {@code org.apache.flume.source:type=<name>})
   */
  public KinesisSourceCounter(String name) {
    super(name, new String[] {GET_RECORDS, THROTTLED, API_FAIL, EXPIRED_ITERATOR,
        CHECKPOINT_SAVED, CHECKPOINT_FAIL, SHARD_END, SHARD_SYNC, OWNED_SHARDS, MILLIS_BEHIND});
  }

  @Override
  public long getGetRecordsCount() {
    return get(GET_RECORDS);
  }

  public long incrementGetRecordsCount() {
    return increment(GET_RECORDS);
  }

  @Override
  public long getGetRecordsThrottledCount() {
    return get(THROTTLED);
  }

  public long incrementGetRecordsThrottledCount() {
    return increment(THROTTLED);
  }

  @Override
  public long getApiFailCount() {
    return get(API_FAIL);
  }

  public long incrementApiFailCount() {
    return increment(API_FAIL);
  }

  @Override
  public long getExpiredIteratorCount() {
    return get(EXPIRED_ITERATOR);
  }

  public long incrementExpiredIteratorCount() {
    return increment(EXPIRED_ITERATOR);
  }

  @Override
  public long getCheckpointSavedCount() {
    return get(CHECKPOINT_SAVED);
  }

  public long incrementCheckpointSavedCount() {
    return increment(CHECKPOINT_SAVED);
  }

  @Override
  public long getCheckpointFailCount() {
    return get(CHECKPOINT_FAIL);
  }

  public long incrementCheckpointFailCount() {
    return increment(CHECKPOINT_FAIL);
  }

  @Override
  public long getShardEndCount() {
    return get(SHARD_END);
  }

  public long incrementShardEndCount() {
    return increment(SHARD_END);
  }

  @Override
  public long getShardSyncCount() {
    return get(SHARD_SYNC);
  }

  public long incrementShardSyncCount() {
    return increment(SHARD_SYNC);
  }

  @Override
  public long getOwnedShardCount() {
    return get(OWNED_SHARDS);
  }

  public void setOwnedShardCount(long shards) {
    set(OWNED_SHARDS, shards);
  }

  @Override
  public long getMillisBehindLatest() {
    return get(MILLIS_BEHIND);
  }

  public void setMillisBehindLatest(long millis) {
    set(MILLIS_BEHIND, millis);
  }
}
