package io.sluice.flume.source.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * A real local Kinesis server for the tests: {@code kinesalite} 3.3.3 (an implementation of the
 * Kinesis API on LevelDB, in-memory here), installed from the npm registry by
 * {@code assembly/support/ensure-npm-packages.sh} into {@code ~/.cache/sluice/npm} when missing,
 * and run by Debian's {@code node} as a process of its own listening on a loopback port it chose
 * itself (port 0, read back from its first output line). {@link #close()} kills it
 * ({@code kill -9}); its streams live only in its memory.
 *
 * <p>Clients need credentials and a region (any: kinesalite accepts any signed request):
 * {@link #ENVIRONMENT} and {@link #useCredentials()}.
 */
public final class Kinesalite implements AutoCloseable {

  /** System property set by the build: the path of ensure-npm-packages.sh. */
  static final String ENSURE_NPM = "sluice.ensure.npm.packages";
  static final String PACKAGE = "kinesalite@3.3.3";
  static final String REGION = "us-east-1";
  /** What the SDK's default chain reads in an agent JVM: fake credentials for kinesalite. */
  static final Map<String, String> ENVIRONMENT = Map.of("AWS_ACCESS_KEY_ID", "sluice-test",
      "AWS_SECRET_ACCESS_KEY", "sluice-test", "AWS_REGION", REGION);
  private static final Pattern LISTENING = Pattern.compile("LISTENING (\\d+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final Process process;
  private final int port;
  private final Path log;

  private Kinesalite(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts kinesalite; streams are ACTIVE and reshards done 50 ms after the request.
   *
   * @param dir a directory of its own (its log)
   */
  public static Kinesalite start(Path dir) throws IOException, InterruptedException {
    Path prefix = ensureInstalled(dir);
    Path module = prefix.resolve("node_modules").resolve("kinesalite");
    Path log = dir.resolve("kinesalite.log");
    String script = "const s = require(" + jsString(module.toString()) + ")({createStreamMs: 50, "
        + "deleteStreamMs: 50, updateStreamMs: 50, shardLimit: 100});\n"
        + "s.listen(0, '127.0.0.1', () => console.log('LISTENING ' + s.address().port));\n";
    Process process = new ProcessBuilder("node", "-e", script).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    process.getOutputStream().close();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline && process.isAlive()) {
      Matcher m = LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8));
      if (m.find()) {
        return new Kinesalite(process, Integer.parseInt(m.group(1)), log);
      }
      Thread.sleep(20); // poll interval until it listens
    }
    process.destroyForcibly();
    throw new IOException("kinesalite did not start: " + Files.readString(log));
  }

  /** Sets the SDK's credential and region system properties of this JVM (tests). */
  public static void useCredentials() {
    System.setProperty("aws.accessKeyId", ENVIRONMENT.get("AWS_ACCESS_KEY_ID"));
    System.setProperty("aws.secretAccessKey", ENVIRONMENT.get("AWS_SECRET_ACCESS_KEY"));
    System.setProperty("aws.region", REGION);
  }

  /** The endpoint, {@code http://127.0.0.1:PORT}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** A client of this server (close it). */
  public KinesisClient client() {
    useCredentials();
    return KinesisClients.create(REGION, endpoint(), 10_000, false);
  }

  /** Creates a stream and waits until it is ACTIVE. */
  public void createStream(KinesisClient client, String stream, int shards)
      throws InterruptedException {
    client.createStream(b -> b.streamName(stream).shardCount(shards));
    awaitActive(client, stream);
  }

  /** Waits until the stream is ACTIVE (after a create or a reshard). */
  public static void awaitActive(KinesisClient client, String stream)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (client.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary()
        .streamStatus() != StreamStatus.ACTIVE) {
      assertThat(System.nanoTime()).as("stream %s ACTIVE within 10 s", stream)
          .isLessThan(deadline);
      Thread.sleep(20); // poll interval
    }
  }

  /** The stream's shards, in list order. */
  public static List<Shard> shards(KinesisClient client, String stream) {
    return client.listShards(b -> b.streamName(stream)).shards();
  }

  /** The ids of the stream's open shards. */
  public static List<String> openShards(KinesisClient client, String stream) {
    return shards(client, stream).stream()
        .filter(s -> s.sequenceNumberRange().endingSequenceNumber() == null)
        .map(Shard::shardId).collect(Collectors.toList());
  }

  /** Its log, for failure messages. */
  public String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /** {@code kill -9}, and waits until the process is gone. */
  @Override
  public void close() throws InterruptedException {
    boolean crashed = !process.isAlive();
    process.destroyForcibly();
    assertThat(crashed).as("kinesalite ended by itself before close(): %s", logText()).isFalse();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("kinesalite ended").isTrue();
  }

  private static String jsString(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** The npm prefix holding kinesalite, installed with the project's helper when missing. */
  private static Path ensureInstalled(Path dir) throws IOException, InterruptedException {
    String script = System.getProperty(ENSURE_NPM);
    assertThat(script).as("-D%s (set by the build)", ENSURE_NPM).isNotBlank();
    Path out = dir.resolve("ensure-npm.out");
    Path err = dir.resolve("ensure-npm.err");
    Process p = new ProcessBuilder("bash", script, PACKAGE).redirectOutput(out.toFile())
        .redirectError(err.toFile()).start();
    try {
      p.getOutputStream().close();
      boolean finished = p.waitFor(10, TimeUnit.MINUTES);
      String errors = Files.readString(err, StandardCharsets.UTF_8);
      assertThat(finished).as("npm install finished: %s", errors).isTrue();
      assertThat(p.exitValue()).as("ensure-npm-packages.sh %s: %s", PACKAGE, errors).isZero();
    } finally {
      p.destroyForcibly();
    }
    Path prefix = Paths.get(Files.readString(out, StandardCharsets.UTF_8).strip());
    assertThat(prefix.resolve("node_modules/kinesalite/index.js")).as("kinesalite installed")
        .isRegularFile();
    return prefix;
  }
}
