package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball's {@code bin/sluice demo --via mqtt}, {@code --via zeromq} and {@code --via kinesis}:
 * the demo publishes the bundled real files' lines to a local server (mosquitto started by the demo;
 * its own ZeroMQ PUSH sockets; a kinesalite started by the demo, one stream per pipeline) and one
 * agent per pipeline reads them from there ({@code MqttSource}, {@code ZeroMqSource} PULL,
 * {@code KinesisSource}) instead of replaying the files. The summary must equal the plain
 * demo's: it is checked with {@link SummaryChecks#assertMatchesIndependentCounts}, the very check
 * {@link DemoIT} makes of the plain demo (every count, top list, size statistic and hourly series
 * computed here from the files; {@code late} bounded, as it depends on batch boundaries), and the
 * facts DemoIT asserts of the auth log. The malformed access-log line reaches the MQTT/ZeroMQ
 * agent's dead letter (with Kinesis: the line's partition key names it, the eventId is the record's
 * {@code <stream>/<shardId>/<sequenceNumber>}).
 */
class DemoViaIT {

  @TempDir
  static Path unpacked;

  private static Path HOME;

  @TempDir
  Path tmp;

  private final List<Process> started = new ArrayList<>();

  @BeforeAll
  static void unpackTheTarball() throws Exception {
    HOME = Distribution.unpack(unpacked);
  }

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (Process p : started) {
      Commands.killTree(p);
    }
  }

  @Test
  @Timeout(value = 9, unit = TimeUnit.MINUTES)
  void demoViaMqttGivesThePlainDemosSummary() throws Exception {
    String printed = runDemo("mqtt");
    assertThat(printed).contains("starting mosquitto").contains("published 10,000 lines to sluice/demo/logs")
        .contains("(QoS 1, all acknowledged)");
  }

  @Test
  @Timeout(value = 9, unit = TimeUnit.MINUTES)
  void demoViaZeroMqGivesThePlainDemosSummary() throws Exception {
    String printed = runDemo("zeromq");
    assertThat(printed).contains("pushed 10,000 lines to tcp://127.0.0.1:");
  }

  @Test
  @Timeout(value = 9, unit = TimeUnit.MINUTES)
  void demoViaKinesisGivesThePlainDemosSummary() throws Exception {
    String printed = runDemo("kinesis");
    assertThat(printed).contains("starting kinesalite").contains("published 10,000 lines to sluice-demo-logs")
        .contains("(PutRecords, all stored)");
  }

  private String runDemo(String via) throws Exception {
    Path out = tmp.resolve("out");
    Path console = tmp.resolve("console.txt");
    ProcessBuilder pb = new ProcessBuilder(HOME.resolve("bin/sluice").toString(), "demo", "--via", via,
        "--out", out.toString()).directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(console.toFile());
    pb.environment().putAll(env());
    // kinesalite from the npm cache the flume-plugins tests fill, not a fresh install under tmp's HOME.
    pb.environment().putIfAbsent("SLUICE_NPM_PREFIX",
        Path.of(System.getProperty("user.home"), ".cache", "sluice", "npm").toString());
    Process demo = pb.start();
    started.add(demo);
    // As DemoIT: about a minute and a half on a quiet machine, much longer on a loaded one.
    boolean finished = demo.waitFor(8, TimeUnit.MINUTES);
    String printed = Files.readString(console, StandardCharsets.UTF_8);
    assertThat(finished).as("demo --via %s finished in time; output:%n%s", via, printed).isTrue();
    assertThat(demo.exitValue()).as("exit status; output:%n%s", printed).isZero();

    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    SummaryChecks.assertMatchesIndependentCounts(summary,
        HOME.resolve("samples/access_logs/elastic-examples_apache_logs.log"),
        HOME.resolve("samples/tweets/ALL_shared_tweets.jsonl"),
        HOME.resolve("samples/syslog/elastic-examples_auth.log"));
    assertThat(summary.path("syslog").path("lines").asLong()).isEqualTo(7121);
    assertThat(summary.path("syslog").path("authFailures").asLong()).isEqualTo(895);
    assertThat(summary.path("syslog").path("topAuthFailureSources").get(0).path("ip").asText())
        .isEqualTo("24.151.103.17");

    // Each pipeline was read from the server by its own agent, not replayed.
    for (String pipeline : List.of("logs", "tweets", "syslog")) {
      assertThat(out.resolve("logs/" + via + "-" + pipeline + "-agent.log")).isRegularFile();
      assertThat(out.resolve("logs/" + pipeline + "-agent.log")).doesNotExist();
    }
    // The malformed line 8,899 of the access log reached the dead letter with its reason and the
    // replay's id of that line.
    String line8899 = IndependentCounts.lines(HOME.resolve("samples/access_logs/elastic-examples_apache_logs.log"))
        .get(8898);
    assertThat(readAll(out.resolve("rejects/" + via + "-logs"))).contains("rejectReason=unterminated-quote")
        .contains(via.equals("kinesis") ? "partitionKey=elastic-examples_apache_logs.log:8899"
            : "eventId=elastic-examples_apache_logs.log:8899").contains(line8899);
    return printed;
  }

  private Map<String, String> env() throws IOException {
    Map<String, String> env = new java.util.HashMap<>(System.getenv());
    env.keySet().removeIf(k -> k.equals("CLASSPATH") || k.startsWith("MAVEN_") || k.equals("SLUICE_HOME"));
    env.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
    return env;
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
