package io.sluice.spark;

import static org.assertj.core.api.Assertions.assertThat;

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
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/** Kryo as the job configures it: received Flume events and the job's records survive a round trip. */
class SluiceKryoRegistratorTest {

  private static final ClassTag<Object> ANY = ClassTag$.MODULE$.apply(Object.class);

  @Test
  void configuresKryoUnlessTheJobChoseASerializer() {
    SparkConf conf = new SparkConf(false);
    SluiceKryoRegistrator.configure(conf);
    assertThat(conf.get("spark.serializer")).isEqualTo(KryoSerializer.class.getName());
    assertThat(conf.get("spark.kryo.registrator")).isEqualTo(SluiceKryoRegistrator.class.getName());

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

    Map<String, String> expected = EventHeaders.toStringMap(headers);
    assertThat(EventHeaders.toStringMap(back.event().getHeaders())).isEqualTo(expected);
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

  private static SerializerInstance kryo() {
    SparkConf conf = new SparkConf(false);
    SluiceKryoRegistrator.configure(conf);
    return new KryoSerializer(conf).newInstance();
  }
}
