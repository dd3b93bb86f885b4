package io.sluice.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.contract.Pipeline;
import io.sluice.launcher.SluiceHome;
import io.sluice.launcher.process.Net;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A pipeline as the demo and the benchmarks run it, described once: the packaged agent
 * ({@code conf/agents/<id>-agent.properties}, replaying one input file into its Kafka channel and
 * SparkSink), the bundled real sample it replays by default, and the options of its
 * {@code AnalyticsJob --pipeline <id>}. The demo, {@code bench pipeline} and {@code bench faults}
 * iterate over these; adding a pipeline is adding a constant.
 */
public enum DemoPipeline {
  /**
   * Access logs. The demo's error-rate alert: a 5xx share above 0.02 % of at least 100 requests.
   * The bundled log has three 5xx lines in 10,000, far below the job's default 5 %; the lowered
   * threshold shows the alert path on real data.
   */
  LOGS(Pipeline.LOGS, "Access logs", "access_logs/elastic-examples_apache_logs.log",
      List.of("--error-rate-threshold", "0.0002", "--error-min-requests", "100")) {
    @Override
    void printSummary(JsonNode logs, PrintStream out) {
      out.printf(Locale.ROOT, "  lines %,d   parsed %,d   rejected %,d%n",
          logs.path("lines").asLong(), logs.path("parsed").asLong(), logs.path("rejected").asLong());
      JsonNode size = logs.path("contentSize");
      out.printf(Locale.ROOT, "  content size (bytes): min %,d   max %,d   avg %,.1f%n",
          size.path("min").asLong(), size.path("max").asLong(), size.path("avg").asDouble());
      out.println("  status   count");
      Summary.printCounts(logs.path("statusCounts"), 6, out);
      out.println("  top endpoints                                                      count");
      for (JsonNode e : logs.path("topEndpoints")) {
        out.printf(Locale.ROOT, "  %-64s %,7d%n", Summary.ellipsize(e.path("endpoint").asText(), 64),
            e.path("count").asLong());
      }
    }
  },
  /**
   * Social posts of any platform, one JSON object per line: Twitter v1.1 statuses, X API v2 Posts,
   * Bluesky Jetstream events (the bundled sample: Twitter v1.1).
   */
  TWEETS(Pipeline.TWEETS, "Tweets", "tweets/ALL_shared_tweets.jsonl", List.of()) {
    @Override
    void printSummary(JsonNode tweets, PrintStream out) {
      out.printf(Locale.ROOT, "  records %,d   posts %,d   not posts %,d   rejected %,d   tweets %,d%n",
          tweets.path("records").asLong(), tweets.path("posts").asLong(), sum(tweets.path("notPosts")),
          tweets.path("rejected").asLong(), tweets.path("tweets").asLong());
      if (tweets.path("notPosts").size() > 0) {
        out.println("  not a post   count");
        Summary.printCounts(tweets.path("notPosts"), 10, out);
      }
      out.println("  platform            count");
      Summary.printCounts(tweets.path("platforms"), 17, out);
      out.println("  top hashtags                     count");
      for (JsonNode e : tweets.path("topHashtags")) {
        out.printf(Locale.ROOT, "  #%-31s %,7d%n", Summary.ellipsize(e.path("hashtag").asText(), 31),
            e.path("count").asLong());
      }
      out.println("  language   count");
      Summary.printCounts(tweets.path("languages"), 8, out);
    }
  },
  /**
   * Syslog ({@code /var/log/auth.log}-style lines). The demo's brute-force alert: more than 50
   * sshd authentication failures from one address in a window (the job's default is 10 in 60 s;
   * the bundled log replays in seconds, so each 10 s window holds most of it: 50 keeps the alerts
   * to the real brute-force runs, 24.151.103.17, 34.204.227.175 and 91.197.232.109).
   */
  SYSLOG(Pipeline.SYSLOG, "Syslog", "syslog/elastic-examples_auth.log", List.of("--brute-force-threshold", "50")) {
    @Override
    void printSummary(JsonNode syslog, PrintStream out) {
      out.printf(Locale.ROOT, "  lines %,d   parsed %,d   rejected %,d   authentication failures %,d%n",
          syslog.path("lines").asLong(), syslog.path("parsed").asLong(), syslog.path("rejected").asLong(),
          syslog.path("authFailures").asLong());
      Summary.printRanked(syslog.path("topHosts"), "host", "top hosts", 40, out);
      Summary.printRanked(syslog.path("topPrograms"), "program", "top programs", 40, out);
      Summary.printRanked(syslog.path("topAuthFailureSources"), "ip", "top authentication-failure sources", 40, out);
    }

    /** Also the agent's syslog TCP and UDP listeners, on loopback ports free a moment ago. */
    @Override
    public Map<String, String> agentEnv(Path input, int sinkPort) {
      Map<String, String> env = new java.util.HashMap<>(super.agentEnv(input, sinkPort));
      env.put("SLUICE_SYSLOG_HOST", Net.LOOPBACK);
      env.put("SLUICE_SYSLOG_TCP_PORT", Integer.toString(Net.freePort()));
      env.put("SLUICE_SYSLOG_UDP_PORT", Integer.toString(Net.freeUdpPort()));
      return Map.copyOf(env);
    }
  };

