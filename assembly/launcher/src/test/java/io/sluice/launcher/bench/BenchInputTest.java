package io.sluice.launcher.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchInputTest {

  @TempDir
  Path tmp;

  @Test
  void repeatsTheSampleThenItsFirstLines() throws IOException {
    Path sample = Files.writeString(tmp.resolve("sample.log"), "a\nbb\nccc\n");

    BenchInput input = BenchInput.create(sample, 8, tmp.resolve("out/load.log"));

    assertThat(Files.readAllLines(input.file(), UTF_8)).containsExactly("a", "bb", "ccc", "a", "bb", "ccc", "a", "bb");
    assertThat(input.lines()).isEqualTo(8);
    assertThat(input.copies()).isEqualTo(2);
    assertThat(input.remainder()).isEqualTo(2);
    assertThat(input.sampleLines()).isEqualTo(3);
    assertThat(input.bytes()).as("bodies without terminators").isEqualTo(2 * 6 + 3);
    assertThat(input.label()).isEqualTo("synthetic load: the bundled 3 real lines repeated 2 times, then its first 2 lines");
  }

  @Test
  void exactMultiplesHaveNoRemainderAndEveryLineIsTerminated() throws IOException {
    Path sample = Files.writeString(tmp.resolve("sample.log"), "x\r\ny"); // CRLF, no final newline

    BenchInput input = BenchInput.create(sample, 4, tmp.resolve("load.log"));

    assertThat(Files.readString(input.file(), UTF_8)).isEqualTo("x\r\ny\nx\r\ny\n");
    assertThat(input.bytes()).as("ReplaySource drops the \\r").isEqualTo(4);
    assertThat(input.label()).isEqualTo("synthetic load: the bundled 2 real lines repeated 2 times");
  }

  @Test
  void labelsTheBundledSampleAsTheIssueSaysAndFewerLinesThanOneCopy() throws IOException {
    Path sample = tmp.resolve("sample.log");
    Files.write(sample, java.util.stream.IntStream.range(0, 10_000).mapToObj(i -> "line " + i).toList(), UTF_8);

    assertThat(BenchInput.create(sample, 50_000, tmp.resolve("a.log")).label())
        .isEqualTo("synthetic load: the bundled 10,000 real lines repeated 5 times");
    BenchInput few = BenchInput.create(sample, 3, tmp.resolve("b.log"));
    assertThat(few.copies()).isZero();
    assertThat(Files.readAllLines(few.file(), UTF_8)).containsExactly("line 0", "line 1", "line 2");
  }

  @Test
  void splitsLinesAsReplaySourceCountsThem() {
    assertThat(BenchInput.lines("".getBytes(UTF_8))).isEmpty();
    assertThat(BenchInput.lines("\n\n".getBytes(UTF_8))).hasSize(2);
    List<byte[]> lines = BenchInput.lines("a\nb".getBytes(UTF_8));
    assertThat(lines).extracting(b -> new String(b, UTF_8)).containsExactly("a", "b");
  }

  @Test
  void refusesNoLinesAndAnEmptySample() throws IOException {
    Path sample = Files.writeString(tmp.resolve("sample.log"), "a\n");
    assertThatThrownBy(() -> BenchInput.create(sample, 0, tmp.resolve("x.log"))).hasMessageContaining("at least 1");
    Path empty = Files.writeString(tmp.resolve("empty.log"), "");
    assertThatThrownBy(() -> BenchInput.create(empty, 5, tmp.resolve("y.log"))).hasMessageContaining("no line");
  }
}
