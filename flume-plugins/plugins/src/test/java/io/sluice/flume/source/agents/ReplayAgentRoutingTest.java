package io.sluice.flume.source.agents;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.contract.EventHeaders;
import io.sluice.contract.RejectReason;
import io.sluice.flume.interceptor.accesslog.AccessLogInterceptor;
import io.sluice.flume.interceptor.post.TweetNormalizerInterceptor;
import io.sluice.flume.source.SourceTestSupport;
import io.sluice.flume.source.replay.ReplaySource;
import io.sluice.flume.source.replay.ReplaySourceConfig;
import io.sluice.flume.testing.TestData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flume.Channel;
import org.apache.flume.ChannelSelector;
import org.apache.flume.Event;
import org.apache.flume.event.EventBuilder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The packaged agents with a {@link ReplaySource} ({@code logs}, {@code tweets}) route every reject
 * code their events can carry, the source's {@code line-too-long} and each code of their
 * interceptor, to both the event channel and the dead-letter channel, as configured by Flume's own
 * configuration provider from the files (less their SparkSink, not on this module's classpath);
 * and a line over {@code maxLineBytes} replayed by the agent reaches its dead-letter file cut, with
 * its reason, while the next lines go on.
 */
class ReplayAgentRoutingTest {

  private static final List<String> EVENTS_AND_REJECTS = List.of("events", "rejects");
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir
  Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"logs", "tweets"})
  void routesEveryRejectCodeToTheEventAndDeadLetterChannels(String agent) throws Exception {
    Set<String> codes = new LinkedHashSet<>();
    codes.add(RejectReason.LINE_TOO_LONG.code());
    codes.addAll(agent.equals("logs") ? AccessLogInterceptor.rejectCodes()
        : TweetNormalizerInterceptor.rejectCodes());
    Path file = withoutSparkSink(agent, false);

    try (AgentRun run = AgentRun.load(file, agent, environment(agent, sample(agent)), Map.of(),
        tmp)) {
      ChannelSelector selector = run.source("replay").getSource().getChannelProcessor()
          .getSelector();
      for (String code : codes) {
        Event rejected = EventBuilder.withBody(new byte[1],
            new HashMap<>(Map.of(EventHeaders.REJECT_REASON, code)));
        assertThat(names(selector.getRequiredChannels(rejected))).as("%s: %s", agent, code)
            .isEqualTo(EVENTS_AND_REJECTS);
      }
      assertThat(names(selector.getRequiredChannels(EventBuilder.withBody(new byte[1]))))
          .as("%s: a parsed event", agent).containsExactly("events");
    }
    List<String> mapped = Files.readAllLines(file).stream()
        .filter(l -> l.startsWith(agent + ".sources.replay.selector.mapping."))
        .map(l -> l.substring((agent + ".sources.replay.selector.mapping.").length(),
            l.indexOf(' ')))
        .collect(Collectors.toList());
    assertThat(mapped).as("%s maps exactly the codes its events can carry", agent)
        .containsExactlyInAnyOrderElementsOf(codes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"logs", "tweets"})
  void aLineOverMaxLineBytesReachesTheDeadLetterFileCutAndTheNextLinesGoOn(String agent)
      throws Exception {
    List<byte[]> real = TestData.lines(sample(agent)).subList(0, 2);
    int max = ReplaySourceConfig.DEFAULT_MAX_LINE_BYTES;
    byte[] huge = new byte[3 * max];
    Arrays.fill(huge, (byte) 'h');
    Path input = tmp.resolve(agent + "-input.txt");
    try (OutputStream out = Files.newOutputStream(input)) {
      out.write(real.get(0));
      out.write('\n');
      out.write(huge);
      out.write("\r\n".getBytes(ISO_8859_1));
      out.write(real.get(1));
      out.write('\n');
    }
    Map<String, String> environment = environment(agent, input);

    try (AgentRun run = AgentRun.start(withoutSparkSink(agent, true), agent, environment, tmp,
        Map.of())) {
      List<Event> events = run.awaitEvents("events", 3, TIMEOUT);
      Path rejects = Path.of(environment.get("SLUICE_REJECTS_DIR"));
      List<String> entries = new ArrayList<>();
      SourceTestSupport.awaitTrue(TIMEOUT, () -> {
        entries.clear();
        entries.addAll(deadLetterEntries(rejects));
        return !entries.isEmpty();
      }, () -> "an entry in " + rejects);

      String name = input.getFileName().toString();
      assertThat(events).extracting(e -> e.getHeaders().get("eventId"))
          .containsExactly(name + ":1", name + ":2", name + ":3");
      Event cut = events.get(1);
      assertThat(cut.getBody()).isEqualTo(Arrays.copyOf(huge, max));
      assertThat(cut.getHeaders())
          .containsEntry(EventHeaders.REJECT_REASON, RejectReason.LINE_TOO_LONG.code())
          .containsEntry(EventHeaders.REJECTED_BY, "replay-source")
          .containsEntry(EventHeaders.ORIGINAL_LENGTH_BYTES, Integer.toString(3 * max))
          .containsEntry("pipeline", agent);
      assertThat(events.get(0).getBody()).isEqualTo(real.get(0));
      assertThat(events.get(2).getBody()).isEqualTo(real.get(1));
      assertThat(entries).as("the dead letter: the cut line only").singleElement().asString()
          .contains("rejectReason=line-too-long", "rejectedBy=replay-source",
              "originalLengthBytes=" + 3 * max, "eventId=" + name + ":2")
          .endsWith("} " + "h".repeat(max));
    }
  }

  /**
   * The complete lines of every file under {@code dir} ({@code header_and_text}: headers, then
   * body): a last line the sink is still writing (no terminator yet) is left out, so a reader
   * polling while a large entry is flushed in pieces never sees half of it.
   */
  private static List<String> deadLetterEntries(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      List<String> entries = new ArrayList<>();
      for (Path f : files.filter(Files::isRegularFile).sorted().collect(Collectors.toList())) {
        String text = new String(Files.readAllBytes(f), ISO_8859_1);
        String complete = text.substring(0, text.lastIndexOf('\n') + 1);
        entries.addAll(new BufferedReader(new StringReader(complete)).lines()
            .collect(Collectors.toList()));
      }
      return entries;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private Map<String, String> environment(String agent, Path input) throws IOException {
    Map<String, String> environment = new HashMap<>();
    environment.put(agent.equals("logs") ? "SLUICE_LOGS_FILE" : "SLUICE_TWEETS_FILE",
        input.toString());
    environment.put("SLUICE_KAFKA_BOOTSTRAP", "127.0.0.1:9");
    environment.put("SLUICE_REJECTS_DIR",
        Files.createDirectories(tmp.resolve("out/rejects").resolve(agent)).toString());
    environment.put("SLUICE_STATE_DIR", tmp.resolve("state").toString());
    return environment;
  }

  private static Path sample(String agent) {
    return TestData.sample(agent.equals("logs") ? "access_logs/elastic-examples_apache_logs.log"
        : "tweets/ALL_shared_tweets.jsonl");
  }

  private Path withoutSparkSink(String agent, boolean memoryChannels) throws IOException {
    return AgentRun.withoutSparkSink(agent, memoryChannels, tmp);
  }

  private static List<String> names(List<Channel> channels) {
    return channels.stream().map(Channel::getName).collect(Collectors.toList());
  }
}
