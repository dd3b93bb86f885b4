package io.sluice.flume.source.stream;

import io.sluice.flume.metrics.StreamSourceCounter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flume.ChannelException;
import org.apache.flume.Event;
import org.apache.flume.channel.ChannelProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one long-lived stream for an event-driven source: connects, reads messages, turns them
 * into events, delivers them to the channel in batches, and reconnects with back-off, all on one
 * thread of its own.
 *
 * <h2>Reading</h2>
 * The {@link Connector} opens a {@link StreamConnection} whose client threads hand every message
 * to this runner's inbox. The runner allows at most {@value #WINDOW} unread messages per
 * connection ({@link StreamConnection#request(long)}) and asks for one more per message it takes,
 * so when the channel is full reading stops and TCP pushes back on the server. Messages are
 * handled in arrival order by the {@link MessageHandler}, which returns the event to deliver or
 * {@code null} (keep-alive, filtered message) and keeps its own counters.
 *
 * <h2>Delivery</h2>
 * Events are delivered with {@link ChannelProcessor#processEventBatch(List)} when
 * {@code batchSize} are pending, when the oldest pending event has waited {@code batchDurationMs},
 * or when the connection ends. A refused batch ({@link ChannelException}, or any other runtime
 * error of the channel processor) is kept and offered again after a pause (100 ms doubling up to
 * 5 s) until it is accepted or the runner stops: no event is dropped while running. After a batch
 * is accepted {@link MessageHandler#accepted(List)} is told (a source persists its cursor there).
 *
 * <h2>Reconnecting</h2>
 * <ul>
 *   <li>An established connection that ends (closed by the server, network error, or nothing
 *       received for {@code idleTimeoutMs}) is replaced at once if it had delivered at least one
 *       message; otherwise the end counts as a {@link FailureKind#NETWORK} failure.</li>
 *   <li>A failed attempt waits the next delay of the {@link Backoff} of its {@link FailureKind}
 *       before trying again.</li>
 *   <li>All back-offs are reset when a connection delivers its first message (not merely when it
 *       opens, so a server that accepts and drops at once cannot cause a reconnect storm).</li>
 *   <li>An unexpected runtime error (a bug, a client library failing outside its listener) is
 *       logged, counted in {@code GenericProcessingFail} and handled like a failed attempt of kind
 *       {@link FailureKind#NETWORK}: reading never stops silently.</li>
 * </ul>
 *
 * <h2>Stopping</h2>
 * {@link #stop()} closes the connection, interrupts the thread, offers a pending batch to the
 * channel once more (events not accepted then are not delivered in this run) and waits up to
 * 10 seconds for the thread to end.
 */
public final class StreamRunner {

  /** Most messages read from one connection and not yet taken by the runner. */
  public static final int WINDOW = 256;

  private static final Logger LOG = LoggerFactory.getLogger(StreamRunner.class);
  private static final long CHANNEL_RETRY_FIRST_MS = 100;
  private static final long CHANNEL_RETRY_MAX_MS = 5_000;
  private static final long IDLE_POLL_MS = 1_000;
  private static final long JOIN_TIMEOUT_MS = 10_000;

  /** Opens connections. */
  public interface Connector {
    /**
     * Opens a connection whose messages go to {@code listener}; blocks until it is open.
     *
     * @throws StreamConnectException if it cannot be opened
     * @throws InterruptedException if the runner is stopping
     */
    StreamConnection connect(StreamListener listener)
        throws StreamConnectException, InterruptedException;
  }

  /** Turns messages into events; called on the runner's thread only. */
  public interface MessageHandler {
    /**
     * @param message one message as received (an empty string for a keep-alive line)
     * @return the event to deliver, or {@code null} when the message yields no event
     */
    Event toEvent(String message);

    /** The channel accepted these events, in the order they were read. */
    default void accepted(List<Event> events) {
    }
  }

  /** Batching, idle detection and back-off of a runner. */
  public static final class Settings {
    final int batchSize;
    final long batchDurationMs;
    final long idleTimeoutMs;
    final Map<FailureKind, Backoff> backoffs;

    /**
     * @param batchSize most events per channel transaction (&gt; 0)
     * @param batchDurationMs longest wait of a pending event before its batch is delivered,
     *     in milliseconds (&gt; 0)
     * @param idleTimeoutMs reconnect when nothing arrives for this long, in milliseconds;
     *     0 disables
     * @param backoffs the back-off of each failure kind; all three required
     */
    public Settings(int batchSize, long batchDurationMs, long idleTimeoutMs,
        Map<FailureKind, Backoff> backoffs) {
      if (batchSize <= 0 || batchDurationMs <= 0 || idleTimeoutMs < 0) {
        throw new IllegalArgumentException("batchSize and batchDurationMs must be > 0, "
            + "idleTimeoutMs >= 0");
      }
      this.batchSize = batchSize;
      this.batchDurationMs = batchDurationMs;
      this.idleTimeoutMs = idleTimeoutMs;
      this.backoffs = new EnumMap<>(backoffs);
      for (FailureKind kind : FailureKind.values()) {
        Objects.requireNonNull(this.backoffs.get(kind), "back-off for " + kind);
      }
    }
  }

  /** What a connection reported, queued for the runner's thread. */
  private static final class Signal {
    final StreamConnection connection;
    final String message; // null for close / error
    final String closeReason;
    final Throwable error;

    Signal(StreamConnection connection, String message, String closeReason, Throwable error) {
      this.connection = connection;
      this.message = message;
      this.closeReason = closeReason;
      this.error = error;
    }
  }

  private final String name;
  private final Connector connector;
  private final MessageHandler handler;
  private final ChannelProcessor channelProcessor;
  private final StreamSourceCounter counter;
  private final Settings settings;
  private final BlockingQueue<Signal> inbox = new LinkedBlockingQueue<>();
  private final Backoff channelRetry = Backoff.exponential(CHANNEL_RETRY_FIRST_MS,
      CHANNEL_RETRY_MAX_MS);
  private final StreamListener listener = new Listener();

  private volatile boolean running;
  private volatile long lastActivityNanos;
  private Thread thread;
  /** Closed by {@link #stop()} once the reading thread has ended, in the order they were added. */
  private final List<AutoCloseable> closeOnStop = new ArrayList<>();

  // Owned by the runner's thread.
  private StreamConnection current;
  private boolean currentHadMessages;
  private final List<Event> batch = new ArrayList<>();
  private long batchStartNanos;
  private boolean batchCounted;

  /**
   * @param name the source's name, for the thread and logs
   * @param connector opens connections
   * @param handler turns messages into events
   * @param channelProcessor where events go
   * @param counter the source's counters
   * @param settings batching and back-off
   */
  public StreamRunner(String name, Connector connector, MessageHandler handler,
      ChannelProcessor channelProcessor, StreamSourceCounter counter, Settings settings) {
    this.name = name;
    this.connector = connector;
    this.handler = handler;
    this.channelProcessor = channelProcessor;
    this.counter = counter;
    this.settings = settings;
  }

  /**
   * Has {@link #stop()} close {@code resource} (e.g. the source's {@link StreamHttpClient}) after
   * the reading thread has ended.
   */
  public synchronized void closeOnStop(AutoCloseable resource) {
    closeOnStop.add(resource);
  }

  /** Starts the runner's thread, which connects at once. */
  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException(name + ": runner already started");
    }
    running = true;
    thread = new Thread(this::run, "stream-source-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Stops reading, closes the connection, offers pending events once more and waits for the
   * thread.
   */
  public synchronized void stop() {
    if (thread == null) {
      return;
    }
    running = false;
    thread.interrupt();
    try {
      thread.join(JOIN_TIMEOUT_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      Throwable where = new Throwable("stack of " + thread.getName());
      where.setStackTrace(thread.getStackTrace());
      LOG.warn("{}: stream thread did not stop within {} ms", name, JOIN_TIMEOUT_MS, where);
    }
    thread = null;
    for (AutoCloseable resource : closeOnStop) {
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("{}: could not close {}", name, resource, e);
      }
    }
    closeOnStop.clear();
  }

  private void run() {
    long delayMs = 0;
    try {
      while (running) {
        try {
          delayMs = step(delayMs);
        } catch (RuntimeException e) {
          // A bug or an unexpected client failure must not silently end reading: count it, drop
          // the connection and reconnect after a network-class pause.
          counter.incrementGenericProcessingFail();
          closeCurrent();
          delayMs = settings.backoffs.get(FailureKind.NETWORK).nextDelayMs();
          LOG.error("{}: unexpected error; reconnecting in {} ms", name, delayMs, e);
        }
      }
    } catch (InterruptedException e) {
      // stop() interrupts the thread: fall through to the final delivery
    } catch (Error e) {
      LOG.error("{}: stream thread failed; no more events will be read until restart", name, e);
      counter.incrementGenericProcessingFail();
      throw e;
    } finally {
      Thread.interrupted(); // the final delivery must not be cut short by our own interrupt
      closeCurrent();
      if (!batch.isEmpty()) {
        deliver(true);
      }
      if (!batch.isEmpty()) {
        LOG.warn("{}: {} events read but not accepted by the channel before stop",
            name, batch.size());
      }
    }
  }

  /** One turn of the loop; returns the delay before the next connection attempt. */
  private long step(long delayMs) throws InterruptedException {
    if (current == null) {
      if (delayMs > 0) {
        TimeUnit.MILLISECONDS.sleep(delayMs);
      }
      return connect();
    }
    Signal signal = inbox.poll(pollTimeoutMs(), TimeUnit.MILLISECONDS);
    if (signal == null) {
      return onTimeout();
    }
    if (signal.connection == current) {
      return onSignal(signal);
    }
    return 0; // left over from a connection given up on; its events are not taken
  }

  /** One connection attempt; returns the delay before the next attempt (0 when connected). */
  private long connect() throws InterruptedException {
    try {
      StreamConnection connection = connector.connect(listener);
      current = connection;
      currentHadMessages = false;
      lastActivityNanos = System.nanoTime();
      counter.incrementConnectCount();
      counter.setOpenConnectionCount(1);
      LOG.info("{}: connected to {}", name, connection.describe());
      connection.request(WINDOW);
      return 0;
    } catch (StreamConnectException e) {
      counter.incrementConnectFailCount();
      long delayMs = settings.backoffs.get(e.kind()).nextDelayMs();
      LOG.warn("{}: cannot connect ({}): {}; next attempt in {} ms",
          name, e.kind(), e.getMessage(), delayMs);
      return delayMs;
    }
  }

  private long onSignal(Signal signal) {
    if (signal.message != null) {
      if (!currentHadMessages) {
        currentHadMessages = true;
        settings.backoffs.values().forEach(Backoff::reset);
      }
      current.request(1);
      Event event = handler.toEvent(signal.message);
      if (event != null) {
        if (batch.isEmpty()) {
          batchStartNanos = System.nanoTime();
          batchCounted = false;
        }
        batch.add(event);
        if (batch.size() >= settings.batchSize) {
          deliver(false);
        }
      }
      return 0;
    }
    if (signal.error != null) {
      LOG.warn("{}: connection to {} failed: {}", name, current.describe(),
          String.valueOf(signal.error));
    } else {
      LOG.info("{}: {} closed the stream: {}", name, current.describe(), signal.closeReason);
    }
    return disconnected();
  }

  private long onTimeout() {
    long now = System.nanoTime();
    if (!batch.isEmpty()
        && now - batchStartNanos >= TimeUnit.MILLISECONDS.toNanos(settings.batchDurationMs)) {
      deliver(false);
    }
    if (current != null && settings.idleTimeoutMs > 0
        && System.nanoTime() - lastActivityNanos
            >= TimeUnit.MILLISECONDS.toNanos(settings.idleTimeoutMs)) {
      counter.incrementIdleTimeoutCount();
      LOG.warn("{}: nothing received from {} for {} ms; reconnecting",
          name, current.describe(), settings.idleTimeoutMs);
      return disconnected();
    }
    return 0;
  }

  /** The current connection ended: deliver what is pending and choose the reconnect delay. */
  private long disconnected() {
    counter.incrementDisconnectCount();
    boolean hadMessages = currentHadMessages;
    closeCurrent();
    if (!batch.isEmpty()) {
      deliver(false);
    }
    if (hadMessages) {
      return 0;
    }
    long delayMs = settings.backoffs.get(FailureKind.NETWORK).nextDelayMs();
    LOG.warn("{}: connection ended before any message; next attempt in {} ms", name, delayMs);
    return delayMs;
  }

  private void closeCurrent() {
    if (current != null) {
      current.close();
      current = null;
      counter.setOpenConnectionCount(0);
    }
  }

  /**
   * Offers the pending batch to the channel until it is accepted; with {@code once} a single
   * attempt. Returns early (batch kept) if the runner is stopped.
   */
  private void deliver(boolean once) {
    if (!batchCounted) {
      batchCounted = true;
      counter.incrementAppendBatchReceivedCount();
    }
    while (true) {
      try {
        channelProcessor.processEventBatch(new ArrayList<>(batch));
        counter.addToEventAcceptedCount(batch.size());
        counter.incrementAppendBatchAcceptedCount();
        handler.accepted(batch);
        batch.clear();
        channelRetry.reset();
        return;
      } catch (ChannelException e) {
        counter.incrementChannelWriteFail();
        LOG.debug("{}: channel refused a batch of {} events: {}", name, batch.size(),
            e.getMessage());
      } catch (RuntimeException e) {
        counter.incrementGenericProcessingFail();
        LOG.error("{}: failed to deliver a batch of {} events; will retry", name, batch.size(), e);
      }
      if (once || !running) {
        return;
      }
      try {
        TimeUnit.MILLISECONDS.sleep(channelRetry.nextDelayMs());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private long pollTimeoutMs() {
    long now = System.nanoTime();
    long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(IDLE_POLL_MS);
    if (!batch.isEmpty()) {
      timeoutNanos = Math.min(timeoutNanos,
          batchStartNanos + TimeUnit.MILLISECONDS.toNanos(settings.batchDurationMs) - now);
    }
    if (settings.idleTimeoutMs > 0) {
      timeoutNanos = Math.min(timeoutNanos,
          lastActivityNanos + TimeUnit.MILLISECONDS.toNanos(settings.idleTimeoutMs) - now);
    }
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
  }

  private final class Listener implements StreamListener {
    @Override
    public void onMessage(StreamConnection connection, String message) {
      lastActivityNanos = System.nanoTime(); // on arrival: a busy channel is not an idle stream
      inbox.add(new Signal(connection, message, null, null));
    }

    @Override
    public void onActivity(StreamConnection connection) {
      lastActivityNanos = System.nanoTime();
    }

    @Override
    public void onClosed(StreamConnection connection, String reason) {
      inbox.add(new Signal(connection, null, reason, null));
    }

    @Override
    public void onError(StreamConnection connection, Throwable error) {
      inbox.add(new Signal(connection, null, null, error));
    }
  }
}
