package io.sluice.flume.source.jetstream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.flume.source.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * The state file of a {@link JetstreamSource}: one JSON object
 * {@code {"time_us": <cursor>, "savedAt": "<ISO-8601 instant>"}} where {@code time_us} is the
 * Jetstream {@code time_us} of the newest event the channel accepted.
 *
 * <p>{@link #save(long)} writes a sibling temporary file, syncs it to disk and renames it over
 * the state file atomically ({@link AtomicFiles#replace}), so a crash, {@code kill -9} included,
 * leaves either the old or the new cursor, never a torn file. Not thread-safe.
 */
final class CursorStore {

  static final String TIME_US = "time_us";
  static final String SAVED_AT = "savedAt";
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final Path file;

  CursorStore(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /**
   * @return the saved cursor, or empty when there is no state file yet
   * @throws IOException when the file cannot be read or does not hold a positive
   *     {@code time_us}
   */
  OptionalLong load() throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    }
    JsonNode node;
    try {
      node = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new IOException("not JSON: " + e.getOriginalMessage(), e);
    }
    JsonNode cursor = node == null ? null : node.get(TIME_US);
    if (cursor == null || !cursor.canConvertToExactIntegral() || !cursor.canConvertToLong()
        || cursor.longValue() <= 0) {
      throw new IOException("no positive integer \"" + TIME_US + "\" member");
    }
    return OptionalLong.of(cursor.longValue());
  }

  /**
   * Replaces the saved cursor.
   *
   * @param cursorUs Jetstream {@code time_us}
   * @throws IOException when the file cannot be written (the old one is kept)
   */
  void save(long cursorUs) throws IOException {
    ObjectNode node = JSON.createObjectNode();
    node.put(TIME_US, cursorUs);
    node.put(SAVED_AT, Instant.now().toString());
    byte[] json = JSON.writeValueAsBytes(node);
    byte[] line = Arrays.copyOf(json, json.length + 1);
    line[json.length] = '\n';
    // Not interruptible: an interrupt (the source stopping) must not abort the write.
    AtomicFiles.replace(file, line);
  }
}
