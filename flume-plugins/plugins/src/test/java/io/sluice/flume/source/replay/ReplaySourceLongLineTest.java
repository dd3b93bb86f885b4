package io.sluice.flume.source.replay;

import static io.sluice.flume.source.SourceTestSupport.bodies;
import static io.sluice.flume.source.SourceTestSupport.header;
import static io.sluice.flume.source.SourceTestSupport.memoryChannel;
import static io.sluice.flume.source.SourceTestSupport.processor;
import static io.sluice.flume.source.SourceTestSupport.take;
import static io.sluice.flume.source.SourceTestSupport.uniqueName;
import static io.sluice.flume.source.replay.ReplaySourceConfig.DEFAULT_MAX_LINE_BYTES;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.contract.EventHeaders;
import io.sluice.contract.RejectReason;
import io.sluice.flume.metrics.ReplaySourceCounter;
import io.sluice.flume.source.LogCapture;
import io.sluice.flume.source.SourceTestSupport;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.flume.Channel;
import org.apache.flume.ChannelException;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.PollableSource.Status;
import org.apache.flume.channel.MemoryChannel;
import org.apache.flume.conf.Configurables;
import org.apache.flume.conf.ConfigurationException;
import org.apache.flume.lifecycle.LifecycleState;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReplaySource} and lines longer than {@code maxLineBytes}: cut, marked
 * {@code line-too-long}, counted, resumed past; and a batch the channel can never accept, reported
 * instead of retried in silence. Real memory channels; the Kafka channel's refusal of a record
 * over {@code max.request.size} is reproduced by {@link RecordLimitChannel}.
 */
class ReplaySourceLongLineTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  private final List<ReplaySource> sources = new ArrayList<>();
  private final List<Channel> channels = new ArrayList<>();

  @AfterEach
  void stopComponents() {
    sources.stream().filter(s -> s.getLifecycleState() == LifecycleState.START)
        .forEach(ReplaySource::stop);
    channels.forEach(Channel::stop);
  }

  // ---------------------------------------------------------------- the cut

  @Test
  void deliversALineOfExactlyTheDefaultMaxLineBytesWhole() throws Exception {
    byte[] line = filled(DEFAULT_MAX_LINE_BYTES, 'a');
    Path file = write("exact.log", line, bytes("\nnext\n"));
    MemoryChannel channel = channel(100);
    ReplaySource source = start(config(file, 100), channel);

    List<Event> events = replayToEnd(source, channel);

    assertThat(events).hasSize(2);
    assertThat(events.get(0).getBody()).isEqualTo(line);
    assertThat(events.get(0).getHeaders()).containsOnlyKeys("eventId", "timestamp", "readTime");
    assertThat(source.getCounter().getTruncatedLineCount()).isZero();
  }

  @Test
  void cutsALineOneByteOverTheDefaultMarksItAndDeliversTheNextLines() throws Exception {
    byte[] line = filled(DEFAULT_MAX_LINE_BYTES + 1, 'a');
    line[DEFAULT_MAX_LINE_BYTES] = 'z';
    Path file = write("over.log", bytes("before\n"), line, bytes("\nafter\n"));
    MemoryChannel channel = channel(100);
    ReplaySource source = start(config(file, 100), channel);

    List<Event> events = replayToEnd(source, channel);

    assertThat(header(events, "eventId")).containsExactly("over.log:1", "over.log:2",
        "over.log:3");
    assertThat(events.get(1).getBody()).isEqualTo(Arrays.copyOf(line, DEFAULT_MAX_LINE_BYTES));
    assertThat(events.get(1).getHeaders())
        .containsEntry(EventHeaders.REJECT_REASON, RejectReason.LINE_TOO_LONG.code())
        .containsEntry(EventHeaders.REJECTED_BY, "replay-source")
        .containsEntry(EventHeaders.ORIGINAL_LENGTH_BYTES,
            Integer.toString(DEFAULT_MAX_LINE_BYTES + 1))
        .containsKeys("eventId", "timestamp", "readTime");
    assertThat(bodies(List.of(events.get(0), events.get(2)))).containsExactly("before", "after");
    assertThat(events.get(0).getHeaders()).doesNotContainKey(EventHeaders.REJECT_REASON);
    assertThat(events.get(2).getHeaders()).doesNotContainKey(EventHeaders.REJECT_REASON);
    ReplaySourceCounter counter = source.getCounter();
    assertThat(counter.getTruncatedLineCount()).isEqualTo(1);
    assertThat(counter.getEventReceivedCount()).isEqualTo(3);
    assertThat(counter.getEventAcceptedCount()).isEqualTo(3);
  }

  @Test
  void cutsAtMaxLineBytesCountingTheLengthWithoutItsCrlf() throws Exception {
    Path file = write("crlf.log", bytes("abcd\r\nabcde\r\nabcd\rx\r\nab\r\n"));
    MemoryChannel channel = channel(100);
    Context context = config(file, 100);
    context.put(ReplaySourceConfig.MAX_LINE_BYTES, "4");
    ReplaySource source = start(context, channel);

    List<Event> events = replayToEnd(source, channel);

    assertThat(bodies(events)).containsExactly("abcd", "abcd", "abcd", "ab");
    assertThat(header(events, EventHeaders.REJECT_REASON))
        .containsExactly(null, "line-too-long", "line-too-long", null);
    assertThat(header(events, EventHeaders.ORIGINAL_LENGTH_BYTES))
        .containsExactly(null, "5", "6", null);
  }

  @Test
  void streamsA10MibLineOfAGzipFileAndGoesOn() throws Exception {
    Path file = tmp.resolve("huge.log.gz");
    long huge = 10L << 20;
    byte[] chunk = filled(1 << 16, 'h');
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(bytes("first\n"));
      for (long written = 0; written < huge; written += chunk.length) {
        out.write(chunk);
      }
      out.write(bytes("\r\nlast"));
    }
    MemoryChannel channel = channel(100);
    Context context = config(file, 100);
    context.put(ReplaySourceConfig.MAX_LINE_BYTES, "1000");
    ReplaySource source = start(context, channel);

    List<Event> events = replayToEnd(source, channel);

    assertThat(header(events, "eventId")).containsExactly("huge.log.gz:1", "huge.log.gz:2",
        "huge.log.gz:3");
    assertThat(bodies(events)).containsExactly("first", "h".repeat(1000), "last");
    assertThat(events.get(1).getHeaders())
        .containsEntry(EventHeaders.REJECT_REASON, RejectReason.LINE_TOO_LONG.code())
        .containsEntry(EventHeaders.ORIGINAL_LENGTH_BYTES, Long.toString(huge));
    assertThat(source.getCounter().getTruncatedLineCount()).isEqualTo(1);
  }

  @Test
  void logsACutLineAtWarnWithItsEventIdAndLength() throws Exception {
    Path file = write("warn.log", bytes("abcdef\n"));
    MemoryChannel channel = channel(100);
    Context context = config(file, 100);
    context.put(ReplaySourceConfig.MAX_LINE_BYTES, "4");
    try (LogCapture log = LogCapture.of(ReplaySource.class)) {
      ReplaySource source = start(context, channel);
      replayToEnd(source, channel);

      assertThat(log.messages(Level.WARN)).singleElement().asString()
          .contains("warn.log:1", "6 bytes long", "maxLineBytes = 4", "line-too-long");
    }
  }

  // ---------------------------------------------------------------- resuming past a cut line

  @Test
  void resumesAfterACutLineAtTheByteAfterItsTerminator() throws Exception {
    byte[] huge = filled(5000, 'x');
    Path file = write("resume.log", bytes("one\n"), huge, bytes("\r\nthree\nfour\n"));
    MemoryChannel channel = channel(100);
    Context context = config(file, 2);
    context.put(ReplaySourceConfig.MAX_LINE_BYTES, "100");
    ReplaySource source = start(context, channel);
    source.process(); // lines 1-2
    List<Event> before = take(channel, 100);
    JsonNode position = JSON.readTree(source.positionFile().toFile());
    source.stop();

    source.start();
    List<Event> after = replayToEnd(source, channel);

    assertThat(position.at("/files/0/lines").asLong()).isEqualTo(2);
    assertThat(position.at("/files/0/offset").asLong()).isEqualTo(4 + 5000 + 2);
    assertThat(header(before, "eventId")).containsExactly("resume.log:1", "resume.log:2");
    assertThat(before.get(1).getBody()).hasSize(100);
    assertThat(header(after, "eventId")).containsExactly("resume.log:3", "resume.log:4");
    assertThat(bodies(after)).containsExactly("three", "four");
    assertThat(source.getCounter().getTruncatedLineCount()).as("this run").isZero();
  }

  @Test
  void resumesAGzipFileCountingACutLineAsOneLine() throws Exception {
    Path file = tmp.resolve("resume.log.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(bytes("one\n"));
      out.write(filled(5000, 'x'));
      out.write(bytes("\nthree\nfour\n"));
    }
    MemoryChannel channel = channel(100);
    Context context = config(file, 2);
    context.put(ReplaySourceConfig.MAX_LINE_BYTES, "100");
    ReplaySource source = start(context, channel);
    source.process();
    take(channel, 100);
    source.stop();

    source.start();
    List<Event> after = replayToEnd(source, channel);

    assertThat(header(after, "eventId")).containsExactly("resume.log.gz:3", "resume.log.gz:4");
    assertThat(bodies(after)).containsExactly("three", "four");
  }

  // ---------------------------------------------------------------- configuration

  @Test
  void rejectsAMaxLineBytesBelowOne() throws Exception {
    Context context = config(write("f.log", bytes("x\n")), 10);
    context.put(ReplaySourceConfig.MAX_LINE_BYTES, "0");
    ReplaySource source = new ReplaySource();
    source.setName(uniqueName("replay-long"));

    assertThatThrownBy(() -> source.configure(context))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("replay-source: Key 'maxLineBytes'");
  }

  @Test
  void rejectsAMaxLineBytesThatIsNotAnInteger() throws Exception {
    Context context = config(write("f.log", bytes("x\n")), 10);
    context.put(ReplaySourceConfig.MAX_LINE_BYTES, "128k");
    ReplaySource source = new ReplaySource();
    source.setName(uniqueName("replay-long"));

    assertThatThrownBy(() -> source.configure(context))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("replay-source: Key 'maxLineBytes'");
  }

  // ---------------------------------------------------------------- a batch that never fits

  @Test
  void reportsABatchTheChannelCanNeverAcceptAtErrorRateLimitedAndCountsEachAttempt()
      throws Exception {
    // maxLineBytes raised above what the "producer" carries: the configuration error to report.
    Path file = write("big.log", bytes("small\n"), filled(3000, 'b'), bytes("\nlast\n"));
    RecordLimitChannel channel = new RecordLimitChannel(2000);
    Context context = config(file, 10);
    context.put(ReplaySourceConfig.MAX_LINE_BYTES, "10000");
    FakeClock clock = new FakeClock();
    try (LogCapture log = LogCapture.of(ReplaySource.class)) {
      ReplaySource source = start(new ReplaySource(clock), context, channel);

      assertThat(source.process()).isEqualTo(Status.BACKOFF);
      clock.advanceSeconds(5);
      assertThat(source.process()).isEqualTo(Status.BACKOFF);
      clock.advanceSeconds(26);
      assertThat(source.process()).isEqualTo(Status.BACKOFF);

      ReplaySourceCounter counter = source.getCounter();
      assertThat(counter.getPermanentChannelWriteFailCount()).isEqualTo(3);
      assertThat(counter.getChannelWriteFail()).isEqualTo(3);
      assertThat(counter.getEventAcceptedCount()).as("nothing skipped").isZero();
      List<String> errors = log.messages(Level.ERROR);
      assertThat(errors).as("the first attempt, then one 31 s later; not the one at 5 s")
          .hasSize(2);
      assertThat(errors.get(0)).contains("big.log:1", "big.log:3", "RecordTooLargeException",
          "max.request.size", "attempt 1 over 0 s", "maxLineBytes (now 10000)");
      assertThat(errors.get(1)).contains("big.log:1", "attempt 3 over 31 s",
          "1 reports held back");
      assertThat(log.thrown(Level.ERROR).get(0)).isInstanceOf(ChannelException.class);
      assertThat(channel.size()).as("the batch is still refused whole").isZero();
    }
  }

  @Test
  void reportsAChannelRefusingABatchForThirtySecondsAtWarnThenItsAcceptance() throws Exception {
    Path file = write("full.log", bytes("a\nb\nc\n"));
    MemoryChannel channel = channel(2);
    Context context = config(file, 2);
    FakeClock clock = new FakeClock();
    try (LogCapture log = LogCapture.of(ReplaySource.class)) {
      ReplaySource source = start(new ReplaySource(clock), context, channel);
      assertThat(source.process()).isEqualTo(Status.READY); // a, b fill the channel
      assertThat(source.process()).isEqualTo(Status.BACKOFF);
      clock.advanceSeconds(29);
      assertThat(source.process()).isEqualTo(Status.BACKOFF);
      assertThat(log.messages(Level.WARN)).as("refused for 29 s: DEBUG only").isEmpty();
      clock.advanceSeconds(1);
      assertThat(source.process()).isEqualTo(Status.BACKOFF);

      assertThat(log.messages(Level.WARN)).singleElement().asString()
          .contains("full.log:3", "for 30 s", "3 attempts");
      assertThat(log.messages(Level.ERROR)).isEmpty();
      assertThat(source.getCounter().getPermanentChannelWriteFailCount()).isZero();
      take(channel, 2);
      source.process();
      assertThat(bodies(take(channel, 2))).containsExactly("c");
    }
  }

  @Test
  void findsAPermanentCauseOnlyAmongNonRetriableKafkaErrors() {
    RecordTooLargeException tooLarge = new RecordTooLargeException("too large");
    ChannelException wrapped = new ChannelException("Commit failed as send to Kafka failed",
        new ExecutionException(tooLarge));

    assertThat(ReplaySource.permanentCause(wrapped)).isSameAs(tooLarge);
    assertThat(ReplaySource.permanentCause(new ChannelException("full", new ExecutionException(
        new org.apache.kafka.common.errors.TimeoutException("broker away"))))).isNull();
    assertThat(ReplaySource.permanentCause(new ChannelException("Space for commit to queue "
        + "couldn't be acquired"))).isNull();
  }

  // ---------------------------------------------------------------- helpers

  /**
   * A memory channel that refuses an event whose body is over {@code maxBytes} as Flume's
   * KafkaChannel refuses a record over the producer's {@code max.request.size}: a
   * {@link ChannelException} caused by an {@link ExecutionException} of Kafka's
   * {@link RecordTooLargeException} (KafkaChannel throws it from its commit, this one from the
   * put; the channel processor rolls back and rethrows it either way).
   */
  private static final class RecordLimitChannel extends MemoryChannel {
    private final int maxBytes;

    RecordLimitChannel(int maxBytes) {
      this.maxBytes = maxBytes;
      setName(uniqueName("record-limit"));
      Context context = new Context(Map.of("capacity", "100", "transactionCapacity", "100",
          "keep-alive", "0"));
      Configurables.configure(this, context);
      start();
    }

    @Override
    public void put(Event event) {
      if (event.getBody().length > maxBytes) {
        throw new ChannelException("Commit failed as send to Kafka failed",
            new ExecutionException(new RecordTooLargeException("The message is "
                + event.getBody().length + " bytes when serialized which is larger than "
                + maxBytes + ", which is the value of the max.request.size configuration.")));
      }
      super.put(event);
    }

    int size() {
      return SourceTestSupport.take(this, Integer.MAX_VALUE).size();
    }
  }

  /** A clock the test moves; sleeping advances it. */
  private static final class FakeClock implements RatePacer.Clock {
    private long nanos = 1_000_000_000L;

    @Override
    public long nanoTime() {
      return nanos;
    }

    @Override
    public void sleepNanos(long sleep) {
      nanos += sleep;
    }

    void advanceSeconds(long seconds) {
      nanos += TimeUnit.SECONDS.toNanos(seconds);
    }
  }

  private Context config(Path file, int batchSize) {
    Context context = new Context();
    context.put(ReplaySourceConfig.FILE, file.toString());
    context.put(ReplaySourceConfig.BATCH_SIZE, Integer.toString(batchSize));
    context.put(ReplaySourceConfig.POSITION_FILE,
        tmp.resolve("state").resolve(uniqueName("position") + ".json").toString());
    return context;
  }

  private ReplaySource start(Context context, Channel channel) {
    return start(new ReplaySource(), context, channel);
  }

  private ReplaySource start(ReplaySource source, Context context, Channel channel) {
    source.setName(uniqueName("replay-long"));
    source.configure(context);
    source.setChannelProcessor(processor(channel));
    source.start();
    sources.add(source);
    if (!channels.contains(channel)) {
      channels.add(channel);
    }
    return source;
  }

  private MemoryChannel channel(int capacity) {
    MemoryChannel channel = memoryChannel(capacity, capacity);
    channels.add(channel);
    return channel;
  }

  /** Drives process() to the end of the input, draining the channel. */
  private static List<Event> replayToEnd(ReplaySource source, Channel channel) throws Exception {
    List<Event> events = new ArrayList<>();
    for (int calls = 0; source.getCounter().getEndOfInputCount() == 0; calls++) {
      assertThat(calls).as("process() calls").isLessThan(10_000);
      source.process();
      events.addAll(take(channel, Integer.MAX_VALUE));
    }
    return events;
  }

  private Path write(String name, byte[]... parts) throws IOException {
    Path file = tmp.resolve(name);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (byte[] part : parts) {
        out.write(part);
      }
    }
    return file;
  }

  private static byte[] filled(int length, char c) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) c);
    return bytes;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(ISO_8859_1);
  }
}
