package io.sluice.flume.source.agents;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Flume agent in a JVM of its own, started as {@code flume-ng agent} starts one
 * ({@code org.apache.flume.node.Application -n NAME -f FILE}) on this test JVM's classpath, so that
 * a test can crash it: {@link #kill()} is {@link Process#destroyForcibly()}, a {@code SIGKILL}
 * ({@code kill -9}) on Unix, which gives Flume no chance to stop its components, flush or save
 * anything. The agent's output (log4j at INFO) goes to a log file, for the failure messages.
 *
 * <p>Close it in a {@code finally} (try-with-resources): {@link #close()} kills the JVM if it is
 * still running, so no agent outlives a failed assertion.
 */
public final class AgentProcess implements AutoCloseable {

  private static final long KILL_WAIT_SECONDS = 30;

  private final String name;
  private final Process process;
  private final Path log;

  private AgentProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts agent {@code name} of {@code configFile}; does not wait for it to be ready.
   *
   * @param log the file the agent's output is appended to
   */
  public static AgentProcess start(String name, Path configFile, Path log) throws IOException {
    return start(name, configFile, log, Map.of());
  }

  /**
   * Same as {@link #start(String, Path, Path)} with more environment variables for the agent's
   * JVM (e.g. the AWS SDK's credentials for a local server).
   */
  public static AgentProcess start(String name, Path configFile, Path log,
      Map<String, String> environment) throws IOException {
    Path log4j = log.resolveSibling(log.getFileName() + ".log4j2.xml");
    Files.writeString(log4j, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<Configuration status=\"WARN\">\n"
        + "  <Appenders><Console name=\"console\" target=\"SYSTEM_OUT\">\n"
        + "    <PatternLayout pattern=\"%d{HH:mm:ss.SSS} %-5level [%t] %c{1} - %msg%n\"/>\n"
        + "  </Console></Appenders>\n"
        + "  <Loggers><Root level=\"INFO\"><AppenderRef ref=\"console\"/></Root></Loggers>\n"
        + "</Configuration>\n");
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    // The same --add-opens as this test JVM (the project's JDK 17 flags).
    for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (argument.startsWith("--add-opens")) {
        command.add(argument);
      }
    }
    command.add("-Dlog4j.configurationFile=" + log4j);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("org.apache.flume.node.Application");
    command.add("-n");
    command.add(name);
    command.add("-f");
    command.add(configFile.toString());
    command.add("--no-reload-conf");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(environment);
    Process process = builder.start();
    return new AgentProcess(name, process, log);
  }

  /** Whether the agent's JVM is running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** {@code kill -9}: ends the JVM at once and waits until it is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(KILL_WAIT_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException("agent " + name + " (pid " + process.pid()
          + ") still running " + KILL_WAIT_SECONDS + " s after SIGKILL");
    }
  }

  /** The last lines of the agent's output, for failure messages. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join(System.lineSeparator(),
          all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  @Override
  public String toString() {
    return "agent " + name + " (pid " + process.pid() + ", log " + log + ")";
  }
}
