package io.sluice.flume.source.replay;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.flume.testing.TestData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LineReaderTest {

  @TempDir
  Path tmp;

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, LineReader.DEFAULT_BUFFER_SIZE})
  void splitsOnLineFeedAndDropsOneTrailingCarriageReturn(int bufferSize) throws IOException {
    assertThat(read("a\nbb\r\n\n\r\nccc", bufferSize))
        .containsExactly("a", "bb", "", "", "ccc");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 5, LineReader.DEFAULT_BUFFER_SIZE})
  void doesNotAddAnEmptyLineAfterTheFinalTerminator(int bufferSize) throws IOException {
    assertThat(read("x\ny\n", bufferSize)).containsExactly("x", "y");
    assertThat(read("\n", bufferSize)).containsExactly("");
    assertThat(read("\r\n", bufferSize)).containsExactly("");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, LineReader.DEFAULT_BUFFER_SIZE})
  void offsetIsTheByteAfterTheLastLineReturnedTerminatorIncluded(int bufferSize)
      throws IOException {
    byte[] data = "a\nbb\r\n\n\r\nccc".getBytes(ISO_8859_1);
    LineReader reader = new LineReader(new ByteArrayInputStream(data), bufferSize);
    List<Long> offsets = new ArrayList<>();
    assertThat(reader.offset()).isZero();
    while (reader.readLine() != null) {
      offsets.add(reader.offset());
    }

    // a\n = 2, bb\r\n = 6, \n = 7, \r\n = 9, ccc (no terminator) = 12, the end of the stream.
    assertThat(offsets).containsExactly(2L, 6L, 7L, 9L, 12L);
    assertThat(reader.offset()).as("unchanged at the end").isEqualTo(12L);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, LineReader.DEFAULT_BUFFER_SIZE})
  void keepsInnerCarriageReturnsAndStripsOnlyOne(int bufferSize) throws IOException {
    assertThat(read("a\rb\r\r\nlast\r", bufferSize)).containsExactly("a\rb\r", "last");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4, LineReader.DEFAULT_BUFFER_SIZE})
  void returnsNullForeverAtEndOfEmptyStream(int bufferSize) throws IOException {
    try (LineReader reader = new LineReader(new ByteArrayInputStream(new byte[0]), bufferSize)) {
      assertThat(reader.readLine()).isNull();
      assertThat(reader.readLine()).isNull();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 16, LineReader.DEFAULT_BUFFER_SIZE})
  void passesInvalidUtf8ThroughByteExact(int bufferSize) throws IOException {
    byte[] data = TestData.bytes(TestData.edgeCase("lnav_logfile_invalid_utf8.0"));
    List<String> expected = new ArrayList<>();
    for (byte[] line : TestData.lines(data)) {
      expected.add(HexFormat.of().formatHex(line));
    }
    List<String> actual = new ArrayList<>();
    try (LineReader reader = new LineReader(new ByteArrayInputStream(data), bufferSize)) {
      for (byte[] line = reader.readLine(); line != null; line = reader.readLine()) {
        actual.add(HexFormat.of().formatHex(line));
      }
    }
    assertThat(actual).hasSize(6).containsExactlyElementsOf(expected);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, LineReader.DEFAULT_BUFFER_SIZE})
  void continuesAfterATransientReadError(int bufferSize) throws IOException {
    AtomicBoolean failed = new AtomicBoolean();
    InputStream flaky = new InputStream() {
      private final byte[] data = "one\ntwo\nthree".getBytes(ISO_8859_1);
      private int position;

      @Override
      public int read() {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        // Fails once, on the first read from position 5 on (reads are of at most 2 bytes, so
        // position 5 itself may be stepped over): inside the second line.
        if (position >= 5 && failed.compareAndSet(false, true)) {
          throw new IOException("transient");
        }
        if (position == data.length) {
          return -1;
        }
        int n = Math.min(len, Math.min(2, data.length - position));
        System.arraycopy(data, position, b, off, n);
        position += n;
        return n;
      }
    };
    List<String> lines = new ArrayList<>();
    List<IOException> errors = new ArrayList<>();
    try (LineReader reader = new LineReader(flaky, bufferSize)) {
      while (true) {
        byte[] line;
        try {
          line = reader.readLine();
        } catch (IOException e) {
          errors.add(e);
          continue;
        }
        if (line == null) {
          break;
        }
        lines.add(new String(line, ISO_8859_1));
      }
    }
    assertThat(failed).as("the read error was injected").isTrue();
    assertThat(errors).as("the reader passed the injected error on").singleElement()
        .extracting(Throwable::getMessage).isEqualTo("transient");
    assertThat(lines).containsExactly("one", "two", "three");
  }

  private static List<String> read(String content, int bufferSize) throws IOException {
    List<String> lines = new ArrayList<>();
    try (LineReader reader =
        new LineReader(new ByteArrayInputStream(content.getBytes(ISO_8859_1)), bufferSize)) {
      for (byte[] line = reader.readLine(); line != null; line = reader.readLine()) {
        lines.add(new String(line, ISO_8859_1));
      }
    }
    return lines;
  }

  // ---------------------------------------------------------------- maxLineBytes

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 7, LineReader.DEFAULT_BUFFER_SIZE})
  void returnsALineOfExactlyMaxLineBytesWhole(int bufferSize) throws IOException {
    LineReader reader = reader("abcd\nefgh", bufferSize, 4);

    assertThat(line(reader)).isEqualTo("abcd");
    assertThat(reader.lastLineCut()).isFalse();
    assertThat(reader.lastLineLength()).isEqualTo(4);
    assertThat(line(reader)).as("last line, no terminator").isEqualTo("efgh");
    assertThat(reader.lastLineCut()).isFalse();
    assertThat(reader.readLine()).isNull();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 7, LineReader.DEFAULT_BUFFER_SIZE})
  void cutsALineOneByteOverAndSkipsItsRest(int bufferSize) throws IOException {
    LineReader reader = reader("abcde\nnext\nvwxyz", bufferSize, 4);

    assertThat(line(reader)).isEqualTo("abcd");
    assertThat(reader.lastLineCut()).isTrue();
    assertThat(reader.lastLineLength()).isEqualTo(5);
    assertThat(reader.offset()).as("after the whole line and its LF").isEqualTo(6);
    assertThat(line(reader)).isEqualTo("next");
    assertThat(reader.lastLineCut()).isFalse();
    assertThat(reader.lastLineLength()).isEqualTo(4);
    assertThat(line(reader)).as("last line, no terminator").isEqualTo("vwxy");
    assertThat(reader.lastLineCut()).isTrue();
    assertThat(reader.lastLineLength()).isEqualTo(5);
    assertThat(reader.offset()).isEqualTo(16);
    assertThat(reader.readLine()).isNull();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, LineReader.DEFAULT_BUFFER_SIZE})
  void countsTheLengthWithoutTheCrlfAtTheCut(int bufferSize) throws IOException {
    // maxLineBytes = 4: "abcd" + CRLF is whole; a CR inside the line is content; a line ending in
    // CR at the end of the stream loses it, as every line does.
    LineReader reader = reader("abcd\r\nabc\r\r\nabcd\rx\r\nabcde\r\nabcd\r", bufferSize, 4);
    List<String> lines = new ArrayList<>();
    List<Boolean> cut = new ArrayList<>();
    List<Long> lengths = new ArrayList<>();
    List<Long> offsets = new ArrayList<>();
    for (byte[] line = reader.readLine(); line != null; line = reader.readLine()) {
      lines.add(new String(line, ISO_8859_1));
      cut.add(reader.lastLineCut());
      lengths.add(reader.lastLineLength());
      offsets.add(reader.offset());
    }

    assertThat(lines).containsExactly("abcd", "abc\r", "abcd", "abcd", "abcd");
    assertThat(cut).containsExactly(false, false, true, true, false);
    assertThat(lengths).containsExactly(4L, 4L, 6L, 5L, 4L);
    assertThat(offsets).containsExactly(6L, 12L, 20L, 27L, 32L);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, LineReader.DEFAULT_BUFFER_SIZE})
  void cutsLinesOfOneByteLimit(int bufferSize) throws IOException {
    LineReader reader = reader("\nab\r\nc\n", bufferSize, 1);

    assertThat(line(reader)).isEmpty();
    assertThat(line(reader)).isEqualTo("a");
    assertThat(reader.lastLineCut()).isTrue();
    assertThat(line(reader)).isEqualTo("c");
    assertThat(reader.lastLineCut()).isFalse();
    assertThat(reader.readLine()).isNull();
  }

  @Test
  void streamsA10MibLineFromAFileHoldingAtMostMaxLineBytesOfIt() throws IOException {
    int max = ReplaySourceConfig.DEFAULT_MAX_LINE_BYTES;
    long huge = 10L << 20;
    Path file = tmp.resolve("huge.log");
    byte[] chunk = new byte[1 << 16];
    Arrays.fill(chunk, (byte) 'x');
    chunk[max % chunk.length] = 'y'; // a byte past the cut, in every chunk
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write("first\n".getBytes(ISO_8859_1));
      for (long written = 0; written < huge; written += chunk.length) {
        out.write(chunk);
      }
      out.write("\r\nlast\n".getBytes(ISO_8859_1));
    }

    byte[] cutLine;
    int peak;
    try (LineReader reader = new LineReader(Files.newInputStream(file),
        LineReader.DEFAULT_BUFFER_SIZE, max)) {
      assertThat(line(reader)).isEqualTo("first");
      cutLine = reader.readLine();
      assertThat(reader.lastLineCut()).isTrue();
      assertThat(reader.lastLineLength()).isEqualTo(huge);
      assertThat(reader.offset()).isEqualTo(6 + huge + 2);
      assertThat(line(reader)).isEqualTo("last");
      assertThat(reader.readLine()).isNull();
      peak = reader.peakLineBufferBytes();
    }
    byte[] expected = new byte[max];
    for (int i = 0; i < max; i += chunk.length) {
      System.arraycopy(chunk, 0, expected, i, Math.min(chunk.length, max - i));
    }
    assertThat(cutLine).isEqualTo(expected);
    assertThat(peak).as("bytes held for the line besides the 64 KiB read buffer")
        .isPositive().isLessThanOrEqualTo(max + 1);

    // The same file without a limit holds the whole line: the measure above tells them apart.
    try (LineReader unlimited = new LineReader(Files.newInputStream(file))) {
      unlimited.readLine();
      assertThat(unlimited.readLine()).hasSize((int) huge);
      assertThat(unlimited.peakLineBufferBytes()).isGreaterThanOrEqualTo((int) huge);
    }
  }

  @Test
  void refusesAMaxLineBytesBelowOne() {
    InputStream in = new ByteArrayInputStream(new byte[0]);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LineReader(in, 16, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxLineBytes");
  }

  private static LineReader reader(String content, int bufferSize, int maxLineBytes) {
    return new LineReader(new ByteArrayInputStream(content.getBytes(ISO_8859_1)), bufferSize,
        maxLineBytes);
  }

  private static String line(LineReader reader) throws IOException {
    byte[] line = reader.readLine();
    assertThat(line).as("a line").isNotNull();
    return new String(line, ISO_8859_1);
  }
}
