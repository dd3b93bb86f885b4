package io.sluice.launcher.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Where one pipeline of the demo gets its events: a file replayed once by the pipeline's own agent
 * ({@code --logs FILE}, {@code --tweets FILE}: {@code ReplaySource}, done at its end of input), or a
 * live stream read by another agent of the same pipeline until the demo stops it
 * ({@code --live bluesky}: the {@code bluesky} agent's {@code JetstreamSource}, feeding the tweets
 * pipeline). Names the agent ({@code conf/agents/<agent>-agent.properties}), its source type, its
 * Kafka channel topics ({@code sluice-<agent>}, {@code sluice-<agent>-rejects}, as every packaged
 * agent file names them) and the {@code ${env:...}} values it reads. Immutable.
 */
final class DemoFeed {

  private final String agent;
  /** The name of this agent's run: its log, dead-letter and state directories; the agent's name unless several run. */
  private final String instance;
  private final String eventsTopic;
  /** With {@code --via}: what the demo publishes to the server this feed's agent reads; else null. */
  private final Published published;
  private final String sourceType;
  private final boolean live;
  private final String description;
  /** The agent file's {@code ${env:...}} values, given the SparkSink's port. */
  private final IntFunction<Map<String, String>> env;

  /**
   * A file the demo publishes, line by line, to a local server ({@code --via mqtt}) for the feed's
   * agent to read from there.
   *
   * @param via the server: mqtt, zeromq or kinesis
   * @param input the file
   * @param topic where the lines are published: the MQTT topic, the endpoint the agent's ZeroMQ PULL
   *     socket binds and the demo's PUSH socket connects to, or the Kinesis stream
   * @param subscriberId MQTT: the agent's client identifier (its persistent session); ZeroMQ: unused
   */
  record Published(String via, Path input, String topic, String subscriberId) { }

  private DemoFeed(String agent, String sourceType, boolean live, String description,
      IntFunction<Map<String, String>> env) {
    this(agent, agent, "sluice-" + agent, null, sourceType, live, description, env);
  }

  private DemoFeed(String agent, String instance, String eventsTopic, Published published, String sourceType,
      boolean live, String description, IntFunction<Map<String, String>> env) {
    this.agent = agent;
    this.instance = instance;
    this.eventsTopic = eventsTopic;
    this.published = published;
    this.sourceType = sourceType;
    this.live = live;
    this.description = description;
    this.env = env;
  }

  /** {@code input} replayed once by the pipeline's own agent. */
  static DemoFeed replay(DemoPipeline pipeline, Path input) {
    return new DemoFeed(pipeline.id(), "ReplaySource", false, input.toString(),
        sinkPort -> pipeline.agentEnv(input, sinkPort));
  }

  /**
   * Bluesky's Jetstream, read live by the {@code bluesky} agent for the tweets pipeline.
   *
   * @param endpoints the subscribe URLs the agent tries, for the description
   * @param env the agent's {@code SLUICE_JETSTREAM_*} values given to the demo (may be empty:
   *     the agent file's defaults apply)
   */
  static DemoFeed bluesky(List<String> endpoints, Map<String, String> env) {
    Map<String, String> given = Map.copyOf(env);
    return new DemoFeed("bluesky", "JetstreamSource", true, "Bluesky Jetstream " + String.join(", ", endpoints)
        + " (live)", sinkPort -> {
          Map<String, String> all = new HashMap<>(given);
          all.put(prefix("bluesky") + "_SINK_PORT", Integer.toString(sinkPort));
          return all;
        });
  }

  /**
   * {@code input}'s lines published by the demo to the MQTT broker at {@code brokerUri} (topic
   * {@code sluice/demo/<pipeline>}) and read from there by an {@code mqtt} agent
   * ({@code mqtt-agent.properties}, {@code MqttSource}) of its own, {@code mqtt-<pipeline>}: the
   * pipeline's header and parser (interceptor), Kafka channel topics {@code sluice-mqtt-<pipeline>}
   * and {@code sluice-mqtt-<pipeline>-rejects}, client id {@code sluice-demo-<pipeline>}.
   */
  static DemoFeed mqtt(DemoPipeline pipeline, Path input, String brokerUri) {
    String instance = "mqtt-" + pipeline.id();
    String topic = "sluice/demo/" + pipeline.id();
    Published published = new Published("mqtt", input, topic, "sluice-demo-" + pipeline.id());
    String eventsTopic = "sluice-" + instance;
    return new DemoFeed("mqtt", instance, eventsTopic, published, "MqttSource", false,
        input + " via MQTT " + brokerUri + " " + topic, sinkPort -> Map.of(
            "SLUICE_MQTT_BROKER", brokerUri,
            "SLUICE_MQTT_TOPICS", topic,
            "SLUICE_MQTT_QOS", "1",
            "SLUICE_MQTT_CLIENT_ID", published.subscriberId(),
            "SLUICE_MQTT_PIPELINE", pipeline.id(),
            "SLUICE_MQTT_INTERCEPTOR", pipeline.parser(),
            "SLUICE_MQTT_KAFKA_TOPIC", eventsTopic,
            "SLUICE_MQTT_SINK_PORT", Integer.toString(sinkPort)));
  }

