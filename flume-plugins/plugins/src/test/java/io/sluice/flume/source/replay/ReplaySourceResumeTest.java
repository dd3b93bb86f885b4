package io.sluice.flume.source.replay;

import static io.sluice.flume.source.SourceTestSupport.bodies;
import static io.sluice.flume.source.SourceTestSupport.header;
import static io.sluice.flume.source.SourceTestSupport.memoryChannel;
import static io.sluice.flume.source.SourceTestSupport.processor;
import static io.sluice.flume.source.SourceTestSupport.take;
import static io.sluice.flume.source.SourceTestSupport.uniqueName;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.flume.metrics.ReplaySourceCounter;
import io.sluice.flume.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.FlumeException;
import org.apache.flume.PollableSource.Status;
import org.apache.flume.channel.MemoryChannel;
import org.apache.flume.conf.ConfigurationException;
import org.apache.flume.lifecycle.LifecycleState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReplaySource} resuming from its position file after a stop and start in this JVM, on
 * real memory channels. (A crash, {@code kill -9} of the agent JVM, is {@code ReplaySourceKillIT}.)
 */
class ReplaySourceResumeTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FIVE = "line one\nline two\nline three\nline four\nline five\n";

  @TempDir
  Path tmp;

  private final List<ReplaySource> sources = new ArrayList<>();
  private final List<MemoryChannel> channels = new ArrayList<>();

  @AfterEach
  void stopComponents() {
    sources.stream().filter(s -> s.getLifecycleState() == LifecycleState.START)
        .forEach(ReplaySource::stop);
    channels.forEach(MemoryChannel::stop);
  }

  // ---------------------------------------------------------------- the position file

  @Test
  void writesLinesAndByteOffsetAfterEachCommittedBatch() throws Exception {
    Path file = write("five.log", FIVE);
    MemoryChannel channel = channel(100);
    ReplaySource source = start(config(file, 2), channel);

    source.process();
    assertPosition(source, "five.log", 2, "line one\nline two\n".length(), false);
    source.process();
    assertPosition(source, "five.log", 4, "line one\nline two\nline three\nline four\n".length(),
        false);
    source.process(); // line five, then the end of the file
    source.process(); // the end of the pass: the file is finished

    assertPosition(source, "five.log", 5, FIVE.length(), true);
    JsonNode position = position(source);
    assertThat(position.get("pass").asInt()).isEqualTo(1);
    assertThat(position.get("input").asText()).isEqualTo(file.toString());
    assertThat(position.at("/files/0/path").asText()).isEqualTo(file.toAbsolutePath().toString());
    assertThat(position.at("/files/0/headLength").asInt()).isEqualTo(FIVE.length());
    assertThat(position.at("/files/0/gzip").asBoolean()).isFalse();
    try (var files = Files.list(source.positionFile().getParent())) {
      assertThat(files).as("no temporary file left").containsExactly(source.positionFile());
    }
  }

  @Test
  void doesNotRecordABatchTheChannelRefused() throws Exception {
    Path file = write("five.log", FIVE);
    MemoryChannel channel = channel(2);
    ReplaySource source = start(config(file, 2), channel);

    assertThat(source.process()).isEqualTo(Status.READY);
    assertThat(source.process()).as("channel full").isEqualTo(Status.BACKOFF);

    assertPosition(source, "five.log", 2, "line one\nline two\n".length(), false);
  }

  // ---------------------------------------------------------------- resuming

  @Test
  void restartResumesAfterTheLastCommittedLineWithTheSameIdsAndFreshCounters() throws Exception {
    Path file = write("five.log", FIVE);
    MemoryChannel channel = channel(100);
    ReplaySource source = start(config(file, 2), channel);
    source.process();
    source.process();
    List<Event> before = drain(channel);
    source.stop();

    source.start();
    List<Event> after = replayToEnd(source, channel);

    assertThat(header(before, "eventId")).containsExactly("five.log:1", "five.log:2",
        "five.log:3", "five.log:4");
    assertThat(header(after, "eventId")).containsExactly("five.log:5");
    assertThat(bodies(after)).containsExactly("line five");
    ReplaySourceCounter counter = source.getCounter();
    assertThat(counter.getResumedEventCount()).isEqualTo(4);
    assertThat(counter.getEventReceivedCount()).isEqualTo(1);
    assertThat(counter.getEventAcceptedCount()).isEqualTo(1);
    assertThat(counter.getEndOfInputCount()).isEqualTo(1);
  }

  @Test
  void linesReadButNotCommittedBeforeTheStopAreReadAgain() throws Exception {
    Path file = write("five.log", FIVE);
    MemoryChannel channel = channel(2);
    ReplaySource source = start(config(file, 2), channel);
    source.process();
    assertThat(source.process()).as("lines 3-4 refused by the full channel")
        .isEqualTo(Status.BACKOFF);
    List<Event> before = drain(channel);
    source.stop();

    source.start();
    List<Event> after = replayToEnd(source, channel);

    assertThat(header(before, "eventId")).containsExactly("five.log:1", "five.log:2");
    assertThat(header(after, "eventId")).containsExactly("five.log:3", "five.log:4",
        "five.log:5");
  }

  @Test
  void aCompletedReplayRestartsWithNothingToReadAndReportsTheEndOfInput() throws Exception {
    Path file = write("five.log", FIVE);
    MemoryChannel channel = channel(100);
    ReplaySource source = start(config(file, 2), channel);
    assertThat(replayToEnd(source, channel)).hasSize(5);
    source.stop();

    source.start();

    assertThat(source.process()).isEqualTo(Status.BACKOFF);
    assertThat(drain(channel)).isEmpty();
    ReplaySourceCounter counter = source.getCounter();
    assertThat(counter.getEndOfInputCount()).isEqualTo(1);
    assertThat(counter.getResumedEventCount()).isEqualTo(5);
    assertThat(counter.getEventReceivedCount()).isZero();
    assertThat(counter.getEventAcceptedCount()).isZero();
  }

  @Test
  void resumesAGlobSkippingTheFilesItFinished() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("in"));
    Files.writeString(dir.resolve("a.log"), "a1\na2\n");
    Files.writeString(dir.resolve("b.log"), "b1\nb2\nb3\n");
    Files.writeString(dir.resolve("c.log"), "c1\nc2\n");
    MemoryChannel channel = channel(100);
    ReplaySource source = start(config(dir + "/*.log", 2), channel);
    source.process(); // a1 a2
    source.process(); // the end of a.log, b1 b2
    List<Event> before = drain(channel);
    JsonNode position = position(source);
    source.stop();

    source.start();
    List<Event> after = replayToEnd(source, channel);

    assertThat(header(before, "eventId")).containsExactly("a.log:1", "a.log:2", "b.log:1",
        "b.log:2");
    assertThat(position.at("/files/0/done").asBoolean()).as("a.log finished").isTrue();
    assertThat(position.at("/files/1/lines").asLong()).as("b.log").isEqualTo(2);
    assertThat(header(after, "eventId")).containsExactly("b.log:3", "c.log:1", "c.log:2");
    assertThat(source.getCounter().getResumedEventCount()).isEqualTo(4);
    assertThat(position(source).get("files")).hasSize(3)
        .allSatisfy(file -> assertThat(file.get("done").asBoolean()).isTrue());
  }

  @Test
  void resumesAGzipFileByCountingItsLinesAgain() throws Exception {
    Path file = tmp.resolve("five.log.gz");
    Files.write(file, gzip(FIVE));
    MemoryChannel channel = channel(100);
    ReplaySource source = start(config(file, 2), channel);
    source.process();
    source.process();
    drain(channel);
    JsonNode position = position(source);
    source.stop();

    source.start();
    List<Event> after = replayToEnd(source, channel);

    assertThat(position.at("/files/0/gzip").asBoolean()).isTrue();
    assertThat(position.at("/files/0/lines").asLong()).isEqualTo(4);
    assertThat(position.at("/files/0/offset").asLong()).as("in the decompressed content")
        .isEqualTo("line one\nline two\nline three\nline four\n".length());
    assertThat(header(after, "eventId")).containsExactly("five.log.gz:5");
    assertThat(bodies(after)).containsExactly("line five");
  }

  @Test
  void resumesTheRealAccessLogAtItsByteOffset() throws Exception {
    Path file = TestData.sample("access_logs/elastic-examples_apache_logs.log");
    List<byte[]> lines = TestData.lines(file);
    MemoryChannel channel = channel(1000);
    ReplaySource source = start(config(file, 500), channel);
    for (int i = 0; i < 7; i++) {
      source.process();
      drain(channel);
    }
    long offset = 0;
    for (byte[] line : lines.subList(0, 3500)) {
      offset += line.length + 1; // the sample's lines end in '\n', no '\r'
    }
    assertPosition(source, file.getFileName().toString(), 3500, offset, false);
    source.stop();

    source.start();
    List<Event> after = replayToEnd(source, channel);

    assertThat(after).hasSize(lines.size() - 3500);
    assertThat(after.get(0).getHeaders()).containsEntry("eventId",
        "elastic-examples_apache_logs.log:3501");
    assertThat(after.get(0).getBody()).isEqualTo(lines.get(3500));
    assertThat(after.get(after.size() - 1).getBody()).isEqualTo(lines.get(lines.size() - 1));
  }

  @Test
  void timestampPacingDoesNotRecordTheLineItHoldsForLater() throws Exception {
    List<String> access = Files.readAllLines(
        TestData.sample("access_logs/elastic-examples_apache_logs.log"), UTF_8);
    // The first line twice (due at once), then the first line of the next hour (held).
    String later = access.stream().filter(line -> line.contains("17/May/2015:11:"))
        .findFirst().orElseThrow();
    Path file = Files.write(tmp.resolve("gap.log"), List.of(access.get(0), access.get(0), later),
        UTF_8);
    MemoryChannel channel = channel(100);
    Context context = config(file, 100);
    context.put(ReplaySourceConfig.PACE_BY, "timestamp");
    RatePacerTest.FakeClock clock = new RatePacerTest.FakeClock();
    ReplaySource source = start(new ReplaySource(clock), context, channel);

    source.process(); // delivers lines 1-2; line 3 is read and held until it is due
    List<Event> before = drain(channel);
    assertPosition(source, "gap.log", 2,
        (access.get(0) + "\n" + access.get(0) + "\n").getBytes(UTF_8).length, false);
    source.stop();

    source.start();
    List<Event> after = replayToEnd(source, channel);

    assertThat(header(before, "eventId")).containsExactly("gap.log:1", "gap.log:2");
    assertThat(header(after, "eventId")).containsExactly("gap.log:3");
    assertThat(bodies(after)).containsExactly(later);
  }

  @Test
  void loopKeepsItsPassAcrossARestart() throws Exception {
    Path file = write("two.log", "x\ny\n");
    MemoryChannel channel = channel(100);
    Context context = config(file, 2);
    context.put(ReplaySourceConfig.LOOP, "true");
    ReplaySource source = start(context, channel);
    source.process(); // x y
    source.process(); // the end of pass 1
    source.process(); // x#2 y#2
    List<Event> before = drain(channel);
    source.stop();

    source.start();
    source.process(); // the end of pass 2: nothing left of it
    source.process(); // pass 3
    List<Event> after = drain(channel);

    assertThat(header(before, "eventId")).containsExactly("two.log:1", "two.log:2",
        "two.log:1#2", "two.log:2#2");
    assertThat(header(after, "eventId")).containsExactly("two.log:1#3", "two.log:2#3");
    assertThat(position(source).get("pass").asInt()).isEqualTo(3);
  }

  // ---------------------------------------------------------------- a file that changed

  @Test
  void replaysAFileReplacedUnderTheSamePathFromItsFirstLine() throws Exception {
    Path file = write("five.log", FIVE);
    MemoryChannel channel = channel(100);
    ReplaySource source = start(config(file, 2), channel);
    source.process();
    source.process();
    drain(channel);
    source.stop();
    // Rotation: a new file (new inode) takes the path.
    Path rotated = write("five.log.new", "new one\nnew two\n");
    Files.move(rotated, file, StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);

    source.start();
    List<Event> after = replayToEnd(source, channel);

    assertThat(header(after, "eventId")).containsExactly("five.log:1", "five.log:2");
    assertThat(bodies(after)).containsExactly("new one", "new two");
    assertThat(source.getCounter().getResumedEventCount()).isZero();
  }

  @Test
  void replaysAFileRewrittenInPlaceFromItsFirstLine() throws Exception {
    Path file = write("five.log", FIVE);
    MemoryChannel channel = channel(100);
    ReplaySource source = start(config(file, 2), channel);
    source.process();
    source.process();
    drain(channel);
    source.stop();
    Files.writeString(file, "LINE ONE\nline two\nline three\nline four\nline five\n"); // same inode

    source.start();
    List<Event> after = replayToEnd(source, channel);

    assertThat(header(after, "eventId")).containsExactly("five.log:1", "five.log:2",
        "five.log:3", "five.log:4", "five.log:5");
  }

  @Test
  void continuesAFileThatGrewAfterItsLastCommittedLine() throws Exception {
    Path file = write("five.log", FIVE);
    MemoryChannel channel = channel(100);
    ReplaySource source = start(config(file, 2), channel);
    source.process();
    source.process();
    drain(channel);
    source.stop();
    Files.writeString(file, FIVE + "line six\n");

    source.start();
    List<Event> after = replayToEnd(source, channel);

    assertThat(header(after, "eventId")).containsExactly("five.log:5", "five.log:6");
    assertThat(bodies(after)).containsExactly("line five", "line six");
  }

  // ---------------------------------------------------------------- failures and configuration

  @Test
  void countsAFailedWriteAndWritesAgainAfterTheNextBatch() throws Exception {
    Path file = write("five.log", FIVE);
    MemoryChannel channel = channel(100);
    Context context = config(file, 2);
    ReplaySource source = start(context, channel);
    Path position = source.positionFile();
    Path temporary = position.resolveSibling(position.getFileName() + ".tmp");
    Files.createDirectory(temporary); // the temporary file cannot be written

    source.process();

    assertThat(source.getCounter().getPositionSaveFailCount()).isEqualTo(1);
    assertThat(source.getCounter().getEventAcceptedCount()).as("delivered regardless")
        .isEqualTo(2);
    assertThat(position).doesNotExist();

    Files.delete(temporary);
    source.process();

    assertPosition(source, "five.log", 4, "line one\nline two\nline three\nline four\n".length(),
        false);
    assertThat(source.getCounter().getPositionSaveFailCount()).isEqualTo(1);
  }

  @Test
  void refusesToStartOnAPositionFileItCannotRead() throws Exception {
    Path file = write("five.log", FIVE);
    Context context = config(file, 2);
    Path position = Path.of(context.getString(ReplaySourceConfig.POSITION_FILE));
    Files.createDirectories(position.getParent());
    Files.writeString(position, "{\"version\": 1, \"pass\": 1, \"files\": [{\"path\": 7}]}");
    ReplaySource source = configured(context);
    source.setChannelProcessor(processor(channel(100)));

    assertThatThrownBy(source::start).isInstanceOf(FlumeException.class)
        .hasMessageContaining("'positionFile'").hasMessageContaining(position.toString())
        .hasMessageContaining("path");
    assertThat(source.getLifecycleState()).isNotEqualTo(LifecycleState.START);
  }

  @Test
  void rejectsAPositionFileThatIsADirectory() throws Exception {
    Context context = config(write("five.log", FIVE), 2);
    Files.createDirectories(
        Path.of(context.getString(ReplaySourceConfig.POSITION_FILE)));

    assertThatThrownBy(() -> configured(context)).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'positionFile'").hasMessageContaining("not a regular file");
  }

  @Test
  void rejectsAPositionFileWhoseDirectoryCannotBeCreated() throws Exception {
    Path notADirectory = write("plain-file", "x");
    Context context = config(write("five.log", FIVE), 2);
    context.put(ReplaySourceConfig.POSITION_FILE,
        notADirectory.resolve("position.json").toString());

    assertThatThrownBy(() -> configured(context)).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'positionFile'");
  }

  @Test
  void defaultPositionFileIsInTheFlumeDirectoryOfTheUsersHome() throws Exception {
    Context context = new Context(Map.of(ReplaySourceConfig.FILE,
        write("five.log", FIVE).toString()));
    String home = System.getProperty("user.home");
    System.setProperty("user.home", tmp.resolve("home").toString());
    try {
      ReplaySource source = configured(context);

      assertThat(source.positionFile()).isEqualTo(
          tmp.resolve("home/.flume/replay-" + source.getName() + ".json"));
      assertThat(tmp.resolve("home/.flume")).isDirectory();
    } finally {
      System.setProperty("user.home", home);
    }
  }

  // ---------------------------------------------------------------- helpers

  private Context config(Path file, int batchSize) {
    return config(file.toString(), batchSize);
  }

  /** The input, the batch size and a position file of the test's own. */
  private Context config(String file, int batchSize) {
    Context context = new Context();
    context.put(ReplaySourceConfig.FILE, file);
    context.put(ReplaySourceConfig.BATCH_SIZE, Integer.toString(batchSize));
    context.put(ReplaySourceConfig.POSITION_FILE,
        tmp.resolve("state").resolve(uniqueName("position") + ".json").toString());
    return context;
  }

  private ReplaySource configured(Context context) {
    return configured(new ReplaySource(), context);
  }

  private ReplaySource configured(ReplaySource source, Context context) {
    source.setName(uniqueName("replay-resume"));
    source.configure(context);
    sources.add(source);
    return source;
  }

  private ReplaySource start(Context context, MemoryChannel channel) {
    return start(new ReplaySource(), context, channel);
  }

  private ReplaySource start(ReplaySource source, Context context, MemoryChannel channel) {
    configured(source, context);
    source.setChannelProcessor(processor(channel));
    source.start();
    return source;
  }

  /** Drives process() to the end of the input, draining the channel. */
  private static List<Event> replayToEnd(ReplaySource source, MemoryChannel channel)
      throws Exception {
    List<Event> events = new ArrayList<>();
    for (int calls = 0; source.getCounter().getEndOfInputCount() == 0; calls++) {
      assertThat(calls).as("process() calls").isLessThan(10_000);
      source.process();
      events.addAll(drain(channel));
    }
    return events;
  }

  /** Takes every event in the channel, two per transaction (the smallest channel's capacity). */
  private static List<Event> drain(MemoryChannel channel) {
    List<Event> events = new ArrayList<>();
    for (List<Event> taken = take(channel, 2); !taken.isEmpty(); taken = take(channel, 2)) {
      events.addAll(taken);
    }
    return events;
  }

  private MemoryChannel channel(int capacity) {
    MemoryChannel channel = memoryChannel(capacity, capacity);
    channels.add(channel);
    return channel;
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(tmp.resolve(name), content);
  }

  private static byte[] gzip(String content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(content.getBytes(UTF_8));
    }
    return bytes.toByteArray();
  }

  private static JsonNode position(ReplaySource source) throws IOException {
    return JSON.readTree(source.positionFile().toFile());
  }

  /** Asserts the position file's only entry. */
  private static void assertPosition(ReplaySource source, String name, long lines, long offset,
      boolean done) throws IOException {
    JsonNode files = position(source).get("files");
    assertThat(files).hasSize(1);
    JsonNode file = files.get(0);
    assertThat(file.get("name").asText()).isEqualTo(name);
    assertThat(file.get("lines").asLong()).as("lines").isEqualTo(lines);
    assertThat(file.get("offset").asLong()).as("offset").isEqualTo(offset);
    assertThat(file.get("done").asBoolean()).as("done").isEqualTo(done);
  }
}
