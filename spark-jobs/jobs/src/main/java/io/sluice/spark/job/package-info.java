/**
 * The analytics job itself: its entry point ({@link io.sluice.spark.job.AnalyticsJob}), its
 * options, declared once with picocli ({@link io.sluice.spark.job.AnalyticsJobOptions}) and held
 * as an immutable, serializable value ({@link io.sluice.spark.job.AnalyticsJobConfig}), the
 * settings a checkpoint fixes ({@link io.sluice.spark.job.CheckpointSettings}) and the Kryo
 * registrator and serializer of the Spark context it creates.
 */
package io.sluice.spark.job;
