/**
 * The contract between Sluice's Flume agents, its Spark jobs and its launcher: the names of the
 * event headers ({@link io.sluice.contract.EventHeaders}), the pipelines and their Kafka topics
 * ({@link io.sluice.contract.Pipeline}) and the closed set of reject codes
 * ({@link io.sluice.contract.RejectReason}). Everything a producer writes and a consumer reads is
 * named here once; this package has no dependencies.
 */
package io.sluice.contract;
