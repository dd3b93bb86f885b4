package io.sluice.it;

import static io.sluice.it.SluiceProcesses.freePort;
import static io.sluice.it.SluiceProcesses.tail;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The raw archive to HDFS of the tarball's packaged logs agent, switched on the way a user does it:
 * {@code SLUICE_HDFS_ARCHIVE_URI} in the environment that {@code conf/flume-env.sh} reads, then
 * {@code bin/sluice agent -n logs} (Kafka channels on {@code bin/sluice kafka}). The agent replays
 * the bundled real access log (10,000 lines in 84 distinct hours of May 2015) into a real HDFS
 * ({@link MiniDFSCluster}: one NameNode, one DataNode) and the test reads every archived record
 * back: each line exactly once, its body byte for byte, in the directory
 * {@code logs/YYYY/MM/DD/HH} of the line's own request time (UTC), parsed here independently of the
 * agent; the rejected line in the hour it was read. The agent serves Prometheus metrics by default
 * (the counters above come from there) and its exposition passes {@code promtool check metrics}.
 */
class HdfsArchiveIT {

  private static final DateTimeFormatter APACHE_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);
  private static final DateTimeFormatter HOUR_DIR = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH").withZone(ZoneOffset.UTC);
  private static final Duration STARTUP = Duration.ofMinutes(1);
  private static final Duration DELIVERY = Duration.ofSeconds(90);

  @TempDir
  static Path unpacked;

  private static final Path REPO = Path.of(System.getProperty("sluice.repo")).toAbsolutePath().normalize();
  private static Path HOME;

  @TempDir
  Path tmp;

  @RegisterExtension
  final SluiceProcesses sluice = new SluiceProcesses();
  private MiniDFSCluster hdfs;

  @BeforeAll
  static void unpackTheTarball() throws Exception {
    HOME = Distribution.unpack(unpacked);
  }

  @BeforeEach
  void startProcessesFromTheTarball() {
    sluice.in(HOME, tmp);
  }

  /** Kills whatever the test started (launchers and their JVMs) and stops HDFS, also when an assertion failed. */
  @AfterEach
  void stopEverything() throws InterruptedException {
    try {
      sluice.afterEach(null); // kill -9 of the agent before HDFS goes away under its sink
    } finally {
      if (hdfs != null) {
        hdfs.shutdown(true);
      }
    }
  }

  @Test
  @Timeout(180)
  void archivesEveryReplayedLineByteExactInTheHourDirectoryOfItsOwnTime() throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("hdfs").toString());
    hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    hdfs.waitActive();
    String archiveUri = "hdfs://127.0.0.1:" + hdfs.getNameNodePort() + "/sluice/raw";

    Path kafkaOut = tmp.resolve("kafka.out");
    Process kafka = sluice.start(kafkaOut, Map.of(), "kafka", "--data", tmp.resolve("kafka").toString(),
        "--listen", "127.0.0.1:" + freePort(), "--controller-port", Integer.toString(freePort()),
        "--topics", "sluice-logs,sluice-logs-rejects");
    String bootstrap = sluice.awaitLine(kafka, kafkaOut, SluiceProcesses.KAFKA_READY, STARTUP);

    Path logsFile = HOME.resolve("samples/access_logs/elastic-examples_apache_logs.log");
    List<byte[]> lines = lines(Files.readAllBytes(logsFile));
    int metricsPort = freePort();
    Instant started = Instant.now();
    Path agentOut = tmp.resolve("agent.out");
    Process agent = sluice.start(agentOut, Map.of(
        "SLUICE_HDFS_ARCHIVE_URI", archiveUri,
        "SLUICE_KAFKA_BOOTSTRAP", bootstrap,
        "SLUICE_LOGS_FILE", logsFile.toString(),
        "SLUICE_LOGS_SINK_PORT", Integer.toString(freePort()),
        "SLUICE_REJECTS_DIR", tmp.resolve("rejects/logs").toString(),
        "SLUICE_STATE_DIR", tmp.resolve("state/logs").toString(),
        // Metrics are on by default (conf/flume-env.sh: port 9464 for the logs agent); a free port here.
        "SLUICE_METRICS_PORT", Integer.toString(metricsPort)),
        "agent", "-n", "logs", "-f", HOME.resolve("conf/agents/logs-agent.properties").toString());

    // Every event committed by the archive's HDFS sink (each batch hflushed before its commit).
    long deadline = System.nanoTime() + DELIVERY.toNanos();
    long drained;
    while ((drained = counter(metricsPort, "flume_event_drain_success_total", "sink", "archive")) < lines.size()) {
      assertThat(agent.isAlive()).as("agent alive; output:%n%s", tail(agentOut)).isTrue();
      assertThat(System.nanoTime()).as("%s of %s events archived within %s s; agent output:%n%s", drained,
          lines.size(), DELIVERY.toSeconds(), tail(agentOut)).isLessThan(deadline);
      Thread.sleep(250);
    }
    assertThat(drained).as("events the archive sink wrote").isEqualTo(lines.size());
    assertThat(counter(metricsPort, "flume_event_accepted_total", "source", "replay")).isEqualTo(lines.size());
    assertThat(counter(metricsPort, "flume_channel_size", "channel", "archive")).isZero();
    Instant finished = Instant.now();

    // The live exposition of an agent with every kind of packaged component (Kafka channels, file
    // channel, SparkSink, file_roll and HDFS sinks, interceptors) passes promtool without a warning.
    Commands.ensureDebianPackages(REPO, "prometheus");
    Path scrape = tmp.resolve("metrics.txt");
    Files.writeString(scrape, exposition(metricsPort), StandardCharsets.UTF_8);
    Commands.Result promtool = Commands.run(Duration.ofSeconds(30), tmp, "bash", "-c", "promtool check metrics < " + scrape);
    assertThat(promtool.output()).as("promtool check metrics").isEmpty();
    assertThat(promtool.exitCode()).as("promtool check metrics: %s", promtool.output()).isZero();

    // Read every record of every file under the archive, open (_*.avro.tmp) or closed.
    FileSystem fs = hdfs.getFileSystem();
    Map<Integer, String> dirByLine = new HashMap<>();
    Map<Integer, Map<String, String>> headersByLine = new HashMap<>();
    String root = "/sluice/raw/logs/";
    RemoteIterator<LocatedFileStatus> files = fs.listFiles(new org.apache.hadoop.fs.Path("/sluice/raw"), true);
    int records = 0;
    while (files.hasNext()) {
      LocatedFileStatus file = files.next();
      String path = file.getPath().toUri().getPath();
      assertThat(path).as("archive layout").matches(Pattern.quote(root) + "\\d{4}/\\d{2}/\\d{2}/\\d{2}/_?logs\\.\\d+\\.avro(\\.tmp)?");
      String dir = path.substring(root.length(), root.length() + "yyyy/MM/dd/HH".length());
      try (InputStream in = fs.open(file.getPath());
          DataFileStream<GenericRecord> avro = new DataFileStream<>(in, new GenericDatumReader<>())) {
        for (GenericRecord record : avro) {
          records++;
          Map<String, String> headers = new HashMap<>();
          ((Map<?, ?>) record.get("headers")).forEach((k, v) -> headers.put(k.toString(), v.toString()));
          String eventId = headers.get("eventId");
          assertThat(eventId).startsWith("elastic-examples_apache_logs.log:");
          int line = Integer.parseInt(eventId.substring(eventId.lastIndexOf(':') + 1));
          assertThat(dirByLine.put(line, dir)).as("line %s archived once", line).isNull();
          headersByLine.put(line, headers);
          ByteBuffer body = (ByteBuffer) record.get("body");
          byte[] bytes = new byte[body.remaining()];
          body.get(bytes);
          assertThat(line).isBetween(1, lines.size());
          assertThat(bytes).as("body of line %s, byte for byte", line).isEqualTo(lines.get(line - 1));
        }
      }
    }
    assertThat(records).as("records in the archive").isEqualTo(lines.size());
    assertThat(dirByLine).hasSize(lines.size());

    int rejected = 0;
    for (int line = 1; line <= lines.size(); line++) {
      String text = new String(lines.get(line - 1), StandardCharsets.UTF_8);
      Map<String, String> headers = headersByLine.get(line);
      long timestamp = Long.parseLong(headers.get("timestamp"));
      if (headers.containsKey("rejectReason")) {
        rejected++;
        assertThat(Instant.ofEpochMilli(timestamp)).as("a rejected line keeps the time it was read")
            .isBetween(started.minusSeconds(1), finished);
      } else {
        assertThat(timestamp).as("line %s: the request time", line).isEqualTo(requestTime(text).toEpochMilli());
      }
      assertThat(dirByLine.get(line)).as("hour directory of line %s", line)
          .isEqualTo(HOUR_DIR.format(Instant.ofEpochMilli(timestamp)));
    }
    assertThat(rejected).as("the sample's one line with an unterminated quote").isEqualTo(1);
    assertThat(new java.util.TreeSet<>(dirByLine.values()).size()).as("distinct hour directories")
        .isEqualTo(hours(lines, headersByLine));
  }

  /** Distinct UTC hours of the lines' own times (the request time; the read time of a rejected line). */
  private static long hours(List<byte[]> lines, Map<Integer, Map<String, String>> headersByLine) {
    java.util.Set<String> hours = new java.util.TreeSet<>();
    for (int line = 1; line <= lines.size(); line++) {
      Map<String, String> h = headersByLine.get(line);
      Instant t = h.containsKey("rejectReason") ? Instant.ofEpochMilli(Long.parseLong(h.get("timestamp")))
          : requestTime(new String(lines.get(line - 1), StandardCharsets.UTF_8));
      hours.add(HOUR_DIR.format(t));
    }
    return hours.size();
  }

  /** The {@code [dd/MMM/yyyy:HH:mm:ss Z]} field of a common/combined log line. */
  private static Instant requestTime(String line) {
    int open = line.indexOf('[');
    int close = line.indexOf(']', open);
    try {
      return OffsetDateTime.parse(line.substring(open + 1, close), APACHE_TIME).toInstant();
    } catch (DateTimeParseException | StringIndexOutOfBoundsException e) {
      throw new AssertionError("no request time in an accepted line: " + line, e);
    }
  }

  /** The file's lines as bytes, split at LF (the sample has no CR), without the terminator. */
  private static List<byte[]> lines(byte[] file) {
    List<byte[]> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < file.length; i++) {
      if (file[i] == '\n') {
        lines.add(java.util.Arrays.copyOfRange(file, start, i));
        start = i + 1;
      }
    }
    if (start < file.length) {
      lines.add(java.util.Arrays.copyOfRange(file, start, file.length));
    }
    return lines;
  }

  /** The agent's Prometheus exposition, empty while it is not served yet. */
  private static String exposition(int port) throws InterruptedException {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** A sample of the agent's Prometheus exposition, 0 while it is not served yet. */
  private static long counter(int port, String family, String componentType, String component)
      throws InterruptedException {
    String text = exposition(port);
    Pattern sample = Pattern.compile("^" + Pattern.quote(family) + "\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);
    Matcher m = sample.matcher(text);
    while (m.find()) {
      String labels = m.group(1);
      if (labels.contains("component_type=\"" + componentType + "\"") && labels.contains("component=\"" + component + "\"")) {
        return (long) Double.parseDouble(m.group(2));
      }
    }
    return 0;
  }

}
