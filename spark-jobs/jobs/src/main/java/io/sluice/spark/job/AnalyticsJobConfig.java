package io.sluice.spark.job;

import static io.sluice.spark.job.AnalyticsJobOptions.*;

import io.sluice.contract.Pipeline;
import io.sluice.spark.analytics.AnalyticsStreams;
import io.sluice.spark.analytics.ErrorRateRule;
import io.sluice.spark.input.KafkaClientProperties;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Command-line configuration of {@link AnalyticsJob}: the checked value of its options.
 * Immutable and serializable; built only by {@link #parse}; {@link AnalyticsStreams} takes it.
 *
 * <p>Options are {@code --name value} or {@code --name=value}, each at most once; {@link #usage()}
 * lists them all with their defaults ({@link AnalyticsJobOptions} declares each once: name, value,
 * default, doc). Durations are in seconds; windows over arrival time ({@code --arrival-*}, or the
 * pipelines' own with {@code --window-time arrival}) must be multiples of {@code --batch-seconds}. A
 * malformed, unknown, repeated, missing or inapplicable option (e.g. {@code --sinks} with
 * {@code --source kafka}) fails {@link #parse} with an {@link IllegalArgumentException} naming it.
 *
 * <p>Locations ({@code --out}, {@code --checkpoint}) are Hadoop URIs ({@code hdfs://nn:8020/dir},
 * {@code file:/dir}); a plain path is a local directory, made absolute.
 *
 * <p>{@code --kafka-properties FILE} is read and checked by {@link #parse} (see
 * {@link KafkaClientProperties}): the Kafka clients' security settings, their passwords only as
 * references to files or environment variables. No secret is ever on the command line, in
 * {@link #checkpointedSettings()} or in {@link #toString()}.
 */
public final class AnalyticsJobConfig implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Which pipelines a job instance analyses. */
  public enum Pipelines {
    LOGS, TWEETS, SYSLOG, ALL;

    public boolean logs() {
      return this == LOGS || this == ALL;
    }

    public boolean tweets() {
      return this == TWEETS || this == ALL;
    }

    public boolean syslog() {
      return this == SYSLOG || this == ALL;
    }
  }

  /** Where events come from. */
  public enum Source {
    /** Spark pulls from Flume SparkSinks ({@code FlumeUtils.createPollingStream}). */
    FLUME,
    /** Spark reads the Flume Kafka channel's topics directly ({@code KafkaUtils.createDirectStream}). */
    KAFKA
  }

  /**
   * The clock of each pipeline's windows ({@code --<pipeline>-window-seconds}, {@code -slide-seconds})
   * and of the alerts they raise ({@code --window-time}).
   */
  public enum WindowTime {
    /**
     * Event time (the default): the pipeline's windows are {@link io.sluice.spark.analytics.EventWindows},
     * closed by its watermark, written to {@code <pipeline>-event-windows.json} with their alerts (also
     * on the alerts topic); the arrival-time windows ({@code <pipeline>-window.json}, of
     * {@code --arrival-window-seconds}) are a secondary view of throughput and lag and raise no
     * alert; no {@code alerts.json} nor {@code syslog-alerts.json} is written.
     */
    EVENT,
    /**
     * Arrival (batch) time: the pipeline's windows are Spark Streaming windows over batch time,
     * {@code <pipeline>-window.json}, with their alerts in {@code alerts.json},
     * {@code syslog-alerts.json} and on the alerts topic; no event-time windows are kept (the
     * watermark and {@code late} are).
     */
    ARRIVAL
  }

  /** How many polling receivers a Flume source uses. */
  public enum PollingStreams {
    /** {@link #ONE} when the master is {@code local[...]}, else {@link #PER_SINK}. */
    AUTO,
    /** One receiver polls every sink: each receiver pins an executor core, {@code local[2]} has two. */
    ONE,
    /** One receiver per sink, unioned: needs more cores than sinks. */
    PER_SINK
  }

  /**
   * Micro-batch interval: 2 s. Each batch has a fixed cost (jobs, stages, checkpoints) of a few
   * hundred milliseconds of one core in {@code local[2]}; with 1 s batches that was a third of the
   * job's CPU (see README, "Performance").
   */
  public static final int DEFAULT_BATCH_SECONDS = 2;
  /**
   * Events per SparkSink request: 5,000. Each request is one Flume channel transaction (a Kafka
   * offset commit on a Kafka channel), one Avro round trip and one receiver block (a write-ahead
   * log record); 1,000 made those per-request costs a large share of the pipeline.
   */
  public static final int DEFAULT_MAX_BATCH_SIZE = 5000;
  public static final int DEFAULT_PARALLELISM = 5;
  public static final String DEFAULT_CHECKPOINT_SUBDIR = "checkpoint";
  public static final String DEFAULT_GROUP_ID_PREFIX = "sluice-analytics-";
  public static final int DEFAULT_LOGS_WINDOW_SECONDS = 30;
  public static final int DEFAULT_LOGS_SLIDE_SECONDS = 10;
  public static final int DEFAULT_TWEETS_WINDOW_SECONDS = 60;
  public static final int DEFAULT_TWEETS_SLIDE_SECONDS = 10;
  public static final long DEFAULT_HEAVY_CLIENT_REQUESTS = 100;
  public static final double DEFAULT_ERROR_RATE_THRESHOLD = 0.05;
  public static final long DEFAULT_ERROR_MIN_REQUESTS = 20;
  public static final int DEFAULT_SESSION_GAP_SECONDS = 1800;
  public static final int DEFAULT_SYSLOG_WINDOW_SECONDS = 60;
  public static final int DEFAULT_SYSLOG_SLIDE_SECONDS = 10;
  /** Length of the arrival-time windows with {@code --window-time event}: 30 s. */
  public static final int DEFAULT_ARRIVAL_WINDOW_SECONDS = 30;
  /** Slide of the arrival-time windows with {@code --window-time event}: 10 s. */
  public static final int DEFAULT_ARRIVAL_SLIDE_SECONDS = 10;
  /**
   * Authentication failures from one address in one syslog window above which it raises a
   * brute-force alert: 10 (in the default 60 s window). sshd allows 6 attempts per connection
   * ({@code MaxAuthTries}); more than 10 failures a minute from one address is a script, not a
   * user who mistyped.
   */
  public static final long DEFAULT_BRUTE_FORCE_THRESHOLD = 10;
  /** How long a syslog host, program or source address stays in the running counts unseen: a day. */
  public static final int DEFAULT_SYSLOG_KEY_IDLE_SECONDS = 86_400;
  /**
   * How far behind the watermark's maximum an event may be and still be on time, in seconds: five
   * minutes. The watermark of a pipeline is the maximum event time seen in earlier batches minus
   * this; an event older than it is late.
   */
  public static final int DEFAULT_ALLOWED_LATENESS_SECONDS = 300;
  /**
   * How long a pipeline's maximum event time may stay still, in seconds of batch time, before every
   * open event-time window is flushed: half a minute, three default batches' worth of ten, long
   * enough that a pause between two bursts of a live source is rarely taken for the end of input,
   * short enough that a finite replay's last windows appear soon after its last line.
   */
  public static final int DEFAULT_WATERMARK_IDLE_SECONDS = 30;
  /**
   * How far ahead of the batch time an event time may be, in seconds: a day, which covers any clock
   * skew or time-zone mistake of a sender while a bogus year (2099) is caught.
   */
  public static final int DEFAULT_MAX_FUTURE_SECONDS = 86_400;
  /**
   * How long an {@code eventId} (and a {@code tweetId}) is remembered, in seconds: three times the
   * SparkSink's default transaction timeout (60 s), after which an unacknowledged batch is
   * redelivered, so a redelivery or a restart within that horizon is never counted twice.
   */
  public static final int DEFAULT_DEDUP_HORIZON_SECONDS = 180;

  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  private final boolean helpRequested;
  private final Pipelines pipelines;
  private final Source source;
  private final List<InetSocketAddress> sinks;
  private final PollingStreams pollingStreams;
  private final int maxBatchSize;
  private final int parallelism;
  private final boolean receiverWal;
  private final List<InetSocketAddress> kafkaBootstrap;
  private final String logsTopic;
  private final List<String> tweetsTopics;
  private final String syslogTopic;
  private final String kafkaGroupId;
  private final String kafkaStartingOffsets;
  private final int kafkaMaxRate;
  private final String out;
  private final String checkpoint;
  private final int batchSeconds;
  private final int logsWindowSeconds;
  private final int logsSlideSeconds;
  private final int tweetsWindowSeconds;
  private final int tweetsSlideSeconds;
  private final int syslogWindowSeconds;
  private final int syslogSlideSeconds;
  private final long bruteForceThreshold;
  private final int syslogKeyIdleSeconds;
  private final int allowedLatenessSeconds;
  private final int watermarkIdleSeconds;
  private final int maxFutureSeconds;
  private final int topN;
  private final long heavyClientRequests;
  private final ErrorRateRule errorRateRule;
  private final int sessionGapSeconds;
  private final int dedupHorizonSeconds;
  private final boolean auditIds;
  private final WindowTime windowTime;
  private final int arrivalWindowSeconds;
  private final int arrivalSlideSeconds;
  private final boolean anomalies;
  private final double anomalyMultiplier;
  private final double forecastBand;
  private final String alertsTopic;
  private final List<InetSocketAddress> alertsBootstrap;
  private final KafkaClientProperties kafkaProperties;

  /** The {@code --help} config: no settings. */
  private AnalyticsJobConfig() {
    helpRequested = true;
    pipelines = null;
    source = null;
    sinks = List.of();
    pollingStreams = null;
    maxBatchSize = 0;
    parallelism = 0;
    receiverWal = false;
    kafkaBootstrap = List.of();
    logsTopic = null;
    tweetsTopics = List.of();
    syslogTopic = null;
    kafkaGroupId = null;
    kafkaStartingOffsets = null;
    kafkaMaxRate = 0;
    out = null;
    checkpoint = null;
    batchSeconds = 0;
    logsWindowSeconds = 0;
    logsSlideSeconds = 0;
    tweetsWindowSeconds = 0;
    tweetsSlideSeconds = 0;
    syslogWindowSeconds = 0;
    syslogSlideSeconds = 0;
    bruteForceThreshold = 0;
    syslogKeyIdleSeconds = 0;
    allowedLatenessSeconds = 0;
    watermarkIdleSeconds = 0;
    maxFutureSeconds = 0;
    topN = 0;
    heavyClientRequests = 0;
    errorRateRule = null;
    sessionGapSeconds = 0;
    dedupHorizonSeconds = 0;
    auditIds = false;
    windowTime = null;
    arrivalWindowSeconds = 0;
    arrivalSlideSeconds = 0;
    anomalies = false;
    anomalyMultiplier = 0;
    forecastBand = 0;
    alertsTopic = null;
    alertsBootstrap = List.of();
    kafkaProperties = KafkaClientProperties.NONE;
  }

  private AnalyticsJobConfig(AnalyticsJobOptions o) {
    this.helpRequested = false;
    pipelines = choice(PIPELINE, o.pipeline, Pipelines.class);
    source = choice(SOURCE, o.source, Source.class);
    if (source == Source.FLUME) {
      sinks = parseAddresses(SINKS, required(o, SINKS, o.sinks));
      for (String name : new String[] {KAFKA_BOOTSTRAP, KAFKA_GROUP_ID, KAFKA_STARTING_OFFSETS, KAFKA_MAX_RATE,
          LOGS_TOPIC, TWEETS_TOPIC, SYSLOG_TOPIC}) {
        notApplicable(o, name, "--source kafka");
      }
      kafkaBootstrap = List.of();
    } else {
      kafkaBootstrap = parseAddresses(KAFKA_BOOTSTRAP, required(o, KAFKA_BOOTSTRAP, o.kafkaBootstrap));
      for (String name : new String[] {SINKS, POLLING_STREAMS, MAX_BATCH_SIZE, PARALLELISM, RECEIVER_WAL}) {
        notApplicable(o, name, "--source flume");
      }
      sinks = List.of();
    }
    pollingStreams = choice(POLLING_STREAMS, o.pollingStreams, PollingStreams.class);
    maxBatchSize = positiveInt(MAX_BATCH_SIZE, o.maxBatchSize);
    parallelism = positiveInt(PARALLELISM, o.parallelism);
    receiverWal = bool(RECEIVER_WAL, o.receiverWal);
    logsTopic = topic(LOGS_TOPIC, o.logsTopic);
    tweetsTopics = topics(TWEETS_TOPIC, o.tweetsTopic);
    syslogTopic = topic(SYSLOG_TOPIC, o.syslogTopic);
    kafkaGroupId = o.kafkaGroupId != null
        ? nonBlank(KAFKA_GROUP_ID, o.kafkaGroupId)
        : DEFAULT_GROUP_ID_PREFIX + pipelines.name().toLowerCase(Locale.ROOT);
    String offsets = o.kafkaStartingOffsets.trim();
    if (!offsets.equals("earliest") && !offsets.equals("latest")) {
      throw invalid(KAFKA_STARTING_OFFSETS, offsets, "expected earliest or latest");
    }
    kafkaStartingOffsets = offsets;
    kafkaMaxRate = nonNegativeInt(KAFKA_MAX_RATE, o.kafkaMaxRate);

    out = location(OUT, required(o, OUT, o.out));
    checkpoint = o.checkpoint != null
        ? location(CHECKPOINT, nonBlank(CHECKPOINT, o.checkpoint))
        : out + "/" + DEFAULT_CHECKPOINT_SUBDIR;
    batchSeconds = positiveInt(BATCH_SECONDS, o.batchSeconds);
    windowTime = choice(WINDOW_TIME, o.windowTime, WindowTime.class);
    // Event-time windows are on the events' clock: any length; arrival-time ones end at batch times.
    int step = windowTime == WindowTime.ARRIVAL ? batchSeconds : 1;
    logsWindowSeconds = windowSeconds(LOGS_WINDOW_SECONDS, o.logsWindowSeconds, step);
    logsSlideSeconds = windowSeconds(LOGS_SLIDE_SECONDS, o.logsSlideSeconds, step);
    tweetsWindowSeconds = windowSeconds(TWEETS_WINDOW_SECONDS, o.tweetsWindowSeconds, step);
    tweetsSlideSeconds = windowSeconds(TWEETS_SLIDE_SECONDS, o.tweetsSlideSeconds, step);
    slideWithinWindow(LOGS_SLIDE_SECONDS, logsSlideSeconds, LOGS_WINDOW_SECONDS, logsWindowSeconds);
    slideWithinWindow(TWEETS_SLIDE_SECONDS, tweetsSlideSeconds, TWEETS_WINDOW_SECONDS, tweetsWindowSeconds);
    syslogWindowSeconds = windowSeconds(SYSLOG_WINDOW_SECONDS, o.syslogWindowSeconds, step);
    syslogSlideSeconds = windowSeconds(SYSLOG_SLIDE_SECONDS, o.syslogSlideSeconds, step);
    if (windowTime == WindowTime.EVENT) {
      arrivalWindowSeconds = windowSeconds(ARRIVAL_WINDOW_SECONDS, o.arrivalWindowSeconds, batchSeconds);
      arrivalSlideSeconds = windowSeconds(ARRIVAL_SLIDE_SECONDS, o.arrivalSlideSeconds, batchSeconds);
      slideWithinWindow(ARRIVAL_SLIDE_SECONDS, arrivalSlideSeconds, ARRIVAL_WINDOW_SECONDS, arrivalWindowSeconds);
    } else {
      notApplicable(o, ARRIVAL_WINDOW_SECONDS, WINDOW_TIME + " event (with arrival, the pipelines' windows are over arrival time)");
      notApplicable(o, ARRIVAL_SLIDE_SECONDS, WINDOW_TIME + " event (with arrival, the pipelines' windows are over arrival time)");
      arrivalWindowSeconds = 0;
      arrivalSlideSeconds = 0;
    }
    slideWithinWindow(SYSLOG_SLIDE_SECONDS, syslogSlideSeconds, SYSLOG_WINDOW_SECONDS, syslogWindowSeconds);
    bruteForceThreshold = positiveInt(BRUTE_FORCE_THRESHOLD, o.bruteForceThreshold);
    syslogKeyIdleSeconds = positiveInt(SYSLOG_KEY_IDLE_SECONDS, o.syslogKeyIdleSeconds);
    allowedLatenessSeconds = nonNegativeInt(ALLOWED_LATENESS, o.allowedLateness);
    watermarkIdleSeconds = nonNegativeInt(WATERMARK_IDLE_SECONDS, o.watermarkIdleSeconds);
    maxFutureSeconds = nonNegativeInt(MAX_FUTURE_SECONDS, o.maxFutureSeconds);
    topN = positiveInt(TOP_N, o.topN);
    heavyClientRequests = positiveInt(HEAVY_CLIENT_REQUESTS, o.heavyClientRequests);
    errorRateRule = new ErrorRateRule(ratio(ERROR_RATE_THRESHOLD, o.errorRateThreshold),
        positiveInt(ERROR_MIN_REQUESTS, o.errorMinRequests));
    sessionGapSeconds = positiveInt(SESSION_GAP_SECONDS, o.sessionGapSeconds);
    dedupHorizonSeconds = positiveInt(DEDUP_HORIZON_SECONDS, o.dedupHorizonSeconds);
    auditIds = bool(AUDIT_IDS, o.auditIds);
    boolean anomaliesOption = bool(ANOMALIES, o.anomalies);
    anomalyMultiplier = atLeast(ANOMALY_MULTIPLIER, o.anomalyMultiplier, 1.0, true);
    forecastBand = atLeast(FORECAST_BAND, o.forecastBand, 0.0, false);
    anomalies = anomaliesOption && windowTime == WindowTime.EVENT && pipelines.logs();
    if (windowTime != WindowTime.EVENT || !pipelines.logs()) {
      for (String name : new String[] {ANOMALIES, ANOMALY_MULTIPLIER, FORECAST_BAND}) {
        notApplicable(o, name, WINDOW_TIME + " event and --pipeline logs or all");
      }
    } else if (!anomaliesOption) {
      notApplicable(o, ANOMALY_MULTIPLIER, ANOMALIES + " true");
      notApplicable(o, FORECAST_BAND, ANOMALIES + " true");
    }
    if (anomalies && logsWindowSeconds % logsSlideSeconds != 0) {
      throw new IllegalArgumentException("Invalid value for " + LOGS_SLIDE_SECONDS + ": '" + logsSlideSeconds
          + "' (must divide " + LOGS_WINDOW_SECONDS + " " + logsWindowSeconds + " with " + ANOMALIES
          + " true: the models see the windows that tile event time; or " + ANOMALIES + " false)");
    }
    alertsTopic = o.alertsTopic != null ? topic(ALERTS_TOPIC, o.alertsTopic) : null;
    if (o.alertsBootstrap != null) {
      if (alertsTopic == null) {
        throw new IllegalArgumentException("Option " + ALERTS_BOOTSTRAP + " needs " + ALERTS_TOPIC);
      }
      alertsBootstrap = parseAddresses(ALERTS_BOOTSTRAP, o.alertsBootstrap);
    } else if (alertsTopic != null && kafkaBootstrap.isEmpty()) {
      throw new IllegalArgumentException("Option " + ALERTS_TOPIC + " needs "
          + ALERTS_BOOTSTRAP + " (or --source kafka with --kafka-bootstrap)");
    } else {
      alertsBootstrap = alertsTopic == null ? List.of() : kafkaBootstrap;
    }
    if (o.kafkaProperties != null) {
      if (source != Source.KAFKA && alertsTopic == null) {
        throw new IllegalArgumentException("Option " + KAFKA_PROPERTIES + " applies only with "
            + "--source kafka or --alerts-topic (the job's only Kafka clients)");
      }
      kafkaProperties = kafkaProperties(nonBlank(KAFKA_PROPERTIES, o.kafkaProperties));
    } else {
      kafkaProperties = KafkaClientProperties.NONE;
    }
    if (!pipelines.logs()) {
      for (String name : new String[] {LOGS_WINDOW_SECONDS, LOGS_SLIDE_SECONDS, LOGS_TOPIC, HEAVY_CLIENT_REQUESTS,
          ERROR_RATE_THRESHOLD, ERROR_MIN_REQUESTS, SESSION_GAP_SECONDS}) {
        notApplicable(o, name, "--pipeline logs or all");
      }
    }
    if (!pipelines.syslog()) {
      for (String name : new String[] {SYSLOG_WINDOW_SECONDS, SYSLOG_SLIDE_SECONDS, SYSLOG_TOPIC,
          BRUTE_FORCE_THRESHOLD, SYSLOG_KEY_IDLE_SECONDS}) {
        notApplicable(o, name, "--pipeline syslog or all");
      }
    }
    if (!pipelines.logs() && !pipelines.syslog()) {
      notApplicable(o, ALERTS_TOPIC, "--pipeline logs, syslog or all (the pipelines with alerts)");
    }
    if (!pipelines.tweets()) {
      for (String name : new String[] {TWEETS_WINDOW_SECONDS, TWEETS_SLIDE_SECONDS, TWEETS_TOPIC}) {
        notApplicable(o, name, "--pipeline tweets or all");
      }
    }
  }

  /**
   * Parses the command line ({@link AnalyticsJobOptions}) and checks it. With {@code --help}
   * anywhere, returns a config whose {@link #isHelpRequested()} is true and whose other values are
   * not checked.
   *
   * @throws IllegalArgumentException naming the offending option
   */
  public static AnalyticsJobConfig parse(String... args) {
    for (String arg : args) {
      if (HELP.equals(arg)) {
        return new AnalyticsJobConfig();
      }
    }
    return new AnalyticsJobConfig(AnalyticsJobOptions.parse(args));
  }

  /** Usage text: every option with its value, default and meaning. */
  public static String usage() {
    return AnalyticsJobOptions.usage();
  }

  // ------------------------------------------------------------------ value parsing

  private static String required(AnalyticsJobOptions o, String name, String value) {
    if (value == null) {
      throw new IllegalArgumentException("Missing required option " + name + " " + valueName(name));
    }
    return nonBlank(name, value);
  }

  private static String valueName(String name) {
    return name.equals(OUT) ? "URI" : "host:port[,host:port...]";
  }

  private static void notApplicable(AnalyticsJobOptions o, String name, String onlyWith) {
    if (o.given(name)) {
      throw new IllegalArgumentException("Option " + name + " applies only with " + onlyWith);
    }
  }

  private static String nonBlank(String name, String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException("Option " + name + " must not be blank");
    }
    return value.trim();
  }

  private static IllegalArgumentException invalid(String name, String value, String expected) {
    return new IllegalArgumentException("Invalid value for " + name + ": '" + value + "' (" + expected + ")");
  }

  private static <E extends Enum<E>> E choice(String name, String value, Class<E> type) {
    String constant = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    List<String> expected = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(constant)) {
        return e;
      }
      expected.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    throw invalid(name, value, "expected " + String.join("|", expected));
  }

  private static boolean bool(String name, String value) {
    switch (value.trim()) {
      case "true": return true;
      case "false": return false;
      default: throw invalid(name, value, "expected true or false");
    }
  }

  private static int positiveInt(String name, String value) {
    int n = nonNegativeInt(name, value);
    if (n == 0) {
      throw invalid(name, value, "expected a positive integer");
    }
    return n;
  }

  private static int nonNegativeInt(String name, String value) {
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(name, value, "expected a positive integer");
  }

  private static double ratio(String name, String value) {
    try {
      double d = Double.parseDouble(value.trim());
      if (d >= 0 && d < 1) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(name, value, "expected a number from 0 up to, not including, 1");
  }

  /** A number at least {@code min} ({@code inclusive}) or above it. */
  private static double atLeast(String name, String value, double min, boolean inclusive) {
    try {
      double d = Double.parseDouble(value.trim());
      if (inclusive ? d >= min : d > min) {
        if (!Double.isInfinite(d)) {
          return d;
        }
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(name, value, "expected a number " + (inclusive ? "of at least " : "above ") + min);
  }

  private static int windowSeconds(String name, String value, int batchSeconds) {
    int n = positiveInt(name, value);
    if (n % batchSeconds != 0) {
      throw invalid(name, String.valueOf(n), "must be a multiple of --batch-seconds " + batchSeconds);
    }
    return n;
  }

  private static void slideWithinWindow(String slide, int slideSeconds, String window, int windowSeconds) {
    if (slideSeconds > windowSeconds) {
      throw new IllegalArgumentException("Invalid value for " + slide + ": " + slideSeconds
          + " is longer than " + window + " " + windowSeconds + " (events between windows would be skipped)");
    }
  }

  private static String topic(String name, String value) {
    String t = value.trim();
    if (!TOPIC.matcher(t).matches()) {
      throw invalid(name, value, "a Kafka topic name: letters, digits, '.', '_', '-'");
    }
    return t;
  }

  /** A comma-separated list of distinct topic names, each checked as by {@link #topic}. */
  private static List<String> topics(String name, String value) {
    List<String> topics = new ArrayList<>();
    for (String t : value.split(",", -1)) {
      String topic = topic(name, t);
      if (topics.contains(topic)) {
        throw invalid(name, value, "distinct Kafka topic names (" + topic + " is repeated)");
      }
      topics.add(topic);
    }
    return List.copyOf(topics);
  }

  /** Reads and checks the {@code --kafka-properties} file (see {@link KafkaClientProperties}). */
  private static KafkaClientProperties kafkaProperties(String file) {
    Path path;
    try {
      path = Paths.get(file);
    } catch (InvalidPathException e) {
      throw invalid(KAFKA_PROPERTIES, file, e.getMessage());
    }
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw invalid(KAFKA_PROPERTIES, file, "no readable file there");
    }
    try {
      return KafkaClientProperties.load(path);
    } catch (IllegalArgumentException e) {
      throw invalid(KAFKA_PROPERTIES, file, e.getMessage());
    }
  }

  /** A Hadoop location: URIs with a scheme are kept, plain paths become absolute {@code file:} URIs. */
  private static String location(String option, String value) {
    if (value.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") && !value.matches("^[a-zA-Z]:\\\\.*")) {
      try {
        URI uri = new URI(value);
        if (uri.getPath() == null || uri.getPath().isEmpty()) {
          throw invalid(option, value, "a URI needs a path, e.g. hdfs://namenode:8020/sluice/out");
        }
        String s = uri.toString();
        return s.endsWith("/") && s.length() > 1 ? s.substring(0, s.length() - 1) : s;
      } catch (URISyntaxException e) {
        throw invalid(option, value, e.getMessage());
      }
    }
    try {
      String path = Paths.get(value).toAbsolutePath().normalize().toString();
      return new URI("file", null, path, null).toString();
    } catch (InvalidPathException | URISyntaxException e) {
      throw invalid(option, value, e.getMessage());
    }
  }

  /** Parses {@code host:port[,host:port...]}; addresses stay unresolved (no DNS lookup here). */
  static List<InetSocketAddress> parseAddresses(String option, String value) {
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      String hostPort = part.trim();
      InetSocketAddress address = parseHostPort(hostPort);
      if (address == null) {
        throw new IllegalArgumentException("Invalid value for " + option + ": '" + hostPort
            + "' (expected host:port with a port in 1-65535, e.g. localhost:9999)");
      }
      if (addresses.contains(address)) {
        throw new IllegalArgumentException(
            "Invalid value for " + option + ": '" + hostPort + "' is listed twice");
      }
      addresses.add(address);
    }
    return List.copyOf(addresses);
  }

  private static InetSocketAddress parseHostPort(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      return null;
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      return null; // an IPv6 literal must be bracketed
    }
    if (host.isEmpty() || host.chars().anyMatch(Character::isWhitespace)) {
      return null;
    }
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      return null;
    }
    if (port < 1 || port > 65535) {
      return null;
    }
    return InetSocketAddress.createUnresolved(host, port);
  }

  private static String hostPorts(List<InetSocketAddress> addresses) {
    List<String> parts = new ArrayList<>();
    for (InetSocketAddress a : addresses) {
      String host = a.getHostString();
      parts.add((host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort());
    }
    return String.join(",", parts);
  }

  // ------------------------------------------------------------------ accessors

  /** True when {@code --help} was given; the other values are then unset (null, zero or empty). */
  public boolean isHelpRequested() {
    return helpRequested;
  }

  public Pipelines pipelines() {
    return pipelines;
  }

  public Source source() {
    return source;
  }

  /** SparkSink addresses, unresolved, in command-line order; empty with {@code --source kafka}. */
  public List<InetSocketAddress> sinks() {
    return sinks;
  }

  public PollingStreams pollingStreams() {
    return pollingStreams;
  }

  /** Whether a Flume source with this master uses one receiver per sink. */
  public boolean receiverPerSink(String master) {
    return pollingStreams == PollingStreams.PER_SINK
        || (pollingStreams == PollingStreams.AUTO && (master == null || !master.startsWith("local")));
  }

  /**
   * Checks that each polling receiver has a request thread per sink it polls: a SparkSink holds a
   * poll open while its channel is empty, so with fewer threads than sinks, an idle sink would
   * starve the others.
   *
   * @throws IllegalArgumentException naming {@code --parallelism}
   */
  public void checkReceivers(String master) {
    int sinksPerReceiver = receiverPerSink(master) ? 1 : sinks.size();
    if (source == Source.FLUME && parallelism < sinksPerReceiver) {
      throw new IllegalArgumentException("Invalid value for " + PARALLELISM + ": " + parallelism
          + " is below the " + sinksPerReceiver + " sinks one receiver polls on master " + master
          + " (an idle sink holds a request open); use at least " + sinksPerReceiver
          + " or --polling-streams per-sink");
    }
  }

  /** Maximum events per SparkSink request. */
  public int maxBatchSize() {
    return maxBatchSize;
  }

  /** Concurrent requests of each polling receiver. */
  public int parallelism() {
    return parallelism;
  }

  public boolean receiverWal() {
    return receiverWal;
  }

  /** Kafka brokers as {@code host:port,...}; empty with {@code --source flume}. */
  public String kafkaBootstrap() {
    return hostPorts(kafkaBootstrap);
  }

  /**
   * The topics this job reads with {@code --source kafka}: those of its pipelines (the tweets
   * pipeline's may be several, e.g. the Kafka channels of the tweets, bluesky and x agents).
   */
  public List<String> topics() {
    List<String> topics = new ArrayList<>(3);
    if (pipelines.logs()) {
      topics.add(logsTopic);
    }
    if (pipelines.tweets()) {
      topics.addAll(tweetsTopics);
    }
    if (pipelines.syslog()) {
      topics.add(syslogTopic);
    }
    return topics;
  }

  public String kafkaGroupId() {
    return kafkaGroupId;
  }

  /** {@code earliest} or {@code latest}. */
  public String kafkaStartingOffsets() {
    return kafkaStartingOffsets;
  }

  /** Records per second per partition; 0 = no limit. */
  public int kafkaMaxRate() {
    return kafkaMaxRate;
  }

  /** Output location as a URI string without trailing slash ({@code file:/...} for local paths). */
  public String out() {
    return out;
  }

  /** Checkpoint location as a URI string. */
  public String checkpoint() {
    return checkpoint;
  }

  public int batchSeconds() {
    return batchSeconds;
  }

  public int logsWindowSeconds() {
    return logsWindowSeconds;
  }

  public int logsSlideSeconds() {
    return logsSlideSeconds;
  }

  public int tweetsWindowSeconds() {
    return tweetsWindowSeconds;
  }

  public int tweetsSlideSeconds() {
    return tweetsSlideSeconds;
  }

  public int syslogWindowSeconds() {
    return syslogWindowSeconds;
  }

  public int syslogSlideSeconds() {
    return syslogSlideSeconds;
  }

  /** Failures from one address in one syslog window above which it raises a brute-force alert. */
  public long bruteForceThreshold() {
    return bruteForceThreshold;
  }

  /** Seconds a syslog host, program or source address stays in the running counts without being seen. */
  public int syslogKeyIdleSeconds() {
    return syslogKeyIdleSeconds;
  }

  /**
   * Seconds an event may be behind the latest event time seen and still be on time
   * ({@code --allowed-lateness}, default {@value #DEFAULT_ALLOWED_LATENESS_SECONDS}). Each pipeline's
   * watermark is the maximum event time of its events in earlier batches minus this; an event older
   * than the watermark is late: counted in the running totals and the pipeline's {@code late} counter.
   */
  public int allowedLatenessSeconds() {
    return allowedLatenessSeconds;
  }

  /**
   * Seconds of batch time a pipeline's maximum event time may stay still before its open event-time
   * windows are flushed ({@code --watermark-idle-seconds}, default
   * {@value #DEFAULT_WATERMARK_IDLE_SECONDS}; 0: never), see
   * {@link io.sluice.spark.analytics.EventWindows}.
   */
  public int watermarkIdleSeconds() {
    return watermarkIdleSeconds;
  }

  /**
   * Seconds an event time may be ahead of its batch's time ({@code --max-future-seconds}, default
   * {@value #DEFAULT_MAX_FUTURE_SECONDS}; 0: no limit); an event further ahead is counted in the
   * pipeline's {@code future} counter and kept out of the watermark, the event-time windows and the
   * hourly series, see {@link io.sluice.spark.analytics.EventWindows}.
   */
  public int maxFutureSeconds() {
    return maxFutureSeconds;
  }

  public int topN() {
    return topN;
  }

  public long heavyClientRequests() {
    return heavyClientRequests;
  }

  public ErrorRateRule errorRateRule() {
    return errorRateRule;
  }

  public int sessionGapSeconds() {
    return sessionGapSeconds;
  }

  /** Seconds an event id is remembered for deduplication ({@code --dedup-horizon-seconds}). */
  public int dedupHorizonSeconds() {
    return dedupHorizonSeconds;
  }

  /** Whether each batch's received and counted eventIds are written to {@code OUT/audit/} ({@code --audit-ids}). */
  public boolean auditIds() {
    return auditIds;
  }

  /**
   * The clock of the pipelines' windows and alerts ({@code --window-time}, default {@code event});
   * see {@link WindowTime}. Either way the watermark and the {@code late} counters are kept.
   */
  public WindowTime windowTime() {
    return windowTime;
  }

  /**
   * Whether each pipeline's windows ({@code --<pipeline>-window-seconds}) are on event time:
   * {@code --window-time event}, the default.
   */
  public boolean eventWindows() {
    return windowTime == WindowTime.EVENT;
  }

  /**
   * Length of the arrival-time windows in seconds: {@code --arrival-window-seconds} (default
   * {@value #DEFAULT_ARRIVAL_WINDOW_SECONDS}) with {@code --window-time event}; 0 with
   * {@code arrival}, where each pipeline's own window is over arrival time.
   */
  public int arrivalWindowSeconds() {
    return arrivalWindowSeconds;
  }

  /** Slide of the arrival-time windows in seconds, as {@link #arrivalWindowSeconds()} (default {@value #DEFAULT_ARRIVAL_SLIDE_SECONDS}). */
  public int arrivalSlideSeconds() {
    return arrivalSlideSeconds;
  }

  /**
   * Whether the closed logs event-time windows feed the anomaly models ({@code --anomalies}, default
   * false, as the per-client features the models need cost throughput; only with {@code --window-time event} and the logs pipeline, false otherwise): anomalous
   * clients and a request-count forecast per window, see
   * {@link io.sluice.spark.analytics.ml.WindowModels}. With sliding logs windows the slide divides the
   * length (checked) and the models see every {@code length / slide}-th window.
   */
  public boolean anomalies() {
    return anomalies;
  }

  /**
   * Threshold multiplier of the anomalous clients ({@code --anomaly-multiplier}, default
   * {@value io.sluice.spark.analytics.ml.WindowModels#DEFAULT_MULTIPLIER}): a client is flagged when
   * its distance to the nearest k-means centre, in feature units, is above this times the 0.99
   * quantile of the last 500 distances.
   */
  public double anomalyMultiplier() {
    return anomalyMultiplier;
  }

  /**
   * Half-width of the traffic forecast's band in root-mean-square residuals ({@code --forecast-band},
   * default {@value io.sluice.spark.analytics.ml.WindowModels#DEFAULT_BAND_WIDTH}), residuals on the
   * scale {@code log10(1 + requests) / 4}.
   */
  public double forecastBand() {
    return forecastBand;
  }

  /** Kafka topic for alerts, or null. */
  public String alertsTopic() {
    return alertsTopic;
  }

  /** Brokers for {@link #alertsTopic()} as {@code host:port,...}; empty without one. */
  public String alertsBootstrap() {
    return hostPorts(alertsBootstrap);
  }

  /**
   * Security settings of the job's Kafka clients ({@code --kafka-properties});
   * {@link KafkaClientProperties#NONE} without the option.
   */
  public KafkaClientProperties kafkaProperties() {
    return kafkaProperties;
  }

  /**
   * The settings a checkpoint fixes: on restart Spark rebuilds the computation from the
   * checkpoint, not from the command line, so these must not change between runs on one
   * checkpoint (see {@link AnalyticsJob}). Flag to value, defaults included.
   */
  public Map<String, String> checkpointedSettings() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put(PIPELINE, pipelines.name().toLowerCase(Locale.ROOT));
    s.put(SOURCE, source.name().toLowerCase(Locale.ROOT));
    if (source == Source.FLUME) {
      s.put(SINKS, hostPorts(sinks));
      s.put(MAX_BATCH_SIZE, String.valueOf(maxBatchSize));
      s.put(PARALLELISM, String.valueOf(parallelism));
    } else {
      s.put(KAFKA_BOOTSTRAP, kafkaBootstrap());
      s.put("topics", String.join(",", topics()));
      s.put(KAFKA_GROUP_ID, kafkaGroupId);
    }
    s.put(OUT, out);
    s.put(BATCH_SECONDS, String.valueOf(batchSeconds));
    if (pipelines.logs()) {
      s.put(LOGS_WINDOW_SECONDS, String.valueOf(logsWindowSeconds));
      s.put(LOGS_SLIDE_SECONDS, String.valueOf(logsSlideSeconds));
      s.put(HEAVY_CLIENT_REQUESTS, String.valueOf(heavyClientRequests));
      s.put(ERROR_RATE_THRESHOLD, String.valueOf(errorRateRule.threshold()));
      s.put(ERROR_MIN_REQUESTS, String.valueOf(errorRateRule.minRequests()));
      s.put(SESSION_GAP_SECONDS, String.valueOf(sessionGapSeconds));
    }
    if (pipelines.logs() || pipelines.syslog()) {
      s.put(ALERTS_TOPIC, alertsTopic == null ? "none" : alertsTopic);
    }
    if (pipelines.tweets()) {
      s.put(TWEETS_WINDOW_SECONDS, String.valueOf(tweetsWindowSeconds));
      s.put(TWEETS_SLIDE_SECONDS, String.valueOf(tweetsSlideSeconds));
    }
    if (pipelines.syslog()) {
      s.put(SYSLOG_WINDOW_SECONDS, String.valueOf(syslogWindowSeconds));
      s.put(SYSLOG_SLIDE_SECONDS, String.valueOf(syslogSlideSeconds));
      s.put(BRUTE_FORCE_THRESHOLD, String.valueOf(bruteForceThreshold));
      s.put(SYSLOG_KEY_IDLE_SECONDS, String.valueOf(syslogKeyIdleSeconds));
    }
    s.put(TOP_N, String.valueOf(topN));
    s.put(ALLOWED_LATENESS, String.valueOf(allowedLatenessSeconds));
    s.put(WATERMARK_IDLE_SECONDS, String.valueOf(watermarkIdleSeconds));
    s.put(MAX_FUTURE_SECONDS, String.valueOf(maxFutureSeconds));
    s.put(DEDUP_HORIZON_SECONDS, String.valueOf(dedupHorizonSeconds));
    s.put(AUDIT_IDS, String.valueOf(auditIds));
    s.put(WINDOW_TIME, windowTime.name().toLowerCase(Locale.ROOT));
    if (windowTime == WindowTime.EVENT) {
      s.put(ARRIVAL_WINDOW_SECONDS, String.valueOf(arrivalWindowSeconds));
      s.put(ARRIVAL_SLIDE_SECONDS, String.valueOf(arrivalSlideSeconds));
    }
    if (windowTime == WindowTime.EVENT && pipelines.logs()) {
      s.put(ANOMALIES, String.valueOf(anomalies));
      if (anomalies) {
        s.put(ANOMALY_MULTIPLIER, String.valueOf(anomalyMultiplier));
        s.put(FORECAST_BAND, String.valueOf(forecastBand));
      }
    }
    if (!kafkaProperties.isEmpty()) {
      // The settings, not the secrets they refer to: see KafkaClientProperties.
      s.put(KAFKA_PROPERTIES, kafkaProperties.describe());
    }
    return s;
  }

  @Override
  public String toString() {
    if (helpRequested) {
      return "AnalyticsJobConfig{help}";
    }
    Map<String, String> s = checkpointedSettings();
    s.put(CHECKPOINT, checkpoint);
    return "AnalyticsJobConfig" + s;
  }
}
