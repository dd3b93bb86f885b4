package io.sluice.flume.source.replay;

import static io.sluice.contract.EventHeaders.EVENT_ID;
import static io.sluice.contract.EventHeaders.READ_TIME;
import static io.sluice.contract.EventHeaders.TIMESTAMP;
import static io.sluice.contract.Rejecters.REPLAY_SOURCE;
import static io.sluice.flume.source.replay.ReplaySourceConfig.BACKOFF_SLEEP_INCREMENT_MS;
import static io.sluice.flume.source.replay.ReplaySourceConfig.BATCH_SIZE;
import static io.sluice.flume.source.replay.ReplaySourceConfig.COMPONENT;
import static io.sluice.flume.source.replay.ReplaySourceConfig.DEFINITION;
import static io.sluice.flume.source.replay.ReplaySourceConfig.EVENTS_PER_SECOND;
import static io.sluice.flume.source.replay.ReplaySourceConfig.FILE;
import static io.sluice.flume.source.replay.ReplaySourceConfig.LOOP;
import static io.sluice.flume.source.replay.ReplaySourceConfig.MAX_BACKOFF_SLEEP_MS;
import static io.sluice.flume.source.replay.ReplaySourceConfig.MAX_LINE_BYTES;
import static io.sluice.flume.source.replay.ReplaySourceConfig.PACE_BY;
import static io.sluice.flume.source.replay.ReplaySourceConfig.PACE_BY_TIMESTAMP;
import static io.sluice.flume.source.replay.ReplaySourceConfig.POSITION_FILE;
import static io.sluice.flume.source.replay.ReplaySourceConfig.SPEEDUP;
import static io.sluice.flume.source.replay.ReplaySourceConfig.TIMESTAMP_FORMAT;

