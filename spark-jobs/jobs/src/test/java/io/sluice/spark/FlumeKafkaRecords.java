package io.sluice.spark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.flume.source.avro.AvroFlumeEvent;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes test events to Kafka the way Flume's Kafka channel does with {@code parseAsFlumeEvent =
 * true}: each record's value is one {@link AvroFlumeEvent} in Avro binary encoding
 * ({@code SpecificDatumWriter}, no container), no key.
 */
public final class FlumeKafkaRecords {

  private FlumeKafkaRecords() {}

  /** One event as the channel encodes it; the body comes from {@link SampleEvents#BODY} when present. */
  public static byte[] encode(Map<String, String> event) {
    Map<CharSequence, CharSequence> headers = new HashMap<>(event);
    CharSequence body = headers.remove(SampleEvents.BODY);
    AvroFlumeEvent avro = new AvroFlumeEvent(headers,
        ByteBuffer.wrap((body == null ? "line" : body.toString()).getBytes(StandardCharsets.UTF_8)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      new SpecificDatumWriter<>(AvroFlumeEvent.class).write(avro, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Sends the events, encoded, to {@code topic}, and raw {@code extraValues} after them; waits for
   * all acks and fails if any send failed. Retried and idempotent: right after a topic is created
   * its leader may not be known yet ({@code NotLeaderForPartitionException}), and kafka-clients
   * 2.0 does not retry by default, which silently dropped records.
   */
  public static void send(String bootstrap, String topic, List<Map<String, String>> events, byte[]... extraValues) {
    send(bootstrap, Map.of(), topic, events, extraValues);
  }

  /** As {@link #send(String, String, List, byte[]...)}, with the client security settings {@code security}. */
  public static void send(String bootstrap, Map<String, Object> security, String topic, List<Map<String, String>> events,
      byte[]... extraValues) {
    Properties p = new Properties();
    p.putAll(security);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // One request in flight: under load, kafka-clients 2.0's idempotent producer (before KIP-360)
    // could fail a whole send with OutOfOrderSequenceException after a retried batch.
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      for (Map<String, String> e : events) {
        sent.add(producer.send(new ProducerRecord<>(topic, encode(e))));
      }
      for (byte[] value : extraValues) {
        sent.add(producer.send(new ProducerRecord<>(topic, value)));
      }
      for (Future<RecordMetadata> f : sent) {
        f.get(120, TimeUnit.SECONDS);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not send test records to " + topic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted sending test records to " + topic, e);
    }
  }
}
