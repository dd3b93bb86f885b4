package io.sluice.flume.source.replay;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.contract.EventHeaders;
import io.sluice.flume.metrics.ReplaySourceCounter;
import io.sluice.flume.testing.TestData;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.management.ObjectName;
import org.apache.flume.Channel;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.EventDeliveryException;
import org.apache.flume.PollableSource.Status;
import org.apache.flume.SourceRunner;
import org.apache.flume.Transaction;
import org.apache.flume.channel.ChannelProcessor;
import org.apache.flume.channel.MemoryChannel;
import org.apache.flume.channel.ReplicatingChannelSelector;
import org.apache.flume.conf.Configurables;
import org.apache.flume.conf.ConfigurationException;
import org.apache.flume.event.EventBuilder;
import org.apache.flume.lifecycle.LifecycleState;
import org.apache.flume.source.PollableSourceRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplaySourceTest {

  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  /** Bound on process() calls in a driven replay: a broken source fails instead of hanging. */
  private static final int MAX_PROCESS_CALLS = 100_000;

  @TempDir
  Path tmp;

  private final List<ReplaySource> sources = new ArrayList<>();
  private final List<Channel> channels = new ArrayList<>();

  @AfterEach
  void stopComponents() {
    sources.forEach(s -> {
      if (s.getLifecycleState() == LifecycleState.START) {
        s.stop();
      }
    });
    channels.forEach(Channel::stop);
  }

  // ---------------------------------------------------------------- every line, once, byte-exact

  @Test
  void deliversEveryLineOfInvalidUtf8FileByteExactWithLineNumberIds() throws Exception {
    Path file = TestData.edgeCase("lnav_logfile_invalid_utf8.0");
    List<byte[]> expected = TestData.lines(file);
    assertThat(expected).as("wc -l of the fixture").hasSize(6);
    assertThat(expected).as("fixture really contains invalid UTF-8")
        .anyMatch(line -> !isValidUtf8(line));

    MemoryChannel channel = channel(100, 100);
    ReplaySource source = source(channel, config(file));
    List<Event> events = replayToEnd(source, channel, 100);

    assertThat(hex(events)).containsExactlyElementsOf(hex(expected));
    assertThat(ids(events)).containsExactly(ids("lnav_logfile_invalid_utf8.0", 1, 6));
  }

  @Test
  void stripsCarriageReturnsOfCrlfFile() throws Exception {
    Path file = TestData.edgeCase("lnav_logfile_crlf.0");
    MemoryChannel channel = channel(100, 100);
    ReplaySource source = source(channel, config(file));

    List<Event> events = replayToEnd(source, channel, 100);

    assertThat(bodies(events)).containsExactly(
        "2012-07-02 10:22:40,672:DEBUG:foo bar baz",
        "2014-10-08 16:56:38,344:WARN:foo bar baz");
    assertThat(ids(events)).containsExactly("lnav_logfile_crlf.0:1", "lnav_logfile_crlf.0:2");
  }

  @Test
  void keepsEmptyLinesAndTheFinalLineWithoutNewline() throws Exception {
    Path file = write("with-gaps.txt", "first\n\n\r\nlast-without-newline");
    MemoryChannel channel = channel(100, 100);
    ReplaySource source = source(channel, config(file));

    List<Event> events = replayToEnd(source, channel, 100);

    assertThat(bodies(events)).containsExactly("first", "", "", "last-without-newline");
    assertThat(ids(events)).containsExactly(ids("with-gaps.txt", 1, 4));
  }

  @Test
  void setsReadTimeTimestampHeader() throws Exception {
    Path file = TestData.edgeCase("lnav_logfile_crlf.0");
    MemoryChannel channel = channel(100, 100);
    ReplaySource source = source(channel, config(file));
    long before = System.currentTimeMillis();

    List<Event> events = replayToEnd(source, channel, 100);

    long after = System.currentTimeMillis();
    assertThat(events).hasSize(2).allSatisfy(event -> {
      Map<String, String> headers = event.getHeaders();
      assertThat(Long.parseLong(headers.get(EventHeaders.TIMESTAMP)))
          .isBetween(before, after);
      assertThat(headers.get(EventHeaders.READ_TIME))
          .as("readTime: the same read time, as decimal epoch ms")
          .matches("[0-9]+")
          .isEqualTo(headers.get(EventHeaders.TIMESTAMP));
    });
  }

  @Test
  void keepsReadTimeWhenTheAccessLogInterceptorReplacesTheTimestamp() throws Exception {
    Path file = write("access.log",
        "83.149.9.216 - - [17/May/2015:10:05:03 +0000] \"GET /index.html HTTP/1.1\" 200 203023 "
            + "\"-\" \"Mozilla/5.0\"\nnot an access log line\n");
    MemoryChannel channel = channel(100, 100);
    ReplaySource source = new ReplaySource();
    source.setName("replay-" + SEQUENCE.incrementAndGet());
    Configurables.configure(source, config(file));
    ChannelProcessor processor = processor(channel);
    Context interceptors = new Context(Map.of("interceptors", "accessLog",
        "interceptors.accessLog.type",
        io.sluice.flume.interceptor.accesslog.AccessLogInterceptor.Builder.class.getName()));
    processor.configure(interceptors);
    source.setChannelProcessor(processor);
    source.start();
    sources.add(source);
    long before = System.currentTimeMillis();

    List<Event> events = replayToEnd(source, channel, 100);

    long after = System.currentTimeMillis();
    assertThat(events).hasSize(2).allSatisfy(event -> assertThat(Long.parseLong(
        event.getHeaders().get(EventHeaders.READ_TIME)))
        .as("readTime of %s", event.getHeaders()).isBetween(before, after));
    assertThat(events.get(0).getHeaders())
        .as("the parsed line's timestamp is the request time, its readTime the source's")
        .containsEntry(EventHeaders.TIMESTAMP, "1431857103000");
    assertThat(events.get(1).getHeaders()).containsKey("rejectReason");
  }

  // ---------------------------------------------------------------- end of input

  @Test
  void countsEndOfInputOnceAndExposesItOverJmx() throws Exception {
    Path file = TestData.edgeCase("lnav_logfile_invalid_utf8.0");
    MemoryChannel channel = channel(100, 100);
    ReplaySource source = source(channel, config(file));

    replayToEnd(source, channel, 100);
    for (int i = 0; i < 5; i++) {
      assertThat(source.process()).isEqualTo(Status.BACKOFF);
    }

    ReplaySourceCounter counter = source.getCounter();
    assertThat(counter.getEndOfInputCount()).isEqualTo(1);
    assertThat(counter.getEventReceivedCount()).isEqualTo(6);
    assertThat(counter.getEventAcceptedCount()).isEqualTo(6);
    assertThat(channelSize(channel)).isZero();
    ObjectName name = new ObjectName("org.apache.flume.source:type=" + source.getName());
    assertThat(ManagementFactory.getPlatformMBeanServer().getAttribute(name, "EndOfInputCount"))
        .isEqualTo(1L);
    assertThat(ManagementFactory.getPlatformMBeanServer().getAttribute(name, "EventAcceptedCount"))
        .isEqualTo(6L);
  }

  @Test
  void replaysEmptyFileAsZeroEventsAndOneEndOfInput() throws Exception {
    Path file = TestData.edgeCase("lnav_logfile_empty.0");
    MemoryChannel channel = channel(10, 10);
    ReplaySource source = source(channel, config(file));

    assertThat(source.process()).isEqualTo(Status.BACKOFF);
    assertThat(source.process()).isEqualTo(Status.BACKOFF);

    assertThat(take(channel, 10)).isEmpty();
    assertThat(source.getCounter().getEndOfInputCount()).isEqualTo(1);
    assertThat(source.getCounter().getEventAcceptedCount()).isZero();
  }

  @Test
  void countsEndOfInputOnlyAfterTheLastBatchIsAccepted() throws Exception {
    Path file = write("three.txt", "a\nb\nc\n");
    MemoryChannel channel = channel(4, 4);
    put(channel, "filler-1");
    put(channel, "filler-2"); // leaves room for 2 of the 3 lines
    Context context = config(file);
    context.put(ReplaySourceConfig.BATCH_SIZE, "4"); // one read meets the end
    ReplaySource source = source(channel, context);

    assertThat(source.process()).isEqualTo(Status.BACKOFF);
    assertThat(source.getCounter().getEndOfInputCount()).isZero();
    assertThat(source.getCounter().getEventAcceptedCount()).isZero();
    assertThat(source.getCounter().getChannelWriteFail()).isEqualTo(1);

    assertThat(bodies(take(channel, 2))).containsExactly("filler-1", "filler-2");
    assertThat(source.process()).isEqualTo(Status.BACKOFF); // delivered, then complete

    assertThat(source.getCounter().getEndOfInputCount()).isEqualTo(1);
    assertThat(source.getCounter().getEventAcceptedCount()).isEqualTo(3);
    assertThat(bodies(take(channel, 10))).containsExactly("a", "b", "c");
  }

  // ---------------------------------------------------------------- back-pressure

  @Test
  void fullChannelLosesNoLineAndDuplicatesNone() throws Exception {
    List<String> lines = IntStream.rangeClosed(1, 1000)
        .mapToObj(i -> i % 97 == 0 ? "" : "line-" + i).collect(Collectors.toList());
    Path file = write("numbered.txt", String.join("\n", lines) + "\n");
    MemoryChannel channel = channel(5, 3);
    Context context = config(file);
    context.put(ReplaySourceConfig.BATCH_SIZE, "3");
    ReplaySource source = source(channel, context);

    List<Event> received = new ArrayList<>();
    for (int calls = 0;
        source.getCounter().getEndOfInputCount() == 0 || channelSize(channel) > 0; calls++) {
      assertThat(calls).as("process() calls").isLessThan(MAX_PROCESS_CALLS);
      source.process();
      received.addAll(take(channel, 2)); // drains slower than the source fills
    }

    assertThat(bodies(received)).containsExactlyElementsOf(lines);
    assertThat(ids(received)).containsExactly(ids("numbered.txt", 1, 1000));
    ReplaySourceCounter counter = source.getCounter();
    assertThat(counter.getChannelWriteFail()).as("the channel really was full").isEqualTo(165);
    assertThat(counter.getEventReceivedCount()).isEqualTo(1000);
    assertThat(counter.getEventAcceptedCount()).isEqualTo(1000);
    assertThat(counter.getAppendBatchAcceptedCount())
        .isEqualTo(counter.getAppendBatchReceivedCount()).isEqualTo(334);
  }

  // ---------------------------------------------------------------- loop, pacing, restart

  @Test
  void loopTagsLaterPassesWithPassNumber() throws Exception {
    Path file = write("loop.txt", "x\ny\nz\n");
    MemoryChannel channel = channel(100, 100);
    Context context = config(file);
    context.put(ReplaySourceConfig.LOOP, "true");
    ReplaySource source = source(channel, context);

    for (int calls = 0; source.getCounter().getEndOfInputCount() < 2; calls++) {
      assertThat(calls).isLessThan(10);
      assertThat(source.process()).isEqualTo(Status.READY);
    }

    assertThat(ids(take(channel, 100))).containsExactly(
        "loop.txt:1", "loop.txt:2", "loop.txt:3", "loop.txt:1#2", "loop.txt:2#2", "loop.txt:3#2");
  }

  @Test
  void pacesEventsAtConfiguredRate() throws Exception {
    Path file = write("paced.txt", "1\n2\n3\n4\n");
    RatePacerTest.FakeClock clock = new RatePacerTest.FakeClock();
    MemoryChannel channel = channel(100, 100);
    Context context = config(file);
    context.put(ReplaySourceConfig.EVENTS_PER_SECOND, "4");
    ReplaySource source = new ReplaySource(clock);
    start(source, channel, context);
    long startNanos = clock.now;

    List<Long> arrivalMs = new ArrayList<>();
    for (int calls = 0; calls < 4; calls++) {
      assertThat(source.process()).isEqualTo(Status.READY);
      assertThat(take(channel, 100)).hasSize(1);
      arrivalMs.add((clock.now - startNanos) / 1_000_000);
    }

    assertThat(arrivalMs).containsExactly(0L, 250L, 500L, 750L);
  }

  @Test
  void runsUnderPollableSourceRunnerUntilEndOfInput() throws Exception {
    Path file = TestData.sample("access_logs/elastic-examples_apache_logs.log");
    MemoryChannel channel = channel(20_000, 500);
    Context context = config(file);
    context.put(ReplaySourceConfig.BATCH_SIZE, "500");
    context.put(ReplaySourceConfig.BACKOFF_SLEEP_INCREMENT_MS, "10");
    context.put(ReplaySourceConfig.MAX_BACKOFF_SLEEP_MS, "50");
    ReplaySource source = new ReplaySource();
    source.setName("replay-runner-" + SEQUENCE.incrementAndGet());
    Configurables.configure(source, context);
    source.setChannelProcessor(processor(channel));
    SourceRunner runner = new PollableSourceRunner();
    runner.setSource(source);
    ObjectName name = new ObjectName("org.apache.flume.source:type=" + source.getName());

    runner.start();
    try {
      awaitTrue(Duration.ofSeconds(30), () -> jmxLong(name, "EndOfInputCount") == 1);
    } finally {
      runner.stop();
    }

    assertThat(jmxLong(name, "EventAcceptedCount")).isEqualTo(10_000);
    assertThat(channelSize(channel)).isEqualTo(10_000);
  }

  // ---------------------------------------------------------------- configuration

  @Test
  void rejectsMissingFileKey() {
    assertThatThrownBy(() -> configure(new Context()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'file'");
  }

  @Test
  void rejectsFileThatDoesNotExist() {
    Context context = new Context(Map.of("file", tmp.resolve("absent.log").toString()));
    assertThatThrownBy(() -> configure(context))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'file'")
        .hasMessageContaining("absent.log");
  }

  @Test
  void rejectsDirectoryAsFile() {
    Context context = new Context(Map.of("file", tmp.toString()));
    assertThatThrownBy(() -> configure(context))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'file'");
  }

  @Test
  void rejectsZeroBatchSize() throws IOException {
    Context context = config(write("f.txt", "x\n"));
    context.put("batchSize", "0");
    assertThatThrownBy(() -> configure(context))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'batchSize'");
  }

  @Test
  void rejectsNonNumericBatchSize() throws IOException {
    Context context = config(write("f.txt", "x\n"));
    context.put("batchSize", "lots");
    assertThatThrownBy(() -> configure(context))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'batchSize'");
  }

  @Test
  void rejectsNegativeEventsPerSecond() throws IOException {
    Context context = config(write("f.txt", "x\n"));
    context.put("eventsPerSecond", "-1");
    assertThatThrownBy(() -> configure(context))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'eventsPerSecond'");
  }

  @Test
  void rejectsLoopThatIsNotABoolean() throws IOException {
    Context context = config(write("f.txt", "x\n"));
    context.put("loop", "yes");
    assertThatThrownBy(() -> configure(context))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'loop'");
  }

  @Test
  void appliesDefaults() throws IOException {
    ReplaySource source = configure(config(write("f.txt", "x\n")));
    assertThat(source.getBackOffSleepIncrement()).isEqualTo(1000);
    assertThat(source.getMaxBackOffSleepInterval()).isEqualTo(5000);
  }

  // ---------------------------------------------------------------- helpers

  /** The input {@code file}, with a position file of its own under the test's directory. */
  private Context config(Path file) {
    Context context = new Context();
    context.put(ReplaySourceConfig.FILE, file.toString());
    context.put(ReplaySourceConfig.POSITION_FILE,
        tmp.resolve("positions/position-" + SEQUENCE.incrementAndGet() + ".json").toString());
    return context;
  }

  private Path write(String name, String content) throws IOException {
    return Files.write(tmp.resolve(name), content.getBytes(UTF_8));
  }

  private static ReplaySource configure(Context context) {
    ReplaySource source = new ReplaySource();
    source.setName("replay-config-" + SEQUENCE.incrementAndGet());
    source.configure(context);
    return source;
  }

  private ReplaySource source(Channel channel, Context context) {
    ReplaySource source = new ReplaySource();
    start(source, channel, context);
    return source;
  }

  private void start(ReplaySource source, Channel channel, Context context) {
    source.setName("replay-" + SEQUENCE.incrementAndGet());
    Configurables.configure(source, context);
    source.setChannelProcessor(processor(channel));
    source.start();
    sources.add(source);
  }

  private static ChannelProcessor processor(Channel channel) {
    ReplicatingChannelSelector selector = new ReplicatingChannelSelector();
    selector.setChannels(List.of(channel));
    return new ChannelProcessor(selector);
  }

  /** A memory channel that refuses a put at once (keep-alive 0) when it has no room. */
  private MemoryChannel channel(int capacity, int transactionCapacity) {
    MemoryChannel channel = new MemoryChannel();
    channel.setName("channel-" + SEQUENCE.incrementAndGet());
    Context context = new Context();
    context.put("capacity", Integer.toString(capacity));
    context.put("transactionCapacity", Integer.toString(transactionCapacity));
    context.put("keep-alive", "0");
    Configurables.configure(channel, context);
    channel.start();
    channels.add(channel);
    return channel;
  }

  /** Drives process() until the source reports the end of the input, draining the channel. */
  private static List<Event> replayToEnd(ReplaySource source, Channel channel, int drainSize)
      throws EventDeliveryException {
    List<Event> events = new ArrayList<>();
    for (int calls = 0; source.getCounter().getEndOfInputCount() == 0; calls++) {
      assertThat(calls).as("process() calls").isLessThan(MAX_PROCESS_CALLS);
      source.process();
      events.addAll(take(channel, drainSize));
    }
    events.addAll(take(channel, Integer.MAX_VALUE));
    return events;
  }

  private static List<Event> take(Channel channel, int max) {
    List<Event> events = new ArrayList<>();
    Transaction tx = channel.getTransaction();
    tx.begin();
    try {
      for (Event event; events.size() < max && (event = channel.take()) != null; ) {
        events.add(event);
      }
      tx.commit();
    } catch (RuntimeException e) {
      tx.rollback();
      throw e;
    } finally {
      tx.close();
    }
    return events;
  }

  private static void put(Channel channel, String body) {
    Transaction tx = channel.getTransaction();
    tx.begin();
    try {
      channel.put(EventBuilder.withBody(body, UTF_8));
      tx.commit();
    } catch (RuntimeException e) {
      tx.rollback();
      throw e;
    } finally {
      tx.close();
    }
  }

  /** Events in the channel, read from its counter's JMX attribute as a monitoring tool would. */
  private static long channelSize(Channel channel) throws Exception {
    return jmxLong(new ObjectName("org.apache.flume.channel:type=" + channel.getName()),
        "ChannelSize");
  }

  private static long jmxLong(ObjectName name, String attribute) {
    try {
      return (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(name, attribute);
    } catch (javax.management.InstanceNotFoundException e) {
      return -1;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void awaitTrue(Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition met before the deadline").isLessThan(deadline);
      Thread.sleep(5); // poll interval, not a wait for a guessed duration
    }
  }

  private static List<String> bodies(List<Event> events) {
    return events.stream().map(e -> new String(e.getBody(), UTF_8)).collect(Collectors.toList());
  }

  private static List<String> hex(List<?> items) {
    return items.stream()
        .map(item -> item instanceof Event ? ((Event) item).getBody() : (byte[]) item)
        .map(HexFormat.of()::formatHex)
        .collect(Collectors.toList());
  }

  private static List<String> ids(List<Event> events) {
    return events.stream()
        .map(e -> e.getHeaders().get(EventHeaders.EVENT_ID))
        .collect(Collectors.toList());
  }

  private static String[] ids(String fileName, int first, int last) {
    return IntStream.rangeClosed(first, last).mapToObj(i -> fileName + ":" + i)
        .toArray(String[]::new);
  }

  private static boolean isValidUtf8(byte[] bytes) {
    try {
      UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
