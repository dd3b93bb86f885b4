package io.sluice.launcher.kafka;

import io.sluice.launcher.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code sluice kafka ARGS} in a JVM of its own, as {@code bin/sluice} (or the lab's systemd unit)
 * runs it: the launcher's classes and jars, a {@code SLUICE_HOME} whose {@code lib/kafka} is the
 * build's broker jars; the real broker is the launcher's child. Output goes to a log file.
 */
public final class SluiceKafkaProcess implements AutoCloseable {

  private static final Pattern READY = Pattern.compile("sluice kafka: broker ready on (\\S+) \\((\\S+), cluster id (\\S+),");

  private final Process launcher;
  private final Path log;
  private final int logStart;

  private SluiceKafkaProcess(Process launcher, Path log, int logStart) {
    this.launcher = launcher;
    this.log = log;
    this.logStart = logStart;
  }

  /** A {@code SLUICE_HOME} under {@code dir} with the build's broker jars and {@code conf/kafka-log4j.properties}. */
  static Path home(Path dir) throws IOException {
    Path home = dir.resolve("home");
    Path kafkaLib = Path.of(System.getProperty("sluice.kafka.lib", "../kafka-runtime/target/lib")).toAbsolutePath();
    if (!Files.isRegularFile(kafkaLib.resolve("kafka_2.13-3.9.2.jar"))) {
      throw new IllegalStateException("Kafka broker jars missing in " + kafkaLib
          + ": build them with mvn -pl assembly/kafka-runtime package (the reactor does so before this module)");
    }
    Files.createDirectories(home.resolve("lib"));
    Files.createDirectories(home.resolve("conf"));
    Files.createSymbolicLink(home.resolve("lib/kafka"), kafkaLib);
    Path conf = Path.of(System.getProperty("sluice.conf", "../src/conf"));
    Files.copy(conf.resolve("kafka-log4j.properties"), home.resolve("conf/kafka-log4j.properties"));
    return home;
  }

  /** Starts {@code sluice kafka args}; its output is appended to {@code log}. */
  static SluiceKafkaProcess start(Path home, Path log, List<String> args) throws IOException {
    String classpath = System.getProperty("sluice.launcher.classpath");
    if (classpath == null) {
      throw new IllegalStateException("system property sluice.launcher.classpath is not set (failsafe sets it)");
    }
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-Dsluice.home=" + home, "-cp", classpath, "io.sluice.launcher.Main", "kafka"));
    command.addAll(args);
    int logStart = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8).size() : 0;
    Process p = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    return new SluiceKafkaProcess(p, log, logStart);
  }

  /** The ready line's facts: bootstrap address, security protocol, cluster id. */
  record Ready(String bootstrap, String protocol, String clusterId) {}

  /** Polls the output for the ready line; fails when the launcher exits first or {@code timeout} passes. */
  Ready awaitReady(Duration timeout) throws IOException, InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      for (String line : lines.subList(Math.min(logStart, lines.size()), lines.size())) {
        Matcher m = READY.matcher(line);
        if (m.find()) {
          return new Ready(m.group(1), m.group(2), m.group(3));
        }
      }
      if (!launcher.isAlive()) {
        throw new AssertionError("sluice kafka exited " + launcher.exitValue() + " before it was ready:\n" + output());
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("sluice kafka not ready within " + timeout.toSeconds() + " s:\n" + output());
      }
      Thread.sleep(100);
    }
  }

  /** This start's output. */
  String output() throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.min(logStart, lines.size()), lines.size()));
  }

  /**
   * {@code kill -9} of the broker JVM (the launcher's only child once the storage is formatted);
   * returns the launcher's exit status, which passes the broker's on.
   */
  int killBroker(Duration timeout) throws InterruptedException {
    List<ProcessHandle> children = launcher.children().toList();
    if (children.size() != 1) {
      throw new AssertionError("expected the broker as the launcher's only child, found " + children.size());
    }
    ProcessHandle broker = children.get(0);
    broker.destroyForcibly();
    return awaitExit(timeout);
  }

  /** A clean stop: SIGTERM to the launcher, which stops the broker (SIGTERM) before it exits. */
  int stop(Duration timeout) throws InterruptedException {
    launcher.destroy();
    return awaitExit(timeout);
  }

  private int awaitExit(Duration timeout) throws InterruptedException {
    if (!launcher.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("sluice kafka still running " + timeout.toSeconds() + " s later");
    }
    return launcher.exitValue();
  }

  /** Kills the launcher and whatever it started, at once (also when a test failed half-way). */
  @Override
  public void close() throws InterruptedException {
    List<ProcessHandle> family = new ArrayList<>(launcher.descendants().toList());
    family.add(launcher.toHandle());
    family.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle h : family) {
      try {
        h.onExit().get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        throw new AssertionError("process " + h.pid() + " did not exit after SIGKILL", e);
      }
    }
  }
}
