package io.sluice.spark.input.flume;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.streaming.api.java.JavaReceiverInputDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;

/**
 * Pull-based Flume streams on Spark 3.5 with Sluice's {@link ReliablePollingReceiver}, in the shape of Spark 2.4's
 * {@code FlumeUtils.createPollingStream}: a job changes {@code FlumeUtils} to
 * {@code SluiceFlumeUtils} and imports Sluice's {@link SparkFlumeEvent} (the same {@code event()})
 * in place of Spark's. The agents keep Spark's
 * {@code org.apache.spark.streaming.flume.sink.SparkSink} (Sluice packages it for Flume 1.11).
 */
public final class SluiceFlumeUtils {

  private SluiceFlumeUtils() {}

  /**
   * A stream polling {@code addresses}, with the default connect timeout (5 s), ack timeout (30 s)
   * and reconnect back-off (0.1 s doubling up to 2 s).
   *
   * @param maxBatchSize events per request (Spark's default is 1000)
   * @param parallelism request threads, at least one per address (Spark's default is 5)
   */
  public static JavaReceiverInputDStream<SparkFlumeEvent> createPollingStream(JavaStreamingContext jssc,
      InetSocketAddress[] addresses, StorageLevel storageLevel, int maxBatchSize, int parallelism) {
    return createPollingStream(jssc, addresses, storageLevel, maxBatchSize, parallelism,
        PollingReceiver.DEFAULT_CONNECT_TIMEOUT, PollingReceiver.DEFAULT_MAX_BACKOFF);
  }

  /**
   * As {@link #createPollingStream(JavaStreamingContext, InetSocketAddress[], StorageLevel, int, int)}
   * with the given connect timeout and longest wait between reconnects.
   */
  public static JavaReceiverInputDStream<SparkFlumeEvent> createPollingStream(JavaStreamingContext jssc,
      InetSocketAddress[] addresses, StorageLevel storageLevel, int maxBatchSize, int parallelism,
      Duration connectTimeout, Duration maxBackoff) {
    return jssc.receiverStream(new ReliablePollingReceiver(Arrays.asList(addresses), storageLevel, maxBatchSize,
        parallelism, connectTimeout, PollingReceiver.DEFAULT_REQUEST_TIMEOUT, maxBackoff));
  }
}
