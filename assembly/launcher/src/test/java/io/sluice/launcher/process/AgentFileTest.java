package io.sluice.launcher.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.contract.Pipeline;
import io.sluice.launcher.LaunchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentFileTest {

  /** The repository's agents/ directory (the launcher module is assembly/launcher). */
  private static final Path AGENTS = Path.of("../../agents").toAbsolutePath().normalize();

  @Test
  void namesTheComponentsOfThePackagedAgents() {
    for (Pipeline p : Pipeline.values()) {
      AgentFile f = AgentFile.read(AGENTS.resolve(p.agentFile()), p.id());
      assertThat(f.sourceOfType("ReplaySource")).isEqualTo("SOURCE.replay");
      assertThat(f.sinkOfTopic(p.rejectsTopic())).isEqualTo("SINK.deadLetter");
      assertThat(f.sinkOfTopic(p.eventsTopic())).isEqualTo("SINK.spark");
      assertThat(f.sinkOfType("SparkSink")).isEqualTo("SINK.spark");
    }
  }

  @Test
  void resolvesTheEnvironmentLookupsOfATopic() {
    assertThat(AgentFile.resolveEnv("${env:T:-sluice-mqtt}-rejects", java.util.Map.of())).isEqualTo("sluice-mqtt-rejects");
    assertThat(AgentFile.resolveEnv("${env:T:-sluice-mqtt}-rejects", java.util.Map.of("T", "x$1"))).isEqualTo("x$1-rejects");
    assertThat(AgentFile.resolveEnv("${env:T}", java.util.Map.of())).isEmpty();
    assertThat(AgentFile.resolveEnv("plain", java.util.Map.of("T", "x"))).isEqualTo("plain");
    AgentFile mqtt = AgentFile.read(AGENTS.resolve("mqtt-agent.properties"), "mqtt");
    assertThat(mqtt.sinkOfTopic("sluice-mqtt-rejects")).isEqualTo("SINK.deadLetter");
    assertThat(mqtt.sinkOfTopic("sluice-mqtt-syslog", java.util.Map.of("SLUICE_MQTT_KAFKA_TOPIC", "sluice-mqtt-syslog")))
        .isEqualTo("SINK.spark");
  }

  @Test
  void failsNamingTheKeyWhenTheFileDoesNotDeclareExactlyOne(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("a.properties");
    Files.writeString(file, String.join("\n",
        "a.sources = r1 r2",
        "a.sources.r1.type = io.sluice.flume.source.replay.ReplaySource",
        "a.sources.r2.type = io.sluice.flume.source.replay.ReplaySource",
        "a.sinks = k",
        "a.sinks.k.type = logger",
        "a.sinks.k.channel = c"));
    AgentFile f = AgentFile.read(file, "a");
    assertThatThrownBy(() -> f.sourceOfType("ReplaySource")).isInstanceOf(LaunchException.class)
        .hasMessage(file + ": agent 'a' has 2 sources for ReplaySource (a.sources = [r1, r2]), expected one");
    assertThatThrownBy(() -> f.sinkOfTopic("t")).isInstanceOf(LaunchException.class)
        .hasMessage(file + ": agent 'a' has 0 sinks for channel on topic t (a.sinks = [k]), expected one");
    assertThatThrownBy(() -> AgentFile.read(file, "b")).isInstanceOf(LaunchException.class)
        .hasMessage(file + " declares no sources or sinks for agent 'b' (b.sources)");
  }
}
