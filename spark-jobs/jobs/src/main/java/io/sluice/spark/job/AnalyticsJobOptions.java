package io.sluice.spark.job;

import io.sluice.contract.Pipeline;
import io.sluice.spark.analytics.Analytics;
import io.sluice.spark.output.SummaryWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The command line of {@link AnalyticsJob}, declared once: each option's name, value, default and
 * doc. picocli fills these fields (values as given, defaults applied); {@link AnalyticsJobConfig}
 * checks them and holds the result. Durations are in seconds.
 */
@Command(name = "AnalyticsJob")
final class AnalyticsJobOptions {

  static final String PIPELINE = "--pipeline";
  static final String SOURCE = "--source";
  static final String SINKS = "--sinks";
  static final String POLLING_STREAMS = "--polling-streams";
  static final String MAX_BATCH_SIZE = "--max-batch-size";
  static final String PARALLELISM = "--parallelism";
  static final String RECEIVER_WAL = "--receiver-wal";
  static final String KAFKA_BOOTSTRAP = "--kafka-bootstrap";
  static final String LOGS_TOPIC = "--logs-topic";
  static final String TWEETS_TOPIC = "--tweets-topic";
  static final String SYSLOG_TOPIC = "--syslog-topic";
  static final String KAFKA_GROUP_ID = "--kafka-group-id";
  static final String KAFKA_STARTING_OFFSETS = "--kafka-starting-offsets";
  static final String KAFKA_MAX_RATE = "--kafka-max-rate";
  static final String OUT = "--out";
  static final String CHECKPOINT = "--checkpoint";
  static final String BATCH_SECONDS = "--batch-seconds";
  static final String LOGS_WINDOW_SECONDS = "--logs-window-seconds";
  static final String LOGS_SLIDE_SECONDS = "--logs-slide-seconds";
  static final String TWEETS_WINDOW_SECONDS = "--tweets-window-seconds";
  static final String TWEETS_SLIDE_SECONDS = "--tweets-slide-seconds";
  static final String SYSLOG_WINDOW_SECONDS = "--syslog-window-seconds";
  static final String SYSLOG_SLIDE_SECONDS = "--syslog-slide-seconds";
  static final String BRUTE_FORCE_THRESHOLD = "--brute-force-threshold";
  static final String SYSLOG_KEY_IDLE_SECONDS = "--syslog-key-idle-seconds";
  static final String TOP_N = "--top-n";
  static final String HEAVY_CLIENT_REQUESTS = "--heavy-client-requests";
  static final String ERROR_RATE_THRESHOLD = "--error-rate-threshold";
  static final String ERROR_MIN_REQUESTS = "--error-min-requests";
  static final String SESSION_GAP_SECONDS = "--session-gap-seconds";
  static final String DEDUP_HORIZON_SECONDS = "--dedup-horizon-seconds";
  static final String ALLOWED_LATENESS = "--allowed-lateness";
  static final String WATERMARK_IDLE_SECONDS = "--watermark-idle-seconds";
  static final String MAX_FUTURE_SECONDS = "--max-future-seconds";
  static final String AUDIT_IDS = "--audit-ids";
  static final String WINDOW_TIME = "--window-time";
  static final String ARRIVAL_WINDOW_SECONDS = "--arrival-window-seconds";
  static final String ARRIVAL_SLIDE_SECONDS = "--arrival-slide-seconds";
  static final String ANOMALIES = "--anomalies";
  static final String ANOMALY_MULTIPLIER = "--anomaly-multiplier";
  static final String FORECAST_BAND = "--forecast-band";
  static final String ALERTS_TOPIC = "--alerts-topic";
  static final String ALERTS_BOOTSTRAP = "--alerts-bootstrap";
  static final String KAFKA_PROPERTIES = "--kafka-properties";
  static final String HELP = "--help";

  @Option(names = PIPELINE, paramLabel = "logs|tweets|syslog|all", defaultValue = "all",
      description = "which pipelines this job analyses (all: the three)")
  String pipeline;

  @Option(names = SOURCE, paramLabel = "flume|kafka", defaultValue = "flume",
      description = "flume: pull from SparkSinks; kafka: read the Flume Kafka channel topics directly")
  String source;

