package io.sluice.launcher.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
  private final String sourceType;
  private final boolean live;
  private final String description;
  private final Map<String, String> env;

  private DemoFeed(String agent, String sourceType, boolean live, String description, Map<String, String> env) {
    this.agent = agent;
    this.sourceType = sourceType;
    this.live = live;
    this.description = description;
    this.env = Map.copyOf(env);
  }

  /** {@code input} replayed once by the pipeline's own agent. */
  static DemoFeed replay(DemoPipeline pipeline, Path input) {
    return new DemoFeed(pipeline.id(), "ReplaySource", false, input.toString(),
        Map.of(prefix(pipeline.id()) + "_FILE", input.toString()));
  }

  /**
   * Bluesky's Jetstream, read live by the {@code bluesky} agent for the tweets pipeline.
   *
   * @param endpoints the subscribe URLs the agent tries, for the description
   * @param env the agent's {@code SLUICE_JETSTREAM_*} values given to the demo (may be empty:
   *     the agent file's defaults apply)
   */
  static DemoFeed bluesky(List<String> endpoints, Map<String, String> env) {
    return new DemoFeed("bluesky", "JetstreamSource", true, "Bluesky Jetstream " + String.join(", ", endpoints)
        + " (live)", env);
  }

  /** The agent's name: the prefix of its keys and of its file, {@code <agent>-agent.properties}. */
  String agent() {
    return agent;
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

  /** The Kafka channel topic of the agent's events, {@code sluice-<agent>}. */
  String eventsTopic() {
    return "sluice-" + agent;
  }

  /** The Kafka channel topic of the agent's dead letter, {@code sluice-<agent>-rejects}. */
  String rejectsTopic() {
    return eventsTopic() + "-rejects";
  }

  /**
   * The {@code ${env:...}} values of the agent file: this feed's, plus {@code SLUICE_<AGENT>_SINK_PORT}.
   */
  Map<String, String> agentEnv(int sinkPort) {
    Map<String, String> all = new HashMap<>(env);
    all.put(prefix(agent) + "_SINK_PORT", Integer.toString(sinkPort));
    return all;
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
