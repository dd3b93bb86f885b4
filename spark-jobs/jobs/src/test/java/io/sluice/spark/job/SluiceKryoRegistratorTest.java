package io.sluice.spark.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spark.SampleEvents;
import io.sluice.spark.analytics.Metric;
import io.sluice.spark.analytics.Sessions;
import io.sluice.spark.input.EventRecord;
import io.sluice.spark.input.FlumeEvents;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.util.Utf8;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.streaming.flume.SparkFlumeEvent;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;
import scala.reflect.ClassTag;

/** Kryo as the job configures it: received Flume events and the job's records survive a round trip. */
class SluiceKryoRegistratorTest {

  private static final ClassTag<Object> ANY = ClassTag$.MODULE$.apply(Object.class);

  @Test
  void configuresKryoUnlessTheJobChoseASerializer() {
    SparkConf cluster = new SparkConf(false).set("spark.master", "spark://10.0.0.1:7077");
    SluiceKryoRegistrator.configure(cluster);
    assertThat(cluster.get("spark.serializer")).isEqualTo(KryoSerializer.class.getName());
    assertThat(cluster.get("spark.kryo.registrator")).isEqualTo(SluiceKryoRegistrator.class.getName());

    SparkConf local = new SparkConf(false).set("spark.master", "local[2]").set("spark.kryo.registrator", "a.B");
    SluiceKryoRegistrator.configure(local);
    assertThat(local.get("spark.serializer")).isEqualTo(ReusingKryoSerializer.class.getName());
    assertThat(local.get("spark.kryo.registrator")).isEqualTo("a.B," + SluiceKryoRegistrator.class.getName());

    SparkConf chosen = new SparkConf(false).set("spark.serializer", "org.apache.spark.serializer.JavaSerializer");
    SluiceKryoRegistrator.configure(chosen);
    assertThat(chosen.get("spark.serializer")).isEqualTo("org.apache.spark.serializer.JavaSerializer");
    assertThat(chosen.contains("spark.kryo.registrator")).isFalse();
  }

  @Test
  void sparkFlumeEventKeepsHeadersAndBodyBytesAndIsFarSmallerThanJavaSerialization() {
    Map<String, String> log = SampleEvents.logEvents().get(2070);
    SparkFlumeEvent event = new SparkFlumeEvent();
    Map<CharSequence, CharSequence> headers = new HashMap<>();
    log.forEach((k, v) -> {
      if (!k.equals(SampleEvents.BODY)) {
        headers.put(new Utf8(k), v == null ? null : new Utf8(v)); // as Avro IPC delivers them
      }
    });
    headers.put(new Utf8("empty"), new Utf8(""));
    headers.put(new Utf8("nullValue"), null);
    byte[] body = "line with UTF-8 \u00e9 and a byte \u00ff".getBytes(StandardCharsets.UTF_8);
    ByteBuffer sliced = ByteBuffer.wrap(new byte[body.length + 10], 4, body.length).slice();
    sliced.put(body).flip();
    event.event().setHeaders(headers);
    event.event().setBody(sliced);

    SerializerInstance kryo = kryo();
    ByteBuffer bytes = kryo.serialize(event, ANY);
    int kryoSize = bytes.remaining();
    SparkFlumeEvent back = (SparkFlumeEvent) kryo.deserialize(bytes, ANY);

    Map<String, String> expected = FlumeEvents.toStringMap(headers);
    assertThat(FlumeEvents.toStringMap(back.event().getHeaders())).isEqualTo(expected);
    byte[] backBody = new byte[back.event().getBody().remaining()];
    back.event().getBody().duplicate().get(backBody);
    assertThat(backBody).isEqualTo(body);
    assertThat(FlumeEvents.fromAvro(back.event())).isEqualTo(FlumeEvents.fromAvro(event.event()));

    headers.remove(new Utf8("nullValue")); // Spark's own writeExternal cannot write a null value
    int javaSize = new org.apache.spark.serializer.JavaSerializer(new SparkConf(false)).newInstance()
        .serialize(event, ANY).remaining();
    assertThat(kryoSize).as("Kryo %d bytes vs Java %d bytes", kryoSize, javaSize).isLessThan(javaSize / 2);
  }

