package io.sluice.it;

import static io.sluice.it.SecureKafkaClients.client;
import static io.sluice.it.SecureKafkaClients.endOffset;
import static io.sluice.it.SecureKafkaClients.failure;
import static io.sluice.it.SecureKafkaClients.produce;
import static io.sluice.it.SecureKafkaClients.quick;
import static io.sluice.it.SluiceProcesses.tail;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tarball's {@code bin/sluice demo --kafka-tls}: the whole pipeline on a TLS + SCRAM-SHA-512
 * broker (agents' Kafka channels on {@code SASL_SSL}; with {@code --spark-source kafka} the jobs'
 * readers too, through the generated {@code --kafka-properties} file). The summary equals the
 * independent counts, the demo's password is in its own 0600 file only (no other file under OUT,
 * no output, no command line), and the demo's broker, restarted on its data with
 * {@code bin/sluice kafka --tls --scram-user}, refuses clients without credentials while serving
 * the events to the demo's user.
 */
class SecureDemoIT {

  private static final String USER = "sluice-demo";
  private static final Pattern READY = Pattern.compile("sluice kafka: broker ready on (\\S+) \\(SASL_SSL,");

  @TempDir
  static Path unpacked;

  private static Path HOME;
  private static Path LOGS;
  private static Path TWEETS;
  private static Path SYSLOG;

  @TempDir
  Path tmp;

  @RegisterExtension
  final SluiceProcesses sluice = new SluiceProcesses().without("SLUICE_KAFKA_");

  @BeforeAll
  static void unpackTheTarball() throws Exception {
    HOME = Distribution.unpack(unpacked);
    LOGS = HOME.resolve("samples/access_logs/elastic-examples_apache_logs.log");
    TWEETS = HOME.resolve("samples/tweets/ALL_shared_tweets.jsonl");
    SYSLOG = HOME.resolve("samples/syslog/elastic-examples_auth.log");
  }

  @BeforeEach
  void startProcessesFromTheTarball() {
    sluice.in(HOME, tmp);
  }

