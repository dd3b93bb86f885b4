package io.sluice.spark;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Command-line configuration of {@link AnalyticsJob}. Immutable; built only by {@link #parse}.
 *
 * <p>Options are {@code --name value} or {@code --name=value}, each at most once; {@link #usage()}
 * lists them all with their defaults ({@link Option} declares each once: flag, value, default,
 * doc). Durations are in seconds and windows must be multiples of {@code --batch-seconds}. A
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
public final class AnalyticsJobConfig {

  /** Which pipelines a job instance analyses. */
  public enum Pipelines {
    LOGS, TWEETS, ALL;

    public boolean logs() {
      return this != TWEETS;
    }

    public boolean tweets() {
      return this != LOGS;
    }
  }

  /** Where events come from. */
  public enum Source {
    /** Spark pulls from Flume SparkSinks ({@code FlumeUtils.createPollingStream}). */
    FLUME,
    /** Spark reads the Flume Kafka channel's topics directly ({@code KafkaUtils.createDirectStream}). */
    KAFKA
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
  public static final String DEFAULT_LOGS_TOPIC = "sluice-logs";
  public static final String DEFAULT_TWEETS_TOPIC = "sluice-tweets";
  public static final String DEFAULT_GROUP_ID_PREFIX = "sluice-analytics-";
  public static final int DEFAULT_LOGS_WINDOW_SECONDS = 30;
  public static final int DEFAULT_LOGS_SLIDE_SECONDS = 10;
  public static final int DEFAULT_TWEETS_WINDOW_SECONDS = 60;
  public static final int DEFAULT_TWEETS_SLIDE_SECONDS = 10;
  public static final int DEFAULT_TOP_N = 10;
  public static final long DEFAULT_HEAVY_CLIENT_REQUESTS = 100;
  public static final double DEFAULT_ERROR_RATE_THRESHOLD = 0.05;
  public static final long DEFAULT_ERROR_MIN_REQUESTS = 20;
  public static final int DEFAULT_SESSION_GAP_SECONDS = 1800;
  /**
   * How long an {@code eventId} (and a {@code tweetId}) is remembered, in seconds: three times the
   * SparkSink's default transaction timeout (60 s), after which an unacknowledged batch is
   * redelivered, so a redelivery or a restart within that horizon is never counted twice.
   */
  public static final int DEFAULT_DEDUP_HORIZON_SECONDS = 180;

  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  /** Every option, declared once with its value name, default and doc. */
  enum Option {
    PIPELINE("--pipeline", "logs|tweets|all", "all", "which pipelines this job analyses"),
    SOURCE("--source", "flume|kafka", "flume",
        "flume: pull from SparkSinks; kafka: read the Flume Kafka channel topics directly"),
    SINKS("--sinks", "host:port[,host:port...]", null,
        "SparkSink addresses to poll (required with --source flume)"),
    POLLING_STREAMS("--polling-streams", "auto|one|per-sink", "auto",
        "receivers for the sinks: one for all, or one per sink (each pins a core); auto = one on local masters"),
    MAX_BATCH_SIZE("--max-batch-size", "N", String.valueOf(DEFAULT_MAX_BATCH_SIZE),
        "events per SparkSink request (one channel transaction: at most the channel's transactionCapacity)"),
    PARALLELISM("--parallelism", "N", String.valueOf(DEFAULT_PARALLELISM),
        "concurrent requests of each polling receiver (at most one per sink it polls)"),
    RECEIVER_WAL("--receiver-wal", "true|false", "true",
        "write received Flume events to a write-ahead log in the checkpoint, so a restart loses none"),
    KAFKA_BOOTSTRAP("--kafka-bootstrap", "host:port[,host:port...]", null,
        "Kafka brokers (required with --source kafka)"),
    LOGS_TOPIC("--logs-topic", "TOPIC", DEFAULT_LOGS_TOPIC, "Kafka channel topic of the logs pipeline"),
    TWEETS_TOPIC("--tweets-topic", "TOPIC", DEFAULT_TWEETS_TOPIC, "Kafka channel topic of the tweets pipeline"),
    KAFKA_GROUP_ID("--kafka-group-id", "ID", DEFAULT_GROUP_ID_PREFIX + "<pipeline>",
        "consumer group the job commits its offsets to (the checkpoint holds the offsets it resumes from)"),
    KAFKA_STARTING_OFFSETS("--kafka-starting-offsets", "earliest|latest", "earliest",
        "where a new job starts reading when its group has no committed offset"),
    KAFKA_MAX_RATE("--kafka-max-rate", "N", "0",
        "most records per second read from each Kafka partition; 0 = no limit"),
    OUT("--out", "URI", null,
        "output location: summary.json and batches/<batch time>/ (local path, file: or hdfs: URI; required)"),
    CHECKPOINT("--checkpoint", "URI", "<out>/" + DEFAULT_CHECKPOINT_SUBDIR,
        "checkpoint location; a job restarted on the same one resumes its state and totals"),
    BATCH_SECONDS("--batch-seconds", "N", String.valueOf(DEFAULT_BATCH_SECONDS), "micro-batch interval in seconds"),
    LOGS_WINDOW_SECONDS("--logs-window-seconds", "N", String.valueOf(DEFAULT_LOGS_WINDOW_SECONDS),
        "length of the access-log window in seconds (a multiple of --batch-seconds)"),
    LOGS_SLIDE_SECONDS("--logs-slide-seconds", "N", String.valueOf(DEFAULT_LOGS_SLIDE_SECONDS),
        "seconds between access-log windows (a multiple of --batch-seconds, at most the window)"),
    TWEETS_WINDOW_SECONDS("--tweets-window-seconds", "N", String.valueOf(DEFAULT_TWEETS_WINDOW_SECONDS),
        "length of the tweet window in seconds (a multiple of --batch-seconds)"),
    TWEETS_SLIDE_SECONDS("--tweets-slide-seconds", "N", String.valueOf(DEFAULT_TWEETS_SLIDE_SECONDS),
        "seconds between tweet windows (a multiple of --batch-seconds, at most the window)"),
    TOP_N("--top-n", "N", String.valueOf(DEFAULT_TOP_N),
        "length of the top lists in windows and batch totals (summary.json always keeps 10)"),
    HEAVY_CLIENT_REQUESTS("--heavy-client-requests", "N", String.valueOf(DEFAULT_HEAVY_CLIENT_REQUESTS),
        "a client with more requests than this in one window is listed as heavy"),
    ERROR_RATE_THRESHOLD("--error-rate-threshold", "RATIO", String.valueOf(DEFAULT_ERROR_RATE_THRESHOLD),
        "alert when the 5xx share of a window's requests is above this (0 to 1)"),
    ERROR_MIN_REQUESTS("--error-min-requests", "N", String.valueOf(DEFAULT_ERROR_MIN_REQUESTS),
        "fewest requests in a window for its error rate to alert"),
    SESSION_GAP_SECONDS("--session-gap-seconds", "N", String.valueOf(DEFAULT_SESSION_GAP_SECONDS),
        "inactivity (by request time) that ends a client's session, in seconds"),
    DEDUP_HORIZON_SECONDS("--dedup-horizon-seconds", "N", String.valueOf(DEFAULT_DEDUP_HORIZON_SECONDS),
        "how long an eventId / tweetId is remembered to drop redeliveries, in seconds (above the SparkSink's "
            + "transaction timeout plus a restart); state for older ids expires"),
    AUDIT_IDS("--audit-ids", "true|false", "false",
        "also write the eventIds each batch received and counted to OUT/audit/ (for sluice bench faults; "
            + "collects every id to the driver)"),
    ALERTS_TOPIC("--alerts-topic", "TOPIC", "none", "also send alerts as JSON to this Kafka topic"),
    ALERTS_BOOTSTRAP("--alerts-bootstrap", "host:port[,host:port...]", "--kafka-bootstrap",
        "Kafka brokers for --alerts-topic"),
    KAFKA_PROPERTIES("--kafka-properties", "FILE", "none (PLAINTEXT)",
        "Kafka client security settings (security.protocol, ssl.*, sasl.*) of the --source kafka reader and the "
            + "--alerts-topic producer; passwords only as ${file:PATH:KEY}, ${dir:DIR:FILE} or ${env:VAR} references, "
            + "resolved whenever a client starts, never stored in the checkpoint"),
    HELP("--help", null, null, "print this help and exit");

    final String flag;
    final String valueName;
    final String defaultValue;
    final String doc;

    Option(String flag, String valueName, String defaultValue, String doc) {
      this.flag = flag;
      this.valueName = valueName;
      this.defaultValue = defaultValue;
      this.doc = doc;
    }

    boolean takesValue() {
      return valueName != null;
    }

    static Option byFlag(String flag) {
      for (Option o : values()) {
        if (o.flag.equals(flag)) {
          return o;
        }
      }
      return null;
    }
  }

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
  private final String tweetsTopic;
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
  private final int topN;
  private final long heavyClientRequests;
  private final ErrorRateRule errorRateRule;
  private final int sessionGapSeconds;
  private final int dedupHorizonSeconds;
  private final boolean auditIds;
  private final String alertsTopic;
  private final List<InetSocketAddress> alertsBootstrap;
  private final KafkaClientProperties kafkaProperties;

  private AnalyticsJobConfig() {
    helpRequested = true;
    pipelines = Pipelines.ALL;
    source = Source.FLUME;
    sinks = List.of();
    pollingStreams = PollingStreams.AUTO;
    maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
    parallelism = DEFAULT_PARALLELISM;
    receiverWal = true;
    kafkaBootstrap = List.of();
    logsTopic = DEFAULT_LOGS_TOPIC;
    tweetsTopic = DEFAULT_TWEETS_TOPIC;
    kafkaGroupId = null;
    kafkaStartingOffsets = "earliest";
    kafkaMaxRate = 0;
    out = null;
    checkpoint = null;
    batchSeconds = DEFAULT_BATCH_SECONDS;
    logsWindowSeconds = DEFAULT_LOGS_WINDOW_SECONDS;
    logsSlideSeconds = DEFAULT_LOGS_SLIDE_SECONDS;
    tweetsWindowSeconds = DEFAULT_TWEETS_WINDOW_SECONDS;
    tweetsSlideSeconds = DEFAULT_TWEETS_SLIDE_SECONDS;
    topN = DEFAULT_TOP_N;
    heavyClientRequests = DEFAULT_HEAVY_CLIENT_REQUESTS;
    errorRateRule = new ErrorRateRule(DEFAULT_ERROR_RATE_THRESHOLD, DEFAULT_ERROR_MIN_REQUESTS);
    sessionGapSeconds = DEFAULT_SESSION_GAP_SECONDS;
    dedupHorizonSeconds = DEFAULT_DEDUP_HORIZON_SECONDS;
    auditIds = false;
    alertsTopic = null;
    alertsBootstrap = List.of();
    kafkaProperties = KafkaClientProperties.NONE;
  }

  private AnalyticsJobConfig(Map<Option, String> given) {
    this.helpRequested = false;
    pipelines = choice(given, Option.PIPELINE, Pipelines.class, Pipelines.ALL);
    source = choice(given, Option.SOURCE, Source.class, Source.FLUME);
    if (source == Source.FLUME) {
      sinks = parseAddresses(Option.SINKS, required(given, Option.SINKS));
      for (Option o : new Option[] {Option.KAFKA_BOOTSTRAP, Option.KAFKA_GROUP_ID, Option.KAFKA_STARTING_OFFSETS,
          Option.KAFKA_MAX_RATE, Option.LOGS_TOPIC, Option.TWEETS_TOPIC}) {
        notApplicable(given, o, "--source kafka");
      }
      kafkaBootstrap = List.of();
    } else {
      kafkaBootstrap = parseAddresses(Option.KAFKA_BOOTSTRAP, required(given, Option.KAFKA_BOOTSTRAP));
      for (Option o : new Option[] {Option.SINKS, Option.POLLING_STREAMS, Option.MAX_BATCH_SIZE,
          Option.PARALLELISM, Option.RECEIVER_WAL}) {
        notApplicable(given, o, "--source flume");
      }
      sinks = List.of();
    }
    pollingStreams = choice(given, Option.POLLING_STREAMS, PollingStreams.class, PollingStreams.AUTO);
    maxBatchSize = positiveInt(given, Option.MAX_BATCH_SIZE, DEFAULT_MAX_BATCH_SIZE);
    parallelism = positiveInt(given, Option.PARALLELISM, DEFAULT_PARALLELISM);
    receiverWal = bool(given, Option.RECEIVER_WAL, true);
    logsTopic = topic(given, Option.LOGS_TOPIC, DEFAULT_LOGS_TOPIC);
    tweetsTopic = topic(given, Option.TWEETS_TOPIC, DEFAULT_TWEETS_TOPIC);
    kafkaGroupId = given.containsKey(Option.KAFKA_GROUP_ID)
        ? nonBlank(Option.KAFKA_GROUP_ID, given.get(Option.KAFKA_GROUP_ID))
        : DEFAULT_GROUP_ID_PREFIX + pipelines.name().toLowerCase(Locale.ROOT);
    String offsets = given.getOrDefault(Option.KAFKA_STARTING_OFFSETS, "earliest").trim();
    if (!offsets.equals("earliest") && !offsets.equals("latest")) {
      throw invalid(Option.KAFKA_STARTING_OFFSETS, offsets, "expected earliest or latest");
    }
    kafkaStartingOffsets = offsets;
    kafkaMaxRate = nonNegativeInt(given, Option.KAFKA_MAX_RATE, 0);

    out = location(Option.OUT, required(given, Option.OUT));
    checkpoint = given.containsKey(Option.CHECKPOINT)
        ? location(Option.CHECKPOINT, nonBlank(Option.CHECKPOINT, given.get(Option.CHECKPOINT)))
        : out + "/" + DEFAULT_CHECKPOINT_SUBDIR;
    batchSeconds = positiveInt(given, Option.BATCH_SECONDS, DEFAULT_BATCH_SECONDS);
    logsWindowSeconds = windowSeconds(given, Option.LOGS_WINDOW_SECONDS, DEFAULT_LOGS_WINDOW_SECONDS, batchSeconds);
    logsSlideSeconds = windowSeconds(given, Option.LOGS_SLIDE_SECONDS, DEFAULT_LOGS_SLIDE_SECONDS, batchSeconds);
    tweetsWindowSeconds = windowSeconds(given, Option.TWEETS_WINDOW_SECONDS, DEFAULT_TWEETS_WINDOW_SECONDS, batchSeconds);
    tweetsSlideSeconds = windowSeconds(given, Option.TWEETS_SLIDE_SECONDS, DEFAULT_TWEETS_SLIDE_SECONDS, batchSeconds);
    slideWithinWindow(Option.LOGS_SLIDE_SECONDS, logsSlideSeconds, Option.LOGS_WINDOW_SECONDS, logsWindowSeconds);
    slideWithinWindow(Option.TWEETS_SLIDE_SECONDS, tweetsSlideSeconds, Option.TWEETS_WINDOW_SECONDS, tweetsWindowSeconds);
    topN = positiveInt(given, Option.TOP_N, DEFAULT_TOP_N);
    heavyClientRequests = positiveInt(given, Option.HEAVY_CLIENT_REQUESTS, (int) DEFAULT_HEAVY_CLIENT_REQUESTS);
    errorRateRule = new ErrorRateRule(ratio(given, Option.ERROR_RATE_THRESHOLD, DEFAULT_ERROR_RATE_THRESHOLD),
        positiveInt(given, Option.ERROR_MIN_REQUESTS, (int) DEFAULT_ERROR_MIN_REQUESTS));
    sessionGapSeconds = positiveInt(given, Option.SESSION_GAP_SECONDS, DEFAULT_SESSION_GAP_SECONDS);
    dedupHorizonSeconds = positiveInt(given, Option.DEDUP_HORIZON_SECONDS, DEFAULT_DEDUP_HORIZON_SECONDS);
    auditIds = bool(given, Option.AUDIT_IDS, false);
    alertsTopic = given.containsKey(Option.ALERTS_TOPIC) ? topic(given, Option.ALERTS_TOPIC, null) : null;
    if (given.containsKey(Option.ALERTS_BOOTSTRAP)) {
      if (alertsTopic == null) {
        throw new IllegalArgumentException("Option " + Option.ALERTS_BOOTSTRAP.flag + " needs " + Option.ALERTS_TOPIC.flag);
      }
      alertsBootstrap = parseAddresses(Option.ALERTS_BOOTSTRAP, given.get(Option.ALERTS_BOOTSTRAP));
    } else if (alertsTopic != null && kafkaBootstrap.isEmpty()) {
      throw new IllegalArgumentException("Option " + Option.ALERTS_TOPIC.flag + " needs "
          + Option.ALERTS_BOOTSTRAP.flag + " (or --source kafka with --kafka-bootstrap)");
    } else {
      alertsBootstrap = alertsTopic == null ? List.of() : kafkaBootstrap;
    }
    if (given.containsKey(Option.KAFKA_PROPERTIES)) {
      if (source != Source.KAFKA && alertsTopic == null) {
        throw new IllegalArgumentException("Option " + Option.KAFKA_PROPERTIES.flag + " applies only with "
            + "--source kafka or --alerts-topic (the job's only Kafka clients)");
      }
      kafkaProperties = kafkaProperties(nonBlank(Option.KAFKA_PROPERTIES, given.get(Option.KAFKA_PROPERTIES)));
    } else {
      kafkaProperties = KafkaClientProperties.NONE;
    }
    if (!pipelines.logs()) {
      for (Option o : new Option[] {Option.LOGS_WINDOW_SECONDS, Option.LOGS_SLIDE_SECONDS, Option.LOGS_TOPIC,
          Option.HEAVY_CLIENT_REQUESTS, Option.ERROR_RATE_THRESHOLD, Option.ERROR_MIN_REQUESTS,
          Option.SESSION_GAP_SECONDS, Option.ALERTS_TOPIC}) {
        notApplicable(given, o, "--pipeline logs or all");
      }
    }
    if (!pipelines.tweets()) {
      for (Option o : new Option[] {Option.TWEETS_WINDOW_SECONDS, Option.TWEETS_SLIDE_SECONDS, Option.TWEETS_TOPIC}) {
        notApplicable(given, o, "--pipeline tweets or all");
      }
    }
  }

  /**
   * Parses the command line. With {@code --help} anywhere, returns a config whose
   * {@link #isHelpRequested()} is true and whose other values are not checked.
   *
   * @throws IllegalArgumentException naming the offending option
   */
  public static AnalyticsJobConfig parse(String... args) {
    for (String arg : args) {
      if (Option.HELP.flag.equals(arg)) {
        return new AnalyticsJobConfig();
      }
    }
    Map<Option, String> given = new EnumMap<>(Option.class);
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String flag = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        flag = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      Option option = Option.byFlag(flag);
      if (option == null) {
        throw new IllegalArgumentException(arg.startsWith("-")
            ? "Unknown option " + flag
            : "Unexpected argument '" + arg + "'");
      }
      if (!option.takesValue()) {
        throw new IllegalArgumentException("Option " + flag + " takes no value");
      }
      if (value == null) {
        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
          throw new IllegalArgumentException("Option " + flag + " needs a value: " + option.valueName);
        }
        value = args[++i];
      }
      if (given.put(option, value) != null) {
        throw new IllegalArgumentException("Option " + flag + " is given more than once");
      }
    }
    return new AnalyticsJobConfig(given);
  }

  /** Usage text: every option with its value, default and meaning. */
  public static String usage() {
    StringBuilder b = new StringBuilder()
        .append("Usage: spark-submit --class ").append(AnalyticsJob.class.getName())
        .append(" sluice-spark-jobs.jar --out URI (--sinks host:port[,...] | --source kafka --kafka-bootstrap host:port[,...]) [options]\n\n")
        .append("Streaming analytics of the Sluice logs and tweets pipelines: running totals (deduplicated by eventId)\n")
        .append("in <out>/").append(SummaryWriter.FILE_NAME)
        .append(" after every batch; windows, alerts and totals in <out>/batches/<batch time ms>/ after every slide.\n")
        .append("A job restarted on the same --checkpoint resumes where it stopped.\n\n")
        .append("Options:\n");
    for (Option o : Option.values()) {
      String left = o.flag + (o.takesValue() ? " " + o.valueName : "");
      b.append(String.format("  %-44s %s", left, o.doc));
      if (o.defaultValue != null) {
        b.append(" (default: ").append(o.defaultValue).append(')');
      }
      b.append('\n');
    }
    return b.toString();
  }

  // ------------------------------------------------------------------ value parsing

  private static String required(Map<Option, String> given, Option option) {
    String value = given.get(option);
    if (value == null) {
      throw new IllegalArgumentException("Missing required option " + option.flag + " " + option.valueName);
    }
    return nonBlank(option, value);
  }

  private static void notApplicable(Map<Option, String> given, Option option, String onlyWith) {
    if (given.containsKey(option)) {
      throw new IllegalArgumentException("Option " + option.flag + " applies only with " + onlyWith);
    }
  }

  private static String nonBlank(Option option, String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException("Option " + option.flag + " must not be blank");
    }
    return value.trim();
  }

  private static IllegalArgumentException invalid(Option option, String value, String expected) {
    return new IllegalArgumentException("Invalid value for " + option.flag + ": '" + value + "' (" + expected + ")");
  }

  private static <E extends Enum<E>> E choice(Map<Option, String> given, Option option, Class<E> type, E otherwise) {
    String value = given.get(option);
    if (value == null) {
      return otherwise;
    }
    String name = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(name)) {
        return e;
      }
    }
    throw invalid(option, value, "expected " + option.valueName);
  }

  private static boolean bool(Map<Option, String> given, Option option, boolean otherwise) {
    String value = given.get(option);
    if (value == null) {
      return otherwise;
    }
    switch (value.trim()) {
      case "true": return true;
      case "false": return false;
      default: throw invalid(option, value, "expected true or false");
    }
  }

  private static int positiveInt(Map<Option, String> given, Option option, int otherwise) {
    int n = nonNegativeInt(given, option, otherwise);
    if (n == 0) {
      throw invalid(option, given.get(option), "expected a positive integer");
    }
    return n;
  }

  private static int nonNegativeInt(Map<Option, String> given, Option option, int otherwise) {
    String value = given.get(option);
    if (value == null) {
      return otherwise;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(option, value, "expected a positive integer");
  }

  private static double ratio(Map<Option, String> given, Option option, double otherwise) {
    String value = given.get(option);
    if (value == null) {
      return otherwise;
    }
    try {
      double d = Double.parseDouble(value.trim());
      if (d >= 0 && d < 1) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(option, value, "expected a number from 0 up to, not including, 1");
  }

  private static int windowSeconds(Map<Option, String> given, Option option, int otherwise, int batchSeconds) {
    int n = positiveInt(given, option, otherwise);
    if (n % batchSeconds != 0) {
      throw invalid(option, String.valueOf(n), "must be a multiple of --batch-seconds " + batchSeconds);
    }
    return n;
  }

  private static void slideWithinWindow(Option slide, int slideSeconds, Option window, int windowSeconds) {
    if (slideSeconds > windowSeconds) {
      throw new IllegalArgumentException("Invalid value for " + slide.flag + ": " + slideSeconds
          + " is longer than " + window.flag + " " + windowSeconds + " (events between windows would be skipped)");
    }
  }

  private static String topic(Map<Option, String> given, Option option, String otherwise) {
    String value = given.get(option);
    if (value == null) {
      return otherwise;
    }
    String t = value.trim();
    if (!TOPIC.matcher(t).matches()) {
      throw invalid(option, value, "a Kafka topic name: letters, digits, '.', '_', '-'");
    }
    return t;
  }

  /** Reads and checks the {@code --kafka-properties} file (see {@link KafkaClientProperties}). */
  private static KafkaClientProperties kafkaProperties(String file) {
    Path path;
    try {
      path = Paths.get(file);
    } catch (InvalidPathException e) {
      throw invalid(Option.KAFKA_PROPERTIES, file, e.getMessage());
    }
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw invalid(Option.KAFKA_PROPERTIES, file, "no readable file there");
    }
    try {
      return KafkaClientProperties.load(path);
    } catch (IllegalArgumentException e) {
      throw invalid(Option.KAFKA_PROPERTIES, file, e.getMessage());
    }
  }

  /** A Hadoop location: URIs with a scheme are kept, plain paths become absolute {@code file:} URIs. */
  private static String location(Option option, String value) {
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
  static List<InetSocketAddress> parseAddresses(Option option, String value) {
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      String hostPort = part.trim();
      InetSocketAddress address = parseHostPort(hostPort);
      if (address == null) {
        throw new IllegalArgumentException("Invalid value for " + option.flag + ": '" + hostPort
            + "' (expected host:port with a port in 1-65535, e.g. localhost:9999)");
      }
      if (addresses.contains(address)) {
        throw new IllegalArgumentException(
            "Invalid value for " + option.flag + ": '" + hostPort + "' is listed twice");
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

  /** True when {@code --help} was given; the other values are then defaults or null. */
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
      throw new IllegalArgumentException("Invalid value for " + Option.PARALLELISM.flag + ": " + parallelism
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

  /** The topics this job reads with {@code --source kafka}: those of its pipelines. */
  public List<String> topics() {
    List<String> topics = new ArrayList<>(2);
    if (pipelines.logs()) {
      topics.add(logsTopic);
    }
    if (pipelines.tweets()) {
      topics.add(tweetsTopic);
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
    s.put(Option.PIPELINE.flag, pipelines.name().toLowerCase(Locale.ROOT));
    s.put(Option.SOURCE.flag, source.name().toLowerCase(Locale.ROOT));
    if (source == Source.FLUME) {
      s.put(Option.SINKS.flag, hostPorts(sinks));
      s.put(Option.MAX_BATCH_SIZE.flag, String.valueOf(maxBatchSize));
      s.put(Option.PARALLELISM.flag, String.valueOf(parallelism));
    } else {
      s.put(Option.KAFKA_BOOTSTRAP.flag, kafkaBootstrap());
      s.put("topics", String.join(",", topics()));
      s.put(Option.KAFKA_GROUP_ID.flag, kafkaGroupId);
    }
    s.put(Option.OUT.flag, out);
    s.put(Option.BATCH_SECONDS.flag, String.valueOf(batchSeconds));
    if (pipelines.logs()) {
      s.put(Option.LOGS_WINDOW_SECONDS.flag, String.valueOf(logsWindowSeconds));
      s.put(Option.LOGS_SLIDE_SECONDS.flag, String.valueOf(logsSlideSeconds));
      s.put(Option.HEAVY_CLIENT_REQUESTS.flag, String.valueOf(heavyClientRequests));
      s.put(Option.ERROR_RATE_THRESHOLD.flag, String.valueOf(errorRateRule.threshold()));
      s.put(Option.ERROR_MIN_REQUESTS.flag, String.valueOf(errorRateRule.minRequests()));
      s.put(Option.SESSION_GAP_SECONDS.flag, String.valueOf(sessionGapSeconds));
      s.put(Option.ALERTS_TOPIC.flag, alertsTopic == null ? "none" : alertsTopic);
    }
    if (pipelines.tweets()) {
      s.put(Option.TWEETS_WINDOW_SECONDS.flag, String.valueOf(tweetsWindowSeconds));
      s.put(Option.TWEETS_SLIDE_SECONDS.flag, String.valueOf(tweetsSlideSeconds));
    }
    s.put(Option.TOP_N.flag, String.valueOf(topN));
    s.put(Option.DEDUP_HORIZON_SECONDS.flag, String.valueOf(dedupHorizonSeconds));
    s.put(Option.AUDIT_IDS.flag, String.valueOf(auditIds));
    if (!kafkaProperties.isEmpty()) {
      // The settings, not the secrets they refer to: see KafkaClientProperties.
      s.put(Option.KAFKA_PROPERTIES.flag, kafkaProperties.describe());
    }
    return s;
  }

  @Override
  public String toString() {
    if (helpRequested) {
      return "AnalyticsJobConfig{help}";
    }
    Map<String, String> s = checkpointedSettings();
    s.put(Option.CHECKPOINT.flag, checkpoint);
    return "AnalyticsJobConfig" + s;
  }
}
