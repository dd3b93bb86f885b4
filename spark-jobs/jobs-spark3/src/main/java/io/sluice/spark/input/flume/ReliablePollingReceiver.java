package io.sluice.spark.input.flume;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.apache.spark.storage.StorageLevel;

/**
 * {@link PollingReceiver} for Spark 3.5: Sluice's own {@code SparkFlumeProtocol} client on Avro
 * 1.11 ({@link NettySinkConnection}), storing Sluice's {@link SparkFlumeEvent}. The request loop,
 * store-then-ack, nack, reconnects and status reports are those of the Spark 2.4.7 line
 * ({@link SinkPoller}, {@link PollingReceiver}): one source for both.
 */
public final class ReliablePollingReceiver extends PollingReceiver<SparkFlumeEvent> {

  private static final long serialVersionUID = 1L;

  /** See {@link PollingReceiver#PollingReceiver}. */
  public ReliablePollingReceiver(List<InetSocketAddress> sinks, StorageLevel storageLevel, int maxBatchSize,
      int parallelism, Duration connectTimeout, Duration requestTimeout, Duration maxBackoff) {
    super(sinks, storageLevel, maxBatchSize, parallelism, connectTimeout, requestTimeout, maxBackoff);
  }

  @Override
  protected SinkConnection.Factory<SparkFlumeEvent> connections(String threadName, long connectTimeoutMillis,
      long requestTimeoutMillis) {
    return NettySinkConnection.factory(connectTimeoutMillis, requestTimeoutMillis, SparkFlumeEvent::of);
  }
}