  @Option(names = SINKS, paramLabel = "host:port[,host:port...]",
      description = "SparkSink addresses to poll (required with --source flume)")
  String sinks;

  @Option(names = POLLING_STREAMS, paramLabel = "auto|one|per-sink", defaultValue = "auto",
      description = "receivers for the sinks: one for all, or one per sink (each pins a core); auto = one on local masters")
  String pollingStreams;

  @Option(names = MAX_BATCH_SIZE, paramLabel = "N", defaultValue = "" + AnalyticsJobConfig.DEFAULT_MAX_BATCH_SIZE,
      description = "events per SparkSink request (one channel transaction: at most the channel's transactionCapacity)")
  String maxBatchSize;

  @Option(names = PARALLELISM, paramLabel = "N", defaultValue = "" + AnalyticsJobConfig.DEFAULT_PARALLELISM,
      description = "concurrent requests of each polling receiver (at most one per sink it polls)")
  String parallelism;

  @Option(names = RECEIVER_WAL, paramLabel = "true|false", defaultValue = "true",
      description = "write received Flume events to a write-ahead log in the checkpoint, so a restart loses none")
  String receiverWal;

  @Option(names = KAFKA_BOOTSTRAP, paramLabel = "host:port[,host:port...]",
      description = "Kafka brokers (required with --source kafka)")
  String kafkaBootstrap;

  /** Default: {@link Pipeline#eventsTopic()} (see {@link #DEFAULTS}). */
  @Option(names = LOGS_TOPIC, paramLabel = "TOPIC", description = "Kafka channel topic of the logs pipeline")
  String logsTopic;

  /** Default: {@link Pipeline#eventsTopic()} (see {@link #DEFAULTS}). */
  @Option(names = TWEETS_TOPIC, paramLabel = "TOPIC[,TOPIC...]",
      description = "Kafka channel topics of the tweets pipeline (social posts of any platform), e.g. "
          + "sluice-tweets,sluice-bluesky,sluice-x for the tweets, bluesky and x agents")
  String tweetsTopic;

  /** Default: {@link Pipeline#eventsTopic()} (see {@link #DEFAULTS}). */
  @Option(names = SYSLOG_TOPIC, paramLabel = "TOPIC", description = "Kafka channel topic of the syslog pipeline")
  String syslogTopic;

  @Option(names = KAFKA_GROUP_ID, paramLabel = "ID",
      description = "consumer group the job commits its offsets to (the checkpoint holds the offsets it resumes from)"
          + " (default: " + AnalyticsJobConfig.DEFAULT_GROUP_ID_PREFIX + "<pipeline>)")
  String kafkaGroupId;

  @Option(names = KAFKA_STARTING_OFFSETS, paramLabel = "earliest|latest", defaultValue = "earliest",
      description = "where a new job starts reading when its group has no committed offset")
  String kafkaStartingOffsets;

  @Option(names = KAFKA_MAX_RATE, paramLabel = "N", defaultValue = "0",
      description = "most records per second read from each Kafka partition; 0 = no limit")
  String kafkaMaxRate;

  @Option(names = OUT, paramLabel = "URI",
      description = "output location: summary.json and batches/<batch time>/ (local path, file: or hdfs: URI; required)")
  String out;

  @Option(names = CHECKPOINT, paramLabel = "URI",
      description = "checkpoint location; a job restarted on the same one resumes its state and totals"
          + " (default: <out>/" + AnalyticsJobConfig.DEFAULT_CHECKPOINT_SUBDIR + ")")
  String checkpoint;

  @Option(names = BATCH_SECONDS, paramLabel = "N", defaultValue = "" + AnalyticsJobConfig.DEFAULT_BATCH_SECONDS,
      description = "micro-batch interval in seconds")
  String batchSeconds;

  @Option(names = LOGS_WINDOW_SECONDS, paramLabel = "N",
      defaultValue = "" + AnalyticsJobConfig.DEFAULT_LOGS_WINDOW_SECONDS,
      description = "length of the access-log window in seconds: event time with --window-time event, "
          + "else arrival time (then a multiple of --batch-seconds)")
  String logsWindowSeconds;

