package io.sluice.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@value #FILE_NAME} into the output directory atomically: the JSON goes to a temporary
 * file in the same directory, which is then renamed over the old summary
 * ({@link StandardCopyOption#ATOMIC_MOVE}), so a reader sees either the previous or the new
 * summary, never a partial one. See {@link Summary} for the contract.
 *
 * <p>Runs on the driver. Writes are ordered by batch time: a write for an earlier batch than the
 * last one written is skipped, and {@link #writeInitial()} only writes while no batch has been
 * written, so it cannot overwrite a first batch that finished before it. A failed write is logged
 * and the next batch tries again; it does not stop the job.
 *
 * <p>Serializable because the streaming output operation that calls it is part of the
 * checkpointed DStream graph.
 */
public final class SummaryWriter implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(SummaryWriter.class);

  /** Name of the summary file in the output directory. */
  public static final String FILE_NAME = "summary.json";

  private static final long NOTHING_WRITTEN = Long.MIN_VALUE;

  private final String dir;
  private long lastBatchTimeMs = NOTHING_WRITTEN;
  private SortedMap<String, Long> lastUnrouted = new TreeMap<>();

  /** Writes into {@code dir}, which must exist. */
  public SummaryWriter(Path dir) {
    this.dir = dir.toAbsolutePath().toString();
  }

  /** The summary file. */
  public Path file() {
    return Paths.get(dir, FILE_NAME);
  }

  /** Writes the all-zero summary unless a batch has already been written. */
  public synchronized boolean writeInitial() {
    return write(NOTHING_WRITTEN, Summary.empty());
  }

  /**
   * Writes the summary of the batch at {@code batchTimeMs} unless a later batch was written.
   *
   * @return whether the file was written
   */
  public synchronized boolean write(long batchTimeMs, Summary summary) {
    if (batchTimeMs < lastBatchTimeMs) {
      LOG.debug("Skipping summary of batch {}: batch {} already written", batchTimeMs, lastBatchTimeMs);
      return false;
    }
    if (!summary.unrouted().equals(lastUnrouted)) {
      LOG.warn("Events with a pipeline header other than logs/tweets (not in {}): {}",
          FILE_NAME, summary.unrouted());
      lastUnrouted = summary.unrouted();
    }
    try {
      replaceAtomically(summary.toJson().getBytes(StandardCharsets.UTF_8));
      lastBatchTimeMs = batchTimeMs;
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.error("Could not write {}; the next batch will try again", file(), e);
      return false;
    }
  }

  private void replaceAtomically(byte[] content) throws IOException {
    Path target = file();
    Path tmp = Files.createTempFile(target.getParent(), "." + FILE_NAME + "-", ".tmp");
    try {
      Files.write(tmp, content);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
