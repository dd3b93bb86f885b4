package io.sluice.spark.input.flume;

import com.esotericsoftware.kryo.Kryo;
import io.sluice.spark.job.FlumeEventSerializer;
import org.apache.spark.streaming.flume.SparkFlumeEvent;

/**
 * What the shared job sources need from the Spark line they are compiled for, here Spark 2.4.7
 * (Scala 2.11). Each line has this class under the same name in its own source directory
 * ({@code spark-jobs/jobs/src/spark24/java}, {@code spark-jobs/jobs-spark3/src/main/java}), next
 * to its {@link SluiceFlumeUtils} and {@link ReliablePollingReceiver}.
 */
public final class SparkLine {

  /** The Spark version the job was built for, as {@code sluice} names it ({@code --spark}). */
  public static final String SPARK = "2.4.7";

  private SparkLine() {}

  /** Registers the receiver's event type, Spark's {@link SparkFlumeEvent}, with its compact serializer. */
  public static void registerEvent(Kryo kryo) {
    kryo.register(SparkFlumeEvent.class, new FlumeEventSerializer<>(SparkFlumeEvent::event, SparkFlumeEvent::new));
  }
}
