package io.sluice.flume.source.zeromq;

import io.sluice.contract.EventHeaders;
import io.sluice.contract.RejectReason;
import io.sluice.contract.Rejecters;
import io.sluice.flume.config.InvalidConfigurationException;
import io.sluice.flume.metrics.ZeroMqSourceCounter;
import io.sluice.flume.source.stream.Backoff;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flume.ChannelException;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.EventDrivenSource;
import org.apache.flume.FlumeException;
import org.apache.flume.conf.BatchSizeSupported;
import org.apache.flume.conf.Configurable;
import org.apache.flume.event.EventBuilder;
import org.apache.flume.source.AbstractSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * Reads messages from ZeroMQ sockets into Flume through JeroMQ (pure-Java ZeroMQ, ZMTP 3.1): a
 * {@code SUB} socket fed by {@code PUB}/{@code XPUB} sockets, or a {@code PULL} socket fed by
 * {@code PUSH} sockets, connecting to or binding its endpoints.
 *
 * <h2>Delivery: what ZeroMQ does and does not promise</h2>
 * ZeroMQ has no acknowledgement and no redelivery: a message is the receiver's once it is in the
 * receiving socket's queue, and it is lost if the agent dies before the channel committed it (the
 * batch in hand and every message still queued in the socket). Into the channel this source is
 * therefore <em>at most once</em> for what the socket delivered, with no duplicates.
 * <ul>
 *   <li><b>PUB/SUB drops messages for a slow consumer.</b> When this subscriber's queue is full
 *       ({@code receiveHighWaterMark} here, the publisher's send high-water mark there) the
 *       {@code PUB} socket discards further messages for it, silently (ZeroMQ guide, chapter 5,
 *       "Pub-Sub Message Envelopes" and "High-Water Marks"; {@code zmq_socket(3)}: "ZMQ_PUB ...
 *       When a ZMQ_PUB socket enters the mute state due to having reached the high water mark for
 *       a subscriber, then any messages that would be sent to the subscriber in question shall
 *       instead be dropped"). The same happens while the source is not connected (before it
 *       connects, while it reconnects, while the agent is down) and while the channel refuses a
 *       batch (the source then stops reading and its queue fills). Neither side is told: ZeroMQ
 *       reports no drop, so none is counted; a publisher that numbers its messages lets the
 *       consumer find gaps.</li>
 *   <li><b>PUSH/PULL pushes back instead.</b> A {@code PUSH} socket whose peers' queues are full
 *       blocks the sender ({@code zmq_socket(3)}: "ZMQ_PUSH ... When a ZMQ_PUSH socket enters the
 *       mute state ... any zmq_send(3) operations on the socket shall block until the mute state
 *       ends"), so while the agent runs nothing is lost, a full channel slows the pusher down; a
 *       crash still loses what was queued. <b>Bind the source ({@code mode = bind}) and let the
 *       pushers connect</b>: a connection that breaks loses what the binding side had queued for
 *       it, while a connecting PUSH keeps its queue across reconnections. This matters with JeroMQ
 *       0.6.0, which leaves about 1 to 6 % of fresh outgoing connections without a working
 *       handshake (see {@code handshakeTimeoutMs} below): a source that connects to a bound PUSH
 *       then loses up to the pusher's send high-water mark of messages each time (measured: 10 of
 *       500 with a high-water mark of 10, in 3 of 40 fresh connections).</li>
 * </ul>
 * Use MQTT ({@code MqttSource}) or Kafka where a message must survive an agent crash.
 *
 * <h2>Events</h2>
 * One event per ZeroMQ message (all its frames). The frames are, in order: a topic frame when
 * {@code topicFrame} is true (the usual PUB/SUB envelope), an event-id frame when
 * {@code eventIdFrame} is true, and the body, byte for byte. Headers:
 * <ul>
 *   <li>{@value EventHeaders#TOPIC}: the topic frame (UTF-8), with {@code topicFrame} only;</li>
 *   <li>{@value EventHeaders#EVENT_ID}: the event-id frame (UTF-8), else a random UUID drawn at
 *       receipt (ZeroMQ messages have no id);</li>
 *   <li>{@value EventHeaders#PIPELINE}: the value of {@code pipeline}, when set;</li>
 *   <li>{@value EventHeaders#TIMESTAMP} and {@value EventHeaders#READ_TIME}: the time the source
 *       received the message, epoch milliseconds (interceptors may replace {@code timestamp}).</li>
 * </ul>
 * A message is rejected, never dropped: it still becomes an event, with the headers
 * {@value EventHeaders#REJECT_REASON} and {@value EventHeaders#REJECTED_BY} = {@value
 * Rejecters#ZEROMQ_SOURCE}, for the agent's selector to route to the dead letter, and is counted by
 * reason: {@code unexpected-message} when its number of frames is not the envelope's (body: its last
 * frame), {@code line-too-long} when its body is longer than {@code maxMessageBytes} (body: the first
 * {@code maxMessageBytes} bytes, header {@value EventHeaders#ORIGINAL_LENGTH_BYTES}).
 *
 * <h2>Batches and back-off</h2>
 * The source's thread owns the socket: it waits up to 100 ms for a message, takes what else the
 * socket holds up to {@code batchSize}, and hands the batch to the channel processor in one
 * transaction. A refused batch ({@link ChannelException}, or any runtime error of the channel
 * processor) is offered again, as new events with the same headers, after a pause (100 ms doubling
 * up to 5 s) until it commits or the source stops; meanwhile nothing is read (see above for what
 * that means for SUB and PUSH). Reconnection is ZeroMQ's own: after {@code reconnectBackoffInitialMs}
 * (ZMQ_RECONNECT_IVL), doubling up to {@code reconnectBackoffMaxMs} (ZMQ_RECONNECT_IVL_MAX). A
 * connection whose ZMTP handshake has not completed within {@code handshakeTimeoutMs}
 * (ZMQ_HANDSHAKE_IVL) is closed and reconnected. JeroMQ 0.6.0 leaves about 1 to 6 % of fresh
 * outgoing connections connected at the TCP level but without a handshake (a race in its poller,
 * zeromq/jeromq pull request 1022, not released): nothing flows on them until that timer fires, so
 * the default is 5 s rather than ZeroMQ's 30 s.
 *
 * <h2>Configuration</h2>
 * The keys, with types, defaults and units, are declared in {@link ZeroMqSourceConfig#DEFINITION}:
 * {@code socketType} (SUB or PULL; default SUB), {@code endpoints} (required), {@code mode}
 * (connect or bind; default connect), {@code topics} (SUB prefixes; default every message),
 * {@code receiveHighWaterMark} (messages, default 1000; 0 no limit), {@code topicFrame} (false),
 * {@code eventIdFrame} (false), {@code pipeline}, {@code batchSize} (100), {@code maxMessageBytes}
 * (131072), {@code reconnectBackoffInitialMs} (100), {@code reconnectBackoffMaxMs} (30000),
 * {@code handshakeTimeoutMs} (5000). A bad, missing or unknown key fails
 * {@link #configure(Context)} with an {@link InvalidConfigurationException} naming it; an endpoint
 * that cannot be bound or connected fails {@link #start()} with a {@link FlumeException} naming
 * it.
 *
 * <h2>Metrics</h2>
 * {@link ZeroMqSourceCounter} ({@code org.apache.flume.source:type=<name>}): {@code EventReceivedCount}
 * (messages), {@code EventAcceptedCount}, {@code ChannelWriteFail} (refused batches), the rejects by
 * reason, and from the socket's monitor events {@code ConnectCount} (connected or accepted),
 * {@code ConnectFailCount} (connection delayed or retried), {@code DisconnectCount},
 * {@code SocketEventCount} (every event). There is no drop counter: ZeroMQ reports none.
 */
public class ZeroMqSource extends AbstractSource
    implements EventDrivenSource, Configurable, BatchSizeSupported {

  private static final Logger LOG = LoggerFactory.getLogger(ZeroMqSource.class);
  private static final long CHANNEL_RETRY_INITIAL_MS = 100;
  private static final long CHANNEL_RETRY_MAX_MS = 5_000;
  private static final int POLL_MS = 100;
  private static final long STOP_WAIT_SECONDS = 10;

  private ZeroMqSourceConfig config;
  private ZeroMqSourceCounter counter;

  // Run state, set by start(); the socket is used by the source's thread only once started.
  private volatile boolean running;
  private ZContext context;
  private ZMQ.Socket socket;
  private ZMQ.Socket monitor;
  private Thread thread;
  /** Connections open, from the monitor's events (several peers for bind or several endpoints). */
  private long openConnections;
  /** Events of the batch being delivered when the source stopped, never committed. */
  private volatile int lostAtStop;

  /**
   * Validates the configuration and creates the counters.
   *
   * @throws InvalidConfigurationException naming the key on a bad, missing or unknown value
   */
  @Override
  public void configure(Context context) {
    config = ZeroMqSourceConfig.parse(context);
    if (counter == null) {
      counter = new ZeroMqSourceCounter(getName());
    }
    LOG.info("{} configured: {} {} {}, topics={}, receiveHighWaterMark={}, topicFrame={}, "
        + "eventIdFrame={}, pipeline={}, batchSize={}", getName(), config.sub ? "SUB" : "PULL",
        config.bind ? "bound to" : "connected to", config.endpoints,
        config.topics.stream().map(t -> new String(t, StandardCharsets.UTF_8)).toList(),
        config.receiveHighWaterMark, config.topicFrame, config.eventIdFrame, config.pipeline,
        config.batchSize);
  }

  /**
   * Creates the socket, binds or connects every endpoint, and starts the source's thread.
   *
   * @throws IllegalStateException if the source has not been configured
   * @throws FlumeException naming the endpoint when one cannot be bound or connected (address in
   *     use, unknown host)
   */
  @Override
  public synchronized void start() {
    if (config == null) {
      throw new IllegalStateException(getName() + " started before configure()");
    }
    context = new ZContext(1);
    socket = context.createSocket(config.sub ? SocketType.SUB : SocketType.PULL);
    socket.setRcvHWM(config.receiveHighWaterMark);
    socket.setReceiveTimeOut(POLL_MS);
    socket.setReconnectIVL(config.reconnectInitialMs);
    socket.setReconnectIVLMax(config.reconnectMaxMs);
    socket.setHandshakeIvl(config.handshakeTimeoutMs);
    socket.setLinger(0);
    String monitorAddress = "inproc://zeromq-source-monitor-" + UUID.randomUUID();
    socket.monitor(monitorAddress, ZMQ.EVENT_ALL);
    monitor = context.createSocket(SocketType.PAIR);
    monitor.connect(monitorAddress);
    if (config.sub) {
      if (config.topics.isEmpty()) {
        socket.subscribe(new byte[0]);
      } else {
        config.topics.forEach(socket::subscribe);
      }
    }
    for (String endpoint : config.endpoints) {
      try {
        boolean ok = config.bind ? socket.bind(endpoint) : socket.connect(endpoint);
        if (!ok) {
          throw new ZMQException("refused", socket.errno());
        }
      } catch (ZMQException | IllegalArgumentException e) {
        context.destroy();
        context = null;
        throw new FlumeException(getName() + ": cannot " + (config.bind ? "bind " : "connect to ")
            + ZeroMqSourceConfig.ENDPOINTS + " " + endpoint + ": " + e.getMessage(), e);
      }
    }
    openConnections = 0;
    lostAtStop = 0;
    counter.start();
    running = true;
    thread = new Thread(this::run, "zeromq-" + getName());
    thread.start();
    super.start();
  }

  /** The endpoint a bound socket last bound (its port when bound to {@code :*}); tests. */
  synchronized String lastEndpoint() {
    return socket == null ? null : socket.getLastEndpoint();
  }

  /**
   * Stops the source's thread, then closes the socket (linger 0). Messages queued in the socket and
   * a batch the channel had not committed are lost: ZeroMQ has no redelivery.
   */
  @Override
  public synchronized void stop() {
    running = false;
    if (thread != null) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(STOP_WAIT_SECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) {
        LOG.warn("{}: thread did not end within {} s", getName(), STOP_WAIT_SECONDS);
        thread.interrupt();
      }
      thread = null;
    }
    if (context != null) {
      context.destroy();
      context = null;
      socket = null;
      monitor = null;
    }
    if (counter != null) {
      counter.setOpenConnectionCount(0);
      counter.stop();
    }
    super.stop();
    LOG.info("{} stopped ({} received events not committed, lost). Metrics: {}", getName(),
        lostAtStop, counter);
  }

  @Override
  public long getBatchSize() {
    return config == null ? ZeroMqSourceConfig.DEFAULT_BATCH_SIZE : config.batchSize;
  }

  /** Counters of this source; null before {@link #configure(Context)}. */
  ZeroMqSourceCounter getCounter() {
    return counter;
  }

  /** The source's thread: owns the socket; batches and commits. */
  private void run() {
    Backoff channelRetry = Backoff.exponential(CHANNEL_RETRY_INITIAL_MS, CHANNEL_RETRY_MAX_MS);
    List<Event> batch = new ArrayList<>();
    while (running) {
      try {
        readMonitor();
        if (batch.isEmpty()) {
          Event first = receive(0);
          if (first == null) {
            continue;
          }
          batch.add(first);
          Event next;
          while (batch.size() < config.batchSize && (next = receive(ZMQ.DONTWAIT)) != null) {
            batch.add(next);
          }
          counter.incrementAppendBatchReceivedCount();
        }
        if (deliver(batch)) {
          batch.clear();
          channelRetry.reset();
        } else if (running) {
          TimeUnit.MILLISECONDS.sleep(channelRetry.nextDelayMs());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (ZMQException e) {
        if (running) {
          counter.incrementGenericProcessingFail();
          LOG.error("{}: socket error; continuing", getName(), e);
        }
      } catch (RuntimeException e) {
        // Not expected (delivery errors are handled in deliver): keep reading, never die.
        counter.incrementGenericProcessingFail();
        LOG.error("{}: unexpected error; continuing", getName(), e);
      }
    }
    lostAtStop = batch.size();
  }

  /**
   * One message as an event, or null when none arrived (within the receive timeout for flags 0,
   * at once for {@link ZMQ#DONTWAIT}).
   */
  private Event receive(int flags) {
    byte[] first = socket.recv(flags);
    if (first == null) {
      return null;
    }
    List<byte[]> frames = new ArrayList<>(config.frames());
    frames.add(first);
    while (socket.hasReceiveMore()) {
      // The rest of a multipart message is delivered with its first frame: no wait.
      frames.add(socket.recv(0));
    }
    counter.incrementEventReceivedCount();
    return toEvent(frames, System.currentTimeMillis());
  }

  /** The event of one message's frames. */
  Event toEvent(List<byte[]> frames, long receivedAtMs) {
    Map<String, String> headers = new HashMap<>(8);
    byte[] body = frames.get(frames.size() - 1);
    String eventId = null;
    if (frames.size() != config.frames()) {
      counter.incrementRejectUnexpectedMessageCount();
      reject(headers, RejectReason.UNEXPECTED_MESSAGE);
      LOG.debug("{}: a message of {} frames, expected {}: rejected", getName(), frames.size(),
          config.frames());
    } else {
      int i = 0;
      if (config.topicFrame) {
        headers.put(EventHeaders.TOPIC, new String(frames.get(i++), StandardCharsets.UTF_8));
      }
      if (config.eventIdFrame) {
        eventId = new String(frames.get(i), StandardCharsets.UTF_8);
      }
    }
    if (body.length > config.maxMessageBytes) {
      headers.put(EventHeaders.ORIGINAL_LENGTH_BYTES, Integer.toString(body.length));
      body = Arrays.copyOf(body, config.maxMessageBytes);
      if (!headers.containsKey(EventHeaders.REJECT_REASON)) {
        counter.incrementRejectLineTooLongCount();
        reject(headers, RejectReason.LINE_TOO_LONG);
      }
    }
    headers.put(EventHeaders.EVENT_ID, eventId != null ? eventId : UUID.randomUUID().toString());
    if (!config.pipeline.isEmpty()) {
      headers.put(EventHeaders.PIPELINE, config.pipeline);
    }
    String receivedAt = Long.toString(receivedAtMs);
    headers.put(EventHeaders.TIMESTAMP, receivedAt);
    headers.put(EventHeaders.READ_TIME, receivedAt);
    return EventBuilder.withBody(body, headers);
  }

  private static void reject(Map<String, String> headers, RejectReason reason) {
    headers.put(EventHeaders.REJECT_REASON, reason.code());
    headers.put(EventHeaders.REJECTED_BY, Rejecters.ZEROMQ_SOURCE);
  }

  /** Counts what the socket's monitor reported since the last call. */
  private void readMonitor() {
    ZMQ.Event event;
    while ((event = ZMQ.Event.recv(monitor, ZMQ.DONTWAIT)) != null) {
      counter.incrementSocketEventCount();
      int kind = event.getEvent();
      if (kind == ZMQ.EVENT_CONNECTED || kind == ZMQ.EVENT_ACCEPTED) {
        counter.incrementConnectCount();
        counter.setOpenConnectionCount(++openConnections);
      } else if (kind == ZMQ.EVENT_CONNECT_DELAYED || kind == ZMQ.EVENT_CONNECT_RETRIED) {
        counter.incrementConnectFailCount();
      } else if (kind == ZMQ.EVENT_DISCONNECTED) {
        counter.incrementDisconnectCount();
        openConnections = Math.max(0, openConnections - 1);
        counter.setOpenConnectionCount(openConnections);
        LOG.info("{}: a peer disconnected from {} (ZeroMQ reconnects; PUB/SUB messages sent "
            + "meanwhile are lost)", getName(), event.getAddress());
      }
    }
  }

  /** One transaction; true when it committed. */
  private boolean deliver(List<Event> events) {
    try {
      getChannelProcessor().processEventBatch(events);
    } catch (ChannelException e) {
      counter.incrementChannelWriteFail();
      LOG.debug("{}: channel refused a batch of {} events (retrying): {}", getName(),
          events.size(), e.getMessage());
      return false;
    } catch (RuntimeException e) {
      counter.incrementGenericProcessingFail();
      LOG.error("{}: failed to deliver a batch of {} events (retrying)", getName(), events.size(),
          e);
      return false;
    }
    counter.incrementAppendBatchAcceptedCount();
    counter.addToEventAcceptedCount(events.size());
    return true;
  }
}
