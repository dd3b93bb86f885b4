package io.sluice.flume.metrics;

import org.apache.flume.instrumentation.SourceCounterMBean;

/**
 * JMX view of {@link KinesisSourceCounter}, the counters of
 * {@code io.sluice.flume.source.kinesis.KinesisSource}: Flume's standard source counters as the
 * source uses them ({@code EventReceivedCount} records read, redeliveries included;
 * {@code EventAcceptedCount} records the channel committed; {@code AppendBatchReceivedCount} /
 * {@code AppendBatchAcceptedCount} non-empty GetRecords results / their committed transactions;
 * {@code ChannelWriteFail} transactions the channel refused, retried) plus the Kinesis calls and
 * checkpoints below. The source rejects no record (a record's data is opaque bytes, passed on as
 * the body); rejects per reason are counted by the interceptors that parse the body.
 */
public interface KinesisSourceCounterMBean extends SourceCounterMBean {

  /** GetRecords calls made. */
  long getGetRecordsCount();

  /** GetRecords calls refused for throughput (ProvisionedThroughputExceededException, KMS throttling). */
  long getGetRecordsThrottledCount();

  /** Other failed Kinesis calls (network, server error, timeout, unexpected client error). */
  long getApiFailCount();

  /** Shard iterators that expired (more than 5 minutes unused) and were renewed from the checkpoint. */
  long getExpiredIteratorCount();

  /** Checkpoints written, each after the transaction holding its records committed. */
  long getCheckpointSavedCount();

  /** Checkpoints that could not be written (the records were committed; a restart reads them again). */
  long getCheckpointFailCount();

  /** Shards read to their end (closed by a reshard, every record committed). */
  long getShardEndCount();

  /** ListShards rounds (at start, every shardSyncIntervalMs, after a shard ended). */
  long getShardSyncCount();

  /** Shards this agent reads now (gauge). */
  long getOwnedShardCount();

  /** MillisBehindLatest of the last GetRecords, the largest over this agent's shards (gauge). */
  long getMillisBehindLatest();
}
