/**
 * Sluice's reliable polling receiver for Flume SparkSinks: one receiver polling one or more
 * sinks, acknowledging a batch only once Spark stored it, and reporting its state.
 */
package io.sluice.spark.input.flume;
