package io.sluice.flume.source.replay;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The input of a {@link ReplaySource}: one file, or the regular files matching a glob, each with
 * the name used in its events' ids; and how to open them (gzip by magic bytes).
 *
 * <p>A spec containing {@code *}, {@code ?}, {@code [} or {@code {} is a glob (Java's
 * {@link java.nio.file.FileSystem#getPathMatcher(String) glob syntax} on the whole path). Its
 * fixed leading directory (the components before the first one with a glob character) is walked,
 * only as deep as the pattern has components unless it contains {@code **}; matches are sorted
 * by path. Ids use the path relative to that directory ({@code /logs/a/x.gz} matched by
 * {@code /logs/*}{@code /x.gz} is {@code a/x.gz}); a plain path uses its file name.
 */
final class ReplayFiles {

  /** One input file and the name its events' ids use. */
  static final class Input {
    final Path path;
    final String name;

    Input(Path path, String name) {
      this.path = path;
      this.name = name;
    }

    @Override
    public String toString() {
      return path.toString();
    }
  }

  private static final Pattern GLOB_CHARS = Pattern.compile("[*?\\[{]");
  private static final int GZIP_MAGIC_1 = 0x1f;
  private static final int GZIP_MAGIC_2 = 0x8b;
  private static final int BUFFER_SIZE = 64 * 1024;

  private final String spec;
  private final Path base;
  private final PathMatcher matcher;
  private final int depth;

  private ReplayFiles(String spec, Path base, PathMatcher matcher, int depth) {
    this.spec = spec;
    this.base = base;
    this.matcher = matcher;
    this.depth = depth;
  }

  /**
   * @param spec a path or a glob
   * @return the input description
   * @throws IllegalArgumentException if the spec is not a valid path or glob
   */
  static ReplayFiles of(String spec) {
    try {
      if (!GLOB_CHARS.matcher(spec).find()) {
        Paths.get(spec); // validates the path
        return new ReplayFiles(spec, null, null, 0);
      }
      String[] components = spec.split("/", -1);
      int fixed = 0;
      while (!GLOB_CHARS.matcher(components[fixed]).find()) {
        fixed++;
      }
      String fixedPart = String.join("/", Arrays.copyOfRange(components, 0, fixed));
      Path base = (fixedPart.isEmpty() && spec.startsWith("/") ? Paths.get("/")
          : Paths.get(fixedPart)).toAbsolutePath().normalize();
      String rest = String.join("/", Arrays.copyOfRange(components, fixed, components.length));
      PathMatcher matcher = FileSystems.getDefault()
          .getPathMatcher("glob:" + base.toString().replaceAll("([*?\\[\\]{}\\\\])", "\\\\$1")
              + (base.toString().endsWith("/") ? "" : "/") + rest);
      int depth = spec.contains("**") ? Integer.MAX_VALUE : components.length - fixed;
      return new ReplayFiles(spec, base, matcher, depth);
    } catch (IllegalArgumentException e) { // InvalidPathException, PatternSyntaxException
      throw new IllegalArgumentException("invalid path or glob '" + spec + "': " + e.getMessage(),
          e);
    }
  }

  boolean isGlob() {
    return matcher != null;
  }

  /**
   * @return the readable regular files, in replay order
   * @throws IOException if a plain path is not a readable regular file, or the glob's directory
   *     cannot be walked
   */
  List<Input> resolve() throws IOException {
    if (matcher == null) {
      Path path = Paths.get(spec);
      if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
        throw new IOException("'" + spec + "' does not exist or is not a readable regular file");
      }
      Path name = path.getFileName();
      return List.of(new Input(path, name == null ? path.toString() : name.toString()));
    }
    if (!Files.isDirectory(base)) {
      return List.of();
    }
    List<Path> matches;
    try (Stream<Path> walk = Files.walk(base, depth)) {
      matches = walk.filter(p -> matcher.matches(p.toAbsolutePath().normalize()))
          .filter(Files::isRegularFile)
          .filter(Files::isReadable)
          .sorted()
          .collect(Collectors.toList());
    }
    List<Input> inputs = new ArrayList<>(matches.size());
    for (Path match : matches) {
      inputs.add(new Input(match, base.relativize(match.toAbsolutePath().normalize()).toString()
          .replace('\\', '/')));
    }
    return inputs;
  }

  /**
   * Opens a file, decompressing it when it starts with the gzip magic bytes {@code 1f 8b}.
   *
   * @return the (decompressed) content
   * @throws IOException if it cannot be opened or its gzip header is invalid
   */
  static InputStream open(Path path) throws IOException {
    return open(path, 0);
  }

  /**
   * Opens a file as {@link #open(Path)} does, positioned {@code offset} bytes into a plain
   * (not gzip) file. A gzip file is always opened at its start ({@code offset} is ignored): its
   * compressed bytes cannot be entered in the middle; skip lines instead.
   *
   * @param offset bytes to skip in a plain file; past its end, the stream is at the end
   * @return the (decompressed) content, a {@link GZIPInputStream} for a gzip file
   * @throws IOException if it cannot be opened or read, or its gzip header is invalid
   */
  static InputStream open(Path path, long offset) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(path), BUFFER_SIZE);
    try {
      in.mark(2);
      int first = in.read();
      int second = in.read();
      in.reset();
      if (first == GZIP_MAGIC_1 && second == GZIP_MAGIC_2) {
        return new GZIPInputStream(in, BUFFER_SIZE);
      }
      skipFully(in, offset);
      return in;
    } catch (IOException e) {
      in.close();
      throw e;
    }
  }

  /** Skips {@code count} bytes, or to the end of the stream if it is shorter. */
  private static void skipFully(InputStream in, long count) throws IOException {
    long remaining = count;
    while (remaining > 0) {
      long skipped = in.skip(remaining);
      if (skipped > 0) {
        remaining -= skipped;
      } else if (in.read() < 0) {
        return;
      } else {
        remaining--;
      }
    }
  }

  /** The absolute, normalised path of an input: its key in a position file. */
  static String key(Path path) {
    return path.toAbsolutePath().normalize().toString();
  }

  @Override
  public String toString() {
    return spec;
  }
}
