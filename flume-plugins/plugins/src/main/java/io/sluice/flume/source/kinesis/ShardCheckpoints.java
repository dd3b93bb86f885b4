package io.sluice.flume.source.kinesis;

import io.sluice.flume.source.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;

/**
 * The checkpoints of one stream: one small file per shard, {@code <dir>/<stream>/<shardId>},
 * holding one line, either the sequence number of the last record of the shard that a channel
 * transaction committed, or {@value #SHARD_END} once the shard was read to its end (its records
 * all committed). Each write replaces the file atomically ({@link AtomicFiles#replace}: written
 * aside, synced, renamed, as Flume's taildir source keeps its position file), so a crash, {@code
 * kill -9} included, leaves the previous or the new checkpoint, never a torn one.
 *
 * <p>Nothing is cached: the files are the state, so agents sharing the directory see each
 * other's shard ends. A file whose shard is no longer in the stream's shard list (its records are
 * past the retention period) is deleted by {@link #expire(Set)}.
 */
final class ShardCheckpoints {

  /** The content of the checkpoint of a shard read to its end. */
  static final String SHARD_END = "SHARD_END";

  private final Path directory;

  /**
   * @param root the configured checkpoint directory
   * @param stream the stream name (a subdirectory of its own)
   * @throws IOException when the directory cannot be created
   */
  ShardCheckpoints(Path root, String stream) throws IOException {
    this.directory = Files.createDirectories(root.resolve(stream));
  }

  /** The stream's checkpoint directory. */
  Path directory() {
    return directory;
  }

  /**
   * The checkpoint of a shard.
   *
   * @return the last committed sequence number, {@value #SHARD_END}, or null when there is none
   * @throws IOException when the file exists but cannot be read
   */
  String read(String shardId) throws IOException {
    try {
      String content = Files.readString(directory.resolve(shardId), StandardCharsets.UTF_8).strip();
      return content.isEmpty() ? null : content;
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** Whether the shard was read to its end. */
  boolean finished(String shardId) throws IOException {
    return SHARD_END.equals(read(shardId));
  }

  /** Saves the sequence number of the last committed record of a shard. */
  void save(String shardId, String sequenceNumber) throws IOException {
    AtomicFiles.replace(directory.resolve(shardId),
        (sequenceNumber + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** Records that a shard was read to its end. */
  void finish(String shardId) throws IOException {
    save(shardId, SHARD_END);
  }

  /**
   * Deletes the checkpoints of shards that are not in the shard list any more.
   *
   * @param listed the ids of the stream's listed shards
   * @return how many files were deleted
   */
  int expire(Set<String> listed) throws IOException {
    int deleted = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "shardId-*")) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (!name.endsWith(".tmp") && !listed.contains(name) && Files.deleteIfExists(file)) {
          deleted++;
        }
      }
    }
    return deleted;
  }
}
