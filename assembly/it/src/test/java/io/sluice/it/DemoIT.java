package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code bin/sluice demo} of the assembled distribution, the way a user does: a real Kafka
 * broker, the two Flume agents and the Spark job through SparkSubmit in {@code local[2]}, each in its
 * own JVM, on the bundled real data. Checks the summary against counts computed here from the files.
 */
class DemoIT {

  private static final Path HOME = Path.of(System.getProperty("sluice.home"));
  private static final Path SAMPLES = HOME.resolve("samples");
  private static final Path LOGS = SAMPLES.resolve("access_logs/elastic-examples_apache_logs.log");
  private static final Path TWEETS = SAMPLES.resolve("tweets/ALL_shared_tweets.jsonl");

  @TempDir
  Path tmp;

  @Test
  void demoSummaryEqualsIndependentCountOfTheRealFiles() throws Exception {
    Path out = tmp.resolve("out");
    Path console = tmp.resolve("console.txt");
    Process demo = sluice(console, "demo", "--out", out.toString());
    List<ProcessHandle> children = new ArrayList<>();
    boolean finished = waitCollectingDescendants(demo, children, Duration.ofMinutes(8));
    String printed = Files.readString(console, StandardCharsets.UTF_8);
    assertThat(finished).as("demo finished in time; output:%n%s", printed).isTrue();
    assertThat(demo.exitValue()).as("exit status; output:%n%s", printed).isZero();

    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    Map<String, Object> logs = IndependentCounts.logs(LOGS);
    JsonNode l = summary.path("logs");
    assertThat(l.path("lines").asLong()).isEqualTo(10_000L).isEqualTo(logs.get("lines"));
    assertThat(l.path("parsed").asLong()).isEqualTo(logs.get("parsed"));
    assertThat(l.path("rejected").asLong()).isEqualTo(logs.get("rejected"));
    assertThat(l.path("lines").asLong()).isEqualTo(l.path("parsed").asLong() + l.path("rejected").asLong());
    assertThat(counts(l.path("statusCounts"))).isEqualTo(logs.get("statusCounts"));
    assertThat(pairs(l.path("topEndpoints"), "endpoint")).isEqualTo(asPairs(logs.get("topEndpoints")));
    assertThat(l.path("contentSize").path("min").asLong()).isEqualTo(logs.get("contentSizeMin"));
    assertThat(l.path("contentSize").path("max").asLong()).isEqualTo(logs.get("contentSizeMax"));
    assertThat(l.path("contentSize").path("avg").asDouble()).isCloseTo((Double) logs.get("contentSizeAvg"), within(1e-6));

    Map<String, Object> tweets = IndependentCounts.tweets(TWEETS);
    JsonNode t = summary.path("tweets");
    assertThat(t.path("records").asLong()).isEqualTo(tweets.get("records"));
    assertThat(t.path("tweets").asLong()).isEqualTo(tweets.get("tweets"));
    assertThat(t.path("rejected").asLong()).isEqualTo(tweets.get("rejected"));
    assertThat(pairs(t.path("topHashtags"), "hashtag")).isEqualTo(asPairs(tweets.get("topHashtags")));
    assertThat(counts(t.path("languages"))).isEqualTo(tweets.get("languages"));

    // The rejected log line reached the dead-letter file with its reason, byte for byte.
    String line8899 = IndependentCounts.lines(LOGS).get(8898);
    String deadLetter = readAll(out.resolve("rejects/logs"));
    assertThat(deadLetter).contains("rejectReason=unterminated-quote").contains(line8899);

    assertThat(printed).contains("Access logs").contains("Tweets").contains("events/s");
    assertNoneAlive(children);
  }

