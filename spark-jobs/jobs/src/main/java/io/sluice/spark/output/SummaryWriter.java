package io.sluice.spark.output;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@value #FILE_NAME} into the output location, replaced atomically through an
 * {@link OutputStore}, so a reader sees either the previous or the new summary, never a partial
 * one. See {@link Summary} for the contract.
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

  private static final long serialVersionUID = 2L;
  private static final Logger LOG = LoggerFactory.getLogger(SummaryWriter.class);

  /** Name of the summary file in the output location. */
  public static final String FILE_NAME = "summary.json";

  private static final long NOTHING_WRITTEN = Long.MIN_VALUE;

  private final OutputStore store;
  private long lastBatchTimeMs = NOTHING_WRITTEN;
  /** The summary of the last batch given to {@link #write}, so a later output of the same batch need not collect it again. */
  private transient Summary latest;
  private transient long latestBatchTimeMs = NOTHING_WRITTEN;
  private SortedMap<String, Long> lastUnrouted = new TreeMap<>();

  public SummaryWriter(OutputStore store) {
    this.store = store;
  }

  /** Writes into local directory {@code dir}. */
  public SummaryWriter(Path dir) {
    this(OutputStore.local(dir));
  }

  /** The summary file's URI. */
  public String location() {
    return store.uri(FILE_NAME);
  }

  /** The summary file of a local output location. */
  public Path file() {
    return store.localPath(FILE_NAME);
  }

  /** Writes the all-zero summary unless a batch has already been written. */
  /**
   * The summary last given to {@link #write} if it was for batch {@code batchTimeMs}, else null
   * (another batch, or none since this writer was created or recovered from a checkpoint).
   */
  public synchronized Summary latest(long batchTimeMs) {
    return latest != null && latestBatchTimeMs == batchTimeMs ? latest : null;
  }

  public synchronized boolean writeInitial() {
    return write(NOTHING_WRITTEN, Summary.empty());
  }

  /**
   * Writes the summary of the batch at {@code batchTimeMs} unless a later batch was written.
   *
   * @return whether the file was written
   */
  public synchronized boolean write(long batchTimeMs, Summary summary) {
    latest = summary;
    latestBatchTimeMs = batchTimeMs;
    if (batchTimeMs < lastBatchTimeMs) {
      LOG.debug("Skipping summary of batch {}: batch {} already written", batchTimeMs, lastBatchTimeMs);
      return false;
    }
    if (!summary.unrouted().equals(lastUnrouted)) {
      LOG.warn("Events with a pipeline header other than logs/tweets/syslog (not in {}): {}",
          FILE_NAME, summary.unrouted());
      lastUnrouted = summary.unrouted();
    }
    try {
      store.replace(FILE_NAME, summary.toJson().getBytes(StandardCharsets.UTF_8));
      lastBatchTimeMs = batchTimeMs;
      return true;
    } catch (java.io.IOException | RuntimeException e) {
      LOG.error("Could not write {}; the next batch will try again", location(), e);
      return false;
    }
  }
}
