package io.sluice.flume.source.mqtt;

import io.sluice.contract.EventHeaders;
import io.sluice.flume.config.InvalidConfigurationException;
import io.sluice.flume.metrics.MqttSourceCounter;
import io.sluice.flume.source.mqtt.MqttSession.Received;
import io.sluice.flume.source.stream.Backoff;
import com.hivemq.client.mqtt.lifecycle.MqttClientConnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

/**
 * Reads messages from an MQTT broker (MQTT 5.0 or 3.1.1) into Flume, at least once: a QoS 1 or 2
 * message is acknowledged to the broker only after the channel transaction that holds it
 * committed, so an agent that dies before (a crash, {@code kill -9}, a channel that refuses the
 * batch) has the broker deliver it again.
 *
 * <p>The client is the HiveMQ MQTT Client (MQTT 5.0 and 3.1.1 behind one API, manual
 * acknowledgement for both QoS 1 and QoS 2, flow control by Receive Maximum). Eclipse Paho was
 * not chosen: its Java clients send PUBREC for a QoS 2 message as soon as it arrives, whatever the
 * acknowledgement mode, so a QoS 2 message would be the client's before the channel had it and a
 * crash would lose it; and MQTT 5 and 3.1.1 are two separate Paho libraries.
 *
 * <h2>Events</h2>
 * One event per PUBLISH; the body is the payload, byte for byte. Headers:
 * <ul>
 *   <li>{@value EventHeaders#TOPIC}: the topic name the message was published to;</li>
 *   <li>{@value EventHeaders#QOS}: the QoS it was delivered with ({@code 0}, {@code 1},
 *       {@code 2}), the lower of the publisher's and the subscription's ({@code qos});</li>
 *   <li>{@value EventHeaders#EVENT_ID}: the value of the MQTT 5 user property named by
 *       {@code eventIdProperty} (default {@code eventId}) when the message carries it, else a
 *       random UUID drawn when the source receives the message. A user property is part of the
 *       application message: the broker forwards it unchanged (MQTT 5.0 section 3.3.2.3.7), so
 *       a redelivered message carries the same id, across reconnections, agent restarts and
 *       crashes, and a downstream stage (the Spark jobs, the dedup interceptor) can drop the
 *       copy. A random id differs for each delivery: a message that is delivered again after a
 *       crash between commit and acknowledgement is then counted twice downstream. MQTT itself
 *       has no message id (the packet identifier is reused as soon as a message is
 *       acknowledged, and MQTT 3.1.1 has no user properties), and a digest of the content would
 *       merge distinct messages with equal payloads (the bundled access log has 17 repeated
 *       lines), so publishers that need exactly-once counts set the property, e.g. to
 *       {@code <file>:<line>} as the replay source does;</li>
 *   <li>{@value EventHeaders#PIPELINE}: the value of {@code pipeline}, when set;</li>
 *   <li>{@value EventHeaders#TIMESTAMP} and {@value EventHeaders#READ_TIME}: the time the
 *       source received the message, epoch milliseconds (interceptors may replace
 *       {@code timestamp} with a time from the content, as for replayed lines).</li>
 * </ul>
 *
 * <h2>Session, acknowledgement and redelivery (MQTT 5.0 OASIS Standard)</h2>
 * The source connects with Clean Start 0 and a Session Expiry Interval
 * ({@code sessionExpirySeconds}, default one day; section 3.1.2.4 and 3.1.2.11.2; MQTT 3.1.1:
 * Clean Session 0, section 3.1.2.4), under a fixed client identifier ({@code clientId}), so the
 * broker keeps its subscriptions and queues the QoS 1 and 2 messages published while the agent
 * is away, and delivers them when it comes back (section 4.1). The subscriptions are sent at the
 * first connection of each run with Retain Handling 1 (retained messages only for a new
 * subscription, section 3.8.3.1) and again by the client if the broker lost the session.
 *
 * <p>Messages are received on the client's thread and queued; the source's thread takes what
 * has arrived (up to {@code batchSize}), hands it to the channel processor in one transaction,
 * and when that committed acknowledges each message: PUBACK for QoS 1 (section 4.3.2), PUBREC
 * for QoS 2 (section 4.3.3, the step after which the broker will not send the PUBLISH again).
 * Until then the message is unacknowledged in the session: if the connection or the agent ends,
 * the broker sends it again, with DUP set, when the source reconnects with the same client
 * identifier (section 4.4). A refused batch ({@link ChannelException}: channel full, Kafka
 * unavailable; or any other runtime error of the channel processor) is not acknowledged and is
 * offered again, as new events with the same headers, after a pause (100 ms doubling up to
 * 5 s) until it commits or the source stops; nothing is acknowledged that the channel did not
 * commit. At most {@code receiveMaximum} QoS 1 and 2 messages are unacknowledged (MQTT 5 Receive
 * Maximum, section 3.1.2.11.3; for MQTT 3.1.1 the broker's own limit), which bounds the queue
 * and pushes back on the broker while the channel is full. QoS 0 messages have no flow control
 * and are never redelivered: one that arrives while {@code receiveMaximum} messages wait is
 * dropped and counted in {@code Qos0DroppedCount}; any QoS 0 message not yet committed when the
 * agent dies is lost, as QoS 0 allows.
 *
 * <p>So: a message is in the channel at least once; it is in it twice only if the agent died,
 * or the connection broke, between the commit and the broker receiving the acknowledgement.
 * Within one connection the client drops a QoS 2 PUBLISH the broker resends before the PUBREC.
 *
 * <h2>Connection</h2>
 * {@code brokerUri} {@code tcp://} or {@code ssl://} (TLS; {@code tlsCaFile} PEM CAs, else the
 * JDK's; the host name is verified). User name and password (section 3.1.3.5): {@code username},
 * the password from {@code passwordFile} or from the environment variable {@code passwordEnv},
 * never from the configuration itself. A lost connection or failed attempt is retried after
 * {@code reconnectBackoffInitialMs} (default 1000), doubling up to {@code reconnectBackoffMaxMs}
 * (60000), reset by a successful CONNACK; {@link #start()} does not wait for the broker.
 *
 * <h2>Configuration</h2>
 * The keys, with types, defaults and units, are declared in {@link MqttSourceConfig#DEFINITION}:
 * {@code brokerUri} (tcp://127.0.0.1:1883), {@code protocolVersion} (5 or 3.1.1; default 5),
 * {@code topicFilters} (required; wildcards {@code +} and {@code #}, section 4.7), {@code qos}
 * (1), {@code clientId} (sluice-&lt;source name&gt;), {@code cleanStart} (false),
 * {@code sessionExpirySeconds} (86400), {@code keepAliveSeconds} (60), {@code receiveMaximum}
 * (1000, &gt;= batchSize), {@code username}, {@code passwordFile}, {@code passwordEnv},
 * {@code tlsCaFile}, {@code pipeline}, {@code eventIdProperty} (eventId), {@code batchSize}
 * (100), {@code connectTimeoutMs} (10000), {@code reconnectBackoffInitialMs},
 * {@code reconnectBackoffMaxMs}. A bad, missing or unknown key, a password file that cannot be
 * read or a password variable that is not set fails {@link #configure(Context)} with an
 * {@link InvalidConfigurationException} naming the key.
 *
 * <h2>Metrics</h2>
 * {@link MqttSourceCounter} ({@code org.apache.flume.source:type=<name>}): the stream counters
 * plus {@code AckCount}, {@code Qos0DroppedCount}, {@code SubscribeFailCount};
 * {@code ChannelWriteFail} counts refused batches.
 */
