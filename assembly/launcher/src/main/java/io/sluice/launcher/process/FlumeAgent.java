package io.sluice.launcher.process;

import io.sluice.launcher.LaunchException;
import io.sluice.launcher.SluiceHome;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Flume 1.11 agent in its own JVM ({@code org.apache.flume.node.Application -n NAME -f FILE}, as
 * {@code flume-ng agent} runs it), serving its counters to Prometheus
 * ({@value #PROMETHEUS_MONITOR}, {@code GET /metrics} on a free loopback port) where the
 * launcher reads them too ({@link AgentMetrics}).
 */
public final class FlumeAgent implements AutoCloseable {

  /** The {@code flume.monitoring.type} of every agent the launcher starts. */
  public static final String PROMETHEUS_MONITOR = "io.sluice.flume.metrics.PrometheusMonitorService";

  private final String name;
  private final AgentFile file;
  private final ManagedProcess process;
  private final int metricsPort;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private FlumeAgent(String name, AgentFile file, ManagedProcess process, int metricsPort) {
    this.name = name;
    this.file = file;
    this.process = process;
    this.metricsPort = metricsPort;
  }

  /**
   * Starts agent {@code name} from {@code conf/agents/NAME-agent.properties} with {@code env} (the
   * {@code ${env:...}} values of that file); does not wait for it: see {@link #awaitReady}.
   */
  public static FlumeAgent launch(SluiceHome home, String name, Map<String, String> env, Path workDir, Path logDir)
      throws IOException {
    return launch(home, name, home.agentConfig(name), env, workDir, logDir);
  }

  /**
   * Starts agent {@code name} (the prefix of its keys) from {@code configFile} with {@code env};
   * does not wait for it: see {@link #awaitReady}.
   */
  public static FlumeAgent launch(SluiceHome home, String name, Path configFile, Map<String, String> env, Path workDir,
      Path logDir) throws IOException {
    return launch(home, name, name, configFile, env, workDir, logDir);
  }

  /**
   * Starts agent {@code name} from {@code configFile} as run {@code label}: its process is named
   * {@code "<label> agent"} and logs to {@code <logDir>/<label>-agent.log}, so one agent file runs
   * several times side by side (the {@code mqtt} agent once per pipeline: {@code mqtt-logs}, ...).
   */
  public static FlumeAgent launch(SluiceHome home, String name, String label, Path configFile, Map<String, String> env,
      Path workDir, Path logDir) throws IOException {
    AgentFile file = AgentFile.read(configFile, name);
    int metricsPort = Net.freePort();
    AgentSpec spec = new AgentSpec(name, configFile, home.conf(), List.of(home.pluginsDir()),
        Map.of("flume.monitoring.type", PROMETHEUS_MONITOR, "flume.monitoring.host", Net.LOOPBACK,
            "flume.monitoring.port", Integer.toString(metricsPort)),
        List.of(), "", false);
    List<String> cmd = command(home, spec);
    Path log = logDir.resolve(label + "-agent.log");
    return new FlumeAgent(label, file, ManagedProcess.start(label + " agent", cmd, env, workDir, log), metricsPort);
  }

  /**
   * The agent JVM's command line, as {@code flume-ng agent} builds it: heap defaults, then
   * {@code javaOpts}, log4j2.xml of the conf directory (else the distribution's), the plugins'
   * {@code native} directories as java.library.path, the {@code -D} properties, the classpath of
   * {@link SluiceHome#flumeClasspath(Path, List)}, then {@code extraClasspath}
   * ({@code FLUME_CLASSPATH}), then the Hadoop client of {@link SluiceHome#hadoopClientJars()} (what
   * Flume's HDFS sink needs; last, as flume-ng appends {@code hadoop classpath}, so Flume's own jars
   * win), and {@code org.apache.flume.node.Application}.
   */
  public static List<String> command(SluiceHome home, AgentSpec spec) {
    List<String> cmd = new ArrayList<>(List.of(Jvm.javaBinary(), "-Xms128m", "-Xmx512m"));
    cmd.addAll(spec.javaOpts());
    Path log4j = spec.confDir().resolve("log4j2.xml");
    cmd.add("-Dlog4j.configurationFile=" + (java.nio.file.Files.isRegularFile(log4j) ? log4j : home.conf().resolve("log4j2.xml")));
    List<Path> natives = SluiceHome.pluginNativeDirs(spec.pluginsPath());
    if (!natives.isEmpty()) {
      cmd.add("-Djava.library.path=" + String.join(java.io.File.pathSeparator, natives.stream().map(Path::toString).toList()));
    }
    new java.util.TreeMap<>(spec.systemProperties()).forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    List<String> cp = new ArrayList<>(List.of(home.flumeClasspath(spec.confDir(), spec.pluginsPath())));
    if (!spec.extraClasspath().isBlank()) {
      cp.add(spec.extraClasspath());
    }
    home.hadoopClientJars().forEach(jar -> cp.add(jar.toString()));
    cmd.addAll(List.of("-cp", String.join(java.io.File.pathSeparator, cp),
        "org.apache.flume.node.Application", "-n", spec.name(), "-f", spec.configFile().toString()));
    if (spec.noReloadConf()) {
      cmd.add("--no-reload-conf");
    }
    return cmd;
  }

  /**
   * Returns once the agent's metrics endpoint answers and every port in {@code ports} accepts
   * connections.
   *
   * @throws LaunchException when the agent exits or is not ready within {@code timeout}
   */
  public void awaitReady(List<Integer> ports, Duration timeout) throws InterruptedException {
    Deadline.await(() -> metrics() != null && ports.stream().allMatch(port -> Net.isOpen(Net.LOOPBACK, port)),
        process::isAlive, timeout, Duration.ofMillis(250),
        () -> "Flume agent '" + name + "' did not start"
            + (process.isAlive() ? " within " + timeout.toSeconds() + " s" : " (exit " + process.exitValue() + ")")
            + "; see " + process.log() + System.lineSeparator() + process.logTail(20));
  }

  /** The agent's Prometheus endpoint, {@code http://127.0.0.1:PORT/metrics}. */
  public URI metricsUri() {
    return URI.create("http://" + Net.LOOPBACK + ":" + metricsPort + "/metrics");
  }

  /** One scrape of the agent's counters, or null when the endpoint does not answer (yet). */
  public AgentMetrics metrics() {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(metricsUri()).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? AgentMetrics.parse(r.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * A counter of a component: {@code counter(m, "SOURCE.replay", "flume_event_accepted_total")}; 0
   * when {@code metrics} is null or has no such sample.
   */
  public static long counter(AgentMetrics metrics, String component, String sample) {
    return metrics == null ? 0 : (long) metrics.value(component, sample);
  }

  public String name() {
    return name;
  }

  /** The components the agent's configuration file declares, to name its counters. */
  public AgentFile file() {
    return file;
  }

  public ManagedProcess process() {
    return process;
  }

  @Override
  public void close() {
    process.stop(Duration.ofSeconds(15));
  }
}
