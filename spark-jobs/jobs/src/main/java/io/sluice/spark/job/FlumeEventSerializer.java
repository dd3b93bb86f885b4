package io.sluice.spark.job;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.sluice.spark.input.FlumeEvents;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.flume.source.avro.AvroFlumeEvent;

/**
 * A Flume event of either Spark line (Spark 2.4.7's {@code SparkFlumeEvent}, Sluice's for Spark 3.5),
 * in Kryo: header count (varint), then each key and value as Kryo strings (a null
 * value stays null), then the body length + 1 (varint, 0 for no body) and its bytes. Header keys
 * and values come back as {@link String}s, which {@link FlumeEvents#toStringMap} reads like
 * Avro's {@code Utf8}.
 */
public final class FlumeEventSerializer<T> extends Serializer<T> {

  private final Function<T, AvroFlumeEvent> event;
  private final Supplier<T> empty;

  /**
   * @param event the {@link AvroFlumeEvent} inside a line's event (its headers and body are read and set)
   * @param empty a new line event with an empty {@link AvroFlumeEvent} inside
   */
  public FlumeEventSerializer(Function<T, AvroFlumeEvent> event, Supplier<T> empty) {
    this.event = event;
    this.empty = empty;
  }

  @Override
  public void write(Kryo kryo, Output out, T e) {
    AvroFlumeEvent event = this.event.apply(e);
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
  public T read(Kryo kryo, Input in, Class<T> type) {
    int count = in.readVarInt(true);
    Map<CharSequence, CharSequence> headers = new HashMap<>(Math.max(4, count * 2));
    for (int i = 0; i < count; i++) {
      String key = in.readString();
      headers.put(key, in.readString());
    }
    int length = in.readVarInt(true);
    T e = empty.get();
    event.apply(e).setHeaders(headers);
    event.apply(e).setBody(length == 0 ? null : ByteBuffer.wrap(in.readBytes(length - 1)));
    return e;
  }
}
