package io.sluice.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.launcher.process.AgentFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each feed names components and topics its packaged agent file really has. */
class DemoFeedTest {

  private static final Path AGENTS = Path.of("../../agents").toAbsolutePath().normalize();

  @Test
  void replayFeedsUseTheirPipelinesOwnAgentAndTopics() {
    for (DemoPipeline p : DemoPipeline.values()) {
      DemoFeed feed = DemoFeed.replay(p, Path.of("/data/in.txt"));
      assertAgentFileHas(feed);
      assertThat(feed.live()).isFalse();
      assertThat(feed.eventsTopic()).isEqualTo(p.pipeline().eventsTopic());
      assertThat(feed.rejectsTopic()).isEqualTo(p.pipeline().rejectsTopic());
      // The same keys as the pipeline's own env (syslog's listener ports are picked free each time).
      Map<String, String> env = feed.agentEnv(4242);
      assertThat(env.keySet()).isEqualTo(p.agentEnv(Path.of("/data/in.txt"), 4242).keySet());
      assertThat(env).containsEntry("SLUICE_" + p.id().toUpperCase() + "_FILE", "/data/in.txt")
          .containsEntry("SLUICE_" + p.id().toUpperCase() + "_SINK_PORT", "4242");
      assertThat(feed.kafkaTopicArgs(p)).isEmpty();
    }
  }

  @Test
  void blueskyFeedsTheTweetsPipelineFromTheBlueskyAgentAndItsTopic() {
    DemoFeed feed = DemoFeed.bluesky(List.of("ws://127.0.0.1:1/subscribe"),
        Map.of("SLUICE_JETSTREAM_ENDPOINTS", "ws://127.0.0.1:1/subscribe"));

    assertAgentFileHas(feed);
    assertThat(feed.live()).isTrue();
    assertThat(feed.description()).isEqualTo("Bluesky Jetstream ws://127.0.0.1:1/subscribe (live)");
    assertThat(feed.eventsTopic()).isEqualTo("sluice-bluesky");
    assertThat(feed.agentEnv(4243)).containsOnly(Map.entry("SLUICE_JETSTREAM_ENDPOINTS", "ws://127.0.0.1:1/subscribe"),
        Map.entry("SLUICE_BLUESKY_SINK_PORT", "4243"));
    assertThat(feed.kafkaTopicArgs(DemoPipeline.TWEETS)).containsExactly("--tweets-topic", "sluice-bluesky");
  }

  @Test
  void mqttFeedsRunOneMqttAgentPerPipelineOnItsOwnTopicsAndSession() {
    for (DemoPipeline p : DemoPipeline.values()) {
      DemoFeed feed = DemoFeed.mqtt(p, Path.of("/data/in.txt"), "tcp://127.0.0.1:1883");
      assertAgentFileHas(feed);
      assertThat(feed.agent()).isEqualTo("mqtt");
      assertThat(feed.instance()).isEqualTo("mqtt-" + p.id());
      assertThat(feed.live()).isFalse();
      assertThat(feed.eventsTopic()).isEqualTo("sluice-mqtt-" + p.id());
      assertThat(feed.published()).isEqualTo(new DemoFeed.Published("mqtt", Path.of("/data/in.txt"),
          "sluice/demo/" + p.id(), "sluice-demo-" + p.id()));
      assertThat(feed.agentEnv(4242)).containsEntry("SLUICE_MQTT_BROKER", "tcp://127.0.0.1:1883")
          .containsEntry("SLUICE_MQTT_TOPICS", "sluice/demo/" + p.id())
          .containsEntry("SLUICE_MQTT_CLIENT_ID", "sluice-demo-" + p.id())
          .containsEntry("SLUICE_MQTT_PIPELINE", p.id()).containsEntry("SLUICE_MQTT_INTERCEPTOR", p.parser())
          .containsEntry("SLUICE_MQTT_KAFKA_TOPIC", "sluice-mqtt-" + p.id())
          .containsEntry("SLUICE_MQTT_SINK_PORT", "4242");
      assertThat(feed.kafkaTopicArgs(p)).containsExactly("--" + p.id() + "-topic", "sluice-mqtt-" + p.id());
    }
  }

