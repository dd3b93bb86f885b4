package io.sluice.flume.source;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces small state files (a source's position or cursor) so that a crash, {@code kill -9}
 * included, leaves either the old or the new content in full, never a torn or empty file.
 */
public final class AtomicFiles {

  private static final Logger LOG = LoggerFactory.getLogger(AtomicFiles.class);

  private AtomicFiles() {
  }

  /**
   * Replaces the content of {@code file}: writes the sibling {@code <name>.tmp}, forces it to
   * disk ({@code fsync}), renames it over {@code file} atomically, then forces the directory so
   * that the rename itself survives a power loss. A failure leaves the previous {@code file}
   * untouched (the temporary file may remain; the next call overwrites it).
   *
   * <p>Not interruptible: the write uses a {@link FileOutputStream}, not an interruptible
   * channel, so a source being stopped (its thread interrupted) still completes the write.
   *
   * @param file the file to replace; its directory must exist
   * @param content the new content
   * @throws IOException when the temporary file cannot be written or renamed
   */
  public static void replace(Path file, byte[] content) throws IOException {
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileOutputStream out = new FileOutputStream(temporary.toFile())) {
      out.write(content);
      out.getFD().sync();
    }
    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    syncDirectory(file.toAbsolutePath().getParent());
  }

  /**
   * Forces a directory's entries to disk. Best effort: some platforms cannot open a directory;
   * the rename is then durable only as far as the file system makes it so.
   */
  private static void syncDirectory(Path directory) {
    if (directory == null) {
      return;
    }
    // A FileChannel is interruptible: keep an interrupt for after the sync instead.
    boolean interrupted = Thread.interrupted();
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      LOG.debug("Cannot sync directory {}: {}", directory, e.toString());
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
