package io.sluice.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.spark.output.BatchOutputs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Reads the per-batch output directories of a local output location. */
public final class BatchFiles {

  private static final ObjectMapper JSON = new ObjectMapper();

  private BatchFiles() {}

  /** Batch directories under {@code out}, oldest first. */
  public static List<Path> batchDirs(Path out) {
    Path batches = out.resolve(BatchOutputs.BATCHES);
    if (!Files.isDirectory(batches)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(batches)) {
      return dirs.filter(Files::isDirectory)
          .sorted((a, b) -> Long.compare(Long.parseLong(a.getFileName().toString()),
              Long.parseLong(b.getFileName().toString())))
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode read(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Polls {@code condition} every 50 ms until it holds or {@code timeout} passes; returns the last result. */
  public static boolean await(BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean ok = condition.getAsBoolean();
    while (!ok && System.nanoTime() < deadline) {
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
      ok = condition.getAsBoolean();
    }
    return ok;
  }
}