  @Test
  void zeromqFeedsABoundPullWithEventIdFramesFromTheDemosConnectingPushSocket() {
    DemoFeed feed = DemoFeed.zeromq(DemoPipeline.SYSLOG, Path.of("/data/auth.log"), "tcp://127.0.0.1:5999");
    assertAgentFileHas(feed);
    assertThat(feed.instance()).isEqualTo("zeromq-syslog");
    assertThat(feed.eventsTopic()).isEqualTo("sluice-zeromq-syslog");
    assertThat(feed.agentEnv(4242)).containsEntry("SLUICE_ZEROMQ_SOCKET_TYPE", "PULL")
        .containsEntry("SLUICE_ZEROMQ_ENDPOINTS", "tcp://127.0.0.1:5999").containsEntry("SLUICE_ZEROMQ_MODE", "bind")
        .containsEntry("SLUICE_ZEROMQ_EVENT_ID_FRAME", "true").containsEntry("SLUICE_ZEROMQ_PIPELINE", "syslog")
        .containsEntry("SLUICE_ZEROMQ_INTERCEPTOR", "io.sluice.flume.interceptor.syslog.SyslogInterceptor$Builder");
  }

  @Test
  void kinesisFeedsReadOneStreamPerPipelineFromTheDemosKinesaliteInJson() {
    for (DemoPipeline p : DemoPipeline.values()) {
      DemoFeed feed = DemoFeed.kinesis(p, Path.of("/data/in.txt"), "http://127.0.0.1:4567",
          Map.of("AWS_ACCESS_KEY_ID", "k", "AWS_SECRET_ACCESS_KEY", "s", "AWS_REGION", "us-east-1"));
      assertAgentFileHas(feed);
      assertThat(feed.agent()).isEqualTo("kinesis");
      assertThat(feed.instance()).isEqualTo("kinesis-" + p.id());
      assertThat(feed.live()).isFalse();
      assertThat(feed.eventsTopic()).isEqualTo("sluice-kinesis-" + p.id());
      assertThat(feed.published()).isEqualTo(new DemoFeed.Published("kinesis", Path.of("/data/in.txt"),
          "sluice-demo-" + p.id(), null));
      assertThat(feed.agentEnv(4242)).containsEntry("SLUICE_KINESIS_STREAM", "sluice-demo-" + p.id())
          .containsEntry("SLUICE_KINESIS_ENDPOINT", "http://127.0.0.1:4567")
          .containsEntry("SLUICE_KINESIS_REGION", "us-east-1").containsEntry("SLUICE_KINESIS_CBOR", "false")
          .containsEntry("SLUICE_KINESIS_POSITION", "TRIM_HORIZON")
          .containsEntry("SLUICE_KINESIS_PIPELINE", p.id()).containsEntry("SLUICE_KINESIS_INTERCEPTOR", p.parser())
          .containsEntry("SLUICE_KINESIS_KAFKA_TOPIC", "sluice-kinesis-" + p.id())
          .containsEntry("SLUICE_KINESIS_SINK_PORT", "4242")
          .containsEntry("AWS_ACCESS_KEY_ID", "k").containsEntry("AWS_SECRET_ACCESS_KEY", "s");
      assertThat(feed.kafkaTopicArgs(p)).containsExactly("--" + p.id() + "-topic", "sluice-kinesis-" + p.id());
    }
  }

  private static void assertAgentFileHas(DemoFeed feed) {
    AgentFile file = AgentFile.read(AGENTS.resolve(feed.agent() + "-agent.properties"), feed.agent());
    assertThat(file.sourceOfType(feed.sourceType())).startsWith("SOURCE.");
    Map<String, String> env = feed.agentEnv(4242);
    assertThat(file.sinkOfTopic(feed.eventsTopic(), env)).isEqualTo(file.sinkOfType("SparkSink"));
    assertThat(file.sinkOfTopic(feed.rejectsTopic(), env)).isEqualTo("SINK.deadLetter");
    assertThat(file.property("sinks.spark.port")).isEqualTo("${env:SLUICE_" + feed.agent().toUpperCase() + "_SINK_PORT}");
  }
}
