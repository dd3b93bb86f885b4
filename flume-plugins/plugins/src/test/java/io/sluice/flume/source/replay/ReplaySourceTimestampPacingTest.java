package io.sluice.flume.source.replay;

import static io.sluice.flume.source.SourceTestSupport.awaitTrue;
import static io.sluice.flume.source.SourceTestSupport.bodies;
import static io.sluice.flume.source.SourceTestSupport.memoryChannel;
import static io.sluice.flume.source.SourceTestSupport.processor;
import static io.sluice.flume.source.SourceTestSupport.take;
import static io.sluice.flume.source.SourceTestSupport.uniqueName;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.flume.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.SourceRunner;
import org.apache.flume.channel.MemoryChannel;
import org.apache.flume.conf.ConfigurationException;
import org.apache.flume.lifecycle.LifecycleState;
import org.apache.flume.source.PollableSourceRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code paceBy = timestamp}: real log lines replayed at their original offsets divided by the
 * speed-up, on a manual clock (time moves only when the source sleeps).
 */
class ReplaySourceTimestampPacingTest {

  private static final DateTimeFormatter APACHE =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);

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

  @Test
  void sendsAccessLogLinesAtTheirOriginalOffsetsDividedByTheSpeedup() throws Exception {
    List<String> lines = Files.readAllLines(
        TestData.sample("access_logs/elastic-examples_apache_logs.log"), UTF_8).subList(0, 40);
    Path file = Files.write(tmp.resolve("access.log"), lines, UTF_8);
    RatePacerTest.FakeClock clock = new RatePacerTest.FakeClock();
    Context context = paced(file, "apache");
    context.put(ReplaySourceConfig.SPEEDUP, "60");

    List<Long> arrivals = new ArrayList<>();
    List<Event> events = replay(clock, context, arrivals);

    assertThat(bodies(events)).containsExactlyElementsOf(lines);
    long first = apacheMillis(lines.get(0));
    long due = 0;
    List<Long> expected = new ArrayList<>();
    for (String line : lines) {
      // Lines stamped earlier than lines already sent go at once: due never moves back.
      due = Math.max(due, TimeUnit.MILLISECONDS.toNanos(apacheMillis(line) - first) / 60);
      expected.add(due);
    }
    assertThat(arrivals).containsExactlyElementsOf(expected);
    assertThat(expected.get(expected.size() - 1)).as("the sample really spans time")
        .isGreaterThan(TimeUnit.MILLISECONDS.toNanos(500));
  }

  @Test
  void pacesIso8601LinesWithTheirOffsets() throws Exception {
    Path file = Paths.get(getClass().getResource("/syslog/lnav_logfile_with_zones.0").toURI());
    List<String> lines = Files.readAllLines(file, UTF_8);
    RatePacerTest.FakeClock clock = new RatePacerTest.FakeClock();

    List<Long> arrivals = new ArrayList<>();
    replay(clock, paced(file, "iso8601"), arrivals);

    long first = isoMillis(lines.get(0));
    assertThat(arrivals).containsExactly(0L,
        TimeUnit.MILLISECONDS.toNanos(isoMillis(lines.get(1)) - first),  // +03:00: 81 ms later
        TimeUnit.MILLISECONDS.toNanos(isoMillis(lines.get(2)) - first));
    assertThat(isoMillis(lines.get(1)) - first).isEqualTo(81);
  }

  @Test
  void sendsLinesWithoutAReadableTimestampAtOnceAndCountsThem() throws Exception {
    List<String> access = Files.readAllLines(
        TestData.sample("access_logs/elastic-examples_apache_logs.log"), UTF_8).subList(0, 4);
    String syslog = Files.readAllLines(
        TestData.edgeCase("lnav_logfile_syslog_with_access_log.0"), UTF_8).get(0);
    // Real lines of two logs interleaved (a composition for this test): the syslog line has no
    // [dd/MMM/yyyy:HH:mm:ss Z] field.
    List<String> lines = List.of(access.get(0), access.get(1), syslog, access.get(2),
        access.get(3));
    Path file = Files.write(tmp.resolve("mixed.log"), lines, UTF_8);
    RatePacerTest.FakeClock clock = new RatePacerTest.FakeClock();

    List<Long> arrivals = new ArrayList<>();
    ReplaySource source = new ReplaySource(clock);
    List<Event> events = replay(source, clock, paced(file, "apache"), arrivals);

    assertThat(bodies(events)).containsExactlyElementsOf(lines);
    assertThat(arrivals.get(2)).as("unpaced: right behind the line before it")
        .isEqualTo(arrivals.get(1));
    assertThat(source.getCounter().getTimestampParseFailCount()).isEqualTo(1);
  }

  @Test
  @Timeout(30)
  void stopEndsAWaitForALineThatIsNotDueYet() throws Exception {
    List<String> access = Files.readAllLines(
        TestData.sample("access_logs/elastic-examples_apache_logs.log"), UTF_8);
    // The first line of the sample and the first one stamped an hour or more later.
    long first = apacheMillis(access.get(0));
    String later = access.stream()
        .filter(line -> apacheMillis(line) - first >= TimeUnit.HOURS.toMillis(1))
        .findFirst().orElseThrow();
    Path file = Files.write(tmp.resolve("gap.log"), List.of(access.get(0), later), UTF_8);
    MemoryChannel channel = channel();
    ReplaySource source = new ReplaySource();
    source.setName(uniqueName("replay-paced"));
    source.configure(withPositionFile(paced(file, "apache"), source));
    source.setChannelProcessor(processor(channel));
    SourceRunner runner = new PollableSourceRunner();
    runner.setSource(source);
    runner.start();
    List<Event> events = new ArrayList<>();
    try {
      awaitTrue(Duration.ofSeconds(20), () -> {
        events.addAll(take(channel, 10));
        return !events.isEmpty();
      });
    } finally {
      runner.stop(); // interrupts the wait of up to an hour for the second line
    }

    assertThat(bodies(events)).containsExactly(access.get(0));
    assertThat(source.getLifecycleState()).isEqualTo(LifecycleState.STOP);
  }

  // ---------------------------------------------------------------- configuration

  @Test
  void rejectsEventsPerSecondWithTimestampPacing() throws Exception {
    Context context = paced(sampleFile(), "apache");
    context.put(ReplaySourceConfig.EVENTS_PER_SECOND, "100");
    assertRejected(context, ReplaySourceConfig.EVENTS_PER_SECOND);
  }

  @Test
  void rejectsASpeedupWithRatePacing() throws Exception {
    Context context = new Context();
    context.put(ReplaySourceConfig.FILE, sampleFile().toString());
    context.put(ReplaySourceConfig.SPEEDUP, "10");
    assertRejected(context, ReplaySourceConfig.SPEEDUP);
  }

  @Test
  void rejectsATimestampFormatWithRatePacing() throws Exception {
    Context context = new Context();
    context.put(ReplaySourceConfig.FILE, sampleFile().toString());
    context.put(ReplaySourceConfig.TIMESTAMP_FORMAT, "iso8601");
    assertRejected(context, ReplaySourceConfig.TIMESTAMP_FORMAT);
  }

  @Test
  void rejectsASpeedupThatIsNotPositive() throws Exception {
    Context context = paced(sampleFile(), "apache");
    context.put(ReplaySourceConfig.SPEEDUP, "0");
    assertRejected(context, ReplaySourceConfig.SPEEDUP);
  }

  @Test
  void rejectsAnUnknownTimestampFormat() throws Exception {
    assertRejected(paced(sampleFile(), "syslog"),
        ReplaySourceConfig.TIMESTAMP_FORMAT);
  }

  @Test
  void rejectsAnUnknownPaceBy() throws Exception {
    Context context = new Context();
    context.put(ReplaySourceConfig.FILE, sampleFile().toString());
    context.put(ReplaySourceConfig.PACE_BY, "wallclock");
    assertRejected(context, ReplaySourceConfig.PACE_BY);
  }

  @Test
  void rejectsEventsPerSecondThatIsNotANumber() throws Exception {
    Context context = new Context();
    context.put(ReplaySourceConfig.FILE, sampleFile().toString());
    context.put(ReplaySourceConfig.EVENTS_PER_SECOND, "NaN");
    assertRejected(context, ReplaySourceConfig.EVENTS_PER_SECOND);
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = '|', value = {
      "eventsPerSecond|Infinity",
      "batchSize|-3",
      "backoffSleepIncrement|0",
      "maxBackoffSleep|0"})
  void rejectsOutOfRangeValues(String key, String value) {
    Context context = new Context();
    context.put(ReplaySourceConfig.FILE, sampleFile().toString());
    context.put(key, value);
    assertRejected(context, key);
  }

  @Test
  void rejectsAnUnknownKey() throws Exception {
    Context context = new Context();
    context.put(ReplaySourceConfig.FILE, sampleFile().toString());
    context.put("speedUp", "2");
    assertRejected(context, "speedUp");
  }

  // ---------------------------------------------------------------- helpers

  private static void assertRejected(Context context, String key) {
    ReplaySource source = new ReplaySource();
    source.setName(uniqueName("replay-config"));
    assertThatThrownBy(() -> source.configure(context))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'" + key + "'");
  }

  private static Path sampleFile() {
    return TestData.sample("access_logs/elastic-examples_apache_logs.log");
  }

  private static Context paced(Path file, String format) {
    Context context = new Context();
    context.put(ReplaySourceConfig.FILE, file.toString());
    context.put(ReplaySourceConfig.PACE_BY, "timestamp");
    context.put(ReplaySourceConfig.TIMESTAMP_FORMAT, format);
    context.put(ReplaySourceConfig.BATCH_SIZE, "100");
    return context;
  }

  private List<Event> replay(RatePacerTest.FakeClock clock, Context context, List<Long> arrivals)
      throws Exception {
    return replay(new ReplaySource(clock), clock, context, arrivals);
  }

  /**
   * Drives process() to the end of the input; records for each event the clock's time since the
   * start when it reached the channel.
   */
  private List<Event> replay(ReplaySource source, RatePacerTest.FakeClock clock, Context context,
      List<Long> arrivals) throws Exception {
    MemoryChannel channel = channel();
    source.setName(uniqueName("replay-paced"));
    source.configure(withPositionFile(context, source));
    source.setChannelProcessor(processor(channel));
    source.start();
    sources.add(source);
    long start = clock.now;
    List<Event> events = new ArrayList<>();
    for (int calls = 0; source.getCounter().getEndOfInputCount() == 0; calls++) {
      assertThat(calls).as("process() calls").isLessThan(10_000);
      source.process();
      for (Event event : take(channel, Integer.MAX_VALUE)) {
        events.add(event);
        arrivals.add(clock.now - start);
      }
    }
    return events;
  }

  /** The context with a position file of the source's own under the test's directory. */
  private Context withPositionFile(Context context, ReplaySource source) {
    context.put(ReplaySourceConfig.POSITION_FILE,
        tmp.resolve("positions").resolve(source.getName() + ".json").toString());
    return context;
  }

  private MemoryChannel channel() {
    MemoryChannel channel = memoryChannel(1000, 1000);
    channels.add(channel);
    return channel;
  }

  private static long apacheMillis(String line) {
    String stamp = line.substring(line.indexOf('[') + 1, line.indexOf(']'));
    return ZonedDateTime.parse(stamp, APACHE).toInstant().toEpochMilli();
  }

  private static long isoMillis(String line) {
    return OffsetDateTime.parse(line.substring(0, line.indexOf(' '))).toInstant().toEpochMilli();
  }
}
