package io.sluice.flume.source.agents;

import static io.sluice.flume.source.SourceTestSupport.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.flume.source.replay.ReplaySource;
import io.sluice.flume.testing.TestData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.commons.text.StringSubstitutor;
import org.apache.flume.Context;
import org.apache.flume.conf.FlumeConfiguration;
import org.apache.flume.lifecycle.LifecycleState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's agent configurations still configure the (extended, stricter) {@link ReplaySource}:
 * the source context Flume's {@link FlumeConfiguration} derives from each file is accepted by
 * {@code configure()} (which refuses unknown keys). Only the replay source is checked: the files'
 * SparkSink is not on this module's classpath.
 */
class ReplayAgentConfigsTest {

  @TempDir
  Path tmp;

  @Test
  void logsAgentConfiguresItsReplaySource() throws IOException {
    assertReplaySourceConfigures("logs-agent.properties", "logs",
        TestData.sample("access_logs/elastic-examples_apache_logs.log").toString());
  }

  @Test
  void logsAgentPacesItsReplayAtSluiceLogsEventsPerSecond() throws IOException {
    String input = TestData.sample("access_logs/elastic-examples_apache_logs.log").toString();

    Context unset = assertReplaySourceConfigures("logs-agent.properties", "logs", input, Map.of());
    Context paced = assertReplaySourceConfigures("logs-agent.properties", "logs", input,
        Map.of("SLUICE_LOGS_EVENTS_PER_SECOND", "2500.5"));

    assertThat(unset.getString("eventsPerSecond")).as("unset: as fast as the channel accepts")
        .isEqualTo("0");
    assertThat(paced.getString("eventsPerSecond")).isEqualTo("2500.5");
  }

  @Test
  void tweetsAgentConfiguresItsReplaySource() throws IOException {
    assertReplaySourceConfigures("tweets-agent.properties", "tweets",
        TestData.sample("tweets/ALL_shared_tweets.jsonl").toString());
  }

  private Context assertReplaySourceConfigures(String file, String agent, String input)
      throws IOException {
    return assertReplaySourceConfigures(file, agent, input, Map.of());
  }

  /**
   * Configures the replay source of {@code agents/<file>} with {@code ${env:NAME}} (and its
   * {@code :-default}) resolved from {@code environment}, the file from {@code input}; returns
   * the source's context.
   */
  private Context assertReplaySourceConfigures(String file, String agent, String input,
      Map<String, String> environment) throws IOException {
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(AgentRun.agentFile(file))) {
      properties.load(in);
    }
    // As Flume's env lookup (MapResolver: variables in defaults resolved too), but from the test's
    // map only, plus a dead-letter directory: a variable not in it takes its default.
    Map<String, String> withRejects = new HashMap<>(environment);
    withRejects.putIfAbsent("SLUICE_REJECTS_DIR",
        Files.createDirectories(tmp.resolve("rejects").resolve(agent)).toString());
    StringSubstitutor env = new StringSubstitutor(
        key -> key.startsWith("env:") ? withRejects.get(key.substring(4)) : null)
        .setEnableSubstitutionInVariables(true);
    Map<String, String> values = new HashMap<>();
    properties.stringPropertyNames()
        .forEach(key -> values.put(key, env.replace(properties.getProperty(key))));
    values.put(agent + ".sources.replay.file", input); // stands for ${env:...}
    Context context = new FlumeConfiguration(values).getConfigurationFor(agent)
        .getSourceContext().get("replay");
    ReplaySource source = new ReplaySource();
    source.setName(uniqueName(agent + "-replay"));

    source.configure(context);

    assertThat(context.getString("type")).isEqualTo(ReplaySource.class.getName());
    assertThat(source.getLifecycleState()).isEqualTo(LifecycleState.IDLE);
    return context;
  }
}