  @Option(names = LOGS_SLIDE_SECONDS, paramLabel = "N", defaultValue = "" + AnalyticsJobConfig.DEFAULT_LOGS_SLIDE_SECONDS,
      description = "seconds between access-log windows, at most the window (with --window-time arrival a multiple "
          + "of --batch-seconds)")
  String logsSlideSeconds;

  @Option(names = TWEETS_WINDOW_SECONDS, paramLabel = "N",
      defaultValue = "" + AnalyticsJobConfig.DEFAULT_TWEETS_WINDOW_SECONDS,
      description = "length of the tweet window in seconds: event time with --window-time event, "
          + "else arrival time (then a multiple of --batch-seconds)")
  String tweetsWindowSeconds;

  @Option(names = TWEETS_SLIDE_SECONDS, paramLabel = "N",
      defaultValue = "" + AnalyticsJobConfig.DEFAULT_TWEETS_SLIDE_SECONDS,
      description = "seconds between tweet windows, at most the window (with --window-time arrival a multiple "
          + "of --batch-seconds)")
  String tweetsSlideSeconds;

  @Option(names = SYSLOG_WINDOW_SECONDS, paramLabel = "N",
      defaultValue = "" + AnalyticsJobConfig.DEFAULT_SYSLOG_WINDOW_SECONDS,
      description = "length of the syslog window in seconds: event time with --window-time event, "
          + "else arrival time (then a multiple of --batch-seconds)")
  String syslogWindowSeconds;

  @Option(names = SYSLOG_SLIDE_SECONDS, paramLabel = "N",
      defaultValue = "" + AnalyticsJobConfig.DEFAULT_SYSLOG_SLIDE_SECONDS,
      description = "seconds between syslog windows, at most the window (with --window-time arrival a multiple "
          + "of --batch-seconds)")
  String syslogSlideSeconds;

  @Option(names = BRUTE_FORCE_THRESHOLD, paramLabel = "N",
      defaultValue = "" + AnalyticsJobConfig.DEFAULT_BRUTE_FORCE_THRESHOLD,
      description = "a source address with more sshd authentication failures than this in one syslog window "
          + "raises a brute-force alert")
  String bruteForceThreshold;

  @Option(names = SYSLOG_KEY_IDLE_SECONDS, paramLabel = "N",
      defaultValue = "" + AnalyticsJobConfig.DEFAULT_SYSLOG_KEY_IDLE_SECONDS,
      description = "a syslog host, program or source address not seen for this many seconds leaves the running "
          + "counts (its state expires; seen again, it counts from zero)")
  String syslogKeyIdleSeconds;

  @Option(names = ALLOWED_LATENESS, paramLabel = "SECONDS",
      defaultValue = "" + AnalyticsJobConfig.DEFAULT_ALLOWED_LATENESS_SECONDS,
      description = "how far behind the latest event time seen an event may be and still be on time; an event "
          + "older than the watermark (max event time seen - this) is counted in the running totals and as late")
  String allowedLateness;

  @Option(names = WATERMARK_IDLE_SECONDS, paramLabel = "SECONDS",
      defaultValue = "" + AnalyticsJobConfig.DEFAULT_WATERMARK_IDLE_SECONDS,
      description = "when a pipeline's maximum event time has not advanced for this many seconds of batch time, "
          + "every open event-time window closes and is emitted and the watermark moves to the last one's end "
          + "(the end of a finite replay); 0: never")
  String watermarkIdleSeconds;

  @Option(names = MAX_FUTURE_SECONDS, paramLabel = "SECONDS",
      defaultValue = "" + AnalyticsJobConfig.DEFAULT_MAX_FUTURE_SECONDS,
      description = "an event time more than this ahead of the batch time neither moves the watermark nor enters "
          + "event-time windows or the hourly series; it is counted as future; 0: no limit")
  String maxFutureSeconds;

  @Option(names = TOP_N, paramLabel = "N", defaultValue = "" + Analytics.TOP_N,
      description = "length of the top lists in windows and batch totals (summary.json always keeps 10)")
  String topN;

  @Option(names = HEAVY_CLIENT_REQUESTS, paramLabel = "N",
      defaultValue = "" + AnalyticsJobConfig.DEFAULT_HEAVY_CLIENT_REQUESTS,
      description = "a client with more requests than this in one window is listed as heavy")
  String heavyClientRequests;

