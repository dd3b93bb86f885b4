package io.sluice.spark.input.flume;

import com.google.common.util.concurrent.RateLimiter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkEnv;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.streaming.receiver.Receiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sluice's reliable polling receiver, the same for every Spark line: pulls from one or more
 * SparkSinks over {@code SparkFlumeProtocol}, in place of Spark 2.4.7's {@code FlumePollingReceiver},
 * whose fetch task can end on one exception after an agent restart and never run again (see
 * {@link SinkPoller}), and of the connector Spark 3 no longer has. A line supplies only its event
 * type and its {@link SinkConnection} ({@code ReliablePollingReceiver} in the line's sources:
 * Avro 1.8.2 IPC and Spark's {@code SparkFlumeEvent} for Spark 2.4.7, Avro 1.11
 * {@code avro-ipc-netty} and Sluice's {@code SparkFlumeEvent} for Spark 3.5).
 *
 * <p>It runs {@code parallelism} request threads, assigned to the sinks in turn (so at least one
 * per sink), each a {@link SinkPoller}: store the batch with {@link #store(java.util.Iterator)}
 * (blocking; with {@code spark.streaming.receiver.writeAheadLog.enable} the block is in the
 * write-ahead log before the call returns), then ack; nack when Spark refused the batch. A sink
 * that went away is reconnected with a connect timeout of {@code connectTimeout} and capped
 * back-off, without restarting Spark; a restarted agent flows again within the back-off (at most
 * {@code maxBackoff}). Anything unexpected restarts the receiver through
 * {@link #restart(String, Throwable)} ({@code spark.streaming.receiverRestartDelay}, 2 s).
 *
 * <p>{@code spark.streaming.receiver.maxRate} (events per second, per receiver; default unlimited)
 * holds the receiver's request threads together to that rate: after each acknowledged batch a
 * thread takes as many permits of one shared Guava {@code RateLimiter} before its next request
 * (Spark's own receivers apply the key to single-record {@code store} calls only, and Spark 2.4.7's
 * Flume polling receiver, which stores whole batches, ignored it). A batch still holds up to
 * {@code maxBatchSize} events, so one Spark batch interval receives at most about
 * {@code maxRate} × the interval + {@code maxBatchSize} × the request threads. The rate
 * {@code spark.streaming.backpressure.enabled} computes is not applied.
 *
 * <p>A sink that cannot be reached or answers with errors is logged (WARN, then every 30 s while it
 * lasts), and so is a connected sink that gave no events for 60 s (then every 60 s); both are reported to the driver with {@link #reportError(String, Throwable)}, where it shows
 * as the receiver's last error (Spark UI, {@code /api/v1/.../streaming/receivers}, and
 * {@code StreamingListener.onReceiverError}).
 */
public abstract class PollingReceiver<E> extends Receiver<E> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(PollingReceiver.class);

  /** Spark's key of a receiver's rate limit, events per second; 0 or unset for none. */
  static final String MAX_RATE = "spark.streaming.receiver.maxRate";

  /** Default time to open a connection before a sink counts as unreachable. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** Default time an ack or nack may take before the connection counts as failed. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
  /** Default longest wait between reconnects to a sink. */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(2);

  private static final long REPORT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);
  /** A connected sink that gave no events for this long is reported (and again after as long). */
  static final long IDLE_REPORT_NANOS = TimeUnit.SECONDS.toNanos(60);
  /** Storing and acking a batch slower than this is logged: half of the packaged agents' 10 s sink timeout. */
  static final long SLOW_STORE_NANOS = TimeUnit.SECONDS.toNanos(5);

  /** {@code host:port} of each sink as configured (a host name is resolved at each connect). */
  private final List<String> sinks;
  private final int maxBatchSize;
  private final int parallelism;
  private final long connectTimeoutMillis;
  private final long requestTimeoutMillis;
  private final long maxBackoffMillis;

  /** The running generation: its stop flag and threads; replaced by each start. */
  private transient volatile Running running;

  /**
   * @param sinks SparkSink addresses (host and port; resolved when connecting)
   * @param maxBatchSize events per request; at most the sink channel's {@code transactionCapacity}
   * @param parallelism request threads, at least one per sink
   */
  protected PollingReceiver(List<InetSocketAddress> sinks, StorageLevel storageLevel, int maxBatchSize,
      int parallelism, Duration connectTimeout, Duration requestTimeout, Duration maxBackoff) {
    super(storageLevel);
    if (sinks.isEmpty()) {
      throw new IllegalArgumentException("no SparkSink addresses");
    }
    if (parallelism < sinks.size()) {
      throw new IllegalArgumentException("parallelism " + parallelism + " is below the " + sinks.size()
          + " sinks: each sink needs a request thread, as a sink holds a request open while its channel is empty");
    }
    this.sinks = new ArrayList<>();
    for (InetSocketAddress a : sinks) {
      this.sinks.add(a.getHostString() + ":" + a.getPort());
    }
    this.maxBatchSize = maxBatchSize;
    this.parallelism = parallelism;
    this.connectTimeoutMillis = connectTimeout.toMillis();
    this.requestTimeoutMillis = requestTimeout.toMillis();
    this.maxBackoffMillis = maxBackoff.toMillis();
  }

  @Override
  public final void onStart() {
    Running run = new Running();
    running = run;
    SinkConnection.Factory<E> factory = connections("Sluice SparkSink client", connectTimeoutMillis, requestTimeoutMillis);
    long maxRate = SparkEnv.get() == null ? 0 : SparkEnv.get().conf().getLong(MAX_RATE, 0);
    SinkPoller.Throttle throttle = SinkPoller.Throttle.NONE;
    if (maxRate > 0) {
      RateLimiter limiter = RateLimiter.create(maxRate);
      throttle = events -> limiter.acquire(Math.max(1, events));
    }
    List<Status> statuses = new ArrayList<>();
    for (int i = 0; i < parallelism; i++) {
      String sink = sinks.get(i % sinks.size());
      int colon = sink.lastIndexOf(':');
      Status status = new Status(sink);
      statuses.add(status);
      SinkPoller<E> poller = new SinkPoller<>(sink.substring(0, colon),
          Integer.parseInt(sink.substring(colon + 1)), factory,
          maxBatchSize, events -> store(events.iterator()), status, run.stopped::get,
          Duration.ofMillis(maxBackoffMillis), throttle);
      run.threads.execute(() -> {
        try {
          poller.run();
          if (!run.stopped.get()) {
            restart("request thread for SparkSink " + sink + " ended unexpectedly");
          }
        } catch (Throwable t) {
          if (!run.stopped.get()) {
            restart("request thread for SparkSink " + sink + " failed: " + t.getMessage(), t);
          }
        }
      });
    }
    run.watch.scheduleWithFixedDelay(() -> statuses.forEach(Status::checkIdle), 5, 5, TimeUnit.SECONDS);
    LOG.info("Polling {} SparkSink(s) {} with {} request thread(s), up to {} events per request{}",
        sinks.size(), sinks, parallelism, maxBatchSize, maxRate > 0 ? ", at most " + maxRate + " events/s" : "");
  }

  @Override
  public final void onStop() {
    Running run = running;
    if (run != null) {
      run.stop();
    }
  }

  /**
   * Opens connections to the sinks in the line's Avro IPC, with daemon threads named
   * {@code threadName}, making this line's event type of each received event.
   *
   * @param connectTimeoutMillis how long a connect may take before the sink counts as unreachable
   * @param requestTimeoutMillis how long an {@code ack} or {@code nack} may take
   */
  protected abstract SinkConnection.Factory<E> connections(String threadName, long connectTimeoutMillis,
      long requestTimeoutMillis);

  /** Daemon threads named {@code name N}. */
  public static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + " " + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** One start of the receiver: its threads stop together and never outlive the next start. */
  private final class Running {
    final AtomicBoolean stopped = new AtomicBoolean();
    final ExecutorService threads = Executors.newFixedThreadPool(parallelism, daemon("Sluice Flume receiver"));
    final ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(daemon("Sluice Flume receiver watch"));

    void stop() {
      stopped.set(true);
      watch.shutdownNow();
      threads.shutdown();
      try {
        // open requests are abandoned within a second (the connections wait in steps of a second)
        if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
          threads.shutdownNow();
          LOG.warn("Request threads did not end within 10 s of the receiver's stop");
        }
      } catch (InterruptedException e) {
        threads.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Logs a sink's trouble and recovery, reports it to the driver at most every 30 s per sink, and
   * a connected sink that gives no events for {@link #IDLE_REPORT_NANOS} (its channel is empty, or
   * the agent's source or channel is stuck): the request threads block in an open poll meanwhile,
   * so the receiver's watch thread checks that.
   */
  private final class Status implements SinkPoller.Listener {
    private final String sink;
    private long troubleSince;
    private long lastReport;
    private volatile boolean connected;
    private volatile long lastDelivery = System.nanoTime();
    private long lastIdleReport;

    Status(String sink) {
      this.sink = sink;
    }

    @Override
    public void connected(String sink) {
      connected = true;
      LOG.info("Connected to SparkSink {}", sink);
    }

    /** Called by the watch thread every 5 s. */
    void checkIdle() {
      long now = System.nanoTime();
      long idle = now - lastDelivery;
      if (connected && idle >= IDLE_REPORT_NANOS && now - lastIdleReport >= IDLE_REPORT_NANOS) {
        lastIdleReport = now;
        String message = "SparkSink " + sink + " is connected but gave no events for "
            + TimeUnit.NANOSECONDS.toSeconds(idle) + " s (its channel is empty, or the agent's source or channel is stuck)";
        LOG.warn(message);
        reportError(message, null);
      }
    }

    @Override
    public void failed(String sink, IOException cause, int failures) {
      connected = false;
      trouble("SparkSink " + sink + " unreachable (" + failures + " attempt(s) in a row): " + cause.getMessage(), cause);
    }

    @Override
    public void errorAnswer(String sink, String message) {
      trouble("SparkSink " + sink + " answered with an error instead of events: " + message, null);
    }

    @Override
    public void stored(String sink, int events, boolean acked, long nanos) {
      lastDelivery = System.nanoTime();
      if (nanos >= SLOW_STORE_NANOS) {
        // The stock sink acks silently a batch whose transaction already timed out, then delivers it again.
        LOG.warn("Storing and acking {} events from SparkSink {} took {} ms: a batch acked after the sink's transaction "
            + "timeout (10 s in Sluice's agents, stock 60 s) was already rolled back and is delivered again (dropped "
            + "by the job's dedup); if this repeats, lower --max-batch-size or raise the sink's timeout",
            events, sink, TimeUnit.NANOSECONDS.toMillis(nanos));
      }
      if (troubleSince != 0) {
        LOG.info("SparkSink {} delivers again after {} s", sink,
            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - troubleSince));
        troubleSince = 0;
        lastReport = 0;
      }
      if (!acked) {
        LOG.warn("Stored {} events from SparkSink {} but the ack failed: the sink rolls the batch back after its "
            + "transaction timeout (its timeout key) and delivers it again (removed by the job's dedup)", events, sink);
      }
    }

    private void trouble(String message, Throwable cause) {
      long now = System.nanoTime();
      if (troubleSince == 0) {
        troubleSince = now;
      }
      if (lastReport == 0 || now - lastReport >= REPORT_EVERY_NANOS) {
        lastReport = now;
        String since = " (for " + TimeUnit.NANOSECONDS.toSeconds(now - troubleSince) + " s)";
        LOG.warn(message + since);
        reportError(message + since, cause);
      }
    }
  }
}
