package io.sluice.spark.output;

import io.sluice.spark.job.AnalyticsJobConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.EnumSet;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.Options;

/**
 * Files under the job's output location, each replaced atomically: written to a temporary file in
 * the same directory, then renamed over the old one, so a reader sees the old or the new content,
 * never a partial file, and writing the same file again (a batch re-run after a restart) replaces
 * it instead of adding a copy.
 *
 * <p>Local locations ({@code file:} URIs) use {@code java.nio} ({@link StandardCopyOption#ATOMIC_MOVE});
 * any other scheme uses Hadoop's {@link FileContext} ({@code rename} with
 * {@link Options.Rename#OVERWRITE}, atomic on HDFS), configured from the Hadoop configuration files
 * on the classpath ({@code HADOOP_CONF_DIR} under spark-submit). Temporary files start with
 * {@code .} and end in {@code .tmp}; readers skip them.
 *
 * <p>Serializable (it is part of the checkpointed streaming graph); used on the driver only.
 */
public final class OutputStore implements Serializable {

  private static final long serialVersionUID = 1L;

  private final String root;
  private transient FileContext fileContext;

  /** @param rootUri the output location, as {@link AnalyticsJobConfig#out()} normalizes it */
  public OutputStore(String rootUri) {
    this.root = rootUri.endsWith("/") ? rootUri.substring(0, rootUri.length() - 1) : rootUri;
  }

  /** A local directory as a store. */
  public static OutputStore local(Path dir) {
    return new OutputStore(dir.toAbsolutePath().normalize().toUri().toString());
  }

  /** The output location. */
  public String root() {
    return root;
  }

  /** The URI of a file under the location. */
  public String uri(String relativePath) {
    return root + "/" + relativePath;
  }

  /** The local path of a file under a {@code file:} location; fails for other schemes. */
  public Path localPath(String relativePath) {
    URI uri = URI.create(uri(relativePath));
    if (!"file".equals(uri.getScheme())) {
      throw new IllegalStateException("not a local location: " + root);
    }
    return Paths.get(uri);
  }

  /** Replaces {@code relativePath} (slash-separated, parents created) with {@code content}. */
  public void replace(String relativePath, byte[] content) throws IOException {
    URI uri = URI.create(uri(relativePath));
    String name = relativePath.substring(relativePath.lastIndexOf('/') + 1);
    String tmpName = "." + name + "." + UUID.randomUUID() + ".tmp";
    if ("file".equals(uri.getScheme())) {
      Path target = Paths.get(uri);
      Files.createDirectories(target.getParent());
      Path tmp = target.resolveSibling(tmpName);
      try {
        Files.write(tmp, content);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
      return;
    }
    FileContext fc = fileContext();
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(uri);
    org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(target.getParent(), tmpName);
    try {
      try (OutputStream out = fc.create(tmp, EnumSet.of(CreateFlag.CREATE, CreateFlag.OVERWRITE),
          Options.CreateOpts.createParent())) {
        out.write(content);
      }
      fc.rename(tmp, target, Options.Rename.OVERWRITE);
    } finally {
      if (fc.util().exists(tmp)) {
        fc.delete(tmp, false);
      }
    }
  }

  /** The content of {@code relativePath}, or null when it does not exist. */
  public byte[] read(String relativePath) throws IOException {
    URI uri = URI.create(uri(relativePath));
    if ("file".equals(uri.getScheme())) {
      Path file = Paths.get(uri);
      return Files.exists(file) ? Files.readAllBytes(file) : null;
    }
    FileContext fc = fileContext();
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(uri);
    if (!fc.util().exists(file)) {
      return null;
    }
    try (java.io.InputStream in = fc.open(file)) {
      return in.readAllBytes();
    }
  }

  private FileContext fileContext() throws IOException {
    if (fileContext == null) {
      fileContext = FileContext.getFileContext(URI.create(root), new Configuration());
    }
    return fileContext;
  }

  @Override
  public String toString() {
    return root;
  }
}
