package io.sluice.flume.source.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.contract.EventHeaders;
import io.sluice.contract.Pipeline;
import io.sluice.contract.RejectReason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every packaged posts agent (the {@code tweets} replay, the live {@code bluesky} and {@code x}
 * agents) feeds the one tweets pipeline: it stamps {@code pipeline = tweets} and serves Spark from
 * a SparkSink whose port is {@code ${env:SLUICE_<AGENT>_SINK_PORT}}, defaulted, distinct from the
 * others, in the distribution's {@code conf/flume-env.sh}.
 */
class PostsAgentsTest {

  private static final List<String> POSTS_AGENTS = List.of("tweets", "bluesky", "x");

  @Test
  void everyPostsAgentStampsTheTweetsPipelineAndHasASparkSinkOnItsEventsChannel()
      throws IOException {
    for (String agent : POSTS_AGENTS) {
      Properties file = load(agent);
      String source = file.getProperty(agent + ".sources").trim();
      assertThat(file.getProperty(agent + ".sources." + source + ".interceptors.pipeline.value"))
          .as(agent).isEqualTo(Pipeline.TWEETS.id());
      assertThat(withoutArchive(file.getProperty(agent + ".sinks")).split(" +")).as(agent)
          .containsExactly("spark", "deadLetter");
      assertThat(file.getProperty(agent + ".sinks.spark.type"))
          .isEqualTo("org.apache.spark.streaming.flume.sink.SparkSink");
      assertThat(file.getProperty(agent + ".sinks.spark.channel")).isEqualTo("events");
      assertThat(file.getProperty(agent + ".sinks.spark.threads")).isEqualTo("1");
      assertThat(file.getProperty(agent + ".sinks.spark.hostname"))
          .isEqualTo("${env:SLUICE_SINK_HOST:-127.0.0.1}");
      assertThat(file.getProperty(agent + ".sinks.spark.port"))
          .isEqualTo("${env:" + portVariable(agent) + "}");
      assertThat(file.getProperty(agent + ".channels.events.kafka.consumer.group.id"))
          .isEqualTo("sluice-" + agent + "-sparksink");
    }
  }

  @Test
  void liveAgentsSendEveryRejectCodeToTheDeadLetterAndNotPostsToTheEventsOnly() throws IOException {
    Map<String, Set<RejectReason>> sourceCodes = Map.of("bluesky", RejectReason.JETSTREAM,
        "x", RejectReason.X_STREAM);
    for (String agent : sourceCodes.keySet()) {
      Properties file = load(agent);
      String selector = agent + ".sources." + file.getProperty(agent + ".sources").trim() + ".selector.";
      Set<String> expected = new TreeSet<>(RejectReason.codes(RejectReason.POST));
      expected.addAll(RejectReason.codes(sourceCodes.get(agent)));
      Map<String, String> mapped = new TreeMap<>();
      for (String key : file.stringPropertyNames()) {
        if (key.startsWith(selector + "mapping.")) {
          mapped.put(key.substring((selector + "mapping.").length()), withoutArchive(file.getProperty(key)));
        }
      }
      assertThat(file.getProperty(selector + "header")).isEqualTo(EventHeaders.REJECT_REASON);
      assertThat(withoutArchive(file.getProperty(selector + "default"))).as("posts and not-posts")
          .isEqualTo("events");
      assertThat(mapped.keySet()).as(agent).containsExactlyElementsOf(expected);
      assertThat(mapped.values()).as(agent).containsOnly("events rejects");
    }
  }

  @Test
  void flumeEnvDefaultsADistinctSinkPortForEveryPostsAgent() throws IOException {
    String env = Files.readString(AgentRun.agentFile("tweets-agent.properties").getParent()
        .resolveSibling("assembly/src/conf/flume-env.sh"));
    Set<Integer> ports = new HashSet<>();
    for (String agent : POSTS_AGENTS) {
      String variable = portVariable(agent);
      Matcher m = Pattern.compile("(?m)^" + variable + "=\"\\$\\{" + variable + ":-(\\d+)\\}\"$")
          .matcher(env);
      assertThat(m.find()).as("%s defaulted in flume-env.sh", variable).isTrue();
      ports.add(Integer.parseInt(m.group(1)));
    }
    assertThat(ports).containsExactlyInAnyOrder(4142, 4143, 4144);
  }

  private static String portVariable(String agent) {
    return "SLUICE_" + agent.toUpperCase(Locale.ROOT) + "_SINK_PORT";
  }

  private static Properties load(String agent) throws IOException {
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(AgentRun.agentFile(agent + "-agent.properties"))) {
      properties.load(in);
    }
    return properties;
  }

  /** A channel or sink list without the raw-archive switch (ArchiveStanzaTest checks that one). */
  private static String withoutArchive(String list) {
    return list.replace("${env:SLUICE_HDFS_ARCHIVE:-}", "").trim();
  }
}
