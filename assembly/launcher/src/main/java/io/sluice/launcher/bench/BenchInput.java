package io.sluice.launcher.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The synthetic load of {@code sluice bench pipeline}: one file made by repeating the lines of a
 * real sample ({@code copies} times, then its first {@code remainder} lines) up to the requested
 * number of lines. Every line ends with {@code '\n'}, so {@code ReplaySource} reads exactly
 * {@code lines} events, and their ids ({@code <file>:<line number>}) are unique.
 *
 * @param file the generated file
 * @param lines lines (events) in it
 * @param bytes bytes of the lines as events carry them (without the line terminators)
 * @param sampleLines lines of the sample
 * @param copies whole copies of the sample in the file
 * @param remainder lines of the sample's beginning after the whole copies
 */
public record BenchInput(Path file, long lines, long bytes, int sampleLines, long copies, long remainder) {

  /**
   * Writes {@code lines} lines to {@code file} (replacing it): the lines of {@code sample}
   * repeated, then as many of its first lines as needed.
   *
   * @throws IllegalArgumentException when {@code lines < 1} or the sample has no line
   */
  public static BenchInput create(Path sample, long lines, Path file) throws IOException {
    if (lines < 1) {
      throw new IllegalArgumentException("lines must be at least 1, got " + lines);
    }
    List<byte[]> sampleLines = lines(Files.readAllBytes(sample));
    if (sampleLines.isEmpty()) {
      throw new IllegalArgumentException("the sample " + sample + " has no line");
    }
    int n = sampleLines.size();
    long copies = lines / n;
    long remainder = lines % n;
    long copyBytes = 0;
    for (byte[] line : sampleLines) {
      copyBytes += eventBytes(line);
    }
    long remainderBytes = 0;
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      for (long c = 0; c < copies; c++) {
        for (byte[] line : sampleLines) {
          out.write(line);
          out.write('\n');
        }
      }
      for (int i = 0; i < remainder; i++) {
        out.write(sampleLines.get(i));
        out.write('\n');
        remainderBytes += eventBytes(sampleLines.get(i));
      }
    }
    return new BenchInput(file, lines, copies * copyBytes + remainderBytes, n, copies, remainder);
  }

  /**
   * The lines of {@code text} split on {@code '\n'}, without it; a last line without a terminator
   * counts, an empty text has none (as {@code ReplaySource} reads a file).
   */
  static List<byte[]> lines(byte[] text) {
    List<byte[]> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length; i++) {
      if (text[i] == '\n') {
        lines.add(java.util.Arrays.copyOfRange(text, start, i));
        start = i + 1;
      }
    }
    if (start < text.length) {
      lines.add(java.util.Arrays.copyOfRange(text, start, text.length));
    }
    return lines;
  }

  /** Bytes of the event body ReplaySource makes of {@code line}: without one trailing {@code '\r'}. */
  private static int eventBytes(byte[] line) {
    return line.length > 0 && line[line.length - 1] == '\r' ? line.length - 1 : line.length;
  }

  /**
   * What the file is, for the output: {@code synthetic load: the bundled 10,000 real lines
   * repeated 5 times} (and {@code , then its first 1,234 lines} when there is a remainder).
   */
  public String label() {
    String label = String.format(Locale.ROOT, "synthetic load: the bundled %,d real lines repeated %,d time%s",
        sampleLines, copies, copies == 1 ? "" : "s");
    return remainder == 0 ? label : label + String.format(Locale.ROOT, ", then its first %,d lines", remainder);
  }
}