  @Option(names = ERROR_RATE_THRESHOLD, paramLabel = "RATIO",
      defaultValue = "" + AnalyticsJobConfig.DEFAULT_ERROR_RATE_THRESHOLD,
      description = "alert when the 5xx share of a window's requests is above this (0 to 1)")
  String errorRateThreshold;

  @Option(names = ERROR_MIN_REQUESTS, paramLabel = "N", defaultValue = "" + AnalyticsJobConfig.DEFAULT_ERROR_MIN_REQUESTS,
      description = "fewest requests in a window for its error rate to alert")
  String errorMinRequests;

  @Option(names = SESSION_GAP_SECONDS, paramLabel = "N",
      defaultValue = "" + AnalyticsJobConfig.DEFAULT_SESSION_GAP_SECONDS,
      description = "inactivity (by request time) that ends a client's session, in seconds")
  String sessionGapSeconds;

  @Option(names = DEDUP_HORIZON_SECONDS, paramLabel = "N",
      defaultValue = "" + AnalyticsJobConfig.DEFAULT_DEDUP_HORIZON_SECONDS,
      description = "how long an eventId / tweetId is remembered to drop redeliveries, in seconds (above the SparkSink's "
          + "transaction timeout plus a restart); state for older ids expires")
  String dedupHorizonSeconds;

  @Option(names = WINDOW_TIME, paramLabel = "event|arrival", defaultValue = "event",
      description = "the clock of each pipeline's windows (--<pipeline>-window-seconds/-slide-seconds) and alerts. "
          + "event: on the events' own time, closed by the watermark, into <pipeline>-event-windows.json with "
          + "their alerts (the alerts topic carries these); <pipeline>-window.json is then a secondary view over "
          + "arrival time (--arrival-window-seconds) with the lag, raising no alert. arrival: over batch time, "
          + "into <pipeline>-window.json, alerts.json and syslog-alerts.json")
  String windowTime;

  @Option(names = ARRIVAL_WINDOW_SECONDS, paramLabel = "N",
      defaultValue = "" + AnalyticsJobConfig.DEFAULT_ARRIVAL_WINDOW_SECONDS,
      description = "with --window-time event: length of every pipeline's arrival-time window (throughput and lag, "
          + "<pipeline>-window.json) in seconds, a multiple of --batch-seconds")
  String arrivalWindowSeconds;

  @Option(names = ARRIVAL_SLIDE_SECONDS, paramLabel = "N",
      defaultValue = "" + AnalyticsJobConfig.DEFAULT_ARRIVAL_SLIDE_SECONDS,
      description = "with --window-time event: seconds between arrival-time windows, a multiple of --batch-seconds, "
          + "at most the window")
  String arrivalSlideSeconds;

  @Option(names = ANOMALIES, paramLabel = "true|false", defaultValue = "false",
      description = "with --window-time event (the default) and the logs pipeline: flag anomalous clients (streaming k-means over "
          + "per-client features) and forecast the request count of each closed logs window (streaming linear "
          + "regression), in logs-event-windows.json and as alerts; off by default: the per-client features it adds to "
          + "every event-time pane cut the job's throughput about 5x (README, Performance)")
  String anomalies;

  @Option(names = ANOMALY_MULTIPLIER, paramLabel = "X",
      defaultValue = "" + io.sluice.spark.analytics.ml.WindowModels.DEFAULT_MULTIPLIER,
      description = "a client is anomalous in a window when its distance to the nearest k-means centre is above X "
          + "times the 0.99 quantile of the last 500 distances (at least 1; higher flags fewer)")
  String anomalyMultiplier;

  @Option(names = FORECAST_BAND, paramLabel = "X",
      defaultValue = "" + io.sluice.spark.analytics.ml.WindowModels.DEFAULT_BAND_WIDTH,
      description = "a window's request count alerts when outside the forecast +- X root-mean-square residuals "
          + "of the last 24 windows (on the log10 scale of counts; positive; higher alerts less)")
  String forecastBand;

  @Option(names = AUDIT_IDS, paramLabel = "true|false", defaultValue = "false",
      description = "also write the eventIds each batch received and counted to OUT/audit/ (for sluice bench faults; "
          + "collects every id to the driver)")
  String auditIds;

