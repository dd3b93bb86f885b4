package io.sluice.flume.interceptor.taildir;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.contract.EventHeaders;
import io.sluice.contract.RejectReason;
import io.sluice.flume.interceptor.CountingInterceptor;
import io.sluice.flume.metrics.InterceptorCounter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.interceptor.Interceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives each line read by Flume's {@code TAILDIR} source a stable {@value EventHeaders#EVENT_ID}
 * and drops the lines a rotated file repeats (a renamed file read again, a {@code copytruncate}
 * copy), so that a tailed log that grows,
 * rotates (by rename or by copytruncate) and is re-read after an agent restart reaches the
 * analytics exactly once.
 *
 * <h2>Input</h2>
 * Events of a {@code TAILDIR} source with {@code fileHeader = true} (header
 * {@value EventHeaders#FILE}, Flume's default {@code fileHeaderKey}) and
 * {@code byteOffsetHeader = true} (header {@value EventHeaders#BYTE_OFFSET}); the body is the
 * line without its {@code \n} or {@code \r\n}, as Flume 1.11's {@code TailFile} makes it.
 *
 * <h2>Why neither header is an id, and why ids are not enough</h2>
 * Flume 1.11's {@code ReliableTaildirEventReader} tracks files by inode, but a file found under
 * another path than its {@code TailFile}'s is opened anew from offset 0: after
 * {@code access.log} is renamed to {@code access.log.1}, a pattern that matches both reads the
 * whole renamed file again, under its new name. Its position file is matched by inode and path,
 * so a file renamed while the agent was down is read again from 0 too. {@code copytruncate}
 * creates the copy as a new inode, also read from 0. In each case every line of the rotated
 * file (a day of log) comes again, long after any dedup horizon of the Spark job. And a line
 * read from a file just renamed, before the source's next scan, carries the old path.
 *
 * <h2>What this interceptor does</h2>
 * <ol>
 *   <li>Finds the file the line is in: the file named by the header if the bytes at the
 *       offset are the body followed by {@code \n}, {@code \r\n} or the end of the file; else
 *       the first other file of that directory whose name starts with the header's file name
 *       less a {@code .<digits>} suffix ({@code access.log} for {@code access.log.1}), in name
 *       order, that holds them.</li>
 *   <li>Fingerprints that file: the first 16 hex digits of the SHA-256 of its first line (up
 *       to {@value #FINGERPRINT_BYTES} bytes, {@code \n} included). A rename or a copy keeps the
 *       first line; a truncated file gets a new one.</li>
 *   <li>Sets {@value EventHeaders#EVENT_ID} = {@code <fingerprint>:<byte offset>}: the same for
 *       a line read again after a restart, from a renamed file, or from a copy.</li>
 *   <li>Remembers, per fingerprint, the inode and the path (header) the lines were read under
 *       and the end offset of the last line read. A line with that fingerprint read under
 *       another inode or another path (a copy, a renamed file opened anew) that starts before
 *       that offset was already delivered: it is dropped (counted in
 *       {@code EventDroppedCount.duplicate}); the rest of such a file (lines written after the
 *       last read) passes. A line read again under the same inode and path (the source's retry
 *       after a failed channel put, a restart that restored its position) is never dropped: the
 *       Spark job's dedup by {@code eventId} removes it.</li>
 * </ol>
 * A line found in no file (deleted or truncated between the read and this interceptor, which
 * runs right after the read in the source's thread) gets {@code line-<sha-256 of the body, 16
 * hex>:<offset>} and is counted in {@value #EVENT_NOT_LOCATED}. An event without the two
 * headers passes without an id ({@value #EVENT_WITHOUT_POSITION}; the Spark job then derives
 * one from its headers).
 *
 * <h2>Limits</h2>
 * Two different files whose first lines are byte-identical (up to
 * {@value #FINGERPRINT_BYTES} bytes) share a fingerprint: their lines at equal offsets get
 * equal ids, and the second file's lines before the first's end offset are dropped. The memory
 * of read offsets outlives a restart only with a {@code stateFile}; it is written at most every
 * {@code stateWriteIntervalMs}, so after a {@code kill -9} lines of a rotated file read in the
 * last interval can be delivered again (same ids: the Spark job's dedup drops them while
 * recent). Conversely the memory is updated when a line is intercepted, before the channel
 * commits it: if the agent dies before that commit and the file is renamed before it restarts,
 * those uncommitted lines are dropped as already read. This interceptor does not change what
 * {@code TAILDIR} reads: the copytruncate windows (lines written between the copy and the
 * truncation are lost; a truncated file that grows past the read position before the source
 * scans it again is not seen as truncated) are logrotate's and the source's.
 *
 * <h2>Counters</h2>
 * {@code INTERCEPTOR} group (default name {@value #NAME}, see {@link InterceptorCounter}):
 * {@code EventReceivedCount}, {@code EventAcceptedCount}, {@code EventDroppedCount},
 * {@code EventDroppedCount.duplicate}, {@value #EVENT_IN_OTHER_FILE} (lines found in another
 * file than the header's: read from a file renamed since the source's last scan),
 * {@value #EVENT_NOT_LOCATED},
 * {@value #EVENT_WITHOUT_POSITION}, {@value #STATE_WRITE_FAIL}. Never rejects.
 *
 * <p>Configure as {@code io.sluice.flume.interceptor.taildir.TailedLineInterceptor$Builder}
 * right after the source; keys in {@link TailedLineInterceptorConfig}. Batches are processed one
 * at a time (synchronised).
 */
public final class TailedLineInterceptor extends CountingInterceptor {

  /** Default counter group name. */
  public static final String NAME = "tailed-line-interceptor";
  /** Counter: lines found in another file than the one the path header names. */
  public static final String EVENT_IN_OTHER_FILE = "EventInOtherFileCount";
  /** Counter: lines found in no file; their id is derived from the body. */
  public static final String EVENT_NOT_LOCATED = "EventNotLocatedCount";
  /** Counter: events without the file or byte-offset header; passed without an id. */
  public static final String EVENT_WITHOUT_POSITION = "EventWithoutPositionCount";
  /** Counter: failed writes of the state file. */
  public static final String STATE_WRITE_FAIL = "StateWriteFailCount";
  /** Most bytes of the first line that make the fingerprint. */
  public static final int FINGERPRINT_BYTES = 4096;

  private static final Logger LOG = LoggerFactory.getLogger(TailedLineInterceptor.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();
  private static final int FINGERPRINT_HEX_DIGITS = 16;

  /**
   * How far a file, known by its fingerprint, was read.
   *
   * @param inode the inode the lines were read from
   * @param file the path TAILDIR read them under (its header)
   * @param end the end offset of the last line read (exclusive)
   * @param seenMs when a line of it was last seen, epoch milliseconds
   */
  record Reading(long inode, String file, long end, long seenMs) {
  }

  /** A file holding an intercepted line. */
  private record Location(Path path, long inode, String fingerprint, long end) {
  }

  private final Path stateFile;
  private final long stateWriteIntervalMs;
  private final long expiryMs;
  private final int maxFiles;
  private final LongSupplier clock;
  /** Fingerprint to reading, least recently seen first. */
  private final LinkedHashMap<String, Reading> readings = new LinkedHashMap<>(16, 0.75f, true);
  private boolean dirty;
  private long lastWriteMs;

  /** Package-private seam: tests pass a clock. */
  TailedLineInterceptor(TailedLineInterceptorConfig config, LongSupplier clock) {
    super(new InterceptorCounter(config.counterGroup(), List.of(),
        List.of(RejectReason.DUPLICATE.code()),
        List.of(EVENT_IN_OTHER_FILE, EVENT_NOT_LOCATED, EVENT_WITHOUT_POSITION,
            STATE_WRITE_FAIL)));
    this.stateFile = config.stateFile().isEmpty() ? null : Paths.get(config.stateFile());
    this.stateWriteIntervalMs = config.stateWriteIntervalMs();
    this.expiryMs = config.stateExpirySeconds() * 1000;
    this.maxFiles = config.maxFiles();
    this.clock = clock;
  }

  /** Starts the counters and loads the state file, if any (a missing file is an empty state). */
  @Override
  public synchronized void initialize() {
    super.initialize();
    if (stateFile == null || !Files.exists(stateFile)) {
      return;
    }
    try {
      Map<String, Reading> loaded = JSON.readValue(stateFile.toFile(),
          new TypeReference<LinkedHashMap<String, Reading>>() { });
      readings.putAll(loaded);
      LOG.info("Loaded {} file fingerprints from {}", loaded.size(), stateFile);
    } catch (IOException e) {
      // A state file cut by a crash: start afresh; copies may then be read again (same ids).
      LOG.warn("Cannot read state file {}, starting without it: {}", stateFile, e.toString());
    }
  }

  /**
   * Sets the id of one event, or drops it as a line of a copy already read.
   *
   * @param event an event of a TAILDIR source
   * @return the event, or null when dropped
   */
  @Override
  public Event intercept(Event event) {
    List<Event> out = intercept(new ArrayList<>(List.of(event)));
    return out.isEmpty() ? null : out.get(0);
  }

  @Override
  public synchronized List<Event> intercept(List<Event> events) {
    if (events == null) {
      return new ArrayList<>(0);
    }
    List<Event> out = new ArrayList<>(events.size());
    try (OpenFiles files = new OpenFiles()) {
      for (Event event : events) {
        if (event != null && keep(event, files)) {
          out.add(event);
        }
      }
    }
    maybeWriteState(false);
    return out;
  }

  private boolean keep(Event event, OpenFiles files) {
    counter.received();
    Map<String, String> headers = event.getHeaders();
    String file = headers.get(EventHeaders.FILE);
    long offset = parseOffset(headers.get(EventHeaders.BYTE_OFFSET));
    byte[] body = event.getBody() == null ? new byte[0] : event.getBody();
    if (file == null || file.isEmpty() || offset < 0) {
      counter.incrementCounter(EVENT_WITHOUT_POSITION);
      counter.accepted();
      return true;
    }
    Path named = Paths.get(file);
    Location location = files.locate(named, offset, body);
    if (location == null) {
      counter.incrementCounter(EVENT_NOT_LOCATED);
      headers.put(EventHeaders.EVENT_ID, "line-" + sha256Hex(body, body.length) + ":" + offset);
      counter.accepted();
      return true;
    }
    if (!location.path().equals(named)) {
      counter.incrementCounter(EVENT_IN_OTHER_FILE);
    }
    long now = clock.getAsLong();
    Reading reading = readings.get(location.fingerprint());
    if (reading != null && now - reading.seenMs() > expiryMs) {
      reading = null;
    }
    boolean sameReader = reading != null && reading.inode() == location.inode()
        && reading.file().equals(file);
    if (reading != null && !sameReader && offset < reading.end()) {
      readings.put(location.fingerprint(),
          new Reading(reading.inode(), reading.file(), reading.end(), now));
      counter.dropped(RejectReason.DUPLICATE.code());
      return false;
    }
    long end = sameReader ? Math.max(reading.end(), location.end()) : location.end();
    readings.put(location.fingerprint(), new Reading(location.inode(), file, end, now));
    dirty = true;
    expire(now);
    headers.put(EventHeaders.EVENT_ID, location.fingerprint() + ":" + offset);
    counter.accepted();
    return true;
  }

  private void expire(long now) {
    Iterator<Map.Entry<String, Reading>> it = readings.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Reading> oldest = it.next();
      if (readings.size() <= maxFiles && now - oldest.getValue().seenMs() <= expiryMs) {
        break;
      }
      it.remove();
    }
  }

  /** Writes the state file when it changed and the interval has passed, or when forced. */
  private void maybeWriteState(boolean force) {
    if (stateFile == null || !dirty) {
      return;
    }
    long now = clock.getAsLong();
    if (!force && now - lastWriteMs < stateWriteIntervalMs) {
      return;
    }
    try {
      Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
      Files.write(tmp, JSON.writeValueAsBytes(readings));
      Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
      dirty = false;
      lastWriteMs = now;
    } catch (IOException e) {
      counter.incrementCounter(STATE_WRITE_FAIL);
      lastWriteMs = now; // retried after the interval, not at every batch
      LOG.warn("Cannot write state file {}: {}", stateFile, e.toString());
    }
  }

  /** Writes the state file, then stops the counters. */
  @Override
  public synchronized void close() {
    maybeWriteState(true);
    super.close();
  }

  /**
   * The remembered readings, least recently seen first; for tests.
   *
   * @return a copy
   */
  synchronized Map<String, Reading> readings() {
    return new LinkedHashMap<>(readings);
  }

  private static long parseOffset(String text) {
    if (text == null) {
      return -1;
    }
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static String sha256Hex(byte[] bytes, int length) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(bytes, 0, length);
      return HEX.formatHex(sha.digest()).substring(0, FINGERPRINT_HEX_DIGITS);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
    }
  }

  /** The name a rotated file's siblings share: {@code access.log} for {@code access.log.12}. */
  static String rotationStem(String name) {
    int dot = name.lastIndexOf('.');
    if (dot > 0 && dot < name.length() - 1
        && name.substring(dot + 1).chars().allMatch(c -> c >= '0' && c <= '9')) {
      return name.substring(0, dot);
    }
    return name;
  }

  /** The files opened for one batch, closed at its end. */
  private static final class OpenFiles implements AutoCloseable {
    private final Map<Path, FileChannel> open = new HashMap<>();
    private final Map<Path, String> fingerprints = new HashMap<>();
    private final Map<Path, Long> inodes = new HashMap<>();
    private final Map<Path, List<Path>> siblings = new HashMap<>();

    Location locate(Path named, long offset, byte[] body) {
      long end = lineEnd(named, offset, body);
      if (end >= 0) {
        return location(named, end);
      }
      for (Path other : siblings(named)) {
        end = lineEnd(other, offset, body);
        if (end >= 0) {
          return location(other, end);
        }
      }
      return null;
    }

    private Location location(Path path, long end) {
      String fingerprint = fingerprint(path);
      Long inode = inode(path);
      return fingerprint == null || inode == null ? null
          : new Location(path, inode, fingerprint, end);
    }

    /** End of the line at {@code offset} if {@code path} holds {@code body} there, else -1. */
    private long lineEnd(Path path, long offset, byte[] body) {
      FileChannel channel = channel(path);
      if (channel == null) {
        return -1;
      }
      ByteBuffer buffer = ByteBuffer.allocate(body.length + 2);
      try {
        long at = offset;
        while (buffer.hasRemaining()) {
          int n = channel.read(buffer, at);
          if (n < 0) {
            break;
          }
          at += n;
        }
      } catch (IOException e) {
        return -1;
      }
      byte[] read = buffer.array(); // its first buffer.position() bytes were read
      int length = buffer.position();
      if (length < body.length || !Arrays.equals(read, 0, body.length, body, 0, body.length)) {
        return -1;
      }
      long lineEnd = offset + body.length;
      if (length == body.length) {
        return lineEnd; // the last line, without a terminator (read at an idle close)
      }
      if (read[body.length] == '\n') {
        return lineEnd + 1;
      }
      if (read[body.length] == '\r' && length > body.length + 1
          && read[body.length + 1] == '\n') {
        return lineEnd + 2;
      }
      return -1;
    }

    private FileChannel channel(Path path) {
      if (open.containsKey(path)) {
        return open.get(path);
      }
      FileChannel channel;
      try {
        channel = FileChannel.open(path, StandardOpenOption.READ);
      } catch (IOException | UnsupportedOperationException e) {
        channel = null;
      }
      open.put(path, channel);
      return channel;
    }

    private String fingerprint(Path path) {
      if (fingerprints.containsKey(path)) {
        return fingerprints.get(path);
      }
      String fingerprint = null;
      FileChannel channel = channel(path);
      if (channel != null) {
        try {
          ByteBuffer buffer = ByteBuffer.allocate(FINGERPRINT_BYTES);
          long at = 0;
          while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
              break;
            }
            at += n;
          }
          byte[] head = buffer.array();
          int length = buffer.position();
          for (int i = 0; i < length; i++) {
            if (head[i] == '\n') {
              length = i + 1;
              break;
            }
          }
          fingerprint = sha256Hex(head, length);
        } catch (IOException e) {
          fingerprint = null;
        }
      }
      fingerprints.put(path, fingerprint);
      return fingerprint;
    }

    private Long inode(Path path) {
      if (inodes.containsKey(path)) {
        return inodes.get(path);
      }
      Long inode;
      try {
        inode = ((Number) Files.getAttribute(path, "unix:ino")).longValue();
      } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
        inode = null;
      }
      inodes.put(path, inode);
      return inode;
    }

    private List<Path> siblings(Path named) {
      List<Path> cached = siblings.get(named);
      if (cached != null) {
        return cached;
      }
      List<Path> found = new ArrayList<>();
      Path dir = named.toAbsolutePath().getParent();
      Path fileName = named.getFileName();
      if (dir != null && fileName != null) {
        String stem = rotationStem(fileName.toString());
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir,
            p -> p.getFileName().toString().startsWith(stem) && !p.equals(named)
                && Files.isRegularFile(p))) {
          stream.forEach(found::add);
        } catch (NoSuchFileException e) {
          // the directory went away: nothing to look in
        } catch (IOException e) {
          LOG.warn("Cannot list {}: {}", dir, e.toString());
        }
      }
      found.sort(null);
      siblings.put(named, found);
      return found;
    }

    @Override
    public void close() {
      for (FileChannel channel : open.values()) {
        if (channel != null) {
          try {
            channel.close();
          } catch (IOException e) {
            LOG.debug("Closing a tailed file: {}", e.toString());
          }
        }
      }
    }
  }

  /**
   * Builds {@link TailedLineInterceptor}; keys in {@link TailedLineInterceptorConfig}. Configure
   * as {@code io.sluice.flume.interceptor.taildir.TailedLineInterceptor$Builder}.
   */
  public static class Builder implements Interceptor.Builder {

    private TailedLineInterceptorConfig config = TailedLineInterceptorConfig.defaults();

    @Override
    public Interceptor build() {
      return new TailedLineInterceptor(config, System::currentTimeMillis);
    }

    /**
     * Reads the keys of {@link TailedLineInterceptorConfig}.
     *
     * @throws io.sluice.flume.config.InvalidConfigurationException naming a bad or unknown key
     */
    @Override
    public void configure(Context context) {
      config = TailedLineInterceptorConfig.parse(context);
    }
  }
}
