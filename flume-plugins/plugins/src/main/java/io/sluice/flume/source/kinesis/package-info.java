/**
 * {@link io.sluice.flume.source.kinesis.KinesisSource}: an Amazon Kinesis data stream into Flume,
 * at least once, with a checkpoint per shard saved after each channel commit, shards followed
 * through resharding, and a static shard assignment among several agents; and
 * {@link io.sluice.flume.source.kinesis.KinesisLinePublisher}, which puts a file's lines into a
 * stream (demo, tests).
 */
package io.sluice.flume.source.kinesis;
