package io.sluice.flume.source.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CursorStoreTest {

  @TempDir
  Path tmp;

  @Test
  void hasNoCursorBeforeTheFirstSave() throws IOException {
    assertThat(new CursorStore(tmp.resolve("state.json")).load()).isEmpty();
  }

  @Test
  void loadsTheLastSavedCursorAndLeavesNoTemporaryFile() throws IOException {
    CursorStore store = new CursorStore(tmp.resolve("state.json"));
    store.save(1779719009132431L);
    store.save(1779719010689411L);

    assertThat(new CursorStore(tmp.resolve("state.json")).load()).hasValue(1779719010689411L);
    try (var files = Files.list(tmp)) {
      assertThat(files).containsExactly(tmp.resolve("state.json"));
    }
  }

  @Test
  void refusesAFileThatIsNotJson() throws IOException {
    Files.writeString(tmp.resolve("state.json"), "1779719010689411 garbage");
    assertThatThrownBy(() -> new CursorStore(tmp.resolve("state.json")).load())
        .isInstanceOf(IOException.class).hasMessageContaining("not JSON");
  }

  @Test
  void refusesAFileWithoutAPositiveCursor() throws IOException {
    Files.writeString(tmp.resolve("state.json"), "{\"time_us\": -5}");
    assertThatThrownBy(() -> new CursorStore(tmp.resolve("state.json")).load())
        .isInstanceOf(IOException.class).hasMessageContaining("time_us");
  }
}
