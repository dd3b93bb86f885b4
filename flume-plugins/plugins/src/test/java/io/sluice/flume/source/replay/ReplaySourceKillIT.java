package io.sluice.flume.source.replay;

import static io.sluice.flume.source.SourceTestSupport.awaitTrue;
import static io.sluice.flume.source.SourceTestSupport.uniqueName;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.contract.EventHeaders;
import io.sluice.flume.interceptor.accesslog.AccessLogInterceptor;
import io.sluice.flume.source.agents.AgentProcess;
import io.sluice.flume.source.agents.AgentRun;
import io.sluice.flume.source.agents.FileChannelContents;
import io.sluice.flume.testing.TestData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.event.EventBuilder;
import org.apache.flume.interceptor.Interceptor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReplaySource} crashed with {@code kill -9} in the middle of a file and restarted: a
 * Flume agent in a JVM of its own ({@link AgentProcess}) replays real access-log data through the
 * logs agent's own interceptors and reject routing ({@code agents/logs-agent.properties}) into
 * durable FILE channels; the rejects channel drains into a {@code file_roll} dead-letter sink as in
 * that agent. After the restart has replayed the rest, the events channel is read back in this JVM.
 *
 * <p>Input (real data, three files of one glob, in this order): the lnav fixture of syslog lines
 * with access-log lines embedded (5 lines), the lnav fixture of malformed access-log lines (3), and
 * the 10,000-line Apache log sample (whose line 8899 is truncated). Replayed at 2,000 lines per
 * second in batches of 100, the run lasts about 5 s; the agent is killed once the position file
 * shows at least 2,000 lines of the sample committed.
 */
class ReplaySourceKillIT {

  private static final String AGENT = "crash";
  private static final int BATCH_SIZE = 100;
  private static final String SAMPLE = "3-apache.log";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern EVENT_ID = Pattern.compile("eventId=([^,}]+)[,}]");

  @TempDir
  Path tmp;

  private Path input;
  private Path positionFile;
  private Path deadLetter;
  private Path config;
  /** Every line of the input by its expected eventId, in replay order. */
  private final Map<String, byte[]> lines = new LinkedHashMap<>();
  /** The eventIds of the lines the AccessLogInterceptor rejects, by file name. */
  private final Map<String, Set<String>> rejects = new TreeMap<>();

  @BeforeEach
  void prepare() throws IOException {
    input = Files.createDirectories(tmp.resolve("input"));
    Files.copy(TestData.edgeCase("lnav_logfile_syslog_with_access_log.0"),
        input.resolve("1-syslog_with_access_log.log"));
    Files.copy(TestData.edgeCase("lnav_logfile_bad_access_log.0"),
        input.resolve("2-bad_access_log.log"));
    Files.copy(TestData.sample("access_logs/elastic-examples_apache_logs.log"),
        input.resolve(SAMPLE));
    positionFile = tmp.resolve("state/position.json");
    deadLetter = Files.createDirectories(tmp.resolve("rejects"));
    config = Files.writeString(tmp.resolve("agent.properties"), agentConfig());
    expectLinesAndRejects();
  }