public class MqttSource extends AbstractSource
    implements EventDrivenSource, Configurable, BatchSizeSupported {

  private static final Logger LOG = LoggerFactory.getLogger(MqttSource.class);
  private static final long CHANNEL_RETRY_INITIAL_MS = 100;
  private static final long CHANNEL_RETRY_MAX_MS = 5_000;
  private static final long POLL_MS = 100;
  private static final long STOP_WAIT_SECONDS = 10;

  /** A message as received, with what the source adds at receipt. */
  private static final class Inbound {
    final Received message;
    final String eventId;
    final long receivedAtMs;

    Inbound(Received message, String eventId, long receivedAtMs) {
      this.message = message;
      this.eventId = eventId;
      this.receivedAtMs = receivedAtMs;
    }
  }

  /** The name, for the client's threads ({@link #getName()} is synchronized on the source). */
  private volatile String name;
  private MqttSourceConfig config;
  private MqttSourceCounter counter;

  // Run state, set by start().
  private final LinkedBlockingQueue<Inbound> inbox = new LinkedBlockingQueue<>();
  /** Guards {@link #reconnectBackoff}, used by the client's threads. */
  private final Object backoffLock = new Object();
  private volatile boolean running;
  private volatile boolean connected;
  private volatile boolean subscribed;
  private volatile boolean subscriptionsAcknowledged;
  private Backoff reconnectBackoff;
  private ExecutorService receiver;
  private MqttSession session;
  private Thread thread;

  /**
   * Validates the configuration, reads the password and creates the counters.
   *
   * @throws InvalidConfigurationException naming the key on a bad, missing or unknown value, an
   *     unreadable password or CA file or an unset password variable
   */
  @Override
  public void configure(Context context) {
    name = getName();
    config = MqttSourceConfig.parse(context, name);
    if (counter == null) {
      counter = new MqttSourceCounter(name);
    }
    LOG.info("{} configured: broker={}, MQTT {}, clientId={}, topicFilters={}, qos={}, "
        + "cleanStart={}, sessionExpirySeconds={}, pipeline={}", name, config.brokerUri,
        config.mqtt5 ? "5" : "3.1.1", config.clientId, config.topicFilters, config.qos,
        config.cleanStart, config.sessionExpirySeconds, config.pipeline);
  }

  /**
   * Starts the client and the source's thread; connects in the background.
   *
   * @throws IllegalStateException if the source has not been configured
   * @throws FlumeException if the CA file holds no usable certificate
   */
  @Override
  public synchronized void start() {
    if (config == null) {
      throw new IllegalStateException(getName() + " started before configure()");
    }
    inbox.clear();
    reconnectBackoff = Backoff.exponential(config.backoffInitialMs, config.backoffMaxMs);
    connected = false;
    subscribed = false;
    subscriptionsAcknowledged = false;
    try {
      session = MqttSession.create(config, this::connected, this::disconnected);
    } catch (IOException | GeneralSecurityException e) {
      throw new FlumeException(name + ": cannot use the CA certificates of "
          + MqttSourceConfig.TLS_CA_FILE + " " + config.tlsCaFile + ": " + e, e);
    }
    counter.start();
    running = true;
    receiver = Executors.newSingleThreadExecutor(task -> {
      Thread t = new Thread(task, "mqtt-" + name + "-receiver");
      t.setDaemon(true);
      return t;
    });
    session.onMessage(this::receive, receiver);
    thread = new Thread(this::run, "mqtt-" + name);
    thread.start();
    session.connect().whenComplete((ack, error) -> {
      if (error != null) {
        LOG.warn("{}: first connection to {} failed: {} (retrying)", name, config.brokerUri,
            error.toString());
      }
    });
    super.start();
  }

  /**
   * Stops the source's thread, then disconnects. Messages received but not committed are not
   * acknowledged: the broker delivers them again at the next connection of the same client id.
   */
  @Override
  public synchronized void stop() {
    running = false;
    if (thread != null) {
      thread.interrupt();
      try {
        thread.join(TimeUnit.SECONDS.toMillis(STOP_WAIT_SECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) {
        LOG.warn("{}: thread did not end within {} s", name, STOP_WAIT_SECONDS);
      }
      thread = null;
    }
    if (session != null) {
      try {
        session.disconnect().get(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        LOG.info("{}: disconnect: {}", name, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      session = null;
    }
    if (receiver != null) {
      receiver.shutdown();
      try {
        if (!receiver.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
          LOG.warn("{}: receiver did not end within {} s", name, STOP_WAIT_SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      receiver.shutdownNow();
      receiver = null;
    }
    int dropped = inbox.size();
    inbox.clear();
    if (counter != null) {
      counter.setOpenConnectionCount(0);
      counter.stop();
    }
    super.stop();
    LOG.info("{} stopped ({} received messages not committed, left unacknowledged). Metrics: {}",
        name, dropped, counter);
  }

  @Override
  public long getBatchSize() {
    return config == null ? MqttSourceConfig.DEFAULT_BATCH_SIZE : config.batchSize;
  }

  /** Counters of this source; null before {@link #configure(Context)}. */
  MqttSourceCounter getCounter() {
    return counter;
  }

  /** Whether the broker granted every subscription of this run (SUBACK received). */
  boolean subscriptionsAcknowledged() {
    return subscriptionsAcknowledged;
  }

  /** On the client's thread, at each CONNACK. */
  private void connected(MqttClientConnectedContext context) {
    connected = true;
    counter.incrementConnectCount();
    counter.setOpenConnectionCount(1);
    synchronized (backoffLock) {
      reconnectBackoff.reset();
    }
    LOG.info("{}: connected to {} as {}", name, config.brokerUri, config.clientId);
    if (!subscribed) {
      subscribed = true;
      MqttSession current = session;
      if (current == null) {
        return;
      }
      current.subscribe().whenComplete((refused, error) -> {
        if (error != null) {
          counter.incrementSubscribeFailCount();
          LOG.error("{}: SUBSCRIBE {} failed: {}", name, config.topicFilters, error.toString());
          return;
        }
        for (int i = 0; i < refused.size(); i++) {
          if (refused.get(i) != null) {
            counter.incrementSubscribeFailCount();
            LOG.error("{}: the broker refused the subscription to '{}': {}", name,
                config.topicFilters.get(i), refused.get(i));
          }
        }
        subscriptionsAcknowledged = refused.stream().allMatch(Objects::isNull);
        LOG.info("{}: subscribed to {} (QoS {})", name, config.topicFilters, config.qos);
      });
    }
  }

  /** On the client's thread, when a connection ends or an attempt fails: decides the retry. */
  private void disconnected(MqttClientDisconnectedContext context) {
    if (connected) {
      connected = false;
      counter.incrementDisconnectCount();
      counter.setOpenConnectionCount(0);
    } else {
      counter.incrementConnectFailCount();
    }
    if (context.getSource() == MqttDisconnectSource.USER || !running) {
      return;
    }
    long delayMs;
    synchronized (backoffLock) {
      delayMs = reconnectBackoff.nextDelayMs();
    }
    LOG.warn("{}: connection to {} ended or failed ({}); reconnecting in {} ms", name,
        config.brokerUri, context.getCause(), delayMs);
    context.getReconnector().reconnect(true).delay(delayMs, TimeUnit.MILLISECONDS);
  }

  /** On the receiver thread: queues a message for the source's thread. */
  private void receive(Received message) {
    counter.incrementEventReceivedCount();
    if (message.qos == 0 && inbox.size() >= config.receiveMaximum) {
      counter.incrementQos0DroppedCount();
      LOG.debug("{}: QoS 0 message on {} dropped: {} messages wait for the channel", name,
          message.topic, inbox.size());
      return;
    }
    String eventId = message.eventId != null ? message.eventId : UUID.randomUUID().toString();
    inbox.add(new Inbound(message, eventId, System.currentTimeMillis()));
  }

  /** The source's thread: batches, commits, then acknowledges. */
  private void run() {
    Backoff channelRetry = Backoff.exponential(CHANNEL_RETRY_INITIAL_MS, CHANNEL_RETRY_MAX_MS);
    List<Inbound> batch = new ArrayList<>();
    while (running) {
      try {
        if (batch.isEmpty()) {
          Inbound first = inbox.poll(POLL_MS, TimeUnit.MILLISECONDS);
          if (first == null) {
            continue;
          }
          batch.add(first);
          inbox.drainTo(batch, config.batchSize - 1);
          counter.incrementAppendBatchReceivedCount();
        }
        if (deliver(batch)) {
          acknowledge(batch);
          batch.clear();
          channelRetry.reset();
        } else if (running) {
          TimeUnit.MILLISECONDS.sleep(channelRetry.nextDelayMs());
        }
      } catch (InterruptedException e) {
        if (running) {
          LOG.warn("{}: interrupted while running", name);
        }
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException e) {
        // Not expected (delivery errors are handled in deliver): keep reading, never die.
        counter.incrementGenericProcessingFail();
        LOG.error("{}: unexpected error; continuing", name, e);
      }
    }
  }

  /** One transaction; true when it committed. */
  private boolean deliver(List<Inbound> batch) {
    List<Event> events = new ArrayList<>(batch.size());
    for (Inbound inbound : batch) {
      events.add(toEvent(inbound));
    }
    try {
      getChannelProcessor().processEventBatch(events);
    } catch (ChannelException e) {
      counter.incrementChannelWriteFail();
      LOG.debug("{}: channel refused a batch of {} events (not acknowledged; retrying): {}",
          name, events.size(), e.getMessage());
      return false;
    } catch (RuntimeException e) {
      counter.incrementGenericProcessingFail();
      LOG.error("{}: failed to deliver a batch of {} events (not acknowledged; retrying)", name,
          events.size(), e);
      return false;
    }
    counter.incrementAppendBatchAcceptedCount();
    counter.addToEventAcceptedCount(events.size());
    return true;
  }

  private void acknowledge(List<Inbound> batch) {
    long acknowledged = 0;
    for (Inbound inbound : batch) {
      if (inbound.message.qos > 0) {
        try {
          inbound.message.acknowledge();
          acknowledged++;
        } catch (RuntimeException e) {
          // The broker redelivers it: a duplicate with the same eventId, never a loss.
          LOG.warn("{}: cannot acknowledge a message of {}: {}", name, inbound.message.topic,
              e.toString());
        }
      }
    }
    counter.addToAckCount(acknowledged);
  }

  private Event toEvent(Inbound inbound) {
    Map<String, String> headers = new HashMap<>();
    headers.put(EventHeaders.TOPIC, inbound.message.topic);
    headers.put(EventHeaders.QOS, Integer.toString(inbound.message.qos));
    headers.put(EventHeaders.EVENT_ID, inbound.eventId);
    if (!config.pipeline.isEmpty()) {
      headers.put(EventHeaders.PIPELINE, config.pipeline);
    }
    String receivedAt = Long.toString(inbound.receivedAtMs);
    headers.put(EventHeaders.TIMESTAMP, receivedAt);
    headers.put(EventHeaders.READ_TIME, receivedAt);
    return EventBuilder.withBody(inbound.message.payload, headers);
  }
}
