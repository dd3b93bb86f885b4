package io.sluice.spark;

import java.net.InetSocketAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line configuration of {@link AnalyticsJob}. Immutable; built only by {@link #parse}.
 *
 * <p>Options ({@code --name value} or {@code --name=value}, each at most once):
 * <dl>
 *   <dt>{@code --sinks host:port[,host:port...]}</dt>
 *   <dd>Required. The SparkSinks to poll, all through one receiver.</dd>
 *   <dt>{@code --out DIR}</dt>
 *   <dd>Required. Output directory for {@code summary.json}; created if missing.</dd>
 *   <dt>{@code --checkpoint DIR}</dt>
 *   <dd>Checkpoint directory for the streaming state (any Hadoop URI). Default {@code <out>/checkpoint}.</dd>
 *   <dt>{@code --batch-seconds N}</dt>
 *   <dd>Micro-batch interval in seconds. Default {@value #DEFAULT_BATCH_SECONDS}.</dd>
 *   <dt>{@code --max-batch-size N}</dt>
 *   <dd>Maximum events per request to a SparkSink. Default {@value #DEFAULT_MAX_BATCH_SIZE}.</dd>
 *   <dt>{@code --parallelism N}</dt>
 *   <dd>Concurrent requests of the polling receiver. Default {@value #DEFAULT_PARALLELISM}.</dd>
 *   <dt>{@code --help}</dt>
 *   <dd>Print the options and exit.</dd>
 * </dl>
 * A malformed, unknown, repeated or missing option fails {@link #parse} with an
 * {@link IllegalArgumentException} naming it.
 */
public final class AnalyticsJobConfig {

  /** Micro-batch interval, in seconds. */
  public static final int DEFAULT_BATCH_SECONDS = 1;
  /** Events per SparkSink request. */
  public static final int DEFAULT_MAX_BATCH_SIZE = 1000;
  /** Concurrent requests of the polling receiver. */
  public static final int DEFAULT_PARALLELISM = 5;
  /** Name of the default checkpoint directory inside the output directory. */
  public static final String DEFAULT_CHECKPOINT_SUBDIR = "checkpoint";

  /** Every option, declared once with its value name, default and doc. */
  enum Option {
    SINKS("--sinks", "host:port[,host:port...]", null,
        "SparkSink addresses to poll, comma-separated; one receiver polls all of them (required)"),
    OUT("--out", "DIR", null, "output directory for summary.json, created if missing (required)"),
    CHECKPOINT("--checkpoint", "DIR", "<out>/" + DEFAULT_CHECKPOINT_SUBDIR,
        "checkpoint directory for the streaming state (local path or Hadoop URI)"),
    BATCH_SECONDS("--batch-seconds", "N", String.valueOf(DEFAULT_BATCH_SECONDS),
        "micro-batch interval in seconds"),
    MAX_BATCH_SIZE("--max-batch-size", "N", String.valueOf(DEFAULT_MAX_BATCH_SIZE),
        "maximum events per SparkSink request"),
    PARALLELISM("--parallelism", "N", String.valueOf(DEFAULT_PARALLELISM),
        "concurrent requests of the polling receiver"),
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
  private final List<InetSocketAddress> sinks;
  private final Path out;
  private final String checkpoint;
  private final int batchSeconds;
  private final int maxBatchSize;
  private final int parallelism;

  private AnalyticsJobConfig(boolean helpRequested, List<InetSocketAddress> sinks, Path out,
      String checkpoint, int batchSeconds, int maxBatchSize, int parallelism) {
    this.helpRequested = helpRequested;
    this.sinks = sinks;
    this.out = out;
    this.checkpoint = checkpoint;
    this.batchSeconds = batchSeconds;
    this.maxBatchSize = maxBatchSize;
    this.parallelism = parallelism;
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
        return new AnalyticsJobConfig(true, List.of(), null, null,
            DEFAULT_BATCH_SECONDS, DEFAULT_MAX_BATCH_SIZE, DEFAULT_PARALLELISM);
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
    List<InetSocketAddress> sinks = parseSinks(required(given, Option.SINKS));
    Path out = parsePath(Option.OUT, required(given, Option.OUT));
    String checkpoint = given.containsKey(Option.CHECKPOINT)
        ? nonBlank(Option.CHECKPOINT, given.get(Option.CHECKPOINT))
        : out.resolve(DEFAULT_CHECKPOINT_SUBDIR).toString();
    return new AnalyticsJobConfig(false, sinks, out, checkpoint,
        positiveInt(given, Option.BATCH_SECONDS, DEFAULT_BATCH_SECONDS),
        positiveInt(given, Option.MAX_BATCH_SIZE, DEFAULT_MAX_BATCH_SIZE),
        positiveInt(given, Option.PARALLELISM, DEFAULT_PARALLELISM));
  }

  /** Usage text: every option with its value, default and meaning. */
  public static String usage() {
    StringBuilder b = new StringBuilder()
        .append("Usage: ").append(AnalyticsJob.class.getName())
        .append(" --sinks host:port[,host:port...] --out DIR [options]\n\n")
        .append("Polls Flume SparkSinks and keeps running totals of the logs and tweets pipelines\n")
        .append("in <out>/").append(SummaryWriter.FILE_NAME).append(", rewritten after every batch.\n\n")
        .append("Options:\n");
    for (Option o : Option.values()) {
      String left = o.flag + (o.takesValue() ? " " + o.valueName : "");
      b.append(String.format("  %-40s %s", left, o.doc));
      if (o.defaultValue != null) {
        b.append(" (default: ").append(o.defaultValue).append(')');
      }
      b.append('\n');
    }
    return b.toString();
  }

  private static String required(Map<Option, String> given, Option option) {
    String value = given.get(option);
    if (value == null) {
      throw new IllegalArgumentException("Missing required option " + option.flag + " " + option.valueName);
    }
    return nonBlank(option, value);
  }

  private static String nonBlank(Option option, String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException("Option " + option.flag + " must not be blank");
    }
    return value.trim();
  }

  private static Path parsePath(Option option, String value) {
    try {
      return Paths.get(value);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("Invalid value for " + option.flag + ": '" + value + "' (" + e.getMessage() + ")", e);
    }
  }

  private static int positiveInt(Map<Option, String> given, Option option, int defaultValue) {
    String value = given.get(option);
    if (value == null) {
      return defaultValue;
    }
    try {
      int n = Integer.parseInt(value.trim());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "Invalid value for " + option.flag + ": '" + value + "' (expected a positive integer)");
  }

  /** Parses {@code host:port[,host:port...]}; addresses stay unresolved (no DNS lookup here). */
  static List<InetSocketAddress> parseSinks(String value) {
    List<InetSocketAddress> sinks = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      String hostPort = part.trim();
      InetSocketAddress address = parseHostPort(hostPort);
      if (address == null) {
        throw new IllegalArgumentException("Invalid value for " + Option.SINKS.flag + ": '" + hostPort
            + "' (expected host:port with a port in 1-65535, e.g. localhost:9999)");
      }
      if (sinks.contains(address)) {
        throw new IllegalArgumentException(
            "Invalid value for " + Option.SINKS.flag + ": '" + hostPort + "' is listed twice");
      }
      sinks.add(address);
    }
    return List.copyOf(sinks);
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

  /** True when {@code --help} was given; the other values are then defaults or null. */
  public boolean isHelpRequested() {
    return helpRequested;
  }

  /** SparkSink addresses, unresolved, in command-line order. */
  public List<InetSocketAddress> sinks() {
    return sinks;
  }

  /** Output directory of {@code summary.json}. */
  public Path out() {
    return out;
  }

  /** Checkpoint directory (local path or Hadoop URI). */
  public String checkpoint() {
    return checkpoint;
  }

  /** Micro-batch interval in seconds. */
  public int batchSeconds() {
    return batchSeconds;
  }

  /** Maximum events per SparkSink request. */
  public int maxBatchSize() {
    return maxBatchSize;
  }

  /** Concurrent requests of the polling receiver. */
  public int parallelism() {
    return parallelism;
  }

  @Override
  public String toString() {
    return helpRequested ? "AnalyticsJobConfig{help}"
        : "AnalyticsJobConfig{sinks=" + sinks + ", out=" + out + ", checkpoint=" + checkpoint
            + ", batchSeconds=" + batchSeconds + ", maxBatchSize=" + maxBatchSize
            + ", parallelism=" + parallelism + '}';
  }
}