  @Option(names = ALERTS_TOPIC, paramLabel = "TOPIC",
      description = "also send alerts as JSON to this Kafka topic (default: none)")
  String alertsTopic;

  @Option(names = ALERTS_BOOTSTRAP, paramLabel = "host:port[,host:port...]",
      description = "Kafka brokers for --alerts-topic (default: " + KAFKA_BOOTSTRAP + ")")
  String alertsBootstrap;

  @Option(names = KAFKA_PROPERTIES, paramLabel = "FILE",
      description = "Kafka client security settings (security.protocol, ssl.*, sasl.*) of the --source kafka reader and the "
          + "--alerts-topic producer; passwords only as ${file:PATH:KEY}, ${dir:DIR:FILE} or ${env:VAR} references, "
          + "resolved whenever a client starts, never stored in the checkpoint (default: none (PLAINTEXT))")
  String kafkaProperties;

  @Option(names = HELP, usageHelp = true, description = "print this help and exit")
  boolean help;

  /** Defaults that are not compile-time constants: the pipelines' topics, from the contract. */
  private static final Map<String, String> DEFAULTS = Map.of(
      LOGS_TOPIC, Pipeline.LOGS.eventsTopic(), TWEETS_TOPIC, Pipeline.TWEETS.eventsTopic(),
      SYSLOG_TOPIC, Pipeline.SYSLOG.eventsTopic());

  /** The options given on the command line (not those left at their defaults). */
  final java.util.Set<String> given = new java.util.HashSet<>();

  /** A parser filling {@code options}; values starting with {@code -} that are no number are never values. */
  static CommandLine commandLine(AnalyticsJobOptions options) {
    CommandLine cl = new CommandLine(options);
    cl.setDefaultValueProvider(arg -> arg instanceof OptionSpec ? DEFAULTS.get(((OptionSpec) arg).longestName()) : null);
    cl.setExpandAtFiles(false);
    cl.setUnmatchedOptionsAllowedAsOptionParameters(false);
    cl.setInterpolateVariables(false);
    return cl;
  }

  /**
   * Parses {@code args} into the fields.
   *
   * @throws IllegalArgumentException naming a malformed, unknown or repeated option
   */
  static AnalyticsJobOptions parse(String... args) {
    AnalyticsJobOptions options = new AnalyticsJobOptions();
    try {
      CommandLine.ParseResult result = commandLine(options).parseArgs(args);
      for (OptionSpec o : result.matchedOptions()) {
        options.given.add(o.longestName());
      }
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return options;
  }

  /** Whether the command line gave {@code name}. */
  boolean given(String name) {
    return given.contains(name);
  }

  /** Every option, in declaration order: {@code name [VALUE]} to its doc, default included. */
  static Map<String, String> documented() {
    CommandLine cl = commandLine(new AnalyticsJobOptions());
    Map<String, String> docs = new LinkedHashMap<>();
    for (OptionSpec o : cl.getCommandSpec().options()) {
      String left = o.longestName() + (o.arity().max() > 0 ? " " + o.paramLabel() : "");
      String def = DEFAULTS.getOrDefault(o.longestName(), o.defaultValue());
      docs.put(left, String.join(" ", o.description()) + (def == null ? "" : " (default: " + def + ")"));
    }
    return docs;
  }

  /** Usage text: every option with its value, default and meaning. */
  static String usage() {
    StringBuilder b = new StringBuilder()
        .append("Usage: spark-submit --class ").append(AnalyticsJob.class.getName())
        .append(" sluice-spark-jobs.jar --out URI (--sinks host:port[,...] | --source kafka --kafka-bootstrap host:port[,...]) [options]\n\n")
        .append("Streaming analytics of the Sluice logs, tweets and syslog pipelines: running totals (deduplicated by eventId)\n")
        .append("in <out>/").append(SummaryWriter.FILE_NAME)
        .append(" after every batch; windows, alerts and totals in <out>/batches/<batch time ms>/ after every slide.\n")
        .append("A job restarted on the same --checkpoint resumes where it stopped.\n\n")
        .append("Options:\n");
    List<String> lines = new ArrayList<>();
    documented().forEach((left, doc) -> lines.add(String.format("  %-44s %s", left, doc)));
    lines.forEach(l -> b.append(l).append('\n'));
    return b.toString();
  }
}
