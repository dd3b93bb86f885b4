package io.sluice.launcher.kinesis;

import io.sluice.launcher.LaunchException;
import io.sluice.launcher.SluiceHome;
import io.sluice.launcher.process.Deadline;
import io.sluice.launcher.process.Jvm;
import io.sluice.launcher.process.ManagedProcess;
import io.sluice.launcher.process.Net;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local Kinesis server for {@code sluice demo --via kinesis}: {@code kinesalite} 3.3.3 (npm; an
 * implementation of the Kinesis API, in-memory here: its streams live as long as the demo), run by
 * Debian's {@code node} as a child process listening on one loopback port, its log under the demo's
 * output directory. When kinesalite is missing,
 * {@code SLUICE_HOME/libexec/ensure-npm-packages.sh kinesalite@3.3.3} installs it into
 * {@code ~/.cache/sluice/npm} ({@code SLUICE_NPM_PREFIX}; node and npm from Debian, installed with
 * {@code ensure-debian-packages.sh} when missing: root or passwordless sudo); otherwise starting
 * fails with a message saying what to install.
 *
 * <p>Clients speak JSON to it ({@code SLUICE_KINESIS_CBOR=false}: kinesalite truncates CBOR responses
 * over 16 KiB) with any credentials and region ({@link #CLIENT_ENV}). Streams are created and lines
 * put by {@code io.sluice.flume.source.kinesis.KinesisLinePublisher} ({@value #PUBLISHER}), run in a
 * JVM of its own with the agents' classpath (the AWS SDK is in the Flume plugin's jar, not in the
 * launcher).
 */
public final class LocalKinesalite implements AutoCloseable {

  /** The npm package and version. */
  static final String PACKAGE = "kinesalite@3.3.3";
  /** The region the demo's clients use; kinesalite accepts any. */
  public static final String REGION = "us-east-1";
  /** The SDK's default chain reads these in the publisher's and the agents' JVMs: fake credentials for kinesalite. */
  public static final Map<String, String> CLIENT_ENV = Map.of("AWS_ACCESS_KEY_ID", "sluice-demo",
      "AWS_SECRET_ACCESS_KEY", "sluice-demo", "AWS_REGION", REGION);
  /** The publisher's main class (flume-plugins). */
  static final String PUBLISHER = "io.sluice.flume.source.kinesis.KinesisLinePublisher";
  private static final Pattern PUBLISHED = Pattern.compile("^published (\\d+)$", Pattern.MULTILINE);

  private final SluiceHome home;
  private final ManagedProcess process;
  private final int port;
  private final Path dir;

  private LocalKinesalite(SluiceHome home, ManagedProcess process, int port, Path dir) {
    this.home = home;
    this.process = process;
    this.port = port;
    this.dir = dir;
  }

  /**
   * Starts kinesalite on {@code 127.0.0.1:port} (in-memory; streams ACTIVE 50 ms after their
   * creation), its files in {@code dir} and its log in {@code log}.
   *
   * @throws LaunchException when node, npm or kinesalite are missing and cannot be installed, or it
   *     does not listen within {@code timeout}
   */
  public static LocalKinesalite start(SluiceHome home, int port, Path dir, Path log, Duration timeout)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path module = ensureInstalled(home, dir).resolve("node_modules").resolve("kinesalite");
    String script = "const s = require(" + jsString(module.toString()) + ")({createStreamMs: 50, "
        + "deleteStreamMs: 50, updateStreamMs: 50, shardLimit: 100});\n"
        + "s.listen(" + port + ", '" + Net.LOOPBACK + "', () => console.log('kinesalite listening on "
        + Net.LOOPBACK + ":' + s.address().port));\n";
    ManagedProcess p = ManagedProcess.start("kinesalite", List.of("node", "-e", script), Map.of(), dir, log);
    LocalKinesalite server = new LocalKinesalite(home, p, port, dir);
    try {
      Deadline.await(() -> Net.isOpen(Net.LOOPBACK, port), p::isAlive, timeout, Duration.ofMillis(100),
          () -> "kinesalite did not listen on " + Net.LOOPBACK + ":" + port
              + (p.isAlive() ? " within " + timeout.toSeconds() + " s" : " (exit " + p.exitValue() + ")")
              + "; see " + log + System.lineSeparator() + p.logTail(10));
    } catch (LaunchException | InterruptedException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** {@code http://127.0.0.1:PORT}, the agents' {@code SLUICE_KINESIS_ENDPOINT}. */
  public String endpoint() {
    return "http://" + Net.LOOPBACK + ":" + port;
  }

  /**
   * Creates each stream with one shard (the lines of a file stay in order) and returns once all are
   * ACTIVE.
   *
   * @throws LaunchException when the publisher JVM fails (its log is named)
   */
  public void createStreams(List<String> streams, Duration timeout) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("create", endpoint()));
    args.addAll(streams);
    runPublisher("create-streams", args, timeout);
  }

  /**
   * Puts every line of {@code file} into {@code stream}, one record per line, partition keys
   * {@code <file name>:<line>}; returns the number of lines Kinesis accepted (all of them).
   *
   * @throws LaunchException when the publisher fails or does not finish within {@code timeout}
   */
  public long publishLines(Path file, String stream, Duration timeout) throws IOException, InterruptedException {
    String out = runPublisher("publish-" + stream, List.of("publish", endpoint(), stream,
        file.getFileName().toString(), file.toString()), timeout);
    Matcher m = PUBLISHED.matcher(out);
    if (!m.find()) {
      throw new LaunchException("publishing " + file + " to kinesalite: no line count; see " + dir);
    }
    return Long.parseLong(m.group(1));
  }

  /** Runs the publisher's main with {@code args}; returns its log. */
  private String runPublisher(String name, List<String> args, Duration timeout)
      throws IOException, InterruptedException {
    Path log = dir.resolve(name + ".log");
    List<String> command = new ArrayList<>(List.of(Jvm.javaBinary(), "-cp", home.flumeClasspath(), PUBLISHER));
    command.addAll(args);
    int rc = ManagedProcess.run(name, command, CLIENT_ENV, dir, log, timeout);
    String text = Files.readString(log, StandardCharsets.UTF_8);
    if (rc != 0) {
      throw new LaunchException(PUBLISHER + " " + args.get(0) + " failed (exit " + rc + "); see " + log
          + System.lineSeparator() + text.strip());
    }
    return text;
  }

  /** The process, for its log and liveness. */
  public ManagedProcess process() {
    return process;
  }

  /** Kills kinesalite: its streams are in its memory only, nothing to save. */
  @Override
  public void close() {
    process.stop(Duration.ofSeconds(5));
  }

  private static String jsString(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** The npm prefix holding kinesalite, installed with the distribution's helper when missing. */
  private static Path ensureInstalled(SluiceHome home, Path dir) throws IOException, InterruptedException {
    Path script = home.root().resolve("libexec/ensure-npm-packages.sh");
    if (!Files.isRegularFile(script)) {
      throw new LaunchException("kinesalite (the Kinesis server of --via kinesis) cannot be installed: " + script
          + " is missing from this distribution");
    }
    Path out = dir.resolve("ensure-npm.log");
    int rc = ManagedProcess.run("install kinesalite", List.of("bash", script.toString(), PACKAGE), home.root(), out,
        Duration.ofMinutes(10));
    String text = Files.readString(out, StandardCharsets.UTF_8);
    List<String> lines = text.strip().lines().toList();
    Path prefix = lines.isEmpty() ? null : Path.of(lines.get(lines.size() - 1).strip());
    if (rc != 0 || prefix == null || !Files.isRegularFile(prefix.resolve("node_modules/kinesalite/index.js"))
        || !onPath("node")) {
      throw new LaunchException("kinesalite (the Kinesis server of --via kinesis) is not installed and could not be"
          + " installed: it needs node and npm (apt-get install nodejs npm, as root or with passwordless sudo) and"
          + " the npm registry (" + script + " " + PACKAGE + "); see " + out + System.lineSeparator() + text.strip());
    }
    return prefix;
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    return path != null && java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
        .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
  }
}
