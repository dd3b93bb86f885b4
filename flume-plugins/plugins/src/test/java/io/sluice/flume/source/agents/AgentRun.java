package io.sluice.flume.source.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.sluice.flume.source.SourceTestSupport;
import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.ObjectName;
import org.apache.flume.Channel;
import org.apache.flume.Event;
import org.apache.flume.SourceRunner;
import org.apache.flume.node.Application;
import org.apache.flume.node.MaterializedConfiguration;
import org.apache.flume.node.PropertiesFileConfigurationProvider;

/**
 * Runs a real agent configuration of the repository's {@code agents/} folder in this JVM, through
 * Flume's own configuration provider ({@link PropertiesFileConfigurationProvider}: property
 * substitution, validation, component creation and configuration) and {@link Application}
 * (lifecycle supervision), as {@code flume-ng agent -f} would.
 *
 * <p>{@code ${env:NAME}} values come from the map given to {@link #load} (see
 * {@link TestEnvironmentLookup}); {@code ${sys:sluice.channel.type}} is set to {@code memory} by
 * {@link #start} unless the test sets channel types itself. Not thread-safe; one run at a time.
 */
public final class AgentRun implements AutoCloseable {

  /** System property set by surefire: the repository's {@code agents} directory. */
  public static final String AGENTS_PROPERTY = "sluice.agents";
  /** System property the agent files read their channel type from. */
  public static final String CHANNEL_TYPE_PROPERTY = "sluice.channel.type";
  private static final String LOOKUPS_PROPERTY = "lookups";

  private final PropertiesFileConfigurationProvider provider;
  private final MaterializedConfiguration configuration;
  private final Map<String, String> previousProperties;
  private Application application;

  private AgentRun(PropertiesFileConfigurationProvider provider,
      MaterializedConfiguration configuration, Map<String, String> previousProperties) {
    this.provider = provider;
    this.configuration = configuration;
    this.previousProperties = previousProperties;
  }

  /**
   * Loads and configures {@code agents/<file>} for agent {@code name} without starting it.
   *
   * @param file e.g. {@code bluesky-agent.properties}
   * @param name the agent name, e.g. {@code bluesky}
   * @param environment the {@code ${env:...}} values
   * @param systemProperties system properties to set for the run (restored on close)
   * @param tmp a directory for the lookups file
   */
  public static AgentRun load(String file, String name, Map<String, String> environment,
      Map<String, String> systemProperties, Path tmp) throws IOException {
    return load(agentFile(file), name, environment, systemProperties, tmp);
  }

  /**
   * Same as {@link #load(String, String, Map, Map, Path)} for any configuration file, e.g. an
   * agent file a test derived from one of the repository's.
   */
  public static AgentRun load(Path file, String name, Map<String, String> environment,
      Map<String, String> systemProperties, Path tmp) throws IOException {
    Path lookups = tmp.resolve("flume-lookups.properties");
    Files.writeString(lookups, "sys=org.apache.commons.text.lookup.DefaultStringLookup."
        + "SYSTEM_PROPERTIES\nenv=" + TestEnvironmentLookup.class.getName() + "\n");
    Map<String, String> previous = new HashMap<>();
    Map<String, String> properties = new HashMap<>(systemProperties);
    properties.put(LOOKUPS_PROPERTY, lookups.toString());
    properties.forEach((key, value) -> {
      previous.put(key, System.getProperty(key));
      if (value == null) {
        System.clearProperty(key);
      } else {
        System.setProperty(key, value);
      }
    });
    TestEnvironmentLookup.VALUES.clear();
    TestEnvironmentLookup.VALUES.putAll(environment);
    PropertiesFileConfigurationProvider provider =
        new PropertiesFileConfigurationProvider(name, file.toFile());
    return new AgentRun(provider, provider.getConfiguration(), previous);
  }

  /** Loads the agent with memory channels ({@code -Dsluice.channel.type=memory}) and starts it. */
  public static AgentRun start(String file, String name, Map<String, String> environment,
      Path tmp) throws IOException {
    return start(file, name, environment, tmp, Map.of());
  }

  /** Same as {@link #start(String, String, Map, Path)} with more system properties. */
  public static AgentRun start(String file, String name, Map<String, String> environment,
      Path tmp, Map<String, String> systemProperties) throws IOException {
    return start(agentFile(file), name, environment, tmp, systemProperties);
  }

  /**
   * Same as {@link #start(String, String, Map, Path, Map)} for any configuration file, e.g. an
   * agent file a test derived from one of the repository's.
   */
  public static AgentRun start(Path file, String name, Map<String, String> environment,
      Path tmp, Map<String, String> systemProperties) throws IOException {
    Map<String, String> properties = new HashMap<>(systemProperties);
    properties.put(CHANNEL_TYPE_PROPERTY, "memory");
    AgentRun run = load(file, name, environment, properties, tmp);
    run.application = new Application();
    run.application.handleConfigurationEvent(run.configuration);
    return run;
  }

