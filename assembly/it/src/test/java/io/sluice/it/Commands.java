package io.sluice.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs programs the tests need (tar, bin/sluice, shellcheck, vagrant, the lab simulation) with a deadline. */
final class Commands {

  /** Exit code and combined stdout and stderr of a finished command. */
  record Result(int exitCode, String output) {

    /** The last {@code lines} lines of the output, for assertion messages. */
    String tail(int lines) {
      List<String> all = output.lines().toList();
      return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
    }
  }

  private Commands() {}

  static Result run(Duration timeout, Path workDir, String... command) throws IOException, InterruptedException {
    return run(timeout, workDir, Map.of(), List.of(command));
  }

  /**
   * Runs {@code command} in {@code workDir} with {@code env} added to this JVM's environment;
   * kills it and its descendants and fails when it outlives {@code timeout}.
   */
  static Result run(Duration timeout, Path workDir, Map<String, String> env, List<String> command)
      throws IOException, InterruptedException {
    File out = File.createTempFile("sluice-it-command", ".txt");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
          .redirectOutput(out).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        List<ProcessHandle> family = new ArrayList<>(p.descendants().toList());
        family.add(p.toHandle());
        family.forEach(ProcessHandle::destroyForcibly);
        p.waitFor(30, TimeUnit.SECONDS);
        throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout.toSeconds()
            + " s; output:" + System.lineSeparator() + Files.readString(out.toPath(), StandardCharsets.UTF_8));
      }
      return new Result(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out.toPath());
    }
  }

  /**
   * Sends SIGKILL to {@code p} and its descendants (a launcher and the JVMs it started) and waits
   * up to 30 s for each to end.
   *
   * @throws AssertionError when one outlives SIGKILL
   */
  static void killTree(Process p) throws InterruptedException {
    List<ProcessHandle> family = new ArrayList<>(p.descendants().toList());
    family.add(p.toHandle());
    family.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle h : family) {
      try {
        h.onExit().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        throw new AssertionError("process " + h.pid() + " outlived SIGKILL", e);
      }
    }
  }

  /**
   * Installs Debian packages a test needs when they are missing (assembly/support/ensure-debian-packages.sh);
   * fails naming them when that is not possible.
   */
  static void ensureDebianPackages(Path repo, String... packages) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("bash", repo.resolve("assembly/support/ensure-debian-packages.sh").toString()));
    cmd.addAll(List.of(packages));
    Result r = run(Duration.ofMinutes(10), repo, Map.of(), cmd);
    if (r.exitCode() != 0) {
      throw new AssertionError("cannot install Debian packages " + String.join(" ", packages) + ": " + r.output());
    }
  }
}
