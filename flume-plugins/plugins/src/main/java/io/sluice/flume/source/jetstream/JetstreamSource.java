package io.sluice.flume.source.jetstream;

import io.sluice.contract.EventHeaders;
import io.sluice.contract.Rejecters;
import io.sluice.flume.config.ComponentConfig;
import io.sluice.flume.config.InvalidConfigurationException;
import io.sluice.flume.metrics.JetstreamSourceCounter;
import io.sluice.flume.source.stream.StreamHttpClient;
import io.sluice.flume.source.stream.StreamRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.EventDrivenSource;
import org.apache.flume.FlumeException;
import org.apache.flume.conf.BatchSizeSupported;
import org.apache.flume.conf.Configurable;
import org.apache.flume.source.AbstractSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads Bluesky's public event stream from a Jetstream instance (v1 {@code /subscribe} WebSocket,
 * JSON messages) into Flume, resuming after restarts from a cursor kept in a state file.
 *
 * <h2>Events</h2>
 * One event per Jetstream message; the body is the JSON message exactly as received (UTF-8).
 * Headers:
 * <ul>
 *   <li>{@value EventHeaders#EVENT_ID}: a stable id, the same each time Jetstream delivers the
 *       event: for a commit {@code <did>/<collection>/<rkey>@<rev>} (the record's repository,
 *       collection and key, plus the commit revision, so that a create and a later delete of the
 *       same record are distinct events), e.g.
 *       {@code did:plc:q235v55g5unth4zjjdpacfdr/app.bsky.feed.post/3mmoojp4cd223@3mmoojpaqkn2z};
 *       for identity and account events {@code <did>#<kind>@<seq>} with the firehose sequence
 *       number ({@code time_us} when there is none), e.g.
 *       {@code did:plc:g4ut2w5755qxi3fe7mfs72p4#identity@30340180350};</li>
 *   <li>{@value EventHeaders#TIMESTAMP}: {@code time_us / 1000}, epoch milliseconds;</li>
 *   <li>{@value EventHeaders#TIME_US}: {@code time_us}, the Jetstream cursor of the event;</li>
 *   <li>{@value EventHeaders#DID}, {@value EventHeaders#KIND} ({@code commit}, {@code identity},
 *       {@code account}); for commits also {@value EventHeaders#COLLECTION} and
 *       {@value EventHeaders#OPERATION} ({@code create}, {@code update}, {@code delete}).</li>
 * </ul>
 * Events of a kind not listed in {@code kinds} (default: commits only) are counted in
 * {@code FilteredEventCount} and not delivered. A message that is not a JSON object, or lacks
 * {@code did}, {@code time_us}, {@code kind} or (for commits) {@code commit.collection},
 * {@code operation}, {@code rkey}, {@code rev}, is delivered with its body unchanged and the
 * headers {@code rejectReason} ({@code invalid-json} or {@code missing-field}),
 * {@code rejectedBy} = {@value Rejecters#JETSTREAM_SOURCE} and {@value EventHeaders#TIMESTAMP} =
 * receive time, and counted in {@code MalformedMessageCount}; route it with a multiplexing selector
 * on {@code rejectReason}.
 *
 * <h2>Cursor, restart and reconnect</h2>
 * Jetstream v1 takes a {@code cursor} query parameter in {@code time_us} microseconds and replays
 * from there (inclusive); instances keep about 36 hours. The cursor saved in {@code stateFile} is
 * the newest {@code time_us} among the events of the batches the channel committed (that is, for
 * which {@link org.apache.flume.channel.ChannelProcessor#processEventBatch(List)} returned), never
 * that of an event only read. A timer of the source writes it every {@code cursorSaveIntervalMs}
 * (default 1000 ms) when it moved, whether or not more events arrive; with
 * {@code cursorSaveIntervalMs = 0} it is written after every committed batch instead, on the
 * source's thread; it is also written on stop. Each write replaces the file atomically (temporary
 * file, {@code fsync}, rename, directory {@code fsync}: {@link
 * io.sluice.flume.source.AtomicFiles}), so a crash leaves the previous or the new cursor, never a
 * torn file. {@link #start()} reads it and connects with {@code cursor = saved - cursorRewindMs}; a
 * reconnect within a run uses the newest {@code time_us} read so far, minus the same rewind. Events
 * read but not yet committed when the agent stops, and after a crash ({@code kill -9}) also the
 * events committed since the last write (at most {@code cursorSaveIntervalMs} worth), are therefore
 * read again after a restart, and nothing between the saved cursor and the live tip is missed. The
 * rewind covers events whose {@code time_us} is slightly older than ones already seen (switching
 * instances, as Jetstream's documentation advises); the events it re-reads are duplicates with the
 * same {@value EventHeaders#EVENT_ID}, for a downstream deduplication by that header. Without a
 * state file the source starts at the live tip. A state file that cannot be read fails {@link
 * #start()} rather than silently skipping to the live tip: fix it, or delete it to accept the gap.
 *
 * <p>Connection handling (demand-driven reading, batching, reconnect immediately after a
 * connection that delivered messages, otherwise capped exponential back-off
 * {@code reconnectBackoffInitialMs} doubling up to {@code reconnectBackoffMaxMs}, idle timeout)
 * is {@link StreamRunner}'s. After a failed attempt the next of the {@code endpoints} is tried.
 *
 * <h2>Configuration</h2>
 * The keys, with types, defaults and units, are declared in
 * {@link JetstreamSourceConfig#DEFINITION}: {@code endpoints}, {@code wantedCollections}
 * (default {@code app.bsky.feed.post}; {@code *} for all), {@code wantedDids}, {@code kinds},
 * {@code stateFile}, {@code cursorRewindMs} (5000), {@code cursorSaveIntervalMs} (1000 ms),
 * {@code batchSize} (100), {@code batchDurationMs} (1000), {@code idleTimeoutMs} (60000),
 * {@code connectTimeoutMs} (10000), {@code reconnectBackoffInitialMs} (1000),
 * {@code reconnectBackoffMaxMs} (60000). A bad, missing or unknown key fails
 * {@link #configure(Context)} with a {@link InvalidConfigurationException} naming it; so does a
 * state file whose directory cannot be created or that is not a regular file. Compression
 * ({@code compress=true}) and Jetstream's v2 endpoint are not supported.
 *
 * <h2>Metrics</h2>
 * {@link JetstreamSourceCounter} ({@code org.apache.flume.source:type=<name>}): the stream
 * counters of {@link io.sluice.flume.metrics.StreamSourceCounterMBean} plus
 * {@code CursorSaveFailCount} and {@code CursorUs}.
 */
public class JetstreamSource extends AbstractSource
    implements EventDrivenSource, Configurable, BatchSizeSupported {

  private static final Logger LOG = LoggerFactory.getLogger(JetstreamSource.class);
  /** Jetstream's default cursor lookback; older cursors are clamped by the server. */
  private static final long LOOKBACK_US = TimeUnit.HOURS.toMicros(36);

  /**
   * The name, for the runner's thread: {@link #getName()} is synchronized on the source, which
   * {@link #stop()} holds while it waits for that thread.
   */
  private volatile String name;
  private JetstreamSourceConfig config;
  private JetstreamSourceCounter counter;
  private CursorStore store;
  private JetstreamMessages messages;

  // Run state, set by start(). newestAcceptedUs is guarded by cursorLock, held only to read or
  // update it; savedUs and the writes of the state file by saveLock (held during a write, by the
  // timer, the runner's thread or stop(); not by this: stop() holds this while it waits for them).
  private final Object cursorLock = new Object();
  private final Object saveLock = new Object();
  private ScheduledExecutorService cursorSaver;
  private StreamRunner runner;
  private volatile long newestSeenUs;
  private long newestAcceptedUs;
  private long savedUs;

  /**
   * Validates the configuration and creates the counters.
   *
   * @throws InvalidConfigurationException naming the key on a bad, missing or unknown value, or
   *     when the state file's directory cannot be created or the state file is not a regular file
   */
  @Override
  public void configure(Context context) {
    name = getName();
    JetstreamSourceConfig parsed = JetstreamSourceConfig.parse(context, name);
    Path file = parsed.stateFile.toAbsolutePath();
    try {
      Files.createDirectories(file.getParent());
    } catch (IOException e) {
      throw ComponentConfig.invalid(JetstreamSourceConfig.COMPONENT,
          JetstreamSourceConfig.STATE_FILE, ": cannot create the directory of " + file + ": " + e,
          e);
    }
    if (Files.exists(file) && !Files.isRegularFile(file)) {
      throw ComponentConfig.invalid(JetstreamSourceConfig.COMPONENT,
          JetstreamSourceConfig.STATE_FILE, ": " + file + " exists and is not a regular file");
    }
    config = parsed;
    store = new CursorStore(file);
    messages = new JetstreamMessages(parsed.kinds);
    if (counter == null) {
      counter = new JetstreamSourceCounter(getName());
    }
    LOG.info("{} configured: endpoints={}, wantedCollections={}, kinds={}, stateFile={}",
        getName(), parsed.endpoints, parsed.wantedCollections.isEmpty() ? "*"
            : parsed.wantedCollections, parsed.kinds, file);
  }

  /**
   * Reads the state file and starts reading the stream.
   *
   * @throws IllegalStateException if the source has not been configured
   * @throws FlumeException if the state file cannot be read
   */
  @Override
  public synchronized void start() {
    if (config == null) {
      throw new IllegalStateException(getName() + " started before configure()");
    }
    OptionalLong saved;
    try {
      saved = store.load();
    } catch (IOException e) {
      throw new FlumeException(getName() + ": cannot read the cursor from state file "
          + store.file() + " (" + e.getMessage() + "); fix it, or delete it to start at the "
          + "live tip and accept missing the events since the last run", e);
    }
    synchronized (saveLock) {
      savedUs = saved.orElse(0);
    }
    synchronized (cursorLock) {
      newestAcceptedUs = saved.orElse(0);
    }
    newestSeenUs = saved.orElse(0);
    LOG.info("{}: {}", getName(), saved.isPresent()
        ? "resuming from saved cursor " + savedUs + " in " + store.file()
        : "no saved cursor in " + store.file() + ": starting at the live tip");
    counter.start();
    counter.setCursorUs(savedUs);
    StreamHttpClient http =
        new StreamHttpClient("jetstream-" + getName(), config.connectTimeoutMs, null);
    runner = new StreamRunner(getName(), new JetstreamConnector(http.client(), config, this::cursor),
        new Handler(), getChannelProcessor(), counter, config.runnerSettings());
    runner.closeOnStop(http);
    runner.start();
    if (config.cursorSaveIntervalMs > 0) {
      cursorSaver = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "jetstream-" + getName() + "-cursor");
        thread.setDaemon(true);
        return thread;
      });
      cursorSaver.scheduleWithFixedDelay(this::saveCursor, config.cursorSaveIntervalMs,
          config.cursorSaveIntervalMs, TimeUnit.MILLISECONDS);
    }
    super.start();
  }

  /** Stops reading, writes the cursor and logs the counters. */
  @Override
  public synchronized void stop() {
    if (runner != null) {
      runner.stop();
      runner = null;
    }
    if (cursorSaver != null) {
      cursorSaver.shutdown();
      try {
        if (!cursorSaver.awaitTermination(10, TimeUnit.SECONDS)) {
          LOG.warn("{}: cursor writer did not finish within 10 s", getName());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      cursorSaver.shutdownNow();
      cursorSaver = null;
    }
    saveCursor();
    if (counter != null) {
      counter.stop();
    }
    super.stop();
    LOG.info("{} stopped. Metrics: {}", getName(), counter);
  }

  @Override
  public long getBatchSize() {
    return config == null ? JetstreamSourceConfig.DEFAULT_BATCH_SIZE : config.batchSize;
  }

  /** Counters of this source; null before {@link #configure(Context)}. */
  JetstreamSourceCounter getCounter() {
    return counter;
  }

  /** The cursor for the next connection: the newest time_us known, minus the rewind. */
  private OptionalLong cursor() {
    long newest = newestSeenUs;
    if (newest <= 0) {
      return OptionalLong.empty();
    }
    long cursorUs = Math.max(1, newest - TimeUnit.MILLISECONDS.toMicros(config.cursorRewindMs));
    long nowUs = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
    if (cursorUs < nowUs - LOOKBACK_US) {
      LOG.warn("{}: cursor {} is older than Jetstream's usual 36 h lookback: the server will "
          + "start later than asked and events in between are lost", name, cursorUs);
    }
    return OptionalLong.of(cursorUs);
  }

  /**
   * Writes the newest committed cursor if it moved: on the timer's thread, on the runner's (with
   * {@code cursorSaveIntervalMs = 0}) or on stop. A failure is counted and logged; the next call
   * tries again.
   */
  private void saveCursor() {
    synchronized (saveLock) {
      long cursorUs;
      synchronized (cursorLock) {
        cursorUs = newestAcceptedUs;
      }
      if (store == null || cursorUs <= savedUs) {
        return;
      }
      try {
        store.save(cursorUs);
        savedUs = cursorUs;
        counter.setCursorUs(cursorUs);
      } catch (IOException | RuntimeException e) {
        // Also a RuntimeException: it would silently cancel the timer's periodic task.
        counter.incrementCursorSaveFailCount();
        LOG.warn("{}: cannot write cursor {} to {}: {}", name, cursorUs, store.file(),
            e.toString());
      }
    }
  }

  /** Runs on the runner's thread. */
  private final class Handler implements StreamRunner.MessageHandler {
    @Override
    public Event toEvent(String message) {
      counter.incrementEventReceivedCount();
      JetstreamMessages.Result result = messages.parse(message, System.currentTimeMillis());
      if (result.timeUs > newestSeenUs) {
        newestSeenUs = result.timeUs;
      }
      if (result.rejected != null) {
        counter.incrementMalformedMessageCount();
        LOG.debug("{}: malformed message ({}): {}", name, result.rejected.code(), message);
      } else if (result.event == null) {
        counter.incrementFilteredEventCount();
      }
      return result.event;
    }

    /** The channel committed these events: their time_us may now be saved. */
    @Override
    public void accepted(List<Event> events) {
      synchronized (cursorLock) {
        for (Event event : events) {
          String timeUs = event.getHeaders().get(EventHeaders.TIME_US);
          if (timeUs != null) {
            newestAcceptedUs = Math.max(newestAcceptedUs, Long.parseLong(timeUs));
          }
        }
      }
      if (config.cursorSaveIntervalMs == 0) {
        saveCursor();
      }
    }
  }
}
