package io.sluice.spark;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/** Polls a summary.json until it holds an expected document, with a deadline. */
public final class SummaryFiles {

  private SummaryFiles() {}

  /** The parsed file, or null when it does not exist yet. */
  public static JsonNode read(Path file) {
    try {
      return ExpectedSummary.normalized(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits until {@code file} holds {@code expected}; returns the last content read (which equals
   * {@code expected} unless the deadline passed, for the caller's assertion to report).
   */
  public static JsonNode awaitContent(Path file, JsonNode expected, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last = read(file);
    while (!expected.equals(last) && System.nanoTime() < deadline) {
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
      last = read(file);
    }
    return last;
  }
}
