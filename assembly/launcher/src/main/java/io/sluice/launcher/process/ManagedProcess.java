package io.sluice.launcher.process;

import io.sluice.launcher.LaunchException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM started by the launcher, its output kept in a log file (or, for the foreground
 * commands such as {@code sluice agent}, written to the launcher's own stdout and stderr).
 *
 * <p>{@link #stop(Duration)} asks politely (SIGTERM to the process and its descendants), then kills
 * whatever is left after the grace period: a Spark 2.4 JVM that failed on JDK 17 can ignore SIGTERM.
 */
public final class ManagedProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path log;

  private ManagedProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code command} with {@code extraEnv} added to this process's environment.
   *
   * @param name short name used in messages ("kafka", "logs agent", ...)
   * @param log file receiving the child's stdout and stderr (appended); null: the launcher's own
   *     stdout and stderr
   * @throws IOException when the command cannot be started
   */
  public static ManagedProcess start(String name, List<String> command, Map<String, String> extraEnv,
      Path workDir, Path log) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command)
        .directory(workDir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    if (log == null) {
      pb.redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
    } else {
      Files.createDirectories(log.toAbsolutePath().getParent());
      pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      Files.writeString(log, "# " + String.join(" ", command) + System.lineSeparator(), StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }
    pb.environment().putAll(extraEnv);
    return new ManagedProcess(name, pb.start(), log);
  }

  /** Runs {@code command} to completion; returns its exit code, or throws when it outlives {@code timeout}. */
  public static int run(String name, List<String> command, Path workDir, Path log, Duration timeout)
      throws IOException, InterruptedException {
    return run(name, command, Map.of(), workDir, log, timeout);
  }

  /**
   * Runs {@code command} with {@code extraEnv} added to this process's environment to completion;
   * returns its exit code, or throws when it outlives {@code timeout}.
   */
  public static int run(String name, List<String> command, Map<String, String> extraEnv, Path workDir, Path log,
      Duration timeout) throws IOException, InterruptedException {
    try (ManagedProcess p = start(name, command, extraEnv, workDir, log)) {
      if (!p.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new LaunchException(name + " did not finish within " + timeout.toSeconds() + " s"
            + (log == null ? "" : "; see " + log));
      }
      return p.process.exitValue();
    }
  }

  public String name() {
    return name;
  }

  /** The log file, or null when the output goes to the launcher's console. */
  public Path log() {
    return log;
  }

  /** Waits for the process to exit; returns its exit status. */
  public int waitFor() throws InterruptedException {
    return process.waitFor();
  }

  /** The operating system's id of the process (for {@code /proc/PID}). */
  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public int exitValue() {
    return process.exitValue();
  }

  /** The last {@code lines} lines of the log, for error messages. */
  public String logTail(int lines) {
    if (log == null) {
      return "(output above)";
    }
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | java.io.UncheckedIOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  /** Stops the process and its descendants: SIGTERM, then SIGKILL after {@code grace}. */
  public void stop(Duration grace) {
    List<ProcessHandle> family = new ArrayList<>();
    process.descendants().forEach(family::add);
    family.add(process.toHandle());
    family.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    for (ProcessHandle h : family) {
      long left = deadline - System.nanoTime();
      try {
        h.onExit().get(Math.max(0, left), TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
      }
    }
    for (ProcessHandle h : family) {
      try {
        h.onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // Already sent SIGKILL; nothing more a launcher can do.
      }
    }
  }

  /**
   * Kills the process and its descendants at once (SIGKILL, what a crash looks like: no shutdown
   * hook runs) and waits up to {@code timeout} for them to be gone.
   *
   * @return whether the process is gone
   */
  public boolean kill(Duration timeout) throws InterruptedException {
    List<ProcessHandle> family = new ArrayList<>();
    process.descendants().forEach(family::add);
    family.add(process.toHandle());
    family.forEach(ProcessHandle::destroyForcibly);
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      stop(Duration.ofSeconds(10));
    }
  }
}
