package io.sluice.spark.input;

import io.sluice.contract.EventHeaders;
import io.sluice.contract.Pipeline;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.flume.source.avro.AvroFlumeEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns Flume events, as they arrive from either source, into {@link EventRecord}s.
 *
 * <p>From a SparkSink, an event is an {@link AvroFlumeEvent} (headers and body). From a Flume
 * Kafka channel with {@code parseAsFlumeEvent = true} (Sluice's agents), each Kafka record's value
 * is one {@code AvroFlumeEvent} in Avro binary encoding, without a container or schema header,
 * written by Flume's {@code SpecificDatumWriter}; {@link #fromKafka} reads it with Avro 1.8.2's
 * {@link SpecificDatumReader} and the {@code AvroFlumeEvent} class of flume-ng-sdk (the schema,
 * {@code {headers: map<string>, body: bytes}}, is the same in Flume 1.6 and 1.11).
 *
 * <p>A Kafka record that is not such an event (a channel with {@code parseAsFlumeEvent = false},
 * another producer) is not dropped: it becomes an event of pipeline {@value #UNDECODABLE}, with
 * the id {@code topic-partition@offset}, which the job counts and logs as unrouted.
 */
public final class FlumeEvents {

  /** Pipeline of Kafka records that are not Avro-encoded Flume events. */
  public static final String UNDECODABLE = "undecodable-kafka-record";

  private FlumeEvents() {}

  /**
   * Copies a Flume/Avro header map into a {@code Map<String, String>}, calling {@code toString()}
   * on every key and value. Null keys are skipped, null values are kept as null.
   *
   * <p>Events pulled from a SparkSink arrive with Avro {@code Utf8} keys and values, which are
   * {@link CharSequence}s but not {@link String}s: a lookup with a {@code String} key finds
   * nothing. This converts the map once per event.
   */
  public static Map<String, String> toStringMap(Map<? extends CharSequence, ? extends CharSequence> headers) {
    if (headers == null || headers.isEmpty()) {
      return new HashMap<>();
    }
    Map<String, String> out = new HashMap<>(Math.max(16, headers.size() * 2));
    for (Map.Entry<? extends CharSequence, ? extends CharSequence> e : headers.entrySet()) {
      if (e.getKey() != null) {
        out.put(e.getKey().toString(), e.getValue() == null ? null : e.getValue().toString());
      }
    }
    return out;
  }

  /** One event pulled from a SparkSink. */
  public static EventRecord fromAvro(AvroFlumeEvent event) {
    Map<String, String> headers = toStringMap(event.getHeaders());
    return EventRecord.fromEvent(headers, bodyIfNeeded(headers, event.getBody()));
  }

  /** Decodes the records of one Kafka partition as they are consumed, reusing one Avro decoder. */
  public static Iterator<EventRecord> fromKafka(Iterator<ConsumerRecord<byte[], byte[]>> records) {
    SpecificDatumReader<AvroFlumeEvent> reader = new SpecificDatumReader<>(AvroFlumeEvent.class);
    return new Iterator<EventRecord>() {
      private BinaryDecoder decoder;
      private AvroFlumeEvent reuse;

      @Override
      public boolean hasNext() {
        return records.hasNext();
      }

      @Override
      public EventRecord next() {
        ConsumerRecord<byte[], byte[]> record = records.next();
        if (record.value() != null) {
          decoder = DecoderFactory.get().binaryDecoder(record.value(), decoder);
          try {
            reuse = reader.read(reuse, decoder);
            if (decoder.isEnd()) {
              return fromAvro(reuse);
            }
          } catch (IOException | RuntimeException e) {
            reuse = null; // a half-filled record must not be reused
          }
        }
        return undecodable(record);
      }
    };
  }

  private static EventRecord undecodable(ConsumerRecord<byte[], byte[]> record) {
    Map<String, String> headers = new HashMap<>();
    headers.put(EventHeaders.EVENT_ID, record.topic() + "-" + record.partition() + "@" + record.offset());
    headers.put(EventHeaders.PIPELINE, UNDECODABLE);
    return EventRecord.fromHeaders(headers);
  }

  /** The body bytes, copied only when {@link EventRecord} reads them (tweets without a mentions header). */
  private static byte[] bodyIfNeeded(Map<String, String> headers, ByteBuffer body) {
    if (body == null || !Pipeline.TWEETS.id().equals(headers.get(EventHeaders.PIPELINE))
        || headers.containsKey(EventHeaders.MENTIONS)) {
      return null;
    }
    ByteBuffer b = body.duplicate();
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    return bytes;
  }
}
