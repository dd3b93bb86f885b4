package io.sluice.flume.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Locates test inputs and splits files into lines independently of the production reader. */
public final class TestData {

  /** System property set by surefire: the repository's {@code samples} directory. */
  public static final String SAMPLES_PROPERTY = "sluice.samples";

  private TestData() {
  }

  /** A fixture copied from shared/data/edge_cases into src/test/resources/edge_cases. */
  public static Path edgeCase(String name) {
    URL url = TestData.class.getResource("/edge_cases/" + name);
    if (url == null) {
      throw new IllegalStateException("Missing test resource edge_cases/" + name);
    }
    try {
      return Paths.get(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A file under the repository's {@code samples} directory: from {@value #SAMPLES_PROPERTY}
   * when set (Maven), else found by walking up from the working directory (IDE runs).
   */
  public static Path sample(String relative) {
    String property = System.getProperty(SAMPLES_PROPERTY);
    if (property != null && !property.isBlank()) {
      return requireFile(Paths.get(property).resolve(relative));
    }
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("samples").resolve(relative);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("Cannot find samples/" + relative
        + "; set -D" + SAMPLES_PROPERTY + "=<repo>/samples");
  }

  private static Path requireFile(Path path) {
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException("Missing sample file " + path);
    }
    return path;
  }

  public static byte[] bytes(Path path) {
    try {
      return Files.readAllBytes(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reference line split: the bytes between '\n's, one trailing '\r' removed, plus the bytes
   * after the last '\n' when there are any.
   */
  public static List<byte[]> lines(byte[] data) {
    List<byte[]> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < data.length; i++) {
      if (data[i] == '\n') {
        lines.add(withoutCr(Arrays.copyOfRange(data, start, i)));
        start = i + 1;
      }
    }
    if (start < data.length) {
      lines.add(withoutCr(Arrays.copyOfRange(data, start, data.length)));
    }
    return lines;
  }

  public static List<byte[]> lines(Path path) {
    return lines(bytes(path));
  }

  private static byte[] withoutCr(byte[] line) {
    int n = line.length;
    return n > 0 && line[n - 1] == '\r' ? Arrays.copyOf(line, n - 1) : line;
  }
}
