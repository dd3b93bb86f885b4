package io.sluice.launcher.process;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A file's lines as the replay source ({@code ReplaySource}, its {@code LineReader}) reads them: split
 * on {@code '\n'}, at most one trailing {@code '\r'} removed, empty lines kept, bytes after the last
 * {@code '\n'} one more line, bytes never decoded. What {@code sluice demo --via} sends, so that the
 * agents that read them from a server see the events the replay would have made.
 */
public final class ReplayLines {

  private ReplayLines() {
  }

  /** The lines of {@code bytes}, in order. */
  public static List<byte[]> split(byte[] bytes) {
    List<byte[]> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        int end = i > start && bytes[i - 1] == '\r' ? i - 1 : i;
        lines.add(Arrays.copyOfRange(bytes, start, end));
        start = i + 1;
      }
    }
    if (start < bytes.length) {
      int end = bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
      lines.add(Arrays.copyOfRange(bytes, start, end));
    }
    return lines;
  }
}