  @Test
  @Timeout(180)
  void killedMidFileResumesAfterTheLastCommittedBatchAndDeadLettersEachRejectOnce()
      throws Exception {
    long linesAtKill;
    try (AgentProcess first = AgentProcess.start(AGENT, config, tmp.resolve("agent-1.log"))) {
      // Mid-file: the sample well under way, and the rejects of the first two files already in
      // the dead-letter file (the file_roll sink commits its take right after writing them).
      awaitTrue(TIMEOUT, () -> committedLines(SAMPLE) >= 2_000
              && rejects.get("1-syslog_with_access_log.log").stream()
                  .allMatch(id -> deadLettered().containsKey(id))
              && rejects.get("2-bad_access_log.log").stream()
                  .allMatch(id -> deadLettered().containsKey(id)),
          () -> "progress before the kill: " + positionOrNothing() + "; dead letter "
              + deadLettered() + "; " + first + ":\n" + first.logTail(30));
      first.kill();
    }
    JsonNode atKill = position();
    linesAtKill = progress(atKill, SAMPLE).get("lines").asLong();
    assertThat(progress(atKill, SAMPLE).get("done").asBoolean()).as("killed mid-file").isFalse();
    assertThat(linesAtKill).as("killed mid-file").isBetween(2_000L, 9_000L);
    assertThat(progress(atKill, "1-syslog_with_access_log.log").get("done").asBoolean()).isTrue();
    assertThat(progress(atKill, "2-bad_access_log.log").get("done").asBoolean()).isTrue();

    try (AgentProcess second = AgentProcess.start(AGENT, config, tmp.resolve("agent-2.log"))) {
      awaitTrue(TIMEOUT, () -> {
        JsonNode sample = progress(positionOrNothing(), SAMPLE);
        return sample != null && sample.get("done").asBoolean()
            && deadLettered().containsKey(SAMPLE + ":8899");
      }, () -> "the restarted replay: " + positionOrNothing() + "; " + second + ":\n"
          + second.logTail(30));
      second.kill();
    }

    List<Event> delivered = FileChannelContents.drain(tmp.resolve("channels/events"));
    Map<String, Integer> copies = new TreeMap<>();
    for (Event event : delivered) {
      String id = event.getHeaders().get("eventId");
      copies.merge(id, 1, Integer::sum);
      assertThat(lines).as("an input line's id").containsKey(id);
      assertThat(HexFormat.of().formatHex(event.getBody())).as("body of %s", id)
          .isEqualTo(HexFormat.of().formatHex(lines.get(id)));
    }
    // Every line at least once: the ids delivered are exactly the input's.
    assertThat(copies.keySet()).containsExactlyInAnyOrderElementsOf(lines.keySet());
    // Redelivered: at most the batch in flight at the kill, the lines right after the position.
    List<String> twice = copies.entrySet().stream().filter(e -> e.getValue() > 1)
        .map(Map.Entry::getKey).collect(Collectors.toList());
    assertThat(copies.values()).as("copies per line").allMatch(n -> n <= 2);
    assertThat(twice.size()).as("lines redelivered (at most one batch), e.g. %s",
        twice.subList(0, Math.min(5, twice.size()))).isLessThanOrEqualTo(BATCH_SIZE);
    assertThat(twice).as("redelivered lines: a prefix of the batch after line %d", linesAtKill)
        .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, twice.size())
            .mapToObj(i -> SAMPLE + ":" + (linesAtKill + i)).collect(Collectors.toList()));
    // Every reject is in the events channel with its reason, and dead-lettered exactly once.
    Set<String> expectedRejects = rejects.values().stream().flatMap(Set::stream)
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(expectedRejects).as("the input has rejects in each file").hasSize(
        rejects.get("1-syslog_with_access_log.log").size()
            + rejects.get("2-bad_access_log.log").size() + 1).contains(SAMPLE + ":8899");
    assertThat(delivered.stream()
        .filter(e -> e.getHeaders().containsKey(EventHeaders.REJECT_REASON))
        .map(e -> e.getHeaders().get("eventId")).collect(Collectors.toSet()))
        .containsExactlyInAnyOrderElementsOf(expectedRejects);
    Map<String, Integer> deadLettered = deadLettered();
    assertThat(deadLettered.keySet()).containsExactlyInAnyOrderElementsOf(expectedRejects);
    assertThat(deadLettered).as("dead-letter records per reject").allSatisfy(
        (id, count) -> assertThat(count).as(id).isEqualTo(1));
  }

  // ---------------------------------------------------------------- the agent

  /**
   * The logs agent's replay source, interceptors and selector ({@code logs.sources.replay.*}) and
   * dead-letter sink ({@code logs.sinks.deadLetter.*}), on this test's input, position file and
   * dead-letter directory, with durable FILE channels instead of Kafka ones and no SparkSink.
   */
  private String agentConfig() throws IOException {
    Properties logs = new Properties();
    try (InputStream in = Files.newInputStream(AgentRun.agentFile("logs-agent.properties"))) {
      logs.load(in);
    }
    Map<String, String> overrides = Map.of(
        "sources.replay.file", input + "/*.log",
        "sources.replay.batchSize", Integer.toString(BATCH_SIZE),
        "sources.replay.eventsPerSecond", "2000",
        "sources.replay.positionFile", positionFile.toString(),
        "sources.replay.channels", "events rejects",
        "sinks.deadLetter.sink.directory", deadLetter.toString());
    Map<String, String> keys = new TreeMap<>();
    for (String key : logs.stringPropertyNames()) {
      String rest = key.substring("logs.".length());
      if (rest.startsWith("sources.replay.") || rest.startsWith("sinks.deadLetter.")) {
        // The raw-archive switch ends the selector's channel lists: off here (ArchiveStanzaTest).
        keys.put(AGENT + "." + rest, overrides.getOrDefault(rest,
            logs.getProperty(key).replace("${env:SLUICE_HDFS_ARCHIVE:-}", "").trim()));
      }
    }
    overrides.forEach((rest, value) -> keys.put(AGENT + "." + rest, value));
    StringBuilder text = new StringBuilder()
        .append(AGENT).append(".sources = replay\n")
        .append(AGENT).append(".channels = events rejects\n")
        .append(AGENT).append(".sinks = deadLetter\n");
    keys.forEach((key, value) -> text.append(key).append(" = ").append(value).append('\n'));
    text.append(FileChannelContents.agentConfig(AGENT, "events", tmp.resolve("channels/events")));
    text.append(FileChannelContents.agentConfig(AGENT, "rejects",
        tmp.resolve("channels/rejects")));
    assertThat(text.toString()).as("no ${...} left from the logs agent").doesNotContain("${");
    return text.toString();
  }

  /** The input's lines by eventId, and which of them the AccessLogInterceptor rejects. */
  private void expectLinesAndRejects() throws IOException {
    AccessLogInterceptor.Builder builder = new AccessLogInterceptor.Builder();
    builder.configure(new Context(Map.of("counterGroup", uniqueName("kill-it-access-log"))));
    Interceptor interceptor = builder.build();
    try (Stream<Path> files = Files.list(input)) {
      for (Path file : files.sorted().collect(Collectors.toList())) {
        String name = file.getFileName().toString();
        List<Event> events = new ArrayList<>();
        int number = 0;
        for (byte[] line : TestData.lines(file)) {
          String id = name + ":" + ++number;
          lines.put(id, line);
          events.add(EventBuilder.withBody(line, new HashMap<>(Map.of("eventId", id))));
        }
        rejects.put(name, interceptor.intercept(events).stream()
            .filter(e -> e.getHeaders().containsKey(EventHeaders.REJECT_REASON))
            .map(e -> e.getHeaders().get("eventId"))
            .collect(Collectors.toCollection(TreeSet::new)));
      }
    }
    assertThat(lines).hasSize(5 + 3 + 10_000);
    assertThat(rejects.get("1-syslog_with_access_log.log")).isNotEmpty();
    assertThat(rejects.get("2-bad_access_log.log")).isNotEmpty();
    assertThat(rejects.get(SAMPLE)).containsExactly(SAMPLE + ":8899");
  }

  // ---------------------------------------------------------------- reading the agent's files

  /** The position file; it is replaced atomically, so it is whole whenever it exists. */
  private JsonNode position() throws IOException {
    return JSON.readTree(positionFile.toFile());
  }

  private JsonNode positionOrNothing() {
    try {
      return Files.exists(positionFile) ? position() : null;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The entry of {@code name} in a position file, or null. */
  private static JsonNode progress(JsonNode position, String name) {
    if (position == null) {
      return null;
    }
    for (JsonNode file : position.get("files")) {
      if (file.get("name").asText().equals(name)) {
        return file;
      }
    }
    return null;
  }

  private long committedLines(String name) {
    JsonNode file = progress(positionOrNothing(), name);
    return file == null ? 0 : file.get("lines").asLong();
  }

  /** How many dead-letter records each eventId has, over every file of the sink's directory. */
  private Map<String, Integer> deadLettered() {
    Map<String, Integer> counts = new TreeMap<>();
    try (Stream<Path> files = Files.list(deadLetter)) {
      for (Path file : files.collect(Collectors.toList())) {
        for (String record : Files.readAllLines(file, ISO_8859_1)) {
          Matcher id = EVENT_ID.matcher(record);
          if (id.find()) {
            counts.merge(id.group(1), 1, Integer::sum);
          }
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return counts;
  }
}
