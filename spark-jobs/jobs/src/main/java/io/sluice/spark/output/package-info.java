/**
 * What the job writes and where: the output location ({@link io.sluice.spark.output.OutputStore},
 * local or HDFS), {@code summary.json} ({@link io.sluice.spark.output.Summary},
 * {@link io.sluice.spark.output.SummaryWriter}), the files of each batch directory
 * ({@link io.sluice.spark.output.BatchOutputs}), alerts to Kafka
 * ({@link io.sluice.spark.output.AlertPublisher}) and the receivers' state
 * ({@link io.sluice.spark.output.ReceiverStatusFile}).
 */
package io.sluice.spark.output;
