package io.sluice.spark.job;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import io.sluice.spark.analytics.BruteForceAlert;
import io.sluice.spark.analytics.ErrorRateAlert;
import io.sluice.spark.analytics.EventWindows;
import io.sluice.spark.analytics.Analytics;
import io.sluice.spark.analytics.Metric;
import io.sluice.spark.analytics.Sessions;
import io.sluice.spark.analytics.Tally;
import io.sluice.spark.input.EventRecord;
import io.sluice.spark.input.FlumeEvents;
import io.sluice.spark.output.Summary;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.apache.flume.source.avro.AvroFlumeEvent;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoRegistrator;
import org.apache.spark.streaming.flume.SparkFlumeEvent;

/**
 * Kryo registrations of the job: the classes Spark serializes for it (received blocks, shuffles,
 * state checkpoints, task results), each with a compact serializer.
 *
 * <p>The one that matters is {@link SparkFlumeEvent}, what Spark's Flume polling receiver stores.
 * Its own {@code writeExternal} (Spark 2.4.7, {@code FlumeInputDStream.scala}) Java-serializes
 * every header key and value through a new {@code ObjectOutputStream} each, so a receiver block of
 * access-log events cost about 0.3 ms per event to store (write-ahead log and
 * {@code MEMORY_AND_DISK_SER}) and more to read back: measured, the receiver and the batches
 * spent most of their time there. {@link SparkFlumeEventSerializer} writes the same content
 * (headers as strings, body bytes) with Kryo's string and varint encodings.
 *
 * <p>{@link #configure(SparkConf)} selects Kryo with this registrator unless the job's
 * configuration chose a serializer itself ({@code spark.serializer}).
 */
public final class SluiceKryoRegistrator implements KryoRegistrator {

  private static final String KRYO = "org.apache.spark.serializer.KryoSerializer";

  @Override
  public void registerClasses(Kryo kryo) {
    kryo.register(SparkFlumeEvent.class, new SparkFlumeEventSerializer());
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

  /**
   * {@link SparkFlumeEvent}: header count (varint), then each key and value as Kryo strings (a null
   * value stays null), then the body length + 1 (varint, 0 for no body) and its bytes. Header keys
   * and values come back as {@link String}s, which {@link FlumeEvents#toStringMap} reads like
   * Avro's {@code Utf8}.
   */
  static final class SparkFlumeEventSerializer extends Serializer<SparkFlumeEvent> {

    @Override
    public void write(Kryo kryo, Output out, SparkFlumeEvent e) {
      AvroFlumeEvent event = e.event();
      Map<CharSequence, CharSequence> headers = event.getHeaders();
      if (headers == null) {
        out.writeVarInt(0, true);
      } else {
        out.writeVarInt(headers.size(), true);
        for (Map.Entry<CharSequence, CharSequence> h : headers.entrySet()) {
          out.writeString(h.getKey() == null ? null : h.getKey().toString());
          out.writeString(h.getValue() == null ? null : h.getValue().toString());
        }
      }
      ByteBuffer body = event.getBody();
      if (body == null) {
        out.writeVarInt(0, true);
        return;
      }
      ByteBuffer b = body.duplicate();
      out.writeVarInt(b.remaining() + 1, true);
      if (b.hasArray()) {
        out.writeBytes(b.array(), b.arrayOffset() + b.position(), b.remaining());
      } else {
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        out.writeBytes(bytes);
      }
    }

    @Override
    public SparkFlumeEvent read(Kryo kryo, Input in, Class<SparkFlumeEvent> type) {
      int count = in.readVarInt(true);
      Map<CharSequence, CharSequence> headers = new HashMap<>(Math.max(4, count * 2));
      for (int i = 0; i < count; i++) {
        String key = in.readString();
        headers.put(key, in.readString());
      }
      int length = in.readVarInt(true);
      SparkFlumeEvent e = new SparkFlumeEvent();
      e.event().setHeaders(headers);
      e.event().setBody(length == 0 ? null : ByteBuffer.wrap(in.readBytes(length - 1)));
      return e;
    }
  }
}
