package io.sluice.spark.job;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import io.sluice.spark.analytics.BruteForceAlert;
import io.sluice.spark.analytics.ErrorRateAlert;
import io.sluice.spark.analytics.EventWindows;
import io.sluice.spark.analytics.Analytics;
import io.sluice.spark.analytics.Metric;
import io.sluice.spark.analytics.Sessions;
import io.sluice.spark.analytics.Tally;
import io.sluice.spark.input.EventRecord;
import io.sluice.spark.input.flume.SparkLine;
import io.sluice.spark.output.Summary;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Kryo registrations of the job: the classes Spark serializes for it (received blocks, shuffles,
 * state checkpoints, task results), each with a compact serializer.
 *
 * <p>The one that matters is the Flume event the polling receiver stores ({@link SparkLine#registerEvent}).
 * Spark 2.4.7's {@code SparkFlumeEvent.writeExternal} (Spark 2.4.7, {@code FlumeInputDStream.scala}) Java-serializes
 * every header key and value through a new {@code ObjectOutputStream} each, so a receiver block of
 * access-log events cost about 0.3 ms per event to store (write-ahead log and
 * {@code MEMORY_AND_DISK_SER}) and more to read back: measured, the receiver and the batches
 * spent most of their time there. {@link FlumeEventSerializer} writes the same content
 * (headers as strings, body bytes) with Kryo's string and varint encodings.
 *
 * <p>{@link #configure(SparkConf)} selects Kryo with this registrator unless the job's
 * configuration chose a serializer itself ({@code spark.serializer}).
 */
public final class SluiceKryoRegistrator implements KryoRegistrator {

  private static final String KRYO = "org.apache.spark.serializer.KryoSerializer";

  @Override
  public void registerClasses(Kryo kryo) {
    SparkLine.registerEvent(kryo);
    kryo.register(EventRecord.class);
    kryo.register(String[].class);
    kryo.register(Metric.class);
    kryo.register(Metric.Kind.class);
    kryo.register(Tally.class);
    kryo.register(Sessions.Session.class);
    // Immutable JDK lists and priority queues with comparators inside: Java serialization, as before.
    kryo.register(Sessions.Step.class, new JavaSerializer());
    kryo.register(Analytics.Collected.class, new JavaSerializer());
    kryo.register(ErrorRateAlert.class);
    kryo.register(BruteForceAlert.class);
    kryo.register(Summary.Ranked.class);
    kryo.register(long[].class);
    kryo.register(EventWindows.Slices.class);
  }

  /**
   * Sets {@code spark.serializer} to Kryo and {@code spark.kryo.registrator} to this class, unless
   * {@code conf} already names a serializer; an existing registrator list is kept and extended.
   * On a {@code local} master the serializer is {@link ReusingKryoSerializer} (one Kryo per thread),
   * elsewhere Spark's {@code KryoSerializer}, which every executor has before it fetches the jobs jar.
   * Reference tracking is off ({@code spark.kryo.referenceTracking=false}) unless set.
   */
  public static void configure(SparkConf conf) {
    if (conf.contains("spark.serializer")) {
      return;
    }
    conf.set("spark.serializer", conf.get("spark.master", "").startsWith("local")
        ? ReusingKryoSerializer.class.getName() : KRYO);
    // No object graph the job serializes has cycles or shared objects worth keeping shared (records,
    // metrics, tallies, state maps, Flume events): skip Kryo's per-object identity lookups.
    conf.setIfMissing("spark.kryo.referenceTracking", "false");
    String registrators = conf.get("spark.kryo.registrator", "").trim();
    conf.set("spark.kryo.registrator", registrators.isEmpty()
        ? SluiceKryoRegistrator.class.getName() : registrators + "," + SluiceKryoRegistrator.class.getName());
  }
}
