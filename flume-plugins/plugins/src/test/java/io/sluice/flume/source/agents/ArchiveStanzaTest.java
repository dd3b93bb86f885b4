package io.sluice.flume.source.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.text.StringSubstitutor;
import org.apache.flume.Context;
import org.apache.flume.conf.FlumeConfiguration;
import org.apache.flume.conf.FlumeConfiguration.AgentConfiguration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The raw archive to HDFS block of the packaged agents (between its {@code >>> raw archive to
 * HDFS: begin} and {@code <<< ... end} lines), through Flume 1.11's own configuration parser
 * ({@link FlumeConfiguration}): off when {@code SLUICE_HDFS_ARCHIVE} is unset (Flume ignores the
 * keys of the unlisted channel and sink), on with {@code SLUICE_HDFS_ARCHIVE=archive} (what
 * {@code conf/flume-env.sh} exports when {@code SLUICE_HDFS_ARCHIVE_URI} is set): a file channel
 * that every event of the source reaches, rejected or not, and an HDFS sink bucketing by the
 * event's own time.
 */
class ArchiveStanzaTest {

  private static final String URI = "hdfs://nn.example:8020/sluice/raw";

  @ParameterizedTest
  @CsvSource({"logs-agent.properties, logs, replay, %{pipeline}",
      "tweets-agent.properties, tweets, replay, %{pipeline}",
      "twitter-v1-agent.properties, twitter, sample, twitter-v1",
      "web-logs-agent.properties, weblogs, tail, %{pipeline}",
      "bluesky-agent.properties, bluesky, jetstream, %{pipeline}",
      "x-agent.properties, x, stream, %{pipeline}",
      "syslog-agent.properties, syslog, tcp, %{pipeline}",
      "mqtt-agent.properties, mqtt, mqtt, %{pipeline}",
      "kinesis-agent.properties, kinesis, kinesis, %{pipeline}",
      "zeromq-agent.properties, zeromq, zeromq, %{pipeline}",
      "tcp-agent.properties, tcp, netcat, %{pipeline}"})
  void archiveIsOffUnlessSluiceHdfsArchiveIsSet(String file, String agent, String source, String dir)
      throws IOException {
    AgentConfiguration off = parse(file, agent, Map.of());
    assertThat(off.getChannelSet()).doesNotContain("archive");
    assertThat(off.getSinkSet()).doesNotContain("archive");
    assertThat(off.getSourceContext().get(source).getString("channels")).doesNotContain("archive");

    AgentConfiguration on = parse(file, agent,
        Map.of("SLUICE_HDFS_ARCHIVE", "archive", "SLUICE_HDFS_ARCHIVE_URI", URI));
    assertThat(on.getChannelSet()).containsAll(off.getChannelSet()).contains("archive");
    assertThat(on.getSinkSet()).containsAll(off.getSinkSet()).contains("archive");
    assertThat(on.getSourceContext().get(source).getString("channels").split("\\s+")).contains("archive");

    Context channel = on.getChannelContext().get("archive");
    assertThat(channel.getString("type")).isEqualTo("file");
    assertThat(channel.getString("checkpointDir")).endsWith(agent + "-archive-channel/checkpoint");
    assertThat(channel.getString("dataDirs")).endsWith(agent + "-archive-channel/data");

    Context sink = on.getSinkContext().get("archive");
    assertThat(sink.getString("type")).isEqualTo("hdfs");
    assertThat(sink.getString("channel")).isEqualTo("archive");
    assertThat(sink.getString("hdfs.path")).isEqualTo(URI + "/" + dir + "/%Y/%m/%d/%H");
    assertThat(sink.getString("hdfs.useLocalTimeStamp")).isEqualTo("false");
    assertThat(sink.getString("hdfs.timeZone")).isEqualTo("UTC");
    assertThat(sink.getString("hdfs.fileType")).isEqualTo("DataStream");
    assertThat(sink.getString("serializer")).isEqualTo("avro_event");
    assertThat(sink.getString("hdfs.minBlockReplicas")).isEqualTo("1");
    assertThat(sink.getString("hdfs.filePrefix")).isEqualTo(agent);
  }

