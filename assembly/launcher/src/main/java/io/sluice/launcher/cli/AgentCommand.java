package io.sluice.launcher.cli;

import io.sluice.launcher.SluiceHome;
import io.sluice.launcher.process.AgentSpec;
import io.sluice.launcher.process.FlumeAgent;
import io.sluice.launcher.process.Foreground;
import io.sluice.launcher.process.ManagedProcess;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sluice agent}: one Flume 1.11 agent in the foreground, with {@code flume-ng agent}'s flags.
 *
 * <p>{@code bin/sluice} sources {@code CONF/flume-env.sh} first (as flume-ng does), so its
 * {@code JAVA_OPTS}, {@code FLUME_CLASSPATH} and the {@code SLUICE_*} values the agent files read
 * through {@code ${env:...}} reach the agent. The agent's output goes to stdout (a systemd unit's
 * journal). SIGTERM or Ctrl-C stops the agent; the exit status is the agent's.
 */
@Command(name = "agent", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run a Flume 1.11 agent in the foreground, with flume-ng agent's flags.",
        "bin/sluice first sources CONF/flume-env.sh: JAVA_OPTS, FLUME_CLASSPATH and the SLUICE_* values the agent files read."},
    footer = {"", "Example:",
        "  sluice agent -n logs -f conf/agents/logs-agent.properties -c conf",
        "(Prometheus metrics on by default: http://HOST:9464/metrics for the logs agent; see conf/flume-env.sh.)"})
public final class AgentCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = {"-n", "--name"}, required = true, paramLabel = "NAME", description = "Agent name: the prefix of its keys in the configuration file.")
  String name;

  @Option(names = {"-f", "--conf-file"}, required = true, paramLabel = "FILE", description = "Agent configuration file (Java properties).")
  Path configFile;

  @Option(names = {"-c", "--conf"}, paramLabel = "DIR",
      description = "Configuration directory: flume-env.sh and log4j2.xml; first on the classpath (default: SLUICE_HOME/conf).")
  Path confDir;

  @Option(names = "--plugins-path", paramLabel = "DIR[:DIR...]",
      description = "Plugin directories in Flume's plugins.d layout, NAME/{lib,libext,native} (default: SLUICE_HOME/plugins.d).")
  String pluginsPath;

  @Option(names = "-D", paramLabel = "KEY=VALUE", mapFallbackValue = "",
      description = "System property of the agent JVM, e.g. -Dflume.monitoring.port=9564 (wins over flume-env.sh's JAVA_OPTS).")
  Map<String, String> properties = new LinkedHashMap<>();

  @Option(names = "--no-reload-conf", description = "Do not reload the configuration file when it changes.")
  boolean noReloadConf;

  @Override
  public Integer call() throws Exception {
    SluiceHome home = SluiceHome.fromSystemProperty();
    Path conf = confDir == null ? home.conf() : confDir.toAbsolutePath().normalize();
    if (!Files.isDirectory(conf)) {
      throw new ParameterException(spec.commandLine(), "-c/--conf: not a directory: " + conf);
    }
    if (!Files.isReadable(configFile) || Files.isDirectory(configFile)) {
      throw new ParameterException(spec.commandLine(), "-f/--conf-file: not a readable file: " + configFile);
    }
    List<Path> plugins = pluginsPath == null ? List.of(home.pluginsDir()) : parsePluginsPath(pluginsPath);
    for (Path p : plugins) {
      if (!Files.isDirectory(p)) {
        throw new ParameterException(spec.commandLine(), "--plugins-path: not a directory: " + p);
      }
    }
    AgentSpec agent = new AgentSpec(name, configFile.toAbsolutePath().normalize(), conf, plugins, properties,
        splitOptions(System.getenv("JAVA_OPTS")), System.getenv().getOrDefault("FLUME_CLASSPATH", ""), noReloadConf);
    ManagedProcess p = ManagedProcess.start(name + " agent", FlumeAgent.command(home, agent), Map.of(),
        Path.of("").toAbsolutePath(), null);
    return Foreground.run(p, Duration.ofSeconds(20));
  }

  static List<Path> parsePluginsPath(String value) {
    List<Path> dirs = new ArrayList<>();
    for (String part : value.split(File.pathSeparator)) {
      if (!part.isBlank()) {
        dirs.add(Path.of(part.trim()).toAbsolutePath().normalize());
      }
    }
    return dirs;
  }

  /** JVM flags of an environment variable such as JAVA_OPTS, split on whitespace (no quoting, as flume-ng). */
  static List<String> splitOptions(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return List.of(value.trim().split("\\s+"));
  }
}
