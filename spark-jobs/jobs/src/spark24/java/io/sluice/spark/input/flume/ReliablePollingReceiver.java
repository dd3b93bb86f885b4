package io.sluice.spark.input.flume;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.streaming.flume.SparkFlumeEvent;
import org.apache.spark.streaming.flume.sink.SparkSinkEvent;

/**
 * {@link PollingReceiver} for Spark 2.4.7: Avro 1.8.2 IPC ({@link AvroSinkConnection}, the classes
 * of {@code spark-streaming-flume-sink_2.11}), storing Spark's own {@link SparkFlumeEvent}s, so a
 * job written for {@code FlumeUtils.createPollingStream} keeps its types.
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
    return AvroSinkConnection.factory(threadName, connectTimeoutMillis, requestTimeoutMillis,
        ReliablePollingReceiver::toSparkFlumeEvent);
  }

  /** Spark's event type for a received {@link SparkSinkEvent}, as {@code FlumeBatchFetcher} builds it. */
  static SparkFlumeEvent toSparkFlumeEvent(SparkSinkEvent received) {
    SparkFlumeEvent event = new SparkFlumeEvent();
    event.event().setBody(received.getBody());
    event.event().setHeaders(received.getHeaders());
    return event;
  }
}
