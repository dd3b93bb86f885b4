package io.sluice.spark.input.flume;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.avro.AvroRemoteException;
import org.apache.avro.Protocol;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.ipc.CallFuture;
import org.apache.avro.ipc.generic.GenericRequestor;
import org.apache.avro.ipc.netty.NettyTransceiver;

/**
 * A {@link SinkConnection} over Avro 1.11 IPC ({@code avro-ipc-netty}, Netty 4), for Spark 3, which
 * has no Flume connector. It speaks {@code SparkFlumeProtocol} as declared in Sluice's own
 * {@code SparkFlumeProtocol.avpr} (namespace {@code org.apache.spark.streaming.flume.sink}, the
 * records {@code SparkSinkEvent {map<string> headers; bytes body}} and
 * {@code EventBatch {string errorMsg = ""; string sequenceNumber; array<SparkSinkEvent> events}},
 * the messages {@code EventBatch getEventBatch(int n)}, {@code void ack(string sequenceNumber)},
 * {@code void nack(string sequenceNumber)}), through Avro's generic requestor: no generated
 * classes.
 *
 * <p><b>Handshake.</b> Avro IPC identifies a protocol by the MD5 of its JSON text (Avro
 * specification, "Handshake"). Ours is the same protocol in other words (its doc differs), so it
 * declares the sink's hash, {@value #SINK_PROTOCOL_MD5} (Spark 2.4.7's
 * {@code SparkFlumeProtocol.PROTOCOL.getMD5()}): the sink then answers the handshake with
 * {@code BOTH} and needs no protocol resolution. That is not only shorter: Sluice's packaged
 * SparkSink (flume-plugins/spark-sink, Avro 1.8.2 relocated) cannot answer any other match, as the
 * relocation renamed the handshake's {@code MD5} type ({@code UnresolvedUnionException: Not in union
 * ["null",{"type":"fixed","name":"MD5","namespace":"io.sluice.shaded.sparksink.org.apache.avro.ipc"...}]},
 * sent back as an error of the first request).
 *
 * <p>Requests are asynchronous underneath, so a caller waits in steps of one second and can give
 * up when its receiver stops; a connection whose channel closed (the agent died) fails its open
 * request at once. Each connection has its own Netty event loop, released by {@link #close()}.
 *
 * @param <E> the event type made of each received event (its headers, with Avro {@code Utf8}
 *     keys and values, and its body)
 */
public final class NettySinkConnection<E> implements SinkConnection<E> {

  /** MD5 of the JSON text of the SparkSink's own {@code SparkFlumeProtocol} (Spark 2.4.x), in hex. */
  public static final String SINK_PROTOCOL_MD5 = "45f3c2c4aa53244ceaacda6731dedffb";

  /** The protocol, as Sluice states it (resource next to this class), identified by {@link #SINK_PROTOCOL_MD5}. */
  public static final Protocol PROTOCOL = loadProtocol();

  private static final long WAIT_STEP_MILLIS = 1_000;

  /** Makes a line's event of a received event's headers and body. */
  @FunctionalInterface
  public interface EventMaker<E> {
    E make(Map<CharSequence, CharSequence> headers, ByteBuffer body);
  }

  private final NettyTransceiver transceiver;
  private final GenericRequestor requestor;
  private final EventMaker<E> convert;
  private final long requestTimeoutMillis;

  private NettySinkConnection(NettyTransceiver transceiver, EventMaker<E> convert, long requestTimeoutMillis)
      throws IOException {
    this.transceiver = transceiver;
    this.requestor = new GenericRequestor(PROTOCOL, transceiver);
    this.convert = convert;
    this.requestTimeoutMillis = requestTimeoutMillis;
  }

