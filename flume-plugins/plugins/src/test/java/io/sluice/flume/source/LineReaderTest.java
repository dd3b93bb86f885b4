package io.sluice.flume.source;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.flume.testing.TestData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LineReaderTest {

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
    InputStream flaky = new InputStream() {
      private final byte[] data = "one\ntwo\nthree".getBytes(ISO_8859_1);
      private int position;
      private boolean failed;

      @Override
      public int read() {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (position == 5 && !failed) {
          failed = true;
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
    try (LineReader reader = new LineReader(flaky, bufferSize)) {
      while (true) {
        byte[] line;
        try {
          line = reader.readLine();
        } catch (IOException e) {
          continue;
        }
        if (line == null) {
          break;
        }
        lines.add(new String(line, ISO_8859_1));
      }
    }
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
}
