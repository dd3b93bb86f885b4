package io.sluice.flume.source;

import static io.sluice.flume.source.ReplaySourceConfigurationConstants.BACKOFF_SLEEP_INCREMENT_MS;
import static io.sluice.flume.source.ReplaySourceConfigurationConstants.BATCH_SIZE;
import static io.sluice.flume.source.ReplaySourceConfigurationConstants.DEFAULT_BACKOFF_SLEEP_INCREMENT_MS;
import static io.sluice.flume.source.ReplaySourceConfigurationConstants.DEFAULT_BATCH_SIZE;
import static io.sluice.flume.source.ReplaySourceConfigurationConstants.DEFAULT_EVENTS_PER_SECOND;
import static io.sluice.flume.source.ReplaySourceConfigurationConstants.DEFAULT_LOOP;
import static io.sluice.flume.source.ReplaySourceConfigurationConstants.DEFAULT_MAX_BACKOFF_SLEEP_MS;
import static io.sluice.flume.source.ReplaySourceConfigurationConstants.EVENTS_PER_SECOND;
import static io.sluice.flume.source.ReplaySourceConfigurationConstants.EVENT_ID_HEADER;
import static io.sluice.flume.source.ReplaySourceConfigurationConstants.FILE;
import static io.sluice.flume.source.ReplaySourceConfigurationConstants.LOOP;
import static io.sluice.flume.source.ReplaySourceConfigurationConstants.MAX_BACKOFF_SLEEP_MS;
import static io.sluice.flume.source.ReplaySourceConfigurationConstants.TIMESTAMP_HEADER;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.flume.ChannelException;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.EventDeliveryException;
import org.apache.flume.FlumeException;
import org.apache.flume.PollableSource;
import org.apache.flume.conf.Configurable;
import org.apache.flume.conf.ConfigurationException;
import org.apache.flume.event.EventBuilder;
import org.apache.flume.source.AbstractSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays a text file into Flume, one event per line, optionally paced and looped.
 *
 * <h2>Events</h2>
 * Lines are split on {@code '\n'} and lose at most one trailing {@code '\r'}; the event body is
 * the line's raw bytes, never decoded, so invalid UTF-8 reaches the interceptors byte-exact.
 * Every line is an event, empty lines included: a file yields {@code wc -l} events, plus one when
 * its last line has no terminator (see {@link LineReader}). Each event carries two headers:
 * <ul>
 *   <li>{@value ReplaySourceConfigurationConstants#EVENT_ID_HEADER}:
 *       {@code <file name>:<1-based line number>}, for example {@code access.log:8899}. With
 *       {@code loop=true} passes after the first append {@code #<pass>} (1-based), for example
 *       {@code access.log:8899#2}, so ids stay unique across passes. Ids depend only on the file
 *       name and position, so they are stable across restarts (a restart replays from line 1)
 *       and let a downstream stage deduplicate redeliveries.</li>
 *   <li>{@value ReplaySourceConfigurationConstants#TIMESTAMP_HEADER}: the time the line was read,
 *       {@link System#currentTimeMillis()} as a decimal string of epoch milliseconds.
 *       Interceptors may replace it with a time taken from the content.</li>
 * </ul>
 *
 * <h2>Delivery</h2>
 * Up to {@code batchSize} lines are read into a batch, which goes to
 * {@link org.apache.flume.channel.ChannelProcessor#processEventBatch(List)} as one transaction.
 * If the channel refuses it ({@link ChannelException}, e.g. a full channel) the very same batch
 * is offered again on the next {@link #process()} call, which returns {@link Status#BACKOFF}
 * meanwhile; no line is read, skipped or lost until it is accepted. Delivery is therefore
 * in-order and at-least-once within a run (a channel that commits but reports failure would see
 * the batch twice; {@code eventId} identifies such repeats).
 *
 * <h2>End of input</h2>
 * A pass is complete when the last line has been read <em>and accepted by the channel</em>; then
 * {@code EndOfInputCount} is incremented. With {@code loop=false} the source logs
 * {@code Replay of <file> complete: <n> events} once at INFO, closes the file and from then on
 * {@link #process()} returns {@code BACKOFF} without producing anything. With {@code loop=true}
 * the file is reopened and the next pass starts. A launcher polling the JMX/HTTP metrics of
 * {@code SOURCE.<name>} can wait for {@code EndOfInputCount >= 1}; {@code EventAcceptedCount} is
 * final at that moment.
 *
 * <h2>Configuration</h2>
 * All keys are in {@link ReplaySourceConfigurationConstants}:
 * <ul>
 *   <li>{@code file} (required): path of the file; it must exist and be a readable regular file
 *       when {@link #configure(Context)} runs.</li>
 *   <li>{@code eventsPerSecond} (decimal events per second, default {@code 0} = as fast as the
 *       channel accepts): long-run average replay rate, see {@link RatePacer}.</li>
 *   <li>{@code batchSize} (events, default {@code 100}, &gt; 0): events per channel transaction;
 *       must not exceed the channel's {@code transactionCapacity}.</li>
 *   <li>{@code loop} (boolean, default {@code false}): replay the file again after its end,
 *       forever.</li>
 *   <li>{@code backoffSleepIncrement} / {@code maxBackoffSleep} (milliseconds, defaults 1000 and
 *       5000, &gt; 0): Flume's standard back-off of the polling runner.</li>
 * </ul>
 * Invalid configuration fails fast: {@link #configure(Context)} throws a
 * {@link ConfigurationException} whose message names the offending key.
 *
 * <h2>Metrics and lifecycle</h2>
 * Counters ({@link ReplaySourceCounter}, JMX {@code org.apache.flume.source:type=<name>}) are
 * created in {@link #configure(Context)} and started (registered, reset) in {@link #start()}.
 * {@code EventReceivedCount} counts lines read and {@code AppendBatchReceivedCount} batches
 * formed (each once, whatever the retries); {@code EventAcceptedCount} and
 * {@code AppendBatchAcceptedCount} count what the channel accepted; {@code ChannelWriteFail}
 * counts refused attempts, {@code EventReadFail} read errors, {@code GenericProcessingFail} other
 * delivery errors. {@link #start()} opens the file and starts at line 1, pass 1; {@link #stop()}
 * closes it and logs {@code <name> stopped. Metrics: <counters>}. Lines read but not yet accepted
 * when the source stops are not delivered in that run.
 *
 * <p>{@link #process()} is meant to be called by a single thread (Flume's
 * {@code PollableSourceRunner}).
 */
public class ReplaySource extends AbstractSource implements PollableSource, Configurable {

  private static final Logger LOG = LoggerFactory.getLogger(ReplaySource.class);

  private final RatePacer.Clock clock;

  // Configuration, set by configure().
  private Path file;
  private String fileName;
  private double eventsPerSecond = DEFAULT_EVENTS_PER_SECOND;
  private int batchSize = DEFAULT_BATCH_SIZE;
  private boolean loop = DEFAULT_LOOP;
  private long backoffSleepIncrementMs = DEFAULT_BACKOFF_SLEEP_INCREMENT_MS;
  private long maxBackoffSleepMs = DEFAULT_MAX_BACKOFF_SLEEP_MS;
  private ReplaySourceCounter counter;

  // Replay state, owned by the thread calling process() between start() and stop().
  private RatePacer pacer;
  private LineReader reader;
  private final List<Event> pending = new ArrayList<>();
  private int pass;
  private long lineNumber;
  private boolean passExhausted;
  private boolean finished;

  /** Creates a source paced by the system clock (the constructor Flume uses). */
  public ReplaySource() {
    this(RatePacer.SYSTEM_CLOCK);
  }

  /** Test seam: a source paced by the given clock. */
  ReplaySource(RatePacer.Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Reads and validates the configuration and creates the counters.
   *
   * @throws ConfigurationException naming the key when {@code file} is missing, does not exist
   *     or is not a readable regular file, when {@code eventsPerSecond} is negative or not a
   *     finite number, when {@code batchSize}, {@code backoffSleepIncrement} or
   *     {@code maxBackoffSleep} is not a positive integer, or when {@code loop} is not
   *     {@code true}/{@code false}
   */
  @Override
  public void configure(Context context) {
    file = requireReadableFile(context);
    Path name = file.getFileName();
    fileName = name == null ? file.toString() : name.toString();
    eventsPerSecond = parseEventsPerSecond(context);
    batchSize = (int) parsePositiveLong(context, BATCH_SIZE, DEFAULT_BATCH_SIZE, Integer.MAX_VALUE);
    loop = parseBoolean(context, LOOP, DEFAULT_LOOP);
    backoffSleepIncrementMs = parsePositiveLong(
        context, BACKOFF_SLEEP_INCREMENT_MS, DEFAULT_BACKOFF_SLEEP_INCREMENT_MS, Long.MAX_VALUE);
    maxBackoffSleepMs = parsePositiveLong(
        context, MAX_BACKOFF_SLEEP_MS, DEFAULT_MAX_BACKOFF_SLEEP_MS, Long.MAX_VALUE);
    if (counter == null) {
      counter = new ReplaySourceCounter(getName());
    }
    LOG.info("{} configured: file={}, eventsPerSecond={}, batchSize={}, loop={}",
        getName(), file, eventsPerSecond, batchSize, loop);
  }

  /**
   * Opens the file at line 1, pass 1 and starts the counters.
   *
   * @throws IllegalStateException if the source has not been configured
   * @throws FlumeException if the file cannot be opened
   */
  @Override
  public synchronized void start() {
    if (counter == null) {
      throw new IllegalStateException(getName() + " started before configure()");
    }
    closeReader();
    pending.clear();
    pass = 1;
    lineNumber = 0;
    passExhausted = false;
    finished = false;
    try {
      reader = open();
    } catch (IOException e) {
      throw new FlumeException("Cannot open " + file + " for source " + getName(), e);
    }
    pacer = new RatePacer(eventsPerSecond, clock);
    counter.start();
    super.start();
    LOG.info("{} started: replaying {}", getName(), file);
  }

  /** Closes the file, stops the counters and logs them. */
  @Override
  public synchronized void stop() {
    closeReader();
    pending.clear();
    if (counter != null) {
      counter.stop();
    }
    super.stop();
    LOG.info("{} stopped. Metrics: {}", getName(), counter);
  }

  /**
   * Delivers the pending batch, or reads and delivers the next one.
   *
   * @return {@link Status#READY} when a batch was accepted and more input may follow;
   *     {@link Status#BACKOFF} when the channel refused the batch (it is retried next call), when
   *     the replay is complete ({@code loop=false}), when a pass of an empty file ended, or when
   *     the calling thread was interrupted
   * @throws EventDeliveryException when the file cannot be read or reopened (the read is retried
   *     on the next call) or the channel processor fails with anything but a
   *     {@link ChannelException} (the batch is kept and retried on the next call)
   */
  @Override
  public Status process() throws EventDeliveryException {
    if (finished) {
      return Status.BACKOFF;
    }
    try {
      if (pending.isEmpty() && !passExhausted) {
        readBatch();
      }
      if (!pending.isEmpty() && !deliverPending()) {
        return Status.BACKOFF;
      }
      if (passExhausted) {
        return completePass();
      }
      return Status.READY;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Status.BACKOFF;
    } catch (IOException e) {
      counter.incrementEventReadFail();
      throw new EventDeliveryException("Cannot read " + file + " for source " + getName(), e);
    }
  }

  @Override
  public long getBackOffSleepIncrement() {
    return backoffSleepIncrementMs;
  }

  @Override
  public long getMaxBackOffSleepInterval() {
    return maxBackoffSleepMs;
  }

  /** Counters of this source; {@code null} before {@link #configure(Context)}. */
  ReplaySourceCounter getCounter() {
    return counter;
  }

  /** Reads up to {@code batchSize} lines (as many as are due) into {@link #pending}. */
  private void readBatch() throws IOException, InterruptedException {
    if (reader == null) {
      reader = open();
    }
    int permits = pacer.acquire(batchSize);
    int read = 0;
    try {
      while (read < permits) {
        byte[] line = reader.readLine();
        if (line == null) {
          passExhausted = true;
          break;
        }
        lineNumber++;
        pending.add(EventBuilder.withBody(line, headers()));
        read++;
      }
    } finally {
      // Also after a read error: the lines read so far stay pending and are delivered first.
      pacer.refund(permits - read);
      if (read > 0) {
        counter.addToEventReceivedCount(read);
        counter.incrementAppendBatchReceivedCount();
      }
    }
  }

  private Map<String, String> headers() {
    Map<String, String> headers = new HashMap<>(8);
    String id = fileName + ':' + lineNumber;
    headers.put(EVENT_ID_HEADER, pass == 1 ? id : id + '#' + pass);
    headers.put(TIMESTAMP_HEADER, Long.toString(System.currentTimeMillis()));
    return headers;
  }

  /** Offers {@link #pending} to the channels; true if accepted (it is then cleared). */
  private boolean deliverPending() throws EventDeliveryException {
    try {
      // A copy: interceptors may build or reorder their own lists; ours must stay intact.
      getChannelProcessor().processEventBatch(new ArrayList<>(pending));
    } catch (ChannelException e) {
      counter.incrementChannelWriteFail();
      LOG.debug("{}: channel refused a batch of {} events ending at line {}, will retry: {}",
          getName(), pending.size(), lineNumber, e.getMessage());
      return false;
    } catch (RuntimeException e) {
      counter.incrementGenericProcessingFail();
      throw new EventDeliveryException(getName() + ": failed to deliver a batch of "
          + pending.size() + " events ending at line " + lineNumber + "; will retry", e);
    }
    counter.addToEventAcceptedCount(pending.size());
    counter.incrementAppendBatchAcceptedCount();
    pending.clear();
    return true;
  }

  /** Called once every line of the current pass has been accepted. */
  private Status completePass() {
    long events = lineNumber;
    counter.incrementEndOfInputCount();
    closeReader();
    passExhausted = false;
    if (!loop) {
      finished = true;
      LOG.info("Replay of {} complete: {} events", file, events);
      return Status.BACKOFF;
    }
    LOG.info("Replay of {} pass {} complete: {} events; starting pass {}",
        file, pass, events, pass + 1);
    pass++;
    lineNumber = 0;
    // An empty file would otherwise make the runner spin through empty passes.
    return events == 0 ? Status.BACKOFF : Status.READY;
  }

  private LineReader open() throws IOException {
    return new LineReader(Files.newInputStream(file));
  }

  private void closeReader() {
    if (reader == null) {
      return;
    }
    try {
      reader.close();
    } catch (IOException e) {
      LOG.warn("{}: cannot close {}", getName(), file, e);
    } finally {
      reader = null;
    }
  }

  // ---------------------------------------------------------------- configuration parsing

  private static Path requireReadableFile(Context context) {
    String value = trimmed(context, FILE);
    if (value == null) {
      throw new ConfigurationException(
          "Missing required key '" + FILE + "': path of the file to replay");
    }
    Path path;
    try {
      path = Paths.get(value);
    } catch (InvalidPathException e) {
      throw new ConfigurationException("Key '" + FILE + "': invalid path '" + value + "'", e);
    }
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new ConfigurationException("Key '" + FILE + "': '" + value
          + "' does not exist or is not a readable regular file");
    }
    return path;
  }

  private static double parseEventsPerSecond(Context context) {
    String value = trimmed(context, EVENTS_PER_SECOND);
    if (value == null) {
      return DEFAULT_EVENTS_PER_SECOND;
    }
    double rate;
    try {
      rate = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      rate = Double.NaN;
    }
    if (!(rate >= 0) || Double.isInfinite(rate)) {
      throw new ConfigurationException("Key '" + EVENTS_PER_SECOND
          + "' must be a number >= 0 (0 = unthrottled), got '" + value + "'");
    }
    return rate;
  }

  private static long parsePositiveLong(Context context, String key, long defaultValue,
      long max) {
    String value = trimmed(context, key);
    if (value == null) {
      return defaultValue;
    }
    long parsed;
    try {
      parsed = Long.parseLong(value);
    } catch (NumberFormatException e) {
      parsed = -1;
    }
    if (parsed <= 0 || parsed > max) {
      throw new ConfigurationException(
          "Key '" + key + "' must be an integer between 1 and " + max + ", got '" + value + "'");
    }
    return parsed;
  }

  private static boolean parseBoolean(Context context, String key, boolean defaultValue) {
    String value = trimmed(context, key);
    if (value == null) {
      return defaultValue;
    }
    switch (value.toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new ConfigurationException(
            "Key '" + key + "' must be true or false, got '" + value + "'");
    }
  }

  /** The key's value without surrounding blanks; null when absent or blank. */
  private static String trimmed(Context context, String key) {
    String value = context.getString(key);
    if (value == null) {
      return null;
    }
    String trimmed = value.trim();
    return trimmed.isEmpty() ? null : trimmed;
  }
}
