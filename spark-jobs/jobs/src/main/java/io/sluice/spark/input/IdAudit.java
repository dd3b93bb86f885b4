package io.sluice.spark.input;

import io.sluice.spark.output.OutputStore;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * With {@code --audit-ids}: the eventIds of every batch, for checking a run against its input
 * ({@code sluice bench faults}). Per batch time {@code T} (epoch ms), under the job's output:
 * {@code audit/T.received}, the ids the batch received (redeliveries included) and
 * {@code audit/T.counted}, the ids it counted (first seen, after deduplication); one id per line,
 * UTF-8, each file replaced atomically (none for a batch without ids), so a batch recomputed after a restart replaces its files
 * instead of adding to them. An id in the {@code .counted} files of two batches was counted twice.
 */
public final class IdAudit implements Serializable {

  private static final long serialVersionUID = 1L;

  public static final String RECEIVED = "received";
  public static final String COUNTED = "counted";

  private final OutputStore store;

  public IdAudit(OutputStore store) {
    this.store = store;
  }

  /** Writes the ids of one batch; nothing for a batch without any (a recomputed batch has the same ids). */
  public void write(long batchTimeMs, String kind, List<String> ids) {
    if (ids.isEmpty()) {
      return;
    }
    StringBuilder text = new StringBuilder(ids.size() * 24);
    for (String id : ids) {
      text.append(id).append('\n');
    }
    try {
      store.replace("audit/" + batchTimeMs + "." + kind, text.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the id audit of batch " + batchTimeMs, e);
    }
  }
}
