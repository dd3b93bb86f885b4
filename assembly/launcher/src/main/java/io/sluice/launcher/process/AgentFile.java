package io.sluice.launcher.process;

import io.sluice.launcher.LaunchException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The component names of one agent in a Flume properties file ({@code <agent>.sources},
 * {@code .channels}, {@code .sinks} and their {@code type}, {@code channel(s)} and
 * {@code kafka.topic} keys), so the launcher reads an agent's counters by what the file declares
 * instead of hard-coding {@code SOURCE.replay}. Component keys are Flume's counter-group keys
 * ({@code SOURCE.<name>}, {@code CHANNEL.<name>}, {@code SINK.<name>}), which {@link AgentMetrics}
 * finds in the agent's Prometheus exposition by its labels {@code component_type} and {@code component}.
 */
public final class AgentFile {

  private final Path file;
  private final String agent;
  private final Properties props;

  private AgentFile(Path file, String agent, Properties props) {
    this.file = file;
    this.agent = agent;
    this.props = props;
  }

  /**
   * Reads agent {@code agent}'s part of {@code file}.
   *
   * @throws LaunchException when the file cannot be read or declares no component for the agent
   */
  public static AgentFile read(Path file, String agent) {
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(in);
    } catch (IOException e) {
      throw new LaunchException("cannot read agent configuration " + file + ": " + e.getMessage());
    }
    AgentFile f = new AgentFile(file, agent, props);
    if (f.names("sources").isEmpty() && f.names("sinks").isEmpty()) {
      throw new LaunchException(file + " declares no sources or sinks for agent '" + agent + "' ("
          + agent + ".sources)");
    }
    return f;
  }

  /**
   * The metrics key of the agent's source whose {@code type} is the class with simple name
   * {@code simpleClassName} (e.g. {@code ReplaySource}; a {@code $Builder} suffix is ignored).
   *
   * @throws LaunchException when not exactly one source has that type
   */
  public String sourceOfType(String simpleClassName) {
    return "SOURCE." + only("sources", simpleClassName, names("sources").stream()
        .filter(s -> simpleName(get("sources." + s + ".type")).equals(simpleClassName)).toList());
  }

  /**
   * The metrics key of the agent's sink that drains the Kafka channel writing to {@code topic}.
   *
   * @throws LaunchException when not exactly one sink does
   */
  public String sinkOfTopic(String topic) {
    return sinkOfTopic(topic, Map.of());
  }

  /**
   * As {@link #sinkOfTopic(String)}, with the {@code ${env:NAME}} and {@code ${env:NAME:-default}}
   * lookups of each channel's {@code kafka.topic} resolved against {@code env} (the agent's
   * environment; a name it lacks takes its default, else the empty string), for an agent file
   * whose topic is set by the environment, such as {@code mqtt-agent.properties}.
   *
   * @throws LaunchException when not exactly one sink does
   */
  public String sinkOfTopic(String topic, Map<String, String> env) {
    List<String> channels = names("channels").stream()
        .filter(c -> topic.equals(resolveEnv(get("channels." + c + ".kafka.topic"), env))).toList();
    return "SINK." + only("sinks", "channel on topic " + topic, names("sinks").stream()
        .filter(s -> channels.contains(get("sinks." + s + ".channel"))).toList());
  }

  /**
   * The metrics key of the agent's sink whose {@code type} is the class with simple name
   * {@code simpleClassName}, e.g. {@code SparkSink}.
   *
   * @throws LaunchException when not exactly one sink has that type
   */
  public String sinkOfType(String simpleClassName) {
    return "SINK." + only("sinks", simpleClassName, names("sinks").stream()
        .filter(s -> simpleName(get("sinks." + s + ".type")).equals(simpleClassName)).toList());
  }

  /**
   * The value of {@code <agent>.<key>} as written in the file, {@code ${...}} lookups unresolved.
   *
   * @param key e.g. {@code sources.jetstream.endpoints}
   * @return the trimmed value, empty when the key is absent
   */
  public String property(String key) {
    return get(key);
  }

  /** {@code value} with its (non-nested) {@code ${env:NAME}} / {@code ${env:NAME:-default}} lookups resolved. */
  static String resolveEnv(String value, Map<String, String> env) {
    java.util.regex.Matcher m = ENV_LOOKUP.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = env.get(m.group(1));
      m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(
          v != null ? v : m.group(2) != null ? m.group(2) : ""));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static final java.util.regex.Pattern ENV_LOOKUP =
      java.util.regex.Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^${}]*))?}");

  private String only(String kind, String what, List<String> found) {
    if (found.size() != 1) {
      throw new LaunchException(file + ": agent '" + agent + "' has " + found.size() + " " + kind
          + " for " + what + " (" + agent + "." + kind + " = " + names(kind) + "), expected one");
    }
    return found.get(0);
  }

  private List<String> names(String kind) {
    String v = get(kind);
    return v.isBlank() ? List.of() : new ArrayList<>(Arrays.asList(v.trim().split("\\s+")));
  }

  private String get(String key) {
    return props.getProperty(agent + "." + key, "").trim();
  }

  private static String simpleName(String type) {
    String t = type.endsWith("$Builder") ? type.substring(0, type.length() - "$Builder".length()) : type;
    return t.substring(t.lastIndexOf('.') + 1);
  }
}
