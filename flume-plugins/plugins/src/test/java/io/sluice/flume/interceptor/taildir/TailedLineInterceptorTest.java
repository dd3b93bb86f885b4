package io.sluice.flume.interceptor.taildir;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.HashBasedTable;
import io.sluice.contract.EventHeaders;
import io.sluice.flume.config.InvalidConfigurationException;
import io.sluice.flume.metrics.InterceptorCounter;
import io.sluice.flume.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.event.EventBuilder;
import org.apache.flume.source.taildir.ReliableTaildirEventReader;
import org.apache.flume.source.taildir.TailFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TailedLineInterceptor} on lines read by Flume 1.11's own TAILDIR reader
 * ({@link ReliableTaildirEventReader}, the class {@code TaildirSource} reads with) from real files
 * rotated by rename and by copytruncate. Lines are the bundled real access log's.
 */
class TailedLineInterceptorTest {

  @TempDir
  Path dir;

  private List<String> real;
  private int nextLine;
  private final AtomicLong clock = new AtomicLong(1_000_000);

  @BeforeEach
  void readSample() {
    real = new ArrayList<>();
    for (byte[] line : TestData.lines(
        TestData.sample("access_logs/elastic-examples_apache_logs.log"))) {
      real.add(new String(line, UTF_8));
    }
  }

