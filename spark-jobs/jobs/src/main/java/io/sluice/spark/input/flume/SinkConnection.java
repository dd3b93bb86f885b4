package io.sluice.spark.input.flume;

import java.io.Closeable;
import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * One connection to a SparkSink, speaking {@code SparkFlumeProtocol} (Spark's
 * {@code external/flume-sink}, branch-2.4, {@code sparkflume.avdl}):
 * {@code EventBatch getEventBatch(int n)}, {@code void ack(string sequenceNumber)},
 * {@code void nack(string sequenceNumber)}. An implementation exists per Avro line (Avro 1.8.2
 * IPC for Spark 2.4.7); {@link SinkPoller} holds the protocol's rules and is shared.
 *
 * <p>Every method throws {@link IOException} when the connection is gone (the agent died, the
 * network failed, a request timed out); the connection is then unusable and is closed by the
 * caller.
 *
 * @param <E> the event type handed to Spark
 */
public interface SinkConnection<E> extends Closeable {

  /**
   * Asks for up to {@code maxEvents} events. A SparkSink holds the request open while its channel
   * is empty, so this blocks until events arrive, the connection fails, or {@code stopped}
   * becomes true (checked at least once a second; the request is then abandoned and the
   * connection must be closed).
   *
   * @throws IOException the connection failed or was abandoned
   */
  PolledBatch<E> getEventBatch(int maxEvents, BooleanSupplier stopped) throws IOException;

  /** Commits the sink's transaction of {@code sequenceNumber}. */
  void ack(String sequenceNumber) throws IOException;

  /** Rolls back the sink's transaction of {@code sequenceNumber}: its events are delivered again. */
  void nack(String sequenceNumber) throws IOException;

  @Override
  void close();

  /** Opens connections to one sink address. */
  interface Factory<E> {
    /**
     * @throws IOException the sink cannot be reached within the connect timeout
     */
    SinkConnection<E> connect(String host, int port) throws IOException;
  }
}
