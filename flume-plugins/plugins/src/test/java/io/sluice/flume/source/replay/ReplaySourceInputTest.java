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

import io.sluice.flume.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.channel.MemoryChannel;
import org.apache.flume.conf.ConfigurationException;
import org.apache.flume.lifecycle.LifecycleState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReplaySource} inputs: gzip (by magic bytes, multi-member, truncated) and globs, on the
 * real access-log sample.
 */
class ReplaySourceInputTest {

  private static List<String> accessLog;

  @TempDir
  Path tmp;

  private final List<ReplaySource> sources = new ArrayList<>();
  private final List<MemoryChannel> channels = new ArrayList<>();
  /** The channel of the source started last. */
  private MemoryChannel current;

  @BeforeAll
  static void readSample() throws IOException {
    accessLog = Files.readAllLines(TestData.sample("access_logs/elastic-examples_apache_logs.log"),
        UTF_8);
  }

  @AfterEach
  void stopComponents() {
    sources.stream().filter(s -> s.getLifecycleState() == LifecycleState.START)
        .forEach(ReplaySource::stop);
    channels.forEach(MemoryChannel::stop);
  }

  @Test
  void decompressesGzipRecognisedByItsMagicBytesWhateverTheName() throws Exception {
    List<String> lines = accessLog.subList(0, 120);
    Path file = Files.write(tmp.resolve("access.log"), gzip(lines)); // no .gz suffix

    List<Event> events = replay(file.toString());

    assertThat(bodies(events)).containsExactlyElementsOf(lines);
    assertThat(header(events, "eventId")).containsExactlyElementsOf(ids("access.log", 120));
  }

  @Test
  void readsEveryMemberOfAMultiMemberGzipFile() throws Exception {
    byte[] first = gzip(accessLog.subList(0, 50));
    byte[] second = gzip(accessLog.subList(50, 130));
    Path file = tmp.resolve("rotated.log.gz");
    Files.write(file, concat(first, second));

    List<Event> events = replay(file.toString());

    assertThat(bodies(events)).containsExactlyElementsOf(accessLog.subList(0, 130));
  }

  @Test
  void replaysTheFilesOfAGlobInPathOrderWithIdsRelativeToItsDirectory() throws Exception {
    Path logs = Files.createDirectories(tmp.resolve("logs"));
    Path day1 = Files.createDirectories(logs.resolve("2015-05-17"));
    Path day2 = Files.createDirectories(logs.resolve("2015-05-18"));
    Files.write(day2.resolve("access.log"), lines(accessLog.subList(30, 40)));
    Files.write(day1.resolve("access.log.gz"), gzip(accessLog.subList(0, 30)));
    Files.write(day1.resolve("error.log"), lines(accessLog.subList(40, 45))); // not matched

    ReplaySource source = start(logs + "/*/access.log*", channel(100));
    List<Event> events = drain(source);

    assertThat(bodies(events)).containsExactlyElementsOf(accessLog.subList(0, 40));
    List<String> expectedIds = new ArrayList<>(ids("2015-05-17/access.log.gz", 30));
    expectedIds.addAll(ids("2015-05-18/access.log", 10));
    assertThat(header(events, "eventId")).containsExactlyElementsOf(expectedIds);
    assertThat(source.getCounter().getEndOfInputCount()).isEqualTo(1);
  }

  @Test
  void skipsTheRestOfATruncatedGzipFileCountsItAndGoesOn() throws Exception {
    byte[] whole = gzip(accessLog.subList(0, 2000));
    Path truncated = Files.write(tmp.resolve("a.log.gz"),
        Arrays.copyOf(whole, whole.length / 2));
    Files.write(tmp.resolve("b.log"), lines(accessLog.subList(2000, 2010)));

    ReplaySource source = start(tmp + "/*.log*", channel(3000));
    List<Event> events = drain(source);

    List<String> fromA = bodies(events.stream()
        .filter(e -> e.getHeaders().get("eventId").startsWith("a.log.gz:"))
        .collect(Collectors.toList()));
    assertThat(fromA).as("the lines before the damage, in order")
        .isNotEmpty().hasSizeLessThan(2000)
        .containsExactlyElementsOf(accessLog.subList(0, fromA.size()));
    assertThat(bodies(events).subList(fromA.size(), events.size()))
        .containsExactlyElementsOf(accessLog.subList(2000, 2010));
    assertThat(source.getCounter().getSkippedFileCount()).isEqualTo(1);
    assertThat(source.getCounter().getEventReadFail()).isEqualTo(1);
    assertThat(truncated).exists();
  }

  @Test
  void rejectsAGlobThatMatchesNothing() {
    assertThatThrownBy(() -> configure(tmp + "/*.log"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'file'");
  }

  @Test
  void rejectsAGlobThatIsNotValid() {
    assertThatThrownBy(() -> configure(tmp + "/[unclosed"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'file'");
  }

  // ---------------------------------------------------------------- helpers

  private List<Event> replay(String file) throws Exception {
    return drain(start(file, channel(1000)));
  }

  private ReplaySource configure(String file) {
    ReplaySource source = new ReplaySource();
    source.setName(uniqueName("replay-input"));
    Context context = new Context();
    context.put(ReplaySourceConfig.FILE, file);
    context.put(ReplaySourceConfig.BATCH_SIZE, "100");
    context.put(ReplaySourceConfig.POSITION_FILE,
        tmp.resolve("positions").resolve(source.getName() + ".json").toString());
    source.configure(context);
    return source;
  }

  private ReplaySource start(String file, MemoryChannel channel) {
    ReplaySource source = configure(file);
    source.setChannelProcessor(processor(channel));
    source.start();
    sources.add(source);
    this.current = channel;
    return source;
  }

  /** Drives process() to the end of the input, draining the channel. */
  private List<Event> drain(ReplaySource source) throws Exception {
    List<Event> events = new ArrayList<>();
    for (int calls = 0; source.getCounter().getEndOfInputCount() == 0; calls++) {
      assertThat(calls).as("process() calls").isLessThan(10_000);
      source.process();
      events.addAll(take(current, Integer.MAX_VALUE));
    }
    return events;
  }

  private MemoryChannel channel(int capacity) {
    MemoryChannel channel = memoryChannel(capacity, Math.min(capacity, 1000));
    channels.add(channel);
    return channel;
  }

  private static byte[] lines(List<String> lines) {
    return (String.join("\n", lines) + "\n").getBytes(UTF_8);
  }

  private static byte[] gzip(List<String> lines) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(lines(lines));
    }
    return bytes.toByteArray();
  }

  private static byte[] concat(byte[] first, byte[] second) {
    byte[] both = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    return both;
  }

  private static List<String> ids(String name, int count) {
    return IntStream.rangeClosed(1, count).mapToObj(i -> name + ":" + i)
        .collect(Collectors.toList());
  }
}
