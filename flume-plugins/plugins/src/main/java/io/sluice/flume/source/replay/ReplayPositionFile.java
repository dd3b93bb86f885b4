package io.sluice.flume.source.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.flume.source.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The position file of a {@link ReplaySource}: how far each input file of the current pass has
 * been committed to the channel, so that a restarted source resumes after the last committed line.
 *
 * <p>One JSON object, rewritten whole and atomically ({@link AtomicFiles#replace}) after each
 * batch the channel committed:
 * <pre>
 * {"version": 1, "input": "/logs/access*.log", "pass": 1, "savedAt": "2025-01-01T10:00:00Z",
 *  "files": [{"path": "/logs/access-1.log", "name": "access-1.log", "inode": 1234,
 *             "headLength": 1024, "headSha256": "9f86…", "gzip": false,
 *             "lines": 10000, "offset": 2370789, "done": true},
 *            {"path": "/logs/access-2.log", …, "lines": 4200, "offset": 998021, "done": false}]}
 * </pre>
 * {@code lines} is the number of lines of the file committed, {@code offset} the byte offset just
 * after the last of them (for a gzip file: in the decompressed content, informative only, since a
 * gzip file is resumed by skipping {@code lines} lines); {@code done} marks a file read to its end
 * (or abandoned as corrupt) whose every line was committed. {@code inode} (absent where the file
 * system has none), {@code headLength} and {@code headSha256} (the SHA-256 of the file's first
 * {@code headLength} raw bytes, at most {@value #HEAD_LENGTH}) identify the file: see
 * {@link FileProgress#mismatch(Path)}. Not thread-safe.
 */
final class ReplayPositionFile {

  static final int VERSION = 1;
  /** Most raw bytes of a file's start that its fingerprint covers. */
  static final int HEAD_LENGTH = 1024;

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** The committed progress of one input file; immutable. */
  static final class FileProgress {
    final String path;
    final String name;
    /** The file's inode number, or null where the file system reports none. */
    final Long inode;
    final int headLength;
    final String headSha256;
    final boolean gzip;
    final long lines;
    final long offset;
    final boolean done;

    FileProgress(String path, String name, Long inode, int headLength, String headSha256,
        boolean gzip, long lines, long offset, boolean done) {
      this.path = path;
      this.name = name;
      this.inode = inode;
      this.headLength = headLength;
      this.headSha256 = headSha256;
      this.gzip = gzip;
      this.lines = lines;
      this.offset = offset;
      this.done = done;
    }

    /**
     * The identity of {@code path} as it is now, with no line committed.
     *
     * @throws IOException if the file cannot be read
     */
    static FileProgress identify(Path path, String name, boolean gzip) throws IOException {
      long size = Files.size(path);
      int headLength = (int) Math.min(size, HEAD_LENGTH);
      return new FileProgress(ReplayFiles.key(path), name, inode(path), headLength,
          headSha256(path, headLength), gzip, 0, 0, false);
    }

    /** The same file with {@code lines} lines committed, ending at {@code offset}. */
    FileProgress at(long lines, long offset, boolean done) {
      return new FileProgress(path, name, inode, headLength, headSha256, gzip, lines, offset,
          done);
    }

    /**
     * Why {@code file} (the file at {@link #path} now) is not the file this progress was
     * recorded for, or null when it is: its inode changed (replaced, e.g. rotated), it is now
     * shorter than the fingerprinted head or, for a plain file, than {@link #offset}
     * (truncated), or its first {@link #headLength} bytes differ (rewritten).
     *
     * @throws IOException if the file cannot be read
     */
    String mismatch(Path file) throws IOException {
      Long inodeNow = inode(file);
      if (inode != null && inodeNow != null && !inode.equals(inodeNow)) {
        return "its inode changed from " + inode + " to " + inodeNow;
      }
      long size = Files.size(file);
      if (size < headLength || !gzip && size < offset) {
        return "it is shorter (" + size + " bytes) than when it was read ("
            + Math.max(headLength, gzip ? 0 : offset) + " bytes)";
      }
      if (!headSha256(file, headLength).equals(headSha256)) {
        return "its first " + headLength + " bytes changed";
      }
      return null;
    }

    @Override
    public String toString() {
      return path + (done ? " (done, " : " (") + lines + " lines, offset " + offset + ")";
    }
  }

  /** What the file holds: the pass and the progress of its files, by path. */
  static final class State {
    final int pass;
    final Map<String, FileProgress> files;

    State(int pass, Map<String, FileProgress> files) {
      this.pass = pass;
      this.files = files;
    }
  }

  private final Path file;

  ReplayPositionFile(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /**
   * @return the saved state, or pass 1 with no file when there is no position file yet
   * @throws IOException when the file cannot be read or is not a position file
   */
  State load() throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new State(1, new LinkedHashMap<>());
    }
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new IOException("not JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IOException("not a JSON object");
    }
    if (root.path("version").asInt() != VERSION) {
      throw new IOException("unknown version " + root.get("version") + " (expected " + VERSION
          + ")");
    }
    int pass = (int) positive(root, "pass");
    JsonNode files = root.get("files");
    if (files == null || !files.isArray()) {
      throw new IOException("no \"files\" array");
    }
    Map<String, FileProgress> progress = new LinkedHashMap<>();
    for (JsonNode entry : files) {
      FileProgress p = new FileProgress(text(entry, "path"), text(entry, "name"),
          entry.hasNonNull("inode") ? nonNegative(entry, "inode") : null,
          (int) nonNegative(entry, "headLength"), text(entry, "headSha256"),
          entry.path("gzip").asBoolean(), nonNegative(entry, "lines"),
          nonNegative(entry, "offset"), entry.path("done").asBoolean());
      progress.put(p.path, p);
    }
    return new State(pass, progress);
  }

  /**
   * Replaces the file's content atomically.
   *
   * @param input the source's {@code file} setting, recorded for the reader's benefit
   * @param pass the pass (1-based)
   * @param files the progress of the files of the pass
   * @throws IOException when the file cannot be written (the previous one is kept)
   */
  void save(String input, int pass, Collection<FileProgress> files) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", VERSION);
    root.put("input", input);
    root.put("pass", pass);
    root.put("savedAt", Instant.now().toString());
    ArrayNode array = root.putArray("files");
    for (FileProgress p : files) {
      ObjectNode entry = array.addObject();
      entry.put("path", p.path);
      entry.put("name", p.name);
      if (p.inode != null) {
        entry.put("inode", p.inode);
      }
      entry.put("headLength", p.headLength);
      entry.put("headSha256", p.headSha256);
      entry.put("gzip", p.gzip);
      entry.put("lines", p.lines);
      entry.put("offset", p.offset);
      entry.put("done", p.done);
    }
    byte[] json = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    byte[] content = new byte[json.length + 1];
    System.arraycopy(json, 0, content, 0, json.length);
    content[json.length] = '\n';
    AtomicFiles.replace(file, content);
  }

  /** The file's inode number, or null where the file system has none. */
  private static Long inode(Path path) throws IOException {
    try {
      Object inode = Files.getAttribute(path, "unix:ino");
      return inode instanceof Number ? ((Number) inode).longValue() : null;
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return null; // no "unix" attribute view on this platform
    }
  }

  private static String headSha256(Path path, int length) throws IOException {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    try (InputStream in = Files.newInputStream(path)) {
      sha256.update(in.readNBytes(length));
    }
    return HexFormat.of().formatHex(sha256.digest());
  }

  private static String text(JsonNode entry, String field) throws IOException {
    JsonNode value = entry.get(field);
    if (value == null || !value.isTextual()) {
      throw new IOException("a file entry has no text \"" + field + "\"");
    }
    return value.asText();
  }

  private static long nonNegative(JsonNode node, String field) throws IOException {
    JsonNode value = node.get(field);
    if (value == null || !value.canConvertToExactIntegral() || !value.canConvertToLong()
        || value.longValue() < 0) {
      throw new IOException("no integer \"" + field + "\" >= 0");
    }
    return value.longValue();
  }

  private static long positive(JsonNode node, String field) throws IOException {
    long value = nonNegative(node, field);
    if (value < 1 || value > Integer.MAX_VALUE) {
      throw new IOException("\"" + field + "\" must be an int >= 1, got " + value);
    }
    return value;
  }
}
