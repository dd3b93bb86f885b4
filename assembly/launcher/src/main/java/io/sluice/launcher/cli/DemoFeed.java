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
  private final String sourceType;
  private final boolean live;
  private final String description;
  /** The agent file's {@code ${env:...}} values, given the SparkSink's port. */
  private final IntFunction<Map<String, String>> env;

  private DemoFeed(String agent, String sourceType, boolean live, String description,
      IntFunction<Map<String, String>> env) {
    this.agent = agent;
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