import io.sluice.contract.EventHeaders;
import io.sluice.contract.RejectReason;
import io.sluice.contract.Rejecters;
import io.sluice.flume.config.ComponentConfig;
import io.sluice.flume.config.InvalidConfigurationException;
import io.sluice.flume.metrics.ReplaySourceCounter;
import io.sluice.flume.source.replay.ReplayPositionFile.FileProgress;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.flume.ChannelException;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.EventDeliveryException;
import org.apache.flume.FlumeException;
import org.apache.flume.PollableSource;
import org.apache.flume.conf.Configurable;
import org.apache.flume.event.EventBuilder;
import org.apache.flume.source.AbstractSource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays text files into Flume, one event per line, optionally paced and looped.
 *
 * <h2>Input</h2>
 * {@code file} is a path, or a glob whose matching regular files are replayed one after the other
 * in lexicographic order of their paths (name rotated logs so that this order is chronological,
 * e.g. {@code access-2015-05-17.log.gz}, {@code access-2015-05-18.log}). A file that starts with
 * the gzip magic bytes is decompressed, whatever its name; multi-member gzip files are read
 * whole. A gzip file that turns out corrupt or truncated is delivered up to the damage, counted
 * ({@code EventReadFail}, {@code SkippedFileCount}), logged, and the next file follows. See
 * {@link ReplayFiles}.
 *
 * <h2>Events</h2>
 * Lines are split on {@code '\n'} and lose at most one trailing {@code '\r'}; the event body is
 * the line's raw (decompressed) bytes, never decoded, so invalid UTF-8 reaches the interceptors
 * byte-exact. Every line is an event, empty lines included: a file yields {@code wc -l} events,
 * plus one when its last line has no terminator (see {@link LineReader}); a line longer than
 * {@code maxLineBytes} too, cut (see "Long lines"). Each event carries three headers:
 * <ul>
 *   <li>{@value EventHeaders#EVENT_ID}:
 *       {@code <name>:<1-based line number>}, for example {@code access.log:8899}, where the name
 *       is the file name (for a glob: the path relative to the glob's fixed leading directory,
 *       e.g. {@code 2015/access.log.gz}). With {@code loop=true} passes after the first append
 *       {@code #<pass>} (1-based), for example {@code access.log:8899#2}, so ids stay unique across
 *       passes. Ids depend only on the name, the line's position and the pass, so a line has the
 *       same id in every run (a restarted source numbers lines from its position file and keeps
 *       its pass, see "Resuming") and a downstream stage can deduplicate redeliveries.</li>
 *   <li>{@value EventHeaders#TIMESTAMP}: the time the line was read,
 *       {@link System#currentTimeMillis()} as a decimal string of epoch milliseconds.
 *       Interceptors may replace it with a time taken from the content.</li>
 *   <li>{@value EventHeaders#READ_TIME}: the same read time, which
 *       no interceptor replaces: the source's own clock reading, from which a downstream stage
 *       measures the latency from read to processing.</li>
 * </ul>
 *
 * <h2>Long lines</h2>
 * An event carries at most {@code maxLineBytes} bytes of its line (default
 * {@value ReplaySourceConfig#DEFAULT_MAX_LINE_BYTES}, 128 KiB; the length counts
 * the line without its terminator), like the {@code maxLineLength} of Flume's line deserializer
 * or the {@code max-line-length} of its exec and netcat sources. A longer line is neither lost nor
 * able to stall the agent: its event (same {@code eventId} numbering, one event per line as
 * always) carries the line's first {@code maxLineBytes} bytes and the headers
 * {@value EventHeaders#REJECT_REASON} =
 * {@link RejectReason#LINE_TOO_LONG},
 * {@value EventHeaders#REJECTED_BY} =
 * {@value Rejecters#REPLAY_SOURCE} and
 * {@value EventHeaders#ORIGINAL_LENGTH_BYTES} = the line's length
 * in bytes; the rest of the line is read and skipped without being held in memory (see
 * {@link LineReader}); the line is counted in {@code TruncatedLineCount} and logged at WARN (at
 * most every 30 s, with the number of others). Sluice's interceptors pass such an event on
 * untouched, the packaged agents route {@code line-too-long} to their dead letter, and the Spark
 * jobs count it as rejected. Positions and ids count the cut line as one line: resuming after it
 * works as after any line.
 *
 * <p>Why a limit: a Kafka channel's producer refuses a record over its {@code max.request.size}
 * (1,048,576 bytes by default), the event serialized with its headers, and a refused batch can
 * never be delivered (see "Delivery"). The default leaves room for what the interceptors copy into
 * headers (up to about 7 bytes serialized per byte of line, see
 * {@link ReplaySourceConfig#DEFAULT_MAX_LINE_BYTES}): with a Kafka channel keep
 * {@code maxLineBytes} at most {@code (max.request.size - 2048) / 7} for access logs, about
 * {@code max.request.size / 3} for tweets, and raise both together if longer lines must pass
 * whole.
 *
 * <h2>Pacing</h2>
 * With {@code paceBy = rate} (default) the replay runs at {@code eventsPerSecond} on average
 * (see {@link RatePacer}; 0 = as fast as the channel accepts). With {@code paceBy = timestamp}
 * each line is sent at its original offset from the first timestamped line of the pass divided
 * by {@code speedup}: the time is read from the line by {@code timestampFormat} ({@code apache}:
 * the {@code [17/May/2015:10:05:03 +0000]} field of access logs; {@code iso8601}: a leading
 * {@code 2022-08-27T14:22:01.613Z}). A line whose timestamp cannot be read is sent at once, in
 * order, and counted in {@code TimestampParseFailCount}; a line stamped earlier than lines
 * already sent is sent at once. (Sources run before interceptors, so the time is read here, not
 * from a header.) A batch holds only lines that are due; a wait for the next line happens
 * inside {@link #process()} and ends early when the runner stops.
 *
 * <h2>Delivery</h2>
 * Up to {@code batchSize} lines are read into a batch, which goes to
 * {@link org.apache.flume.channel.ChannelProcessor#processEventBatch(List)} as one transaction.
 * If the channel refuses it ({@link ChannelException}, e.g. a full channel) the very same batch
 * is offered again on the next {@link #process()} call, which returns {@link Status#BACKOFF}
 * meanwhile; no line is read, skipped or lost until it is accepted. Delivery is therefore
 * in-order and at-least-once within a run (a channel that commits but reports failure would see
 * the batch twice; {@code eventId} identifies such repeats). A refusal whose cause retrying cannot
 * fix (a non-retriable Kafka error in the exception's causes, e.g. {@code RecordTooLargeException}
 * for a record over the producer's {@code max.request.size}) still leaves the batch to be retried,
 * since skipping it would lose lines, but is not silent: each such attempt counts in
 * {@code PermanentChannelWriteFailCount} and is logged at ERROR with the cause and the batch's
 * first and last {@code eventId} (at most every 30 s, with the number of reports held back), so
 * that an operator fixes the configuration. A batch refused for another cause (e.g. a full
 * channel, a broker away) for 30 s or more is logged at WARN likewise; shorter refusals at DEBUG.
 *
 * <h2>Resuming</h2>
 * After each batch the channel committed (that is, once
 * {@link org.apache.flume.channel.ChannelProcessor#processEventBatch(List)} returned), the source
 * rewrites its position file ({@code positionFile}, default
 * {@code <user.home>/.flume/replay-<source name>.json}) atomically (temporary file,
 * {@code fsync}, rename, directory {@code fsync}: see {@link ReplayPositionFile}) with, per file
 * of the current pass, the number of lines committed, the byte offset after the last of them and
 * whether the file is finished (read to its end, or abandoned as corrupt, with every line
 * committed), plus the pass. {@link #start()} reads it and resumes: a finished file is skipped,
 * a plain file is reopened at the saved offset and numbering continues from the saved line, a
 * gzip file is decompressed again and its saved number of lines skipped. Nothing committed is
 * read again and nothing committed is skipped. A file whose inode changed, or that is now shorter
 * or whose first bytes differ (see {@link ReplayPositionFile.FileProgress#mismatch}), is another
 * file under the same path: it is replayed from its first line (logged at WARN). A source whose
 * replay was complete ({@code loop=false}) finds every file finished, delivers nothing and
 * reports the end of input at once. A position file that cannot be read fails {@link #start()}
 * rather than silently replaying or skipping: fix it, or delete it to replay from the first
 * line. A failed write is logged and counted ({@code PositionSaveFailCount}); the next committed
 * batch writes again.
 *
 * <p>What a crash costs: the batch in flight when the process died (read, perhaps committed to
 * the channel, but not yet recorded in the position file) is read and delivered again after the
 * restart, with the same {@code eventId}s: delivery across a crash is at-least-once, with at most
 * one batch ({@code batchSize} lines) redelivered, plus whatever was committed while writes of the
 * position file were failing. The Spark jobs deduplicate by {@code eventId}. The dead-letter path
 * (events with a {@code rejectReason} routed to a second channel and a {@code file_roll} sink)
 * has no deduplication: a reject is written to it exactly once unless its batch was the one in
 * flight at the crash, in which case it can be written twice (same {@code eventId}); the
 * {@code file_roll} sink has a window of its own (killed after writing a record but before
 * committing its take, it writes the record again after the restart).
 *
 * <h2>End of input</h2>
 * A pass is complete when the last line of the last file has been read <em>and accepted by the
 * channel</em>; then {@code EndOfInputCount} is incremented. With {@code loop=false} the source
 * logs {@code Replay of <file> complete: <n> events} once at INFO, closes the file and from then
 * on {@link #process()} returns {@code BACKOFF} without producing anything; the position file
 * then records every file as finished. With {@code loop=true} the glob is resolved again, the
 * files are reopened and the next pass starts (the position file then records the new pass and
 * no file). With a glob, a file that appears after the replay completed is read when the source
 * next starts.
 * A launcher polling the JMX/HTTP metrics of {@code SOURCE.<name>} can wait for
 * {@code EndOfInputCount >= 1}; {@code EventAcceptedCount} is final at that moment.
 *
 * <h2>Configuration</h2>
 * The keys, with types, defaults, units and documentation, are declared once in
 * {@link ReplaySourceConfig#DEFINITION}: {@code file} (required),
 * {@code eventsPerSecond} (0), {@code batchSize} (100), {@code loop} (false), {@code paceBy}
 * ({@code rate} | {@code timestamp}), {@code speedup} (1.0), {@code timestampFormat}
 * ({@code apache} | {@code iso8601}), {@code positionFile}
 * ({@code <user.home>/.flume/replay-<source name>.json}), {@code maxLineBytes} (131072 bytes),
 * {@code backoffSleepIncrement} (1000 ms),
 * {@code maxBackoffSleep} (5000 ms). Invalid configuration fails fast: {@link #configure(Context)}
 * throws a {@link InvalidConfigurationException} whose message names the offending key: a bad,
 * missing or unknown key, a {@code file} that is not a readable regular file or a glob that matches
 * none, {@code eventsPerSecond > 0} with {@code paceBy = timestamp}, {@code speedup} /
 * {@code timestampFormat} set with {@code paceBy = rate}, or a {@code positionFile} that is not a
 * valid path, is not a regular file or whose directory cannot be created.
 *
 * <h2>Metrics and lifecycle</h2>
 * Counters ({@link ReplaySourceCounter}, JMX {@code org.apache.flume.source:type=<name>}) are
 * created in {@link #configure(Context)} and started (registered, reset) in {@link #start()}.
 * {@code EventReceivedCount} counts lines read and {@code AppendBatchReceivedCount} batches
 * formed (each once, whatever the retries); {@code EventAcceptedCount} and
 * {@code AppendBatchAcceptedCount} count what the channel accepted; {@code ChannelWriteFail}
 * counts refused attempts, {@code EventReadFail} read errors, {@code GenericProcessingFail} other
 * delivery errors, {@code TimestampParseFailCount} and {@code SkippedFileCount} as above,
 * {@code PositionSaveFailCount} failed writes of the position file, {@code TruncatedLineCount}
 * lines cut at {@code maxLineBytes}, {@code PermanentChannelWriteFailCount} refused attempts whose
 * cause retrying cannot fix (also in {@code ChannelWriteFail}). Counters count this run only:
 * after a restart they start at 0, the lines an earlier run committed are not read again and are
 * not in {@code EventReceivedCount} / {@code EventAcceptedCount} but in
 * {@code ResumedEventCount} (lines of the current pass skipped thanks to the position file), so
 * on the first pass {@code ResumedEventCount + EventAcceptedCount} is the number of lines
 * delivered so far (the batch redelivered after a crash counted twice).
 * {@link #start()} reads the position file, resolves the input and opens the first file that is
 * not finished where its committed lines end; {@link #stop()} closes it and logs
 * {@code <name> stopped. Metrics: <counters>}. Lines read but not yet accepted when the source
 * stops are not delivered in that run, and not recorded: the next run reads them again.
 *
 * <p>{@link #process()} is meant to be called by a single thread (Flume's
 * {@code PollableSourceRunner}).
 */
public class ReplaySource extends AbstractSource implements PollableSource, Configurable {

  private static final Logger LOG = LoggerFactory.getLogger(ReplaySource.class);
  /** Least time between two WARN/ERROR reports of a kind, and refusal time before a WARN. */
  private static final long REPORT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);
  /** Causes followed when looking for a permanent one (guards against cause cycles). */
  private static final int MAX_CAUSE_DEPTH = 32;

  private final RatePacer.Clock clock;
  private final LogLimiter cutLineLog;
  private final LogLimiter refusalLog;

  // Configuration, set by configure().
  private ReplayFiles files;
  private double eventsPerSecond;
  private int batchSize;
  private boolean loop;
  private boolean paceByTimestamp;
  private double speedup;
  private TimestampFormat timestampFormat;
  private long backoffSleepIncrementMs;
  private long maxBackoffSleepMs;
  private int maxLineBytes;
  private ReplayPositionFile positionFile;
  private ReplaySourceCounter counter;

  // Replay state, owned by the thread calling process() between start() and stop().
  private RatePacer pacer;
  private TimestampPacer timestampPacer;
  private List<ReplayFiles.Input> inputs = List.of();
  private int inputIndex;
  private ReplayFiles.Input input;
  private LineReader reader;
  private boolean readerIsGzip;
  private final List<Event> pending = new ArrayList<>();
  /** With paceBy = timestamp: the line read but not yet due, and when it is due. */
  private Event held;
  private long heldDueNanos;
  private int pass;
  private long lineNumber;
  private long passEvents;
  private long passResumed;
  private boolean passExhausted;
  private boolean finished;
  /** The line nextLine() last returned: whether it was cut, and its length before the cut. */
  private boolean lineCut;
  private long lineLength;
  /** Refused attempts of the pending batch, and when the first was (clock nanos). */
  private long refusedAttempts;
  private long refusedSinceNanos;

  // Resume state. committed: the progress of the pass's files as last written to the position
  // file (initially as read from it). opened: the identity of the open file, whose reader started
  // openedOffset bytes into it (plain files) and must still skip skipLines lines (gzip files).
  // finishedUncommitted: files read to their end since the last commit. pendingEnd*: where the
  // last line in `pending` ends.
  private Map<String, FileProgress> committed = new LinkedHashMap<>();
  private FileProgress opened;
  private long openedOffset;
  private long skipLines;
  private final List<FileProgress> finishedUncommitted = new ArrayList<>();
  private FileProgress pendingEndFile;
  private long pendingEndLines;
  private long pendingEndOffset;

  /** Creates a source paced by the system clock (the constructor Flume uses). */
  public ReplaySource() {
    this(RatePacer.SYSTEM_CLOCK);
  }

  /** Test seam: a source paced by the given clock. */
  ReplaySource(RatePacer.Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.cutLineLog = new LogLimiter(REPORT_INTERVAL_NANOS, clock);
    this.refusalLog = new LogLimiter(REPORT_INTERVAL_NANOS, clock);
  }

  /**
   * Reads and validates the configuration and creates the counters.
   *
   * @throws InvalidConfigurationException naming the key, see the class documentation
   */
  @Override
  public void configure(Context context) {
    ComponentConfig config = ComponentConfig.parseSource(DEFINITION, context, COMPONENT);
    ReplayFiles input;
    try {
      input = ReplayFiles.of(config.getString(FILE));
    } catch (IllegalArgumentException e) {
      throw ComponentConfig.invalid(COMPONENT, FILE, ": " + e.getMessage(), e);
    }
    try {
      if (input.resolve().isEmpty()) {
        throw ComponentConfig.invalid(COMPONENT, FILE, ": the glob '" + input
            + "' matches no readable regular file");
      }
    } catch (IOException e) {
      throw ComponentConfig.invalid(COMPONENT, FILE, ": " + e.getMessage(), e);
    }
    boolean byTimestamp = PACE_BY_TIMESTAMP.equals(config.getString(PACE_BY));
    double rate = config.getDouble(EVENTS_PER_SECOND);
    if (byTimestamp && rate > 0) {
      throw ComponentConfig.invalid(COMPONENT, EVENTS_PER_SECOND, " must be 0 (or absent) "
          + "with " + PACE_BY + " = " + PACE_BY_TIMESTAMP + ", got " + rate);
    }
    if (!byTimestamp) {
      for (String key : List.of(SPEEDUP, TIMESTAMP_FORMAT)) {
        if (context.getString(key) != null) {
          throw ComponentConfig.invalid(COMPONENT, key, " applies only with " + PACE_BY
              + " = " + PACE_BY_TIMESTAMP);
        }
      }
    }
    positionFile = new ReplayPositionFile(positionFile(config.getString(POSITION_FILE)));
    files = input;
    eventsPerSecond = rate;
    batchSize = config.getInt(BATCH_SIZE);
    loop = config.getBoolean(LOOP);
    paceByTimestamp = byTimestamp;
    speedup = config.getDouble(SPEEDUP);
    timestampFormat = TimestampFormat.of(config.getString(TIMESTAMP_FORMAT));
    backoffSleepIncrementMs = config.getLong(BACKOFF_SLEEP_INCREMENT_MS);
    maxBackoffSleepMs = config.getLong(MAX_BACKOFF_SLEEP_MS);
    maxLineBytes = config.getInt(MAX_LINE_BYTES);
    if (counter == null) {
      counter = new ReplaySourceCounter(getName());
    }
    LOG.info("{} configured: file={}, paceBy={}, eventsPerSecond={}, speedup={}, batchSize={}, "
        + "loop={}, maxLineBytes={}, positionFile={}", getName(), files,
        config.getString(PACE_BY), eventsPerSecond, speedup, batchSize, loop, maxLineBytes,
        positionFile.file());
  }

  /** The position file of a {@link #POSITION_FILE} setting, its directory created. */
  private Path positionFile(String setting) {
    Path path;
    try {
      path = (setting.isEmpty()
          ? Paths.get(System.getProperty("user.home"), ".flume", "replay-" + getName() + ".json")
          : Paths.get(setting)).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw ComponentConfig.invalid(COMPONENT, POSITION_FILE, ": invalid path '" + setting
          + "'", e);
    }
    if (setting.contains("${")) {
      LOG.warn("{}: key '{}' = '{}' looks like an unresolved ${...} lookup; the position file "
          + "is {}", getName(), POSITION_FILE, setting, path);
    }
    try {
      Files.createDirectories(path.getParent());
    } catch (IOException e) {
      throw ComponentConfig.invalid(COMPONENT, POSITION_FILE, ": cannot create the directory "
          + "of " + path + ": " + e, e);
    }
    if (Files.exists(path) && !Files.isRegularFile(path)) {
      throw ComponentConfig.invalid(COMPONENT, POSITION_FILE, ": " + path
          + " exists and is not a regular file");
    }
    return path;
  }

  /**
   * Starts the counters, reads the position file, resolves the input and opens the first file
   * that is not finished, where its committed lines end.
   *
   * @throws IllegalStateException if the source has not been configured
   * @throws FlumeException if the position file cannot be read, or the input cannot be resolved
   *     or opened
   */
  @Override
  public synchronized void start() {
    if (counter == null) {
      throw new IllegalStateException(getName() + " started before configure()");
    }
    closeReader();
    pending.clear();
    held = null;
    refusedAttempts = 0;
    ReplayPositionFile.State saved;
    try {
      saved = positionFile.load();
    } catch (IOException e) {
      throw new FlumeException(getName() + ": cannot read the position file "
          + positionFile.file() + " (key '" + POSITION_FILE + "'): " + e.getMessage()
          + "; fix it, or delete it to replay " + files + " from its first line", e);
    }
    pass = saved.pass;
    committed = new LinkedHashMap<>(saved.files);
    finishedUncommitted.clear();
    pendingEndFile = null;
    passExhausted = false;
    finished = false;
    pacer = new RatePacer(eventsPerSecond, clock);
    timestampPacer = new TimestampPacer(speedup, clock);
    counter.start(); // before the first file is opened: resuming past files counts
    try {
      startPass();
      openNext();
    } catch (IOException e) {
      throw new FlumeException("Cannot open " + files + " for source " + getName(), e);
    }
    super.start();
    if (committed.isEmpty()) {
      LOG.info("{} started: replaying {} ({} files), pass {}, from the first line (no progress "
          + "in position file {})", getName(), files, inputs.size(), pass, positionFile.file());
    } else {
      LOG.info("{} started: replaying {} ({} files), pass {}, resuming after the lines position "
          + "file {} records: {}", getName(), files, inputs.size(), pass, positionFile.file(),
          committed.values());
    }
  }

  /** Closes the file, stops the counters and logs them. */
  @Override
  public synchronized void stop() {
    closeReader();
    pending.clear();
    held = null;
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
   *     the replay is complete ({@code loop=false}), when a pass of an empty input ended, or when
   *     the calling thread was interrupted
   * @throws EventDeliveryException when a file cannot be read or reopened (the read is retried
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
        if (paceByTimestamp) {
          readBatchByTimestamp();
        } else {
          readBatchByRate();
        }
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
      throw new EventDeliveryException("Cannot read " + (input == null ? files : input)
          + " for source " + getName(), e);
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

  /** The position file; {@code null} before {@link #configure(Context)}. */
  Path positionFile() {
    return positionFile == null ? null : positionFile.file();
  }

  /** Reads up to {@code batchSize} lines (as many as are due) into {@link #pending}. */
  private void readBatchByRate() throws IOException, InterruptedException {
    int permits = pacer.acquire(batchSize);
    int read = 0;
    try {
      while (read < permits) {
        byte[] line = nextLine();
        if (line == null) {
          passExhausted = true;
          break;
        }
        addPending(newEvent(line));
        counter.incrementEventReceivedCount();
        read++;
      }
    } finally {
      // Also after a read error: the lines read so far stay pending and are delivered first.
      pacer.refund(permits - read);
      if (!pending.isEmpty()) {
        counter.incrementAppendBatchReceivedCount();
      }
    }
  }

  /**
   * Reads up to {@code batchSize} lines that are due into {@link #pending}, waiting for the first
   * one when it is not due yet; a line read that is not due ends the batch and is held.
   */
  private void readBatchByTimestamp() throws IOException, InterruptedException {
    try {
      while (pending.size() < batchSize) {
        if (held == null) {
          byte[] line = nextLine();
          if (line == null) {
            passExhausted = true;
            break;
          }
          held = newEvent(line);
          counter.incrementEventReceivedCount();
          long stampMs = timestampFormat.epochMillis(line);
          if (stampMs == TimestampFormat.NONE) {
            counter.incrementTimestampParseFailCount();
            heldDueNanos = clock.nanoTime();
          } else {
            heldDueNanos = timestampPacer.dueNanos(stampMs);
          }
        }
        long waitNanos = heldDueNanos - clock.nanoTime();
        if (waitNanos > 0) {
          if (!pending.isEmpty()) {
            break; // deliver what is due now; wait for this one on the next call
          }
          clock.sleepNanos(waitNanos);
        }
        addPending(held); // nothing was read since held: the reader is still at its end
        held = null;
      }
    } finally {
      if (!pending.isEmpty()) {
        counter.incrementAppendBatchReceivedCount();
      }
    }
  }

  /**
   * The next line of the pass, moving to the next file at the end of one; null at the end of the
   * last file. A gzip file that cannot be decoded is abandoned (counted, logged).
   */
  private byte[] nextLine() throws IOException {
    while (true) {
      if (reader == null && !openNext()) {
        return null;
      }
      byte[] line;
      try {
        line = reader.readLine();
      } catch (ZipException | EOFException e) {
        if (!readerIsGzip) {
          throw e;
        }
        counter.incrementEventReadFail();
        counter.incrementSkippedFileCount();
        LOG.error("{}: {} is corrupt or truncated after line {} ({}); skipping the rest of it",
            getName(), input, lineNumber, e.toString());
        finishFile();
        continue;
      }
      if (line == null) {
        if (skipLines > 0) {
          LOG.warn("{}: {} has {} lines, fewer than the {} its position file records as "
              + "delivered", getName(), input, lineNumber, lineNumber + skipLines);
          skipLines = 0;
        }
        LOG.debug("{}: end of {} after {} lines", getName(), input, lineNumber);
        finishFile();
        continue;
      }
      lineNumber++;
      if (skipLines > 0) {
        skipLines--; // resuming a gzip file: this line was committed by an earlier run
        continue;
      }
      passEvents++;
      lineCut = reader.lastLineCut();
      lineLength = reader.lastLineLength();
      return line;
    }
  }

  /**
   * Opens the file at {@link #inputIndex}, or the first after it that the position file does not
   * record as finished, where its committed lines end; false when every file of the pass has
   * been read.
   */
  private boolean openNext() throws IOException {
    while (reader == null) {
      if (inputIndex >= inputs.size()) {
        return false;
      }
      input = inputs.get(inputIndex);
      FileProgress saved = committed.get(ReplayFiles.key(input.path));
      if (saved != null) {
        String mismatch = saved.mismatch(input.path);
        if (mismatch != null) {
          LOG.warn("{}: {} is not the file position file {} records ({}); replaying it from its "
              + "first line", getName(), input, positionFile.file(), mismatch);
          committed.remove(saved.path);
          saved = null;
        } else if (saved.done) {
          LOG.info("{}: {} was replayed to its end ({} lines) before the restart; skipping it",
              getName(), input, saved.lines);
          counter.addToResumedEventCount(saved.lines);
          passResumed += saved.lines;
          inputIndex++;
          continue;
        }
      }
      long offset = saved == null || saved.gzip ? 0 : saved.offset;
      InputStream in = ReplayFiles.open(input.path, offset);
      boolean gzip = in instanceof GZIPInputStream;
      FileProgress identity = saved;
      if (identity == null) {
        try {
          identity = FileProgress.identify(input.path, input.name, gzip);
        } catch (IOException e) {
          in.close();
          throw e;
        }
      }
      readerIsGzip = gzip;
      reader = new LineReader(in, LineReader.DEFAULT_BUFFER_SIZE, maxLineBytes);
      opened = identity;
      openedOffset = readerIsGzip ? 0 : offset;
      lineNumber = saved == null || readerIsGzip ? 0 : saved.lines;
      skipLines = saved != null && readerIsGzip ? saved.lines : 0;
      if (saved != null) {
        counter.addToResumedEventCount(saved.lines);
        passResumed += saved.lines;
        LOG.info("{}: resuming {} after line {} ({})", getName(), input, saved.lines,
            readerIsGzip ? "gzip: skipping the lines again" : "byte offset " + offset);
      }
    }
    return true;
  }

  /** Records the open file as read to its end (or abandoned) and moves to the next one. */
  private void finishFile() {
    finishedUncommitted.add(opened.at(lineNumber, openedOffset + reader.offset(), true));
    closeReader();
    inputIndex++;
  }

  /** Adds an event read from the open file (its last line read) to {@link #pending}. */
  private void addPending(Event event) {
    pending.add(event);
    pendingEndFile = opened;
    pendingEndLines = lineNumber;
    pendingEndOffset = openedOffset + reader.offset();
  }

  /**
   * The event of the line {@link #nextLine()} just returned, with its headers; a line that was cut
   * gets the reject headers and is counted and reported.
   */
  private Event newEvent(byte[] line) {
    Map<String, String> headers = new HashMap<>(lineCut ? 12 : 8);
    String id = input.name + ':' + lineNumber;
    String eventId = pass == 1 ? id : id + '#' + pass;
    headers.put(EVENT_ID, eventId);
    String readTime = Long.toString(System.currentTimeMillis());
    headers.put(TIMESTAMP, readTime);
    headers.put(READ_TIME, readTime);
    if (lineCut) {
      headers.put(EventHeaders.REJECT_REASON, RejectReason.LINE_TOO_LONG.code());
      headers.put(EventHeaders.REJECTED_BY, REPLAY_SOURCE);
      headers.put(EventHeaders.ORIGINAL_LENGTH_BYTES, Long.toString(lineLength));
      counter.incrementTruncatedLineCount();
      if (cutLineLog.tryPass()) {
        LOG.warn("{}: line {} of {} (eventId {}) is {} bytes long, more than {} = {}: its event "
            + "carries its first {} bytes with {} = {}, the rest is skipped ({} more lines cut "
            + "since the last report; TruncatedLineCount counts them all)", getName(), lineNumber,
            input, eventId, lineLength, MAX_LINE_BYTES, maxLineBytes, maxLineBytes,
            EventHeaders.REJECT_REASON, RejectReason.LINE_TOO_LONG.code(),
            cutLineLog.heldBack());
      }
    }
    return EventBuilder.withBody(line, headers);
  }

  /** Offers {@link #pending} to the channels; true if accepted (it is then cleared). */
  private boolean deliverPending() throws EventDeliveryException {
    try {
      // A copy: interceptors may build or reorder their own lists; ours must stay intact.
      getChannelProcessor().processEventBatch(new ArrayList<>(pending));
    } catch (ChannelException e) {
      counter.incrementChannelWriteFail();
      reportRefusal(e);
      return false;
    } catch (RuntimeException e) {
      counter.incrementGenericProcessingFail();
      throw new EventDeliveryException(getName() + ": failed to deliver a batch of "
          + pending.size() + " events ending at " + input + ":" + lineNumber + "; will retry", e);
    }
    counter.addToEventAcceptedCount(pending.size());
    counter.incrementAppendBatchAcceptedCount();
    if (refusedAttempts > 0) {
      LOG.info("{}: the channel accepted the batch from eventId {} after {} refused attempts",
          getName(), pending.get(0).getHeaders().get(EVENT_ID), refusedAttempts);
      refusedAttempts = 0;
    }
    pending.clear();
    recordCommit();
    return true;
  }

  /**
   * Counts and reports a refusal of {@link #pending}: at ERROR (rate-limited) when its cause is
   * permanent, at WARN (rate-limited) when the batch has been refused for a while, else at DEBUG.
   */
  private void reportRefusal(ChannelException e) {
    long now = clock.nanoTime();
    if (refusedAttempts++ == 0) {
      refusedSinceNanos = now;
    }
    long seconds = TimeUnit.NANOSECONDS.toSeconds(now - refusedSinceNanos);
    String first = pending.get(0).getHeaders().get(EVENT_ID);
    String last = pending.get(pending.size() - 1).getHeaders().get(EVENT_ID);
    Throwable permanent = permanentCause(e);
    if (permanent != null) {
      counter.incrementPermanentChannelWriteFailCount();
      if (refusalLog.tryPass()) {
        LOG.error("{}: the channel refused the batch of {} events from eventId {} to {} with an "
            + "error that retrying cannot fix: {} (attempt {} over {} s; {} reports held back). "
            + "The source retries this batch at every back-off so as to lose no line: the "
            + "pipeline is stalled until the cause is removed. For a Kafka channel's "
            + "RecordTooLargeException, keep {} (now {}) well below the producer's "
            + "max.request.size (see ReplaySource, \"Long lines\"), or raise it, and restart "
            + "the agent", getName(), pending.size(), first, last, permanent, refusedAttempts,
            seconds, refusalLog.heldBack(), MAX_LINE_BYTES, maxLineBytes, e);
      }
    } else if (now - refusedSinceNanos >= REPORT_INTERVAL_NANOS && refusalLog.tryPass()) {
      LOG.warn("{}: the channel has refused the batch of {} events from eventId {} to {} for {} "
          + "s ({} attempts; {} reports held back), last because: {}; retrying", getName(),
          pending.size(), first, last, seconds, refusedAttempts, refusalLog.heldBack(),
          causes(e));
    } else {
      LOG.debug("{}: channel refused a batch of {} events from eventId {} to {}, will retry: {}",
          getName(), pending.size(), first, last, causes(e));
    }
  }

  /**
   * The first cause of {@code e} (itself included) that retrying the same put cannot cure: a
   * Kafka {@link ApiException} that is not a {@link RetriableException}, e.g.
   * {@code RecordTooLargeException}; null when there is none.
   */
  static Throwable permanentCause(Throwable e) {
    Throwable t = e;
    for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++) {
      if (t instanceof ApiException && !(t instanceof RetriableException)) {
        return t;
      }
      t = t.getCause() == t ? null : t.getCause();
    }
    return null;
  }

  /** The messages of {@code e} and its causes, joined by {@code ": "}. */
  private static String causes(Throwable e) {
    StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
    Throwable t = e.getCause();
    for (int depth = 0; t != null && depth < MAX_CAUSE_DEPTH; depth++) {
      text.append(": ").append(t);
      t = t.getCause() == t ? null : t.getCause();
    }
    return text.toString();
  }

  /**
   * Writes the progress of the batch just committed: the files finished before its last line
   * was read (or after: all their lines are in it or before it), and where its last line ends.
   */
  private void recordCommit() {
    commitFinishedFiles();
    if (pendingEndFile != null) {
      FileProgress known = committed.get(pendingEndFile.path);
      if (known == null || !known.done) {
        committed.put(pendingEndFile.path,
            pendingEndFile.at(pendingEndLines, pendingEndOffset, false));
      }
      pendingEndFile = null;
    }
    savePositions();
  }

  private void commitFinishedFiles() {
    for (FileProgress file : finishedUncommitted) {
      committed.put(file.path, file);
    }
    finishedUncommitted.clear();
  }

  /** Rewrites the position file; a failure is counted and logged, the next commit retries. */
  private void savePositions() {
    try {
      positionFile.save(files.toString(), pass, committed.values());
    } catch (IOException e) {
      counter.incrementPositionSaveFailCount();
      LOG.warn("{}: cannot write position file {}: {}; a restart before the next successful "
          + "write redelivers the lines committed since the last one", getName(),
          positionFile.file(), e.toString());
    }
  }

  /** Called once every line of the current pass has been accepted. */
  private Status completePass() throws IOException {
    long events = passEvents;
    long resumed = passResumed;
    counter.incrementEndOfInputCount();
    closeReader();
    passExhausted = false;
    commitFinishedFiles();
    if (!loop) {
      savePositions();
      finished = true;
      LOG.info("Replay of {} complete: {} events ({} more delivered before a restart)", files,
          events, resumed);
      return Status.BACKOFF;
    }
    LOG.info("Replay of {} pass {} complete: {} events ({} more delivered before a restart); "
        + "starting pass {}", files, pass, events, resumed, pass + 1);
    pass++;
    committed.clear();
    savePositions();
    startPass();
    // An empty input would otherwise make the runner spin through empty passes.
    return events == 0 ? Status.BACKOFF : Status.READY;
  }

  /** Resolves the input (again, for a glob) and rewinds to its first file. */
  private void startPass() throws IOException {
    if (files.isGlob() || inputs.isEmpty()) {
      inputs = files.resolve();
    }
    inputIndex = 0;
    passEvents = 0;
    passResumed = 0;
    lineNumber = 0;
    timestampPacer.reset();
  }

  private void closeReader() {
    if (reader == null) {
      return;
    }
    try {
      reader.close();
    } catch (IOException e) {
      LOG.warn("{}: cannot close {}", getName(), input, e);
    } finally {
      reader = null;
    }
  }
}