  private void append(Path file, int lines) throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < lines; i++) {
      text.append(real.get(nextLine++)).append('\n');
    }
    Files.writeString(file, text, UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private TailedLineInterceptor interceptor(Map<String, String> config) {
    TailedLineInterceptorConfig parsed = TailedLineInterceptorConfig.parse(new Context(config));
    TailedLineInterceptor interceptor = new TailedLineInterceptor(parsed, clock::get);
    interceptor.initialize();
    return interceptor;
  }

  /** A TAILDIR reader of {@code access.log*} in {@link #dir}, as the agent file configures it. */
  private ReliableTaildirEventReader reader(Path positionFile) throws IOException {
    HashBasedTable<String, String, String> headers = HashBasedTable.create();
    return new ReliableTaildirEventReader.Builder()
        .filePaths(Map.of("access", dir.resolve("access\\.log(\\.[0-9]+)?").toString()))
        .headerTable(headers)
        .positionFilePath(positionFile.toString())
        .skipToEnd(false)
        .addByteOffset(true)
        .cachePatternMatching(false)
        .annotateFileName(true)
        .build();
  }

  /** One poll of TaildirSource.process(): every updated file read to its end, then committed. */
  private static List<Event> poll(ReliableTaildirEventReader reader) throws IOException {
    List<Event> events = new ArrayList<>();
    for (long inode : reader.updateTailFiles()) {
      TailFile file = reader.getTailFiles().get(inode);
      if (file.needTail()) {
        List<Event> read;
        do {
          read = reader.readEvents(file, 100);
          events.addAll(read);
          reader.commit();
        } while (!read.isEmpty());
      }
    }
    return events;
  }

  private static List<String> ids(List<Event> events) {
    return events.stream().map(e -> e.getHeaders().get(EventHeaders.EVENT_ID)).toList();
  }

  private static List<String> bodies(List<Event> events) {
    return events.stream().map(e -> new String(e.getBody(), UTF_8)).toList();
  }

  @Test
  void idIsTheFingerprintOfTheFirstLineAndTheByteOffset() throws IOException {
    Path log = dir.resolve("access.log");
    append(log, 3);
    TailedLineInterceptor interceptor = interceptor(Map.of());

    List<Event> events = interceptor.intercept(poll(reader(dir.resolve("pos.json"))));

    String fingerprint = TailedLineInterceptor.sha256Hex(
        (real.get(0) + "\n").getBytes(UTF_8), real.get(0).length() + 1);
    long second = real.get(0).getBytes(UTF_8).length + 1;
    long third = second + real.get(1).getBytes(UTF_8).length + 1;
    assertThat(ids(events)).containsExactly(fingerprint + ":0", fingerprint + ":" + second,
        fingerprint + ":" + third);
    assertThat(bodies(events)).containsExactlyElementsOf(real.subList(0, 3));
  }

  @Test
  void renamedFileReadAgainByTaildirIsDroppedUpToWhereItWasReadAndKeepsItsIdsAfterARestart()
      throws IOException {
    Path log = dir.resolve("access.log");
    Path rotated = dir.resolve("access.log.1");
    append(log, 2);
    TailedLineInterceptor interceptor = interceptor(Map.of());
    ReliableTaildirEventReader reader = reader(dir.resolve("pos.json"));
    List<Event> before = interceptor.intercept(poll(reader));
    Files.move(log, rotated);
    append(rotated, 2); // the server writes to its open descriptor until it reopens its log
    append(log, 1);

    List<Event> read = poll(reader);
    List<Event> after = interceptor.intercept(new ArrayList<>(read));
    // An agent restarted without a position file reads everything again, under the new names.
    List<Event> reread = interceptor(Map.of()).intercept(poll(reader(dir.resolve("new.json"))));

    assertThat(read).as("Flume 1.11 opens the renamed file anew, from offset 0, under its new "
        + "name").filteredOn(e -> e.getHeaders().get(EventHeaders.FILE).equals(rotated.toString()))
        .extracting(e -> e.getHeaders().get(EventHeaders.BYTE_OFFSET)).hasSize(4).first()
        .isEqualTo("0");
    assertThat(bodies(after)).containsExactlyInAnyOrder(real.get(2), real.get(3), real.get(4));
    assertThat(interceptor.counter().value(InterceptorCounter.droppedCounter("duplicate")))
        .isEqualTo(2);
    List<String> first = new ArrayList<>(ids(before));
    first.addAll(ids(after));
    assertThat(ids(reread)).containsExactlyInAnyOrderElementsOf(first).doesNotHaveDuplicates();
  }

  @Test
  void lineReadUnderTheOldNameOfARenamedFileIsFoundInTheRenamedFile() throws IOException {
    Path log = dir.resolve("access.log");
    append(log, 2);
    List<Event> read = poll(reader(dir.resolve("pos.json")));
    String ownId = interceptor(Map.of()).intercept(new ArrayList<>(List.of(read.get(1))))
        .get(0).getHeaders().get(EventHeaders.EVENT_ID);
    Files.move(log, dir.resolve("access.log.1"));
    append(log, 3); // the new file is longer than the line's offset, with other bytes there
    Event late = EventBuilder.withBody(read.get(1).getBody(), new java.util.HashMap<>(Map.of(
        EventHeaders.FILE, log.toString(),
        EventHeaders.BYTE_OFFSET, read.get(1).getHeaders().get(EventHeaders.BYTE_OFFSET))));
    TailedLineInterceptor interceptor = interceptor(Map.of());

    interceptor.intercept(new ArrayList<>(List.of(late)));

    assertThat(late.getHeaders()).containsEntry(EventHeaders.EVENT_ID, ownId);
    assertThat(interceptor.counter().value(TailedLineInterceptor.EVENT_IN_OTHER_FILE))
        .isEqualTo(1);
  }

  @Test
  void copyTruncateCopyIsDroppedUpToWhereTheOriginalWasReadAndItsUnreadTailPasses()
      throws IOException {
    Path log = dir.resolve("access.log");
    Path copy = dir.resolve("access.log.1");
    append(log, 3);
    TailedLineInterceptor interceptor = interceptor(Map.of());
    ReliableTaildirEventReader reader = reader(dir.resolve("pos.json"));
    List<Event> read = interceptor.intercept(poll(reader));
    append(log, 2); // written, not yet read when logrotate copies
    Files.copy(log, copy, StandardCopyOption.COPY_ATTRIBUTES);
    try (var channel = java.nio.channels.FileChannel.open(log, StandardOpenOption.WRITE)) {
      channel.truncate(0);
    }
    append(log, 1);

    List<Event> after = interceptor.intercept(poll(reader));

    assertThat(bodies(read)).containsExactlyElementsOf(real.subList(0, 3));
    assertThat(bodies(after)).as("the copy's unread tail and the truncated file's new line")
        .containsExactlyInAnyOrder(real.get(3), real.get(4), real.get(5));
    assertThat(interceptor.counter().value(InterceptorCounter.droppedCounter("duplicate")))
        .isEqualTo(3);
    assertThat(interceptor.counter().value(InterceptorCounter.EVENT_RECEIVED)).isEqualTo(9);
    List<String> all = new ArrayList<>(ids(read));
    all.addAll(ids(after));
    assertThat(all).doesNotHaveDuplicates();
  }

  @Test
  void stateFileCarriesTheCopyDetectionAcrossARestart() throws IOException {
    Path log = dir.resolve("access.log");
    Path state = dir.resolve("copies.json");
    append(log, 4);
    TailedLineInterceptor first = interceptor(Map.of("stateFile", state.toString()));
    first.intercept(poll(reader(dir.resolve("pos.json"))));
    first.close();
    Files.copy(log, dir.resolve("access.log.1"));
    try (var channel = java.nio.channels.FileChannel.open(log, StandardOpenOption.WRITE)) {
      channel.truncate(0);
    }

    TailedLineInterceptor restarted = interceptor(Map.of("stateFile", state.toString()));
    List<Event> after = restarted.intercept(poll(reader(dir.resolve("pos.json"))));

    assertThat(after).isEmpty();
    assertThat(restarted.counter().value(InterceptorCounter.droppedCounter("duplicate")))
        .isEqualTo(4);
    assertThat(restarted.readings()).hasSize(1);
  }

  @Test
  void readingsExpireAfterStateExpirySeconds() throws IOException {
    Path log = dir.resolve("access.log");
    append(log, 2);
    TailedLineInterceptor interceptor = interceptor(Map.of("stateExpirySeconds", "60"));
    ReliableTaildirEventReader reader = reader(dir.resolve("pos.json"));
    interceptor.intercept(poll(reader));
    Files.copy(log, dir.resolve("access.log.1"));
    clock.addAndGet(61_000);

    List<Event> after = interceptor.intercept(poll(reader));

    assertThat(after).as("the copy of a file forgotten is read again, with the same ids")
        .hasSize(2);
  }

  @Test
  void lineFoundNowhereGetsAnIdFromItsBodyAndEventWithoutHeadersPasses() {
    TailedLineInterceptor interceptor = interceptor(Map.of());
    Event gone = EventBuilder.withBody("gone".getBytes(UTF_8),
        new java.util.HashMap<>(Map.of(EventHeaders.FILE, dir.resolve("access.log").toString(),
            EventHeaders.BYTE_OFFSET, "7")));
    Event bare = EventBuilder.withBody("bare".getBytes(UTF_8));

    List<Event> out = interceptor.intercept(new ArrayList<>(List.of(gone, bare)));

    assertThat(out).containsExactly(gone, bare);
    assertThat(gone.getHeaders().get(EventHeaders.EVENT_ID)).isEqualTo(
        "line-" + TailedLineInterceptor.sha256Hex("gone".getBytes(UTF_8), 4) + ":7");
    assertThat(bare.getHeaders()).doesNotContainKey(EventHeaders.EVENT_ID);
    assertThat(interceptor.counter().value(TailedLineInterceptor.EVENT_NOT_LOCATED)).isEqualTo(1);
    assertThat(interceptor.counter().value(TailedLineInterceptor.EVENT_WITHOUT_POSITION))
        .isEqualTo(1);
  }

  @Test
  void rotationStemDropsANumericSuffixOnly() {
    assertThat(TailedLineInterceptor.rotationStem("access.log.12")).isEqualTo("access.log");
    assertThat(TailedLineInterceptor.rotationStem("access.log")).isEqualTo("access.log");
    assertThat(TailedLineInterceptor.rotationStem("access.log.gz")).isEqualTo("access.log.gz");
  }

  @Test
  void rejectsAnUnknownKeyNamingIt() {
    assertThatThrownBy(() -> interceptor(Map.of("statefile", "x")))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("tailed-line-interceptor")
        .hasMessageContaining("statefile");
  }

  @Test
  void rejectsAZeroExpiryNamingTheKey() {
    assertThatThrownBy(() -> interceptor(Map.of("stateExpirySeconds", "0")))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("stateExpirySeconds");
  }
}
