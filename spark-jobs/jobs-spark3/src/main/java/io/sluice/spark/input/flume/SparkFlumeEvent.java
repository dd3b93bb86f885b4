package io.sluice.spark.input.flume;

import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.flume.source.avro.AvroFlumeEvent;

/**
 * One Flume event as the Spark 3 polling receiver stores it, in the shape of Spark 2.4's
 * {@code org.apache.spark.streaming.flume.SparkFlumeEvent}: {@link #event()} is the
 * {@link AvroFlumeEvent} (headers with Avro {@code Utf8} or {@code String} keys and values, body
 * bytes), so code written against the Spark 2.4 type changes only its import.
 *
 * <p>The job registers a Kryo serializer for it ({@code SparkLine.registerEvent}); Java
 * serialization ({@link Externalizable}) writes the header count, then each key and value as
 * length-prefixed UTF-8 (length -1 for a null value), then the body's length (-1 for none) and bytes.
 */
public final class SparkFlumeEvent implements Externalizable {

  private static final long serialVersionUID = 1L;

  private final AvroFlumeEvent event = new AvroFlumeEvent();

  /** An event with no headers and no body, to be filled through {@link #event()}. */
  public SparkFlumeEvent() {}

  /** An event of the received {@code headers} and {@code body}. */
  public static SparkFlumeEvent of(Map<CharSequence, CharSequence> headers, ByteBuffer body) {
    SparkFlumeEvent e = new SparkFlumeEvent();
    e.event.setHeaders(headers);
    e.event.setBody(body);
    return e;
  }

  /** The Flume event: headers and body. */
  public AvroFlumeEvent event() {
    return event;
  }

  @Override
  public void writeExternal(ObjectOutput out) throws IOException {
    Map<CharSequence, CharSequence> headers = event.getHeaders();
    out.writeInt(headers == null ? 0 : headers.size());
    if (headers != null) {
      for (Map.Entry<CharSequence, CharSequence> h : headers.entrySet()) {
        writeString(out, h.getKey());
        writeString(out, h.getValue());
      }
    }
    ByteBuffer body = event.getBody();
    if (body == null) {
      out.writeInt(-1);
    } else {
      ByteBuffer b = body.duplicate();
      byte[] bytes = new byte[b.remaining()];
      b.get(bytes);
      out.writeInt(bytes.length);
      out.write(bytes);
    }
  }

  @Override
  public void readExternal(ObjectInput in) throws IOException {
    int count = in.readInt();
    Map<CharSequence, CharSequence> headers = new HashMap<>(Math.max(4, count * 2));
    for (int i = 0; i < count; i++) {
      String key = readString(in);
      headers.put(key, readString(in));
    }
    event.setHeaders(headers);
    int length = in.readInt();
    if (length < 0) {
      event.setBody(null);
    } else {
      byte[] bytes = new byte[length];
      in.readFully(bytes);
      event.setBody(ByteBuffer.wrap(bytes));
    }
  }

  private static void writeString(ObjectOutput out, CharSequence s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] bytes = s.toString().getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static String readString(ObjectInput in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      return null;
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