  private static Protocol loadProtocol() {
    try (InputStream in = NettySinkConnection.class.getResourceAsStream("SparkFlumeProtocol.avpr")) {
      if (in == null) {
        throw new IllegalStateException("SparkFlumeProtocol.avpr is missing from the classpath");
      }
      byte[] md5 = HexFormat.of().parseHex(SINK_PROTOCOL_MD5);
      Protocol parsed = Protocol.parse(in);
      Protocol protocol = new Protocol(parsed.getName(), parsed.getDoc(), parsed.getNamespace()) {
        @Override
        public byte[] getMD5() {
          return md5.clone();
        }
      };
      protocol.setTypes(parsed.getTypes());
      for (Protocol.Message m : parsed.getMessages().values()) {
        protocol.getMessages().put(m.getName(), protocol.createMessage(m, m.getRequest(), m.getResponse(), m.getErrors()));
      }
      return protocol;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Opens connections, each with its own Netty event loop.
   *
   * @param connectTimeoutMillis how long a connect may take before the sink counts as unreachable
   * @param requestTimeoutMillis how long an {@code ack} or {@code nack} may take
   */
  public static <E> SinkConnection.Factory<E> factory(long connectTimeoutMillis, long requestTimeoutMillis,
      EventMaker<E> convert) {
    return (host, port) -> {
      NettyTransceiver transceiver;
      try {
        transceiver = new NettyTransceiver(new InetSocketAddress(host, port), (int) Math.min(Integer.MAX_VALUE, connectTimeoutMillis));
      } catch (IOException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new IOException("cannot connect to SparkSink " + host + ":" + port, e);
      }
      try {
        return new NettySinkConnection<>(transceiver, convert, requestTimeoutMillis);
      } catch (IOException | RuntimeException e) {
        transceiver.close();
        throw e;
      }
    };
  }

  @Override
  public PolledBatch<E> getEventBatch(int maxEvents, BooleanSupplier stopped) throws IOException {
    GenericRecord request = new GenericData.Record(PROTOCOL.getMessages().get("getEventBatch").getRequest());
    request.put("n", maxEvents);
    CallFuture<GenericRecord> answer = new CallFuture<>();
    call("getEventBatch", request, answer);
    GenericRecord batch = await(answer, stopped, Long.MAX_VALUE, "getEventBatch");
    Object error = batch.get("errorMsg");
    if (error != null && error.toString().length() > 0) {
      return PolledBatch.error(error.toString());
    }
    @SuppressWarnings("unchecked")
    List<GenericRecord> received = (List<GenericRecord>) batch.get("events");
    List<E> events = new ArrayList<>(received.size());
    for (GenericRecord event : received) {
      @SuppressWarnings("unchecked")
      Map<CharSequence, CharSequence> headers = (Map<CharSequence, CharSequence>) event.get("headers");
      events.add(convert.make(headers, (ByteBuffer) event.get("body")));
    }
    return PolledBatch.of(batch.get("sequenceNumber").toString(), events);
  }

  @Override
  public void ack(String sequenceNumber) throws IOException {
    send("ack", sequenceNumber);
  }

  @Override
  public void nack(String sequenceNumber) throws IOException {
    send("nack", sequenceNumber);
  }

  private void send(String message, String sequenceNumber) throws IOException {
    GenericRecord request = new GenericData.Record(PROTOCOL.getMessages().get(message).getRequest());
    request.put("sequenceNumber", sequenceNumber);
    CallFuture<Object> answer = new CallFuture<>();
    call(message, request, answer);
    await(answer, () -> false, requestTimeoutMillis, message);
  }

  /** Sends a request; its answer or error arrives in {@code answer}. */
  private <T> void call(String message, GenericRecord request, CallFuture<T> answer) throws IOException {
    try {
      requestor.request(message, request, answer);
    } catch (AvroRemoteException e) {
      throw new IOException(message + " failed on " + remote() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The answer, waiting in steps while the connection is up and the caller has not stopped.
   *
   * @throws IOException the request failed, the connection closed, it timed out or the caller stopped
   */
  private <T> T await(CallFuture<T> answer, BooleanSupplier stopped, long timeoutMillis, String request)
      throws IOException {
    return SinkRequests.await(answer, stopped, transceiver::isConnected, this::remote, timeoutMillis, WAIT_STEP_MILLIS,
        request);
  }

  private String remote() {
    try {
      return transceiver.getRemoteName();
    } catch (IOException e) {
      return "the SparkSink";
    }
  }

  @Override
  public void close() {
    transceiver.close(false);
  }
}
