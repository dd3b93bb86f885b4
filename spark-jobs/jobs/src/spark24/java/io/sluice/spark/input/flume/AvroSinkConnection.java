package io.sluice.spark.input.flume;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.avro.ipc.CallFuture;
import org.apache.avro.ipc.NettyTransceiver;
import org.apache.avro.ipc.specific.SpecificRequestor;
import org.apache.spark.streaming.flume.sink.EventBatch;
import org.apache.spark.streaming.flume.sink.SparkFlumeProtocol;
import org.apache.spark.streaming.flume.sink.SparkSinkEvent;
import org.jboss.netty.channel.socket.nio.NioClientSocketChannelFactory;

/**
 * A {@link SinkConnection} over Avro 1.8.2 IPC ({@link NettyTransceiver} on Netty 3), the
 * transport of Spark 2.4.7's SparkSink. Requests are asynchronous underneath, so a caller waits in
 * steps of one second and can give up when its receiver stops; a connection whose channel closed
 * (the agent died) fails its open request at once.
 *
 * @param <E> the event type made of each {@link SparkSinkEvent}
 */
public final class AvroSinkConnection<E> implements SinkConnection<E> {

  private static final long WAIT_STEP_MILLIS = 1_000;

  private final NettyTransceiver transceiver;
  private final SparkFlumeProtocol.Callback client;
  private final Function<SparkSinkEvent, E> convert;
  private final long requestTimeoutMillis;

  private AvroSinkConnection(NettyTransceiver transceiver, Function<SparkSinkEvent, E> convert, long requestTimeoutMillis)
      throws IOException {
    this.transceiver = transceiver;
    this.client = SpecificRequestor.getClient(SparkFlumeProtocol.Callback.class, transceiver);
    this.convert = convert;
    this.requestTimeoutMillis = requestTimeoutMillis;
  }

  /**
   * Connections with their own Netty threads (daemon, named {@code threadName}), released on
   * {@link #close()}: Avro 1.8.2's {@code NettyTransceiver.close} releases its channel factory's
   * threads, so a factory cannot be shared by connections that close independently.
   *
   * @param connectTimeoutMillis how long a connect may take before the sink counts as unreachable
   * @param requestTimeoutMillis how long an {@code ack} or {@code nack} may take
   */
  public static <E> SinkConnection.Factory<E> factory(String threadName, long connectTimeoutMillis,
      long requestTimeoutMillis, Function<SparkSinkEvent, E> convert) {
    return (host, port) -> {
      NioClientSocketChannelFactory netty = new NioClientSocketChannelFactory(
          Executors.newCachedThreadPool(PollingReceiver.daemon(threadName + " boss")),
          Executors.newCachedThreadPool(PollingReceiver.daemon(threadName + " I/O")));
      NettyTransceiver transceiver;
      try {
        transceiver = new NettyTransceiver(new InetSocketAddress(host, port), netty, connectTimeoutMillis);
      } catch (IOException | RuntimeException e) {
        netty.releaseExternalResources();
        throw e instanceof IOException ? (IOException) e : new IOException("cannot connect to SparkSink " + host + ":" + port, e);
      }
      try {
        return new AvroSinkConnection<>(transceiver, convert, requestTimeoutMillis);
      } catch (IOException | RuntimeException e) {
        transceiver.close(false);
        throw e;
      }
    };
  }

  @Override
  public PolledBatch<E> getEventBatch(int maxEvents, BooleanSupplier stopped) throws IOException {
    CallFuture<EventBatch> answer = new CallFuture<>();
    client.getEventBatch(maxEvents, answer);
    EventBatch batch = await(answer, stopped, Long.MAX_VALUE, "getEventBatch");
    CharSequence error = batch.getErrorMsg();
    if (error != null && error.length() > 0) {
      return PolledBatch.error(error.toString());
    }
    List<SparkSinkEvent> received = batch.getEvents();
    List<E> events = new ArrayList<>(received.size());
    for (SparkSinkEvent event : received) {
      events.add(convert.apply(event));
    }
    return PolledBatch.of(batch.getSequenceNumber().toString(), events);
  }

  @Override
  public void ack(String sequenceNumber) throws IOException {
    CallFuture<Void> answer = new CallFuture<>();
    client.ack(sequenceNumber, answer);
    await(answer, () -> false, requestTimeoutMillis, "ack");
  }

  @Override
  public void nack(String sequenceNumber) throws IOException {
    CallFuture<Void> answer = new CallFuture<>();
    client.nack(sequenceNumber, answer);
    await(answer, () -> false, requestTimeoutMillis, "nack");
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
