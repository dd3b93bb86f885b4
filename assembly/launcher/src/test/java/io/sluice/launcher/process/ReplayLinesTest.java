package io.sluice.launcher.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayLinesTest {

  private static List<String> split(String text) {
    return ReplayLines.split(text.getBytes(StandardCharsets.ISO_8859_1)).stream()
        .map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList();
  }

  @Test
  void splitsAsTheReplaySourceDoes() {
    assertThat(split("a\nb\r\n\n\r\nc")).containsExactly("a", "b", "", "", "c");
    assertThat(split("a\n")).containsExactly("a");
    assertThat(split("a\r")).containsExactly("a");
    assertThat(split("a\r\r\nb")).containsExactly("a\r", "b");
    assertThat(split("")).isEmpty();
    assertThat(split("\n")).containsExactly("");
  }

  @Test
  void keepsBytesUndecoded() {
    byte[] invalid = {'x', (byte) 0xff, (byte) 0xfe, '\n'};
    assertThat(ReplayLines.split(invalid).get(0)).containsExactly('x', (byte) 0xff, (byte) 0xfe);
  }
}