  /**
   * {@code input}'s lines pushed by the demo over a ZeroMQ PUSH socket connecting to {@code endpoint}
   * and read by a {@code zeromq} agent ({@code zeromq-agent.properties}, {@code ZeroMqSource}, PULL,
   * bound to it, an event-id frame before each line) of its own, {@code zeromq-<pipeline>}: the
   * pipeline's header and parser, Kafka channel topics {@code sluice-zeromq-<pipeline>} and
   * {@code sluice-zeromq-<pipeline>-rejects}.
   */
  static DemoFeed zeromq(DemoPipeline pipeline, Path input, String endpoint) {
    String instance = "zeromq-" + pipeline.id();
    Published published = new Published("zeromq", input, endpoint, null);
    String eventsTopic = "sluice-" + instance;
    return new DemoFeed("zeromq", instance, eventsTopic, published, "ZeroMqSource", false,
        input + " via ZeroMQ PUSH " + endpoint, sinkPort -> Map.of(
            "SLUICE_ZEROMQ_SOCKET_TYPE", "PULL",
            "SLUICE_ZEROMQ_ENDPOINTS", endpoint,
            "SLUICE_ZEROMQ_MODE", "bind",
            "SLUICE_ZEROMQ_EVENT_ID_FRAME", "true",
            "SLUICE_ZEROMQ_PIPELINE", pipeline.id(),
            "SLUICE_ZEROMQ_INTERCEPTOR", pipeline.parser(),
            "SLUICE_ZEROMQ_KAFKA_TOPIC", eventsTopic,
            "SLUICE_ZEROMQ_SINK_PORT", Integer.toString(sinkPort)));
  }

  /**
   * {@code input}'s lines put by the demo into the Kinesis stream {@code sluice-demo-<pipeline>} (one
   * shard, one record per line) of the kinesalite at {@code endpoint} and read from there by a
   * {@code kinesis} agent ({@code kinesis-agent.properties}, {@code KinesisSource}, JSON protocol, from
   * TRIM_HORIZON, checkpoints under its state directory) of its own, {@code kinesis-<pipeline>}: the
   * pipeline's header and parser, Kafka channel topics {@code sluice-kinesis-<pipeline>} and
   * {@code sluice-kinesis-<pipeline>-rejects}; the fake AWS credentials and region kinesalite accepts.
   */
  static DemoFeed kinesis(DemoPipeline pipeline, Path input, String endpoint, Map<String, String> clientEnv) {
    String instance = "kinesis-" + pipeline.id();
    String stream = "sluice-demo-" + pipeline.id();
    Published published = new Published("kinesis", input, stream, null);
    String eventsTopic = "sluice-" + instance;
    Map<String, String> given = Map.copyOf(clientEnv);
    return new DemoFeed("kinesis", instance, eventsTopic, published, "KinesisSource", false,
        input + " via Kinesis (kinesalite) " + endpoint + " stream " + stream, sinkPort -> {
          Map<String, String> all = new HashMap<>(given);
          all.putAll(Map.of(
              "SLUICE_KINESIS_STREAM", stream,
              "SLUICE_KINESIS_ENDPOINT", endpoint,
              "SLUICE_KINESIS_REGION", given.getOrDefault("AWS_REGION", "us-east-1"),
              "SLUICE_KINESIS_CBOR", "false",
              "SLUICE_KINESIS_POSITION", "TRIM_HORIZON",
              "SLUICE_KINESIS_ASSIGNMENT", "0/1",
              "SLUICE_KINESIS_PIPELINE", pipeline.id(),
              "SLUICE_KINESIS_INTERCEPTOR", pipeline.parser(),
              "SLUICE_KINESIS_KAFKA_TOPIC", eventsTopic,
              "SLUICE_KINESIS_SINK_PORT", Integer.toString(sinkPort)));
          return all;
        });
  }

  /** The agent's name: the prefix of its keys and of its file, {@code <agent>-agent.properties}. */
  String agent() {
    return agent;
  }

  /** The name of this agent's run (logs, dead-letter and state directories): the agent's name, or e.g. {@code mqtt-logs}. */
  String instance() {
    return instance;
  }

  /** What the demo publishes for this feed's agent to read, or null: the agent reads its input itself. */
  Published published() {
    return published;
  }

  /** The simple class name of the agent's source, e.g. {@code ReplaySource}. */
  String sourceType() {
    return sourceType;
  }

  /** True for a live stream: no end of input, the demo stops it (--duration, Ctrl-C). */
  boolean live() {
    return live;
  }

  /** What is read, for the demo's first line: a file, or the live stream and its endpoints. */
  String description() {
    return description;
  }

  /** The Kafka channel topic of the agent's events, {@code sluice-<agent>} (with {@code --via}: {@code sluice-<instance>}). */
  String eventsTopic() {
    return eventsTopic;
  }

  /** The Kafka channel topic of the agent's dead letter, {@code sluice-<agent>-rejects}. */
  String rejectsTopic() {
    return eventsTopic() + "-rejects";
  }

  /**
   * The {@code ${env:...}} values of the agent file, {@code SLUICE_<AGENT>_SINK_PORT} included: for
   * a replay the pipeline's {@link DemoPipeline#agentEnv} (for syslog also free listener ports).
   */
  Map<String, String> agentEnv(int sinkPort) {
    return env.apply(sinkPort);
  }

  /**
   * The job's options that point {@code --source kafka} at this feed's topic when it is not the
   * pipeline's default one ({@code --tweets-topic sluice-bluesky}); empty for a replay.
   */
  List<String> kafkaTopicArgs(DemoPipeline pipeline) {
    return eventsTopic().equals(pipeline.pipeline().eventsTopic()) ? List.of()
        : List.of("--" + pipeline.id() + "-topic", eventsTopic());
  }

  private static String prefix(String agent) {
    return "SLUICE_" + agent.toUpperCase(Locale.ROOT);
  }
}