  /** The file {@code agents/<name>} of the repository. */
  public static Path agentFile(String name) {
    String property = System.getProperty(AGENTS_PROPERTY);
    if (property != null && !property.isBlank()) {
      return requireFile(Paths.get(property).resolve(name));
    }
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("agents").resolve(name);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("Cannot find agents/" + name + "; set -D" + AGENTS_PROPERTY);
  }

  /**
   * {@code agents/<agent>-agent.properties} without its SparkSink (Spark's sink is not on this
   * module's classpath), written under {@code tmp}; with {@code memoryChannels} its Kafka channels
   * are memory channels large enough for a batch (the kafka.* keys are then ignored), so the agent
   * runs without a broker. The SparkSink is the sink named {@code spark}.
   *
   * @param agent the agent name, e.g. {@code tweets}
   * @return the derived file
   */
  public static Path withoutSparkSink(String agent, boolean memoryChannels, Path tmp)
      throws IOException {
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(agentFile(agent + "-agent.properties"))) {
      if (line.startsWith(agent + ".sinks = ")) {
        lines.add(line.replaceAll("\\bspark\\b ?", "").stripTrailing());
      } else if (memoryChannels && line.matches(agent + "\\.channels\\.\\w+\\.type = .*")) {
        String channel = line.substring(0, line.indexOf(".type"));
        lines.add(channel + ".type = memory");
        lines.add(channel + ".capacity = 10000");
        lines.add(channel + ".transactionCapacity = 2000");
      } else if (!line.startsWith(agent + ".sinks.spark.")) {
        lines.add(line);
      }
    }
    return Files.write(tmp.resolve(agent + "-without-sparksink.properties"), lines);
  }

  private static Path requireFile(Path path) {
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException("Missing agent configuration " + path);
    }
    return path;
  }

  /** The configured components (Flume drops those it could not create or configure). */
  public MaterializedConfiguration configuration() {
    return configuration;
  }

  /** A channel of the agent; fails if Flume did not create it. */
  public Channel channel(String name) {
    Channel channel = configuration.getChannels().get(name);
    assertThat(channel).as("channel %s of the agent", name).isNotNull();
    return channel;
  }

  /**
   * Takes the events that are in a channel now, without waiting: an agent's memory channel blocks
   * a take on an empty channel for its keep-alive (3 s), so only as many events as the channel's
   * counter ({@code ChannelSize}) reports are taken.
   */
  public List<Event> takeAvailable(String name) {
    Channel channel = channel(name);
    long size;
    try {
      size = (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(
          new ObjectName("org.apache.flume.channel:type=" + name), "ChannelSize");
    } catch (JMException e) {
      throw new IllegalStateException("No counters for channel " + name, e);
    }
    return size <= 0 ? List.of() : SourceTestSupport.take(channel, (int) size);
  }

  /** Takes events from a channel until {@code expected} were taken; fails at the deadline. */
  public List<Event> awaitEvents(String name, int expected, Duration timeout)
      throws InterruptedException {
    List<Event> events = new ArrayList<>();
    SourceTestSupport.awaitTrue(timeout, () -> {
      events.addAll(takeAvailable(name));
      return events.size() >= expected;
    }, () -> "events taken from " + name + ": " + events.size() + " of " + expected);
    return events;
  }

  /** A source runner of the agent; fails if Flume did not create it. */
  public SourceRunner source(String name) {
    SourceRunner runner = configuration.getSourceRunners().get(name);
    assertThat(runner).as("source %s of the agent", name).isNotNull();
    return runner;
  }

  /** Asserts that Flume created exactly these components from the file. */
  public void assertComponents(List<String> sources, List<String> channels, List<String> sinks) {
    assertThat(configuration.getSourceRunners().keySet())
        .as("sources Flume created").containsExactlyInAnyOrderElementsOf(sources);
    assertThat(configuration.getChannels().keySet())
        .as("channels Flume created").containsExactlyInAnyOrderElementsOf(channels);
    assertThat(configuration.getSinkRunners().keySet())
        .as("sinks Flume created").containsExactlyInAnyOrderElementsOf(sinks);
  }

  @Override
  public void close() {
    try {
      if (application != null) {
        application.stop();
      }
      provider.stop();
    } finally {
      TestEnvironmentLookup.VALUES.clear();
      previousProperties.forEach((key, value) -> {
        if (value == null) {
          System.clearProperty(key);
        } else {
          System.setProperty(key, value);
        }
      });
    }
  }
}