  // kafka covers every Kafka hop on SASL_SSL (agents and jobs); flume adds only the SparkSink hop,
  // which has no TLS (both ran green: 112 s flume, 134 s kafka; one keeps CI short).
  @ParameterizedTest(name = "--spark-source {0}")
  @ValueSource(strings = {"kafka"})
  @Timeout(900)
  void demoOnTlsScramBrokerCountsEveryEventAndTheBrokerRefusesClientsWithoutCredentials(String sparkSource)
      throws Exception {
    Path out = tmp.resolve("out");
    Path console = tmp.resolve("console.txt");
    Process demo = sluice.start(console, Map.of(), "demo", "--kafka-tls", "--spark-source", sparkSource, "--out", out.toString());
    Map<Long, List<String>> commandLines = new LinkedHashMap<>();
    boolean finished = waitCollectingCommandLines(demo, commandLines, Duration.ofMinutes(10));
    String printed = Files.readString(console, StandardCharsets.UTF_8);
    assertThat(finished).as("demo finished in time; output:%n%s", printed).isTrue();
    assertThat(demo.exitValue()).as("exit status; output:%n%s", printed).isZero();
    assertThat(printed).contains("SASL_SSL").contains(USER);

    JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    SummaryChecks.assertMatchesIndependentCounts(summary, LOGS, TWEETS, SYSLOG);
    // distinct: a process a job forks shows the job's command line until it execs.
    assertThat(commandLines.values().stream().filter(a -> a.contains("io.sluice.spark.job.AnalyticsJob")).distinct())
        .as("the job's command line (one job for the three pipelines)").hasSize(1)
        .allSatisfy(a -> assertThat(a.contains("--kafka-properties")).isEqualTo(sparkSource.equals("kafka")));

    Path passwordFile = out.resolve("kafka-client/password");
    assertThat(Files.getPosixFilePermissions(passwordFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    String password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
    assertThat(password).hasSizeGreaterThanOrEqualTo(16);

    // The demo's broker, restarted on its data and ports the way a user runs one.
    int[] ports = listenerPorts(out.resolve("kafka/server.properties"));
    Path kafkaOut = tmp.resolve("kafka.out");
    Process kafka = sluice.start(kafkaOut, Map.of(), "kafka", "--data", out.resolve("kafka").toString(),
        "--listen", "127.0.0.1:" + ports[0], "--controller-port", Integer.toString(ports[1]),
        "--tls", "--scram-user", USER, "--scram-password-file", passwordFile.toString());
    String bootstrap = sluice.awaitLine(kafka, kafkaOut, READY, Duration.ofMinutes(2));
    Path caPem = out.resolve("kafka/tls/ca.pem");

    long lines = IndependentCounts.lines(LOGS).size();
    Properties demoUser = client(bootstrap, caPem, USER, password);
    assertThat(endOffset(demoUser, "sluice-logs")).as("every line went through the SASL_SSL broker").isEqualTo(lines);

    Properties plaintext = quick(new Properties());
    plaintext.put("bootstrap.servers", bootstrap);
    assertThat(failure(() -> produce(plaintext))).as("a client without TLS and credentials")
        .isInstanceOf(TimeoutException.class);
    assertThat(failure(() -> endOffset(plaintext, "sluice-logs"))).as("a consumer without TLS and credentials")
        .isInstanceOf(TimeoutException.class);
    Properties tlsOnly = quick(new Properties());
    tlsOnly.put("bootstrap.servers", bootstrap);
    tlsOnly.put("security.protocol", "SSL");
    tlsOnly.put("ssl.truststore.type", "PEM");
    tlsOnly.put("ssl.truststore.location", caPem.toString());
    assertThat(failure(() -> endOffset(tlsOnly, "sluice-logs"))).as("a consumer with TLS but without credentials")
        .isInstanceOf(TimeoutException.class);
    assertThat(failure(() -> endOffset(client(bootstrap, caPem, USER, "wrong"), "sluice-logs")))
        .as("a consumer with a wrong password").isInstanceOf(SaslAuthenticationException.class);
    assertThat(endOffset(demoUser, "sluice-logs")).as("the broker still serves the demo's user; nothing arrived")
        .isEqualTo(lines);

    // The password is in its own file only.
    assertThat(printed).doesNotContain(password);
    assertThat(Files.readString(kafkaOut, StandardCharsets.UTF_8)).doesNotContain(password);
    commandLines.forEach((pid, args) ->
        assertThat(String.join(" ", args)).as("command line of %s", pid).doesNotContain(password));
    for (ProcessHandle h : Stream.concat(Stream.of(kafka.toHandle()), kafka.descendants()).toList()) {
      assertThat(h.info().commandLine().orElse("")).doesNotContain(password);
    }
    try (Stream<Path> files = Files.walk(out)) {
      for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.equals(passwordFile)).toList()) {
        String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertThat(text).as(f.toString()).doesNotContain(password);
      }
    }
  }

  /** Waits for {@code p}, noting the command lines of it and its descendants (from /proc while they run). */
  private static boolean waitCollectingCommandLines(Process p, Map<Long, List<String>> commandLines, Duration timeout)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (p.isAlive() && System.nanoTime() < end) {
      List<ProcessHandle> family = new ArrayList<>(p.descendants().toList());
      family.add(p.toHandle());
      for (ProcessHandle h : family) {
        // Re-read while it runs: right after fork a child still shows its parent's command line.
        List<String> args = commandLine(h.pid());
        if (!args.isEmpty()) {
          commandLines.put(h.pid(), args);
        }
      }
      Thread.sleep(200);
    }
    return !p.isAlive();
  }

  private static List<String> commandLine(long pid) {
    try {
      String raw = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8);
      return raw.isEmpty() ? List.of() : List.of(raw.split("\0"));
    } catch (IOException gone) {
      return List.of();
    }
  }

  /** Client and controller ports of the {@code listeners} of the demo broker's server.properties. */
  private static int[] listenerPorts(Path serverProperties) throws IOException {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(serverProperties, StandardCharsets.UTF_8)) {
      p.load(in);
    }
    Matcher m = Pattern.compile("SASL_SSL://127\\.0\\.0\\.1:(\\d+),CONTROLLER://127\\.0\\.0\\.1:(\\d+)")
        .matcher(p.getProperty("listeners", ""));
    assertThat(m.matches()).as("listeners of %s: %s", serverProperties, p.getProperty("listeners")).isTrue();
    return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
  }






}
