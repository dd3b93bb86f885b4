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
   * Access logs, in hour-long tumbling event-time windows: the bundled log covers 84 hours
   * (2015-05-17T10 to 05-20T21 UTC), 74 to 136 requests in each, so 84 windows. The demo's
   * error-rate alert: a 5xx share above 0.5 % of at least 100 requests. The bundled log has three
   * 5xx lines in 10,000, one in each of three hours (114, 133 and 122 requests: 0.9, 0.8 and
   * 0.8 %), far below the job's default 5 %; the lowered threshold shows the alert path on real
   * data: three alerts, for the hours starting 2015-05-18T03:00, 05-18T15:00 and 05-20T14:00.
   */
  LOGS(Pipeline.LOGS, "Access logs", "access_logs/elastic-examples_apache_logs.log",
      "io.sluice.flume.interceptor.accesslog.AccessLogInterceptor$Builder", 3_600, 3_600,
      List.of("--error-rate-threshold", "0.005", "--error-min-requests", "100", "--anomalies", "true")) {
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
   * Bluesky Jetstream events (the bundled sample: Twitter v1.1), in 30-day tumbling event-time
   * windows: the 950 sample tweets were created between 2006 and 2018 (356 distinct hours), so
   * hourly windows would hold one or two tweets each; 30-day windows give 28, of 34 tweets on average.
   */
  TWEETS(Pipeline.TWEETS, "Tweets", "tweets/ALL_shared_tweets.jsonl",
      "io.sluice.flume.interceptor.post.TweetNormalizerInterceptor$Builder", 2_592_000, 2_592_000, List.of()) {
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
   * Syslog ({@code /var/log/auth.log}-style lines), in 60 s tumbling event-time windows with the
   * job's default brute-force rule: more than 10 sshd authentication failures from one address in
   * one window. On event time the rule means what it says whatever the replay speed: on the
   * bundled auth log (24 days, 1,312 minutes with lines) it raises 18 alerts for 7 addresses
   * (24.151.103.17 in 8 minutes, 34.204.227.175 in 4, 91.197.232.109 in 2, 122.163.61.218,
   * 14.54.210.101, 181.26.186.35 and 201.178.81.113 in 1).
   */
  SYSLOG(Pipeline.SYSLOG, "Syslog", "syslog/elastic-examples_auth.log",
      "io.sluice.flume.interceptor.syslog.SyslogInterceptor$Builder", 60, 60, List.of()) {
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
   * Window and slide of the demo jobs' arrival-time windows (throughput and lag), seconds: the
   * bundled data replays in seconds, so 10 s windows sliding every 2 s (the job's defaults are
   * 30 s / 10 s).
   */
  static final int ARRIVAL_WINDOW_SECONDS = 10;
  static final int ARRIVAL_SLIDE_SECONDS = 2;

  private final Pipeline pipeline;
  private final String title;
  private final String sample;
  private final String parser;
  private final int windowSeconds;
  private final int slideSeconds;
  private final List<String> alertArgs;

  DemoPipeline(Pipeline pipeline, String title, String sample, String parser, int windowSeconds, int slideSeconds,
      List<String> alertArgs) {
    this.pipeline = pipeline;
    this.title = title;
    this.sample = sample;
    this.parser = parser;
    this.windowSeconds = windowSeconds;
    this.slideSeconds = slideSeconds;
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

  /**
   * The interceptor (its {@code $Builder}) that parses this pipeline's lines in the packaged agents,
   * for an agent file that serves several pipelines ({@code mqtt-agent.properties}).
   */
  public String parser() {
    return parser;
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
   * The job's options for this pipeline in the demo: {@code --pipeline <id>}, its
   * {@link #analysisArgs()} and the {@link #arrivalArgs()}.
   */
  public List<String> jobArgs() {
    List<String> args = new ArrayList<>(List.of("--pipeline", id()));
    args.addAll(analysisArgs());
    args.addAll(arrivalArgs());
    return args;
  }

  /**
   * The job's options for this pipeline fed live ({@code --live bluesky}): as {@link #jobArgs()}
   * but with the job's default event-time windows (tweets: 60 s sliding every 10 s); the demo's are
   * sized for the bundled files' years of data and would not close within minutes of live posts.
   */
  public List<String> liveJobArgs() {
    List<String> args = new ArrayList<>(List.of("--pipeline", id()));
    args.addAll(alertArgs);
    args.addAll(arrivalArgs());
    return args;
  }

  /**
   * The options of this pipeline's analysis in the demo, valid in a job of this pipeline or of all:
   * the demo's event-time window and slide and the demo's alert thresholds.
   */
  public List<String> analysisArgs() {
    List<String> args = new ArrayList<>(List.of(
        "--" + id() + "-window-seconds", Integer.toString(windowSeconds),
        "--" + id() + "-slide-seconds", Integer.toString(slideSeconds)));
    args.addAll(alertArgs);
    return args;
  }

  /**
   * The demo's arrival-time windows, shared by the pipelines of a job (given once per job):
   * {@code --arrival-window-seconds 10 --arrival-slide-seconds 2}.
   */
  public static List<String> arrivalArgs() {
    return List.of("--arrival-window-seconds", Integer.toString(ARRIVAL_WINDOW_SECONDS),
        "--arrival-slide-seconds", Integer.toString(ARRIVAL_SLIDE_SECONDS));
  }
}
