package io.sluice.it;

import static io.sluice.it.SluiceProcesses.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball's {@code web-logs} agent (Flume's TAILDIR source, the line-id and access-log
 * interceptors, Kafka channel, SparkSink) on a live access log, with the broker
 * ({@code bin/sluice kafka}), the agent ({@code bin/sluice agent -n weblogs}) and the
 * {@code AnalyticsJob --pipeline logs --audit-ids true} ({@code bin/sluice submit}) started as a
 * user starts them. While the agent runs, the test appends lines of the bundled real Apache log to
 * {@code access.log} as a web server does (one descriptor opened with {@code O_APPEND}), and:
 * <ol>
 *   <li>rotates by rename as logrotate does: {@code access.log} becomes {@code access.log.1} and
 *       the server keeps writing to its open descriptor (into {@code access.log.1}) until it
 *       reopens {@code access.log}, a new file;</li>
 *   <li>kills the agent ({@code kill -9} of the launcher and the agent JVM) while lines are
 *       appended, keeps appending while it is down, and starts it again on the same state
 *       directory;</li>
 *   <li>rotates by copytruncate as logrotate does ({@code access.log.1} shifted to
 *       {@code access.log.2}, {@code access.log} copied to {@code access.log.1}, then truncated
 *       while the server's descriptor stays open).</li>
 * </ol>
 * Then every line written must be counted by Spark exactly once: {@code summary.json}'s
 * {@code logs.lines}, {@code parsed}, {@code rejected} and {@code statusCounts} equal counts made
 * here of the lines written, and the job's {@code audit/*.counted} files hold as many distinct ids
 * as lines were written, none twice.
 *
 * <p>Copytruncate has two loss windows no reader can close, which the writer respects as an
 * operator of a real setup must (rotate when the server is quiet): lines written between the copy
 * and the truncation are in neither file, so the writer does not write then; and TAILDIR detects
 * a truncation only when the file is shorter than its read position at its next scan, so the
 * writer waits until the agent's position file shows that the source has seen the truncation
 * (position 0 for the inode of {@code access.log}) before writing again.
 */
class WebLogsTaildirIT {

  private static final Duration STARTUP = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CHUNK = 25;
  private static final long CHUNK_PAUSE_MS = 50;

  @TempDir
  Path unpacked;

  @TempDir
  Path tmp;

  @RegisterExtension
  final SluiceProcesses sluice = new SluiceProcesses();
  private Path home;
  private List<String> sample;
  private int next;
  private final List<String> written = new ArrayList<>();

  @Test
  @Timeout(value = 200, unit = TimeUnit.SECONDS)
  void everyLineWrittenIsCountedOnceThroughRenameKillRestartAndCopytruncate() throws Exception {
    home = Distribution.unpack(unpacked);
    sluice.in(home, tmp);
    sample = Files.readAllLines(home.resolve("samples/access_logs/elastic-examples_apache_logs.log"),
        StandardCharsets.UTF_8);
    Path www = Files.createDirectories(tmp.resolve("www"));
    Path log = www.resolve("access.log");
    Path state = tmp.resolve("state");
    Path out = tmp.resolve("analytics");

    Path kafkaOut = tmp.resolve("kafka.out");
    Process kafka = sluice.start(kafkaOut, Map.of(), "kafka", "--data", tmp.resolve("kafka").toString(),
        "--listen", "127.0.0.1:" + freePort(), "--controller-port", Integer.toString(freePort()),
        "--topics", "sluice-logs,sluice-logs-rejects");
    String bootstrap = sluice.awaitLine(kafka, kafkaOut, SluiceProcesses.KAFKA_READY, STARTUP);
    int sinkPort = freePort();
    Path jobOut = tmp.resolve("job.out");
    Process job = sluice.start(jobOut, Map.of(), "submit", "--master", "local[2]", "--class",
        "io.sluice.spark.job.AnalyticsJob", home.resolve("jobs/sluice-spark-jobs.jar").toString(),
        "--pipeline", "logs", "--sinks", "127.0.0.1:" + sinkPort, "--out", out.toString(),
        "--audit-ids", "true");
    Path summaryFile = out.resolve("summary.json");
    sluice.await("the Spark job writes its first summary", STARTUP, () -> Files.exists(summaryFile), job, jobOut);

    Map<String, String> agentEnv = Map.of(
        "SLUICE_WEB_LOGS_DIR", www.toString(),
        "SLUICE_KAFKA_BOOTSTRAP", bootstrap,
        "SLUICE_SINK_HOST", "127.0.0.1",
        "SLUICE_WEB_LOGS_SINK_PORT", Integer.toString(sinkPort),
        "SLUICE_REJECTS_DIR", tmp.resolve("rejects").toString(),
        "SLUICE_STATE_DIR", state.toString());
    Path agentOut = tmp.resolve("agent-1.out");
    Process agent = startAgent(agentEnv, agentOut, sinkPort);

    // A server writing its log, then logrotate's rename rotation.
    OutputStream server = open(log);
    append(server, 1500);
    Files.move(log, www.resolve("access.log.1"));
    append(server, 200); // still into the renamed file, until the server reopens its log
    server.close();
    server = open(log);
    append(server, 600);

    // kill -9 mid-file; lines keep coming while the agent is down; restart on the same state.
    Commands.killTree(agent);
    append(server, 300);
    agentOut = tmp.resolve("agent-2.out");
    agent = startAgent(agentEnv, agentOut, sinkPort);
    append(server, 600);

    // logrotate's copytruncate (the server keeps its O_APPEND descriptor).
    Files.move(www.resolve("access.log.1"), www.resolve("access.log.2"));
    Files.copy(log, www.resolve("access.log.1"));
    try (FileChannel truncate = FileChannel.open(log, StandardOpenOption.WRITE)) {
      truncate.truncate(0);
    }
    long inode = ((Number) Files.getAttribute(log, "unix:ino")).longValue();
    Process runningAgent = agent;
    Path runningOut = agentOut;
    sluice.await("TAILDIR sees the truncation of access.log (position 0 in its position file)", STARTUP,
        () -> positionOf(state.resolve("web-logs-taildir-position.json"), inode) == 0, runningAgent,
        runningOut);
    append(server, 1200);
    server.close();

    long lines = written.size();
    sluice.await("Spark counts the " + lines + " lines written", STARTUP,
        () -> summaryLines(summaryFile) >= lines, runningAgent, runningOut);
    Thread.sleep(4_000); // two more batches: anything counted twice would show now

    JsonNode logs = JSON.readTree(summaryFile.toFile()).path("logs");
    Path writtenFile = tmp.resolve("written.log");
    Files.write(writtenFile, written, StandardCharsets.UTF_8);
    Map<String, Object> expected = IndependentCounts.logs(writtenFile);
    assertThat(logs.path("lines").asLong()).as("summary logs.lines").isEqualTo(lines)
        .isEqualTo(expected.get("lines"));
    assertThat(logs.path("parsed").asLong()).isEqualTo(expected.get("parsed"));
    assertThat(logs.path("rejected").asLong()).isEqualTo(expected.get("rejected"));
    Map<String, Long> statusCounts = new HashMap<>();
    logs.path("statusCounts").fields().forEachRemaining(e -> statusCounts.put(e.getKey(), e.getValue().asLong()));
    assertThat(statusCounts).isEqualTo(expected.get("statusCounts"));

    Map<String, Integer> counted = countedIds(out.resolve("audit"));
    assertThat(counted).as("distinct ids counted").hasSize((int) lines);
    assertThat(counted.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
        .as("ids counted twice").isEmpty();
    assertThat(counted.keySet()).as("ids are <first-line fingerprint>:<byte offset>")
        .allMatch(id -> id.matches("[0-9a-f]{16}:\\d+"));
  }

  private Process startAgent(Map<String, String> env, Path output, int sinkPort)
      throws IOException, InterruptedException {
    Process agent = sluice.start(output, env, "agent", "-n", "weblogs", "-f",
        home.resolve("conf/agents/web-logs-agent.properties").toString());
    sluice.await("the agent's SparkSink listens on " + sinkPort, STARTUP, () -> listening(sinkPort), agent, output);
    return agent;
  }

  private static OutputStream open(Path log) throws IOException {
    return Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND);
  }

  /** Appends the next {@code count} lines of the sample, a chunk at a time, as a busy server does. */
  private void append(OutputStream server, int count) throws IOException, InterruptedException {
    for (int done = 0; done < count; done += CHUNK) {
      StringBuilder chunk = new StringBuilder();
      for (int i = done; i < Math.min(count, done + CHUNK); i++) {
        String line = sample.get(next++);
        written.add(line);
        chunk.append(line).append('\n');
      }
      server.write(chunk.toString().getBytes(StandardCharsets.UTF_8));
      server.flush();
      Thread.sleep(CHUNK_PAUSE_MS);
    }
  }

  /** TAILDIR's read position of {@code inode}, from its position file; -1 when not there (yet). */
  private static long positionOf(Path positionFile, long inode) {
    try {
      for (JsonNode entry : JSON.readTree(positionFile.toFile())) {
        if (entry.path("inode").asLong() == inode) {
          return entry.path("pos").asLong();
        }
      }
    } catch (IOException e) {
      // not written yet, or being rewritten
    }
    return -1;
  }

  private static long summaryLines(Path summaryFile) {
    try {
      return JSON.readTree(summaryFile.toFile()).path("logs").path("lines").asLong();
    } catch (IOException e) {
      return 0;
    }
  }

  /** Id to the number of batches that counted it, from the job's {@code audit/*.counted} files. */
  private static Map<String, Integer> countedIds(Path auditDir) throws IOException {
    Map<String, Integer> counted = new HashMap<>();
    try (Stream<Path> files = Files.list(auditDir)) {
      for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".counted")).toList()) {
        for (String id : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          if (!id.isEmpty()) {
            counted.merge(id, 1, Integer::sum);
          }
        }
      }
    }
    return counted;
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

}