  private static long sum(JsonNode counts) {
    long n = 0;
    for (JsonNode c : counts) {
      n += c.asLong();
    }
    return n;
  }

  /**
   * Window and slide of the demo's jobs, seconds: the bundled data replays in seconds, so 10 s
   * windows sliding every 2 s (the jobs' defaults are 30 s / 10 s for logs, 60 s / 10 s for tweets
   * and syslog).
   */
  static final int WINDOW_SECONDS = 10;
  static final int SLIDE_SECONDS = 2;

  private final Pipeline pipeline;
  private final String title;
  private final String sample;
  private final List<String> alertArgs;

  DemoPipeline(Pipeline pipeline, String title, String sample, List<String> alertArgs) {
    this.pipeline = pipeline;
    this.title = title;
    this.sample = sample;
    this.alertArgs = alertArgs;
  }

  /** The pipeline of the shared contract: id, topics, summary fields. */
  public Pipeline pipeline() {
    return pipeline;
  }

  /** The pipeline's id, also the name of its agent and of its option ({@code --logs FILE}). */
  public String id() {
    return pipeline.id();
  }

  /** The title of the pipeline's table in the demo's output. */
  String title() {
    return title;
  }

  /** Prints the pipeline's section of {@code summary.json} as a table. */
  abstract void printSummary(JsonNode section, PrintStream out);

  /** The bundled real sample the demo replays when no file is given. */
  public Path sample(SluiceHome home) {
    return home.samples().resolve(sample);
  }

  /**
   * The {@code ${env:...}} values the packaged agent file reads: {@code SLUICE_<ID>_FILE} (the
   * file to replay) and {@code SLUICE_<ID>_SINK_PORT} (its SparkSink's port); for syslog also
   * {@code SLUICE_SYSLOG_HOST}, {@code SLUICE_SYSLOG_TCP_PORT} and {@code SLUICE_SYSLOG_UDP_PORT}
   * (its network listeners, on free loopback ports).
   */
  public Map<String, String> agentEnv(Path input, int sinkPort) {
    String prefix = "SLUICE_" + id().toUpperCase(Locale.ROOT);
    return Map.of(prefix + "_FILE", input.toString(), prefix + "_SINK_PORT", Integer.toString(sinkPort));
  }

  /**
   * The job's options for this pipeline in the demo: {@code --pipeline <id>} and its
   * {@link #analysisArgs()}.
   */
  public List<String> jobArgs() {
    List<String> args = new ArrayList<>(List.of("--pipeline", id()));
    args.addAll(analysisArgs());
    return args;
  }

  /**
   * The options of this pipeline's analysis in the demo, valid in a job of this pipeline or of all:
   * the demo's window and slide and the demo's alert thresholds.
   */
  public List<String> analysisArgs() {
    List<String> args = new ArrayList<>(List.of(
        "--" + id() + "-window-seconds", Integer.toString(WINDOW_SECONDS),
        "--" + id() + "-slide-seconds", Integer.toString(SLIDE_SECONDS)));
    args.addAll(alertArgs);
    return args;
  }
}
