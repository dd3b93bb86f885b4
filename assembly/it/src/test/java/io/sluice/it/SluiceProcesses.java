package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The {@code bin/sluice} processes of one test, started the way a user starts them, and killed with
 * {@code kill -9} (each with its descendants: the broker, agent and Spark JVMs a launcher started)
 * after each test, also when an assertion failed. Register it as a field:
 *
 * <pre>{@code
 * @RegisterExtension final SluiceProcesses sluice = new SluiceProcesses();
 * ...
 * sluice.in(home, tmp);
 * Process kafka = sluice.start(tmp.resolve("kafka.out"), Map.of(), "kafka", "--data", ...);
 * String bootstrap = sluice.awaitLine(kafka, tmp.resolve("kafka.out"), SluiceProcesses.KAFKA_READY, Duration.ofSeconds(90));
 * }</pre>
 *
 * <p>Each process runs in the test's directory with its standard output and error in one file and
 * its standard input from {@code /dev/null}. Its environment is this JVM's without what would let
 * the build leak into it ({@code CLASSPATH}, {@code MAVEN_*}, {@code SLUICE_HOME} and the prefixes
 * given to {@link #without}), with {@code HOME} an empty directory of the test, plus the variables
 * the test passes.
 */
final class SluiceProcesses implements AfterEachCallback {

  /** {@code sluice kafka}'s ready line; group 1 is the bootstrap address. */
  static final Pattern KAFKA_READY = Pattern.compile("sluice kafka: broker ready on (\\S+) \\(");
  /** Lines of a process's output an assertion message shows. */
  private static final int TAIL_LINES = 60;
  /** Pause between two polls of a condition. */
  private static final long POLL_MS = 200;

  private final List<Process> started = new ArrayList<>();
  private final List<String> removedPrefixes = new ArrayList<>(List.of("MAVEN_"));
  private Path home;
  private Path workDir;

  /**
   * Sets the unpacked distribution whose {@code bin/sluice} is started and the directory the
   * processes run in (their {@code HOME} is its subdirectory {@code home}).
   *
   * @return this
   */
  SluiceProcesses in(Path home, Path workDir) {
    this.home = home;
    this.workDir = workDir;
    return this;
  }

  /**
   * Also removes the environment variables starting with {@code prefix} (a test that sets the
   * agents' {@code SLUICE_KAFKA_*} itself, say, and must not inherit a developer's).
   *
   * @return this
   */
  SluiceProcesses without(String prefix) {
    removedPrefixes.add(prefix);
    return this;
  }

  /**
   * Starts {@code bin/sluice args...} with {@code env} added to the environment, its output to
   * {@code output}.
   */
  Process start(Path output, Map<String, String> env, String... args) throws IOException {
    if (home == null) {
      throw new IllegalStateException("SluiceProcesses.in(home, workDir) was not called");
    }
    List<String> command = new ArrayList<>(List.of(home.resolve("bin/sluice").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Map<String, String> environment = pb.environment();
    environment.keySet().removeIf(k -> k.equals("CLASSPATH") || k.equals("SLUICE_HOME")
        || removedPrefixes.stream().anyMatch(k::startsWith));
    environment.put("HOME", Files.createDirectories(workDir.resolve("home")).toString());
    environment.putAll(env);
    Process p = pb.start();
    started.add(p);
    return p;
  }

  /**
   * Polls {@code output} until {@code ready} matches anywhere in it and returns the match's group 1.
   *
   * @throws AssertionError when {@code process} ends first or {@code timeout} passes, with the
   *     output's last lines
   */
  String awaitLine(Process process, Path output, Pattern ready, Duration timeout)
      throws IOException, InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      Matcher m = ready.matcher(Files.exists(output) ? Files.readString(output, StandardCharsets.ISO_8859_1) : "");
      if (m.find()) {
        return m.group(1);
      }
      assertThat(process.isAlive()).as("%s alive; output:%n%s", ready.pattern(), tail(output)).isTrue();
      assertThat(System.nanoTime()).as("%s within %s s; output:%n%s", ready.pattern(), timeout.toSeconds(),
          tail(output)).isLessThan(end);
      Thread.sleep(POLL_MS);
    }
  }

  /**
   * Polls {@code condition} until it holds.
   *
   * @throws AssertionError when {@code process} ends first or {@code timeout} passes, naming
   *     {@code what}, with the output's last lines
   */
  void await(String what, Duration timeout, BooleanSupplier condition, Process process, Path output)
      throws IOException, InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(process.isAlive()).as("%s: process alive; output:%n%s", what, tail(output)).isTrue();
      assertThat(System.nanoTime()).as("%s within %s s; output:%n%s", what, timeout.toSeconds(), tail(output))
          .isLessThan(end);
      Thread.sleep(POLL_MS);
    }
  }

  /** The last {@value #TAIL_LINES} lines of a process's output file, empty while it does not exist. */
  static String tail(Path output) throws IOException {
    if (!Files.exists(output)) {
      return "";
    }
    List<String> all = Files.readAllLines(output, StandardCharsets.ISO_8859_1);
    return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - TAIL_LINES), all.size()));
  }

  /** A loopback port free now (for programs that cannot bind port 0 and report it). */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** {@code kill -9} of every process tree started, also after a failed assertion. */
  @Override
  public void afterEach(ExtensionContext context) throws InterruptedException {
    try {
      for (Process p : started) {
        Commands.killTree(p);
      }
    } finally {
      started.clear();
    }
  }
}
