package io.sluice.flume.source.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.flume.source.agents.AgentRun;
import io.sluice.flume.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the packaged {@code logs} and {@code tweets} agents keep their replay source's position
 * file: the files (less their SparkSink) are loaded through Flume's own configuration provider and
 * {@code ${env:...}} resolver ({@link AgentRun#load}), as {@code flume-ng agent -f} would, and the
 * configured source is asked.
 */
class ReplayAgentPositionFileTest {

  @TempDir
  Path tmp;

  @Test
  void logsAgentKeepsItsPositionNextToTheDeadLetterDirectoryByDefault() throws Exception {
    Path rejects = Files.createDirectories(tmp.resolve("out/rejects/logs"));

    Path position = positionFile("logs", Map.of("SLUICE_REJECTS_DIR", rejects.toString()));

    assertThat(position).isEqualTo(tmp.resolve("out/rejects/logs-replay-position.json"));
  }

  @Test
  void logsAgentKeepsItsPositionInSluiceStateDirWhenSet() throws Exception {
    Path rejects = Files.createDirectories(tmp.resolve("out/rejects/logs"));

    Path position = positionFile("logs", Map.of("SLUICE_REJECTS_DIR", rejects.toString(),
        "SLUICE_STATE_DIR", tmp.resolve("state").toString()));

    assertThat(position).isEqualTo(tmp.resolve("state/logs-replay-position.json"));
    assertThat(tmp.resolve("state")).as("created by configure()").isDirectory();
  }

  @Test
  void tweetsAgentKeepsItsPositionNextToTheDeadLetterDirectoryByDefault() throws Exception {
    Path rejects = Files.createDirectories(tmp.resolve("out/rejects/tweets"));

    Path position = positionFile("tweets", Map.of("SLUICE_REJECTS_DIR", rejects.toString()));

    assertThat(position).isEqualTo(tmp.resolve("out/rejects/tweets-replay-position.json"));
  }

  /** Loads {@code agents/<agent>-agent.properties} and returns its replay source's position file. */
  private Path positionFile(String agent, Map<String, String> extra) throws Exception {
    Map<String, String> environment = new HashMap<>(extra);
    environment.put("SLUICE_LOGS_FILE",
        TestData.sample("access_logs/elastic-examples_apache_logs.log").toString());
    environment.put("SLUICE_TWEETS_FILE", TestData.sample("tweets/ALL_shared_tweets.jsonl")
        .toString());
    environment.put("SLUICE_KAFKA_BOOTSTRAP", "127.0.0.1:9");
    environment.put("SLUICE_SINK_HOST", "127.0.0.1");
    environment.put("SLUICE_LOGS_SINK_PORT", "9");
    environment.put("SLUICE_TWEETS_SINK_PORT", "9");
    // Without the SparkSink, which is not on this module's classpath (Flume refuses unknown types).
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(AgentRun.agentFile(agent + "-agent.properties"))) {
      if (line.startsWith(agent + ".sinks = ")) {
        lines.add(agent + ".sinks = deadLetter");
      } else if (!line.startsWith(agent + ".sinks.spark.")) {
        lines.add(line);
      }
    }
    Path file = Files.write(tmp.resolve(agent + "-without-sparksink.properties"), lines);
    try (AgentRun run = AgentRun.load(file, agent, environment, Map.of(), tmp)) {
      ReplaySource source = (ReplaySource) run.source("replay").getSource();
      return source.positionFile();
    }
  }
}
