/**
 * Where events come from and what the job reads of them: the DStreams of a Flume or Kafka source
 * ({@link io.sluice.spark.input.EventSources}), Flume events as they arrive turned into
 * {@link io.sluice.spark.input.EventRecord}s ({@link io.sluice.spark.input.FlumeEvents},
 * {@link io.sluice.spark.input.TweetBodies}), the audit of received ids
 * ({@link io.sluice.spark.input.IdAudit}) and the Kafka clients' security settings with their
 * secret references ({@link io.sluice.spark.input.KafkaClientProperties}). Header, pipeline and
 * topic names come from {@code io.sluice.contract}.
 */
package io.sluice.spark.input;