  @Test
  void eventWithoutBodyOrHeadersStaysEmpty() {
    SparkFlumeEvent event = new SparkFlumeEvent();
    event.event().setHeaders(new HashMap<>());
    event.event().setBody(null);
    SerializerInstance kryo = kryo();
    SparkFlumeEvent back = (SparkFlumeEvent) kryo.deserialize(kryo.serialize(event, ANY), ANY);
    assertThat(back.event().getHeaders()).isEmpty();
    assertThat(back.event().getBody()).isNull();
  }

  @Test
  void recordsMetricsAndSessionStepsRoundTrip() {
    SerializerInstance kryo = kryo();
    List<EventRecord> records = SampleEvents.records(SampleEvents.logEvents().subList(0, 50));
    for (EventRecord r : records) {
      assertThat(kryo.deserialize(kryo.serialize(r, ANY), ANY)).isEqualTo(r);
    }
    Metric m = Metric.of(Metric.Kind.LOGS_ENDPOINT, "/index.html");
    assertThat(kryo.deserialize(kryo.serialize(m, ANY), ANY)).isEqualTo(m);
    Sessions.Step step = Sessions.advance(null, new long[] {1_000, 2_000, 5_000_000}, 1_800_000);
    Sessions.Step back = (Sessions.Step) kryo.deserialize(kryo.serialize(step, ANY), ANY);
    assertThat(back.closed()).hasSize(1);
    assertThat(back.closed().get(0).requests()).isEqualTo(2);
    assertThat(back.open().firstMs()).isEqualTo(5_000_000);
  }

  @Test
  void reusingSerializerKeepsOneInstancePerThreadAndStillServesNestedStreams() throws Exception {
    SparkConf conf = new SparkConf(false);
    SluiceKryoRegistrator.configure(conf);
    ReusingKryoSerializer serializer = new ReusingKryoSerializer(conf);
    SerializerInstance mine = serializer.newInstance();
    assertThat(serializer.newInstance()).isSameAs(mine);
    SerializerInstance[] other = new SerializerInstance[1];
    Thread t = new Thread(() -> other[0] = serializer.newInstance());
    t.start();
    t.join();
    assertThat(other[0]).isNotNull().isNotSameAs(mine);

    // Two streams open at once on one thread, each with its own Kryo, interleaved with serialize().
    java.io.ByteArrayOutputStream a = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    org.apache.spark.serializer.SerializationStream sa = serializer.newInstance().serializeStream(a);
    org.apache.spark.serializer.SerializationStream sb = serializer.newInstance().serializeStream(b);
    List<EventRecord> records = SampleEvents.records(SampleEvents.logEvents().subList(0, 20));
    for (EventRecord r : records) {
      sa.writeObject(r, ANY);
      sb.writeObject(Metric.of(Metric.Kind.LOGS_ENDPOINT, r.endpoint()), ANY);
      assertThat(mine.deserialize(mine.serialize(r, ANY), ANY)).isEqualTo(r);
    }
    sa.close();
    sb.close();
    scala.collection.Iterator<Object> ra = serializer.newInstance()
        .deserializeStream(new java.io.ByteArrayInputStream(a.toByteArray())).asIterator();
    scala.collection.Iterator<Object> rb = serializer.newInstance()
        .deserializeStream(new java.io.ByteArrayInputStream(b.toByteArray())).asIterator();
    for (EventRecord r : records) {
      assertThat(ra.next()).isEqualTo(r);
      assertThat(rb.next()).isEqualTo(Metric.of(Metric.Kind.LOGS_ENDPOINT, r.endpoint()));
    }

    // A copy that travelled (Java-serialized, as in a shuffle dependency) works on its own.
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(serializer);
    }
    ReusingKryoSerializer copy;
    try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (ReusingKryoSerializer) in.readObject();
    }
    SerializerInstance fromCopy = copy.newInstance();
    assertThat(fromCopy).isNotSameAs(mine).isSameAs(copy.newInstance());
    assertThat(fromCopy.deserialize(fromCopy.serialize(records.get(0), ANY), ANY)).isEqualTo(records.get(0));
  }

  private static SerializerInstance kryo() {
    SparkConf conf = new SparkConf(false);
    SluiceKryoRegistrator.configure(conf);
    return new KryoSerializer(conf).newInstance();
  }
}