  /** A multiplexing selector sends every event to the archive: its default and every mapping list it. */
  @ParameterizedTest
  @CsvSource({"logs-agent.properties, logs, replay", "tweets-agent.properties, tweets, replay",
      "web-logs-agent.properties, weblogs, tail", "bluesky-agent.properties, bluesky, jetstream",
      "x-agent.properties, x, stream", "syslog-agent.properties, syslog, tcp",
      "syslog-agent.properties, syslog, udp", "syslog-agent.properties, syslog, replay",
      "mqtt-agent.properties, mqtt, mqtt", "kinesis-agent.properties, kinesis, kinesis",
      "zeromq-agent.properties, zeromq, zeromq", "tcp-agent.properties, tcp, netcat"})
  void everySelectorMappingIncludesTheArchiveChannel(String file, String agent, String source)
      throws IOException {
    AgentConfiguration on = parse(file, agent, Map.of("SLUICE_HDFS_ARCHIVE", "archive", "SLUICE_HDFS_ARCHIVE_URI", URI));
    Map<String, String> selector = on.getSourceContext().get(source).getSubProperties("selector.");
    assertThat(selector.get("type")).isEqualTo("multiplexing");
    Map<String, String> routes = new HashMap<>();
    selector.forEach((key, value) -> {
      if (key.equals("default") || key.startsWith("mapping.")) {
        routes.put(key, value);
      }
    });
    assertThat(routes).hasSizeGreaterThan(5);
    assertThat(routes.values()).allSatisfy(channels -> assertThat(channels.split("\\s+")).contains("archive"));
  }

  /** The block is the same in every agent but for its agent name, directory, state default and hour note. */
  @ParameterizedTest
  @CsvSource({"tweets-agent.properties, tweets", "twitter-v1-agent.properties, twitter",
      "web-logs-agent.properties, weblogs", "bluesky-agent.properties, bluesky",
      "x-agent.properties, x", "syslog-agent.properties, syslog", "mqtt-agent.properties, mqtt",
      "zeromq-agent.properties, zeromq", "tcp-agent.properties, tcp"})
  void theBlockIsTheSameInEveryAgent(String file, String agent) throws IOException {
    assertThat(normalised(file, agent)).isEqualTo(normalised("logs-agent.properties", "logs"));
  }

  private static List<String> normalised(String file, String agent) throws IOException {
    String text = Files.readString(AgentRun.agentFile(file), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("(?s)# >>> raw archive to HDFS: begin.*?# <<< raw archive to HDFS: end <<<\n")
        .matcher(text);
    assertThat(m.find()).as("%s has the archive block", file).isTrue();
    return m.group().lines()
        .filter(line -> !line.startsWith("#"))
        .map(line -> line.replace(agent + ".", "AGENT.").replace("filePrefix = " + agent, "filePrefix = AGENT")
            .replaceAll("(checkpointDir|dataDirs) = .*/" + agent + "-archive-channel/", "$1 = STATE/")
            .replaceAll("/(%\\{pipeline}|twitter-v1)/", "/DIR/"))
        .toList();
  }

  /**
   * Agent {@code agent} of {@code agents/<file>} as Flume validates it, with {@code ${env:NAME}}
   * (and its {@code :-default}) resolved from {@code environment} as Flume's env lookup does.
   */
  private static AgentConfiguration parse(String file, String agent, Map<String, String> environment)
      throws IOException {
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(AgentRun.agentFile(file))) {
      properties.load(in);
    }
    Map<String, String> env = new HashMap<>(environment);
    env.putIfAbsent("SLUICE_REJECTS_DIR", "/var/lib/sluice/rejects");
    env.putIfAbsent("SLUICE_STATE_DIR", "/var/lib/sluice/state");
    StringSubstitutor substitutor = new StringSubstitutor(
        key -> key.startsWith("env:") ? env.get(key.substring(4))
            : key.startsWith("sys:") ? System.getProperty(key.substring(4)) : null)
        .setEnableSubstitutionInVariables(true);
    Map<String, String> values = new HashMap<>();
    properties.stringPropertyNames()
        .forEach(key -> values.put(key, substitutor.replace(properties.getProperty(key))));
    return new FlumeConfiguration(values).getConfigurationFor(agent);
  }
}