  @Test
  void ctrlCStopsEveryProcess() throws Exception {
    Path out = tmp.resolve("out");
    Path console = tmp.resolve("console.txt");
    Process demo = sluice(console, "demo", "--out", out.toString());
    List<ProcessHandle> children = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    // Interrupt once the Flume agents are up (Kafka and two agent JVMs are running then).
    while (!Files.readString(console).contains("[3/4]")) {
      assertThat(demo.isAlive()).as("demo still running; output:%n%s", Files.readString(console)).isTrue();
      assertThat(System.nanoTime()).as("agents started in time").isLessThan(deadline);
      demo.descendants().forEach(p -> { if (!children.contains(p)) children.add(p); });
      Thread.sleep(200);
    }
    demo.descendants().forEach(p -> { if (!children.contains(p)) children.add(p); });
    assertThat(children).as("kafka and agent JVMs").hasSizeGreaterThanOrEqualTo(3);
    new ProcessBuilder("kill", "-INT", Long.toString(demo.pid())).inheritIO().start().waitFor();
    assertThat(demo.waitFor(2, TimeUnit.MINUTES)).as("demo exits after Ctrl-C").isTrue();
    assertNoneAlive(children);
  }

  @Test
  void failsWithAClearMessageWhenAPartCannotStart() throws Exception {
    Path console = tmp.resolve("console.txt");
    Process demo = sluice(console, "demo", "--out", tmp.resolve("out").toString(), "--startup-timeout", "0");
    List<ProcessHandle> children = new ArrayList<>();
    assertThat(waitCollectingDescendants(demo, children, Duration.ofMinutes(2))).isTrue();
    assertThat(demo.exitValue()).isEqualTo(1);
    assertThat(Files.readString(console)).containsIgnoringCase("sluice demo failed: kafka").contains("kafka.log");
    assertNoneAlive(children);
  }

  @Test
  void rejectsAMissingInputNamingTheOption() throws Exception {
    Path console = tmp.resolve("console.txt");
    Process demo = sluice(console, "demo", "--out", tmp.resolve("out").toString(), "--logs", tmp.resolve("nope.log").toString());
    assertThat(demo.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(demo.exitValue()).isEqualTo(2);
    assertThat(Files.readString(console)).contains("--logs: not a readable file");
  }

  private Process sluice(Path console, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(HOME.resolve("bin/sluice").toString());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).directory(tmp.toFile()).redirectErrorStream(true)
        .redirectOutput(console.toFile()).start();
  }

  private static boolean waitCollectingDescendants(Process p, List<ProcessHandle> seen, Duration timeout)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (p.isAlive() && System.nanoTime() < end) {
      p.descendants().forEach(h -> { if (!seen.contains(h)) seen.add(h); });
      Thread.sleep(200);
    }
    if (p.isAlive()) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      return false;
    }
    return true;
  }

  private static void assertNoneAlive(List<ProcessHandle> processes) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (processes.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < end) {
      Thread.sleep(200);
    }
    List<String> alive = processes.stream().filter(ProcessHandle::isAlive)
        .map(h -> h.pid() + " " + h.info().commandLine().orElse("?")).toList();
    processes.forEach(ProcessHandle::destroyForcibly);
    assertThat(alive).as("processes left running").isEmpty();
  }

  private static Map<String, Long> counts(JsonNode object) {
    Map<String, Long> m = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      m.put(e.getKey(), e.getValue().asLong());
    }
    return m;
  }

  private static List<String> pairs(JsonNode array, String keyField) {
    List<String> out = new ArrayList<>();
    array.forEach(e -> out.add(e.path(keyField).asText() + "=" + e.path("count").asLong()));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<String> asPairs(Object entries) {
    List<String> out = new ArrayList<>();
    ((List<Map.Entry<String, Long>>) entries).forEach(e -> out.add(e.getKey() + "=" + e.getValue()));
    return out;
  }

  private static String readAll(Path dir) throws IOException {
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        sb.append(new String(Files.readAllBytes(f), StandardCharsets.UTF_8));
      }
    }
    return sb.toString();
  }
}
