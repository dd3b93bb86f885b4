package io.sluice.launcher.process;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@code flume-ng agent} is told on its command line and in {@code flume-env.sh}, for one agent JVM.
 *
 * @param name agent name ({@code -n}), the prefix of its keys in the configuration file
 * @param configFile agent configuration ({@code -f})
 * @param confDir configuration directory ({@code -c}): first on the classpath, its log4j2.xml used
 * @param pluginsPath plugin directories ({@code --plugins-path}), each holding {@code NAME/{lib,libext,native}}
 * @param systemProperties {@code -Dkey=value} for the agent JVM (e.g. flume.monitoring.type)
 * @param javaOpts extra JVM flags ({@code JAVA_OPTS} of flume-env.sh), after the defaults so they win
 * @param extraClasspath extra classpath entries ({@code FLUME_CLASSPATH} of flume-env.sh), may be empty
 * @param noReloadConf do not poll the configuration file for changes ({@code --no-reload-conf})
 */
public record AgentSpec(String name, Path configFile, Path confDir, List<Path> pluginsPath,
    Map<String, String> systemProperties, List<String> javaOpts, String extraClasspath, boolean noReloadConf) {

  public AgentSpec {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("agent name (-n) must not be blank");
    }
    pluginsPath = List.copyOf(pluginsPath);
    systemProperties = Map.copyOf(systemProperties);
    javaOpts = List.copyOf(javaOpts);
    extraClasspath = extraClasspath == null ? "" : extraClasspath;
  }
}
