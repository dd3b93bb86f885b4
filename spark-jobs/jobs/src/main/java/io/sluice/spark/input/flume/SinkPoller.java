package io.sluice.spark.input.flume;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The request loop of a reliable pull from one SparkSink, independent of the Spark line: ask for a
 * batch, store it in Spark (blocking; written to the write-ahead log when enabled), then
 * {@code ack}; {@code nack} when storing failed. A batch whose ack never reaches the sink (the
 * connection or the job died) is rolled back by the sink after its transaction {@code timeout} (10 s in Sluice's agents) and
 * delivered again, so delivery is at-least-once; the job removes the repeats by event id.
 *
 * <p>Unlike Spark 2.4.7's {@code FlumeBatchFetcher}, no failure of the sink or of the network ends
 * the loop: a failed connection is closed and reopened with capped exponential back-off (from
 * {@link #INITIAL_BACKOFF} to the given maximum, reset by the next batch), a nack that cannot be
 * sent is logged (the sink's transaction timeout then rolls the batch back), and an error answer
 * of the sink is retried. The loop ends only when {@code stopped} turns true, or by throwing
 * {@link StoreFailedException} when Spark refused to store a batch (the batch was nacked), so
 * that the receiver restarts itself.
 *
 * @param <E> the event type of the Spark line
 */
public final class SinkPoller<E> implements Runnable {

  /** First wait before reconnecting to a sink that failed or after an error answer. */
  public static final Duration INITIAL_BACKOFF = Duration.ofMillis(100);

  /** Stores one batch in Spark, blocking until it is stored reliably. */
  @FunctionalInterface
  public interface Store<E> {
    void store(List<E> events) throws Exception;
  }

  /** What happens to one sink: for logs, metrics and the job's status file. Called from the poller's thread. */
  public interface Listener {
    /** A connection to the sink was opened. */
    default void connected(String sink) {}

    /** The sink could not be reached or the connection failed; {@code failures} in a row. */
    default void failed(String sink, IOException cause, int failures) {}

    /** The sink answered with an error instead of events (it had none for a long time, or its channel failed). */
    default void errorAnswer(String sink, String message) {}

    /**
     * A batch of {@code events} was stored in Spark and acknowledged ({@code acked} false: the ack
     * failed), {@code nanos} after the sink answered with it.
     */
    default void stored(String sink, int events, boolean acked, long nanos) {}
  }

  /**
   * Called with the size of each batch stored and acknowledged, before the next request: may block
   * to hold the receiver to a rate ({@code spark.streaming.receiver.maxRate}).
   */
  @FunctionalInterface
  public interface Throttle {
    /** No limit. */
    Throttle NONE = events -> { };

    void acquire(int events);
  }

  /** Spark did not store a batch; the batch was nacked (or will time out on the sink). */
  public static final class StoreFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StoreFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final String host;
  private final int port;
  private final String sink;
  private final SinkConnection.Factory<E> factory;
  private final int maxBatchSize;
  private final Store<E> store;
  private final Listener listener;
  private final BooleanSupplier stopped;
  private final long maxBackoffMillis;
  private final Throttle throttle;

  /**
   * A poller without a rate limit.
   *
   * @param maxBatchSize events per request (the sink's channel {@code transactionCapacity} must allow it)
   * @param maxBackoff longest wait between reconnects
   */
  public SinkPoller(String host, int port, SinkConnection.Factory<E> factory, int maxBatchSize,
      Store<E> store, Listener listener, BooleanSupplier stopped, Duration maxBackoff) {
    this(host, port, factory, maxBatchSize, store, listener, stopped, maxBackoff, Throttle.NONE);
  }

  /**
   * @param maxBatchSize events per request (the sink's channel {@code transactionCapacity} must allow it)
   * @param maxBackoff longest wait between reconnects
   * @param throttle given each acknowledged batch's size before the next request (the ack is never
   *     held back by it, so the sink's transaction timeout does not count the wait)
   */
  public SinkPoller(String host, int port, SinkConnection.Factory<E> factory, int maxBatchSize,
      Store<E> store, Listener listener, BooleanSupplier stopped, Duration maxBackoff, Throttle throttle) {
    if (maxBatchSize <= 0) {
      throw new IllegalArgumentException("maxBatchSize must be positive: " + maxBatchSize);
    }
    this.host = host;
    this.port = port;
    this.sink = host + ":" + port;
    this.factory = factory;
    this.maxBatchSize = maxBatchSize;
    this.store = store;
    this.listener = listener;
    this.stopped = stopped;
    this.maxBackoffMillis = Math.max(INITIAL_BACKOFF.toMillis(), maxBackoff.toMillis());
    this.throttle = throttle;
  }

  @Override
  public void run() {
    SinkConnection<E> connection = null;
    long backoff = INITIAL_BACKOFF.toMillis();
    int failures = 0;
    try {
      while (!stopped.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
        try {
          if (connection == null) {
            connection = factory.connect(host, port);
            listener.connected(sink);
          }
          PolledBatch<E> batch = connection.getEventBatch(maxBatchSize, stopped);
          if (batch.isError()) {
            listener.errorAnswer(sink, batch.errorMessage());
            pause(backoff);
            backoff = Math.min(maxBackoffMillis, backoff * 2);
            continue;
          }
          long received = System.nanoTime();
          storeOrNack(connection, batch);
          boolean acked = ack(connection, batch.sequenceNumber());
          if (!acked) {
            connection.close();
            connection = null;
          }
          listener.stored(sink, batch.events().size(), acked, System.nanoTime() - received);
          backoff = INITIAL_BACKOFF.toMillis();
          failures = 0;
          throttle.acquire(batch.events().size());
        } catch (IOException e) {
          if (connection != null) {
            connection.close();
            connection = null;
          }
          if (stopped.getAsBoolean()) {
            return;
          }
          listener.failed(sink, e, ++failures);
          pause(backoff);
          backoff = Math.min(maxBackoffMillis, backoff * 2);
        }
      }
    } finally {
      if (connection != null) {
        connection.close();
      }
    }
  }

  private void storeOrNack(SinkConnection<E> connection, PolledBatch<E> batch) {
    try {
      store.store(batch.events());
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      try {
        connection.nack(batch.sequenceNumber());
      } catch (IOException | RuntimeException nackFailed) {
        e.addSuppressed(nackFailed); // the sink's transaction timeout rolls the batch back
      }
      throw new StoreFailedException("Spark did not store batch " + batch.sequenceNumber() + " of "
          + batch.events().size() + " events from SparkSink " + sink + "; it was nacked and will be delivered again", e);
    }
  }

  /** Whether the ack reached the sink; if not, the sink rolls back after its transaction timeout and redelivers. */
  private static boolean ack(SinkConnection<?> connection, String sequenceNumber) {
    try {
      connection.ack(sequenceNumber);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Waits {@code millis}, or less when stopped. */
  private void pause(long millis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!stopped.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      try {
        TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
