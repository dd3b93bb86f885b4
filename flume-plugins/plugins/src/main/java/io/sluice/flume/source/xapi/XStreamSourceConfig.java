package io.sluice.flume.source.xapi;

import static org.apache.kafka.common.config.ConfigDef.Importance.HIGH;
import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;
import static org.apache.kafka.common.config.ConfigDef.Range.atLeast;
import static org.apache.kafka.common.config.ConfigDef.Range.between;

import io.sluice.contract.Rejecters;
import io.sluice.flume.config.ComponentConfig;
import io.sluice.flume.config.InvalidConfigurationException;
import io.sluice.flume.source.stream.Backoff;
import io.sluice.flume.source.stream.FailureKind;
import io.sluice.flume.source.stream.StreamRunner;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.apache.flume.Context;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Configuration of {@link XFilteredStreamSource}: every key declared once in {@link #DEFINITION}
 * with its type, default, validator and documentation (unit included), plus the per-rule keys
 * {@code rules.<name>.value} / {@code rules.<name>.tag}, and the validated values.
 */
public final class XStreamSourceConfig {

  /** The component name in configuration errors ({@link ComponentConfig#invalid}). */
  public static final String COMPONENT = Rejecters.X_FILTERED_STREAM_SOURCE;

  public static final String BASE_URL = "baseUrl";
  public static final String DEFAULT_BASE_URL = "https://api.x.com";

  public static final String BEARER_TOKEN_ENV = "bearerTokenEnv";
  public static final String DEFAULT_BEARER_TOKEN_ENV = "X_BEARER_TOKEN";

  public static final String BEARER_TOKEN_FILE = "bearerTokenFile";

  /** Refused on purpose: the token never goes in the agent configuration. */
  public static final String FORBIDDEN_BEARER_TOKEN = "bearerToken";

  public static final String RULES = "rules";
  /** Prefix of the per-rule keys {@code rules.<name>.value} and {@code rules.<name>.tag}. */
  public static final String RULES_PREFIX = RULES + ".";
  public static final String RULE_VALUE = "value";
  public static final String RULE_TAG = "tag";

  public static final String SYNC_RULES = "syncRules";
  public static final boolean DEFAULT_SYNC_RULES = true;

  public static final String TWEET_FIELDS = "tweetFields";
  public static final String DEFAULT_TWEET_FIELDS = "created_at,author_id,lang";

  public static final String EXPANSIONS = "expansions";
  public static final String USER_FIELDS = "userFields";

  public static final String BACKFILL_MINUTES = "backfillMinutes";
  public static final int DEFAULT_BACKFILL_MINUTES = 0;

  public static final String KEEP_ALIVE_TIMEOUT_MS = "keepAliveTimeoutMs";
  public static final long DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 30_000;

  public static final String CONNECT_TIMEOUT_MS = "connectTimeoutMs";
  public static final long DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

  public static final String BATCH_SIZE = "batchSize";
  public static final int DEFAULT_BATCH_SIZE = 100;

  public static final String BATCH_DURATION_MS = "batchDurationMs";
  public static final long DEFAULT_BATCH_DURATION_MS = 1_000;

  public static final String NETWORK_BACKOFF_STEP_MS = "networkBackoffStepMs";
  public static final long DEFAULT_NETWORK_BACKOFF_STEP_MS = 250;
  public static final String NETWORK_BACKOFF_MAX_MS = "networkBackoffMaxMs";
  public static final long DEFAULT_NETWORK_BACKOFF_MAX_MS = 16_000;

  public static final String HTTP_BACKOFF_INITIAL_MS = "httpBackoffInitialMs";
  public static final long DEFAULT_HTTP_BACKOFF_INITIAL_MS = 5_000;
  public static final String HTTP_BACKOFF_MAX_MS = "httpBackoffMaxMs";
  public static final long DEFAULT_HTTP_BACKOFF_MAX_MS = 320_000;

  public static final String RATE_LIMIT_BACKOFF_INITIAL_MS = "rateLimitBackoffInitialMs";
  public static final long DEFAULT_RATE_LIMIT_BACKOFF_INITIAL_MS = 60_000;
  public static final String RATE_LIMIT_BACKOFF_MAX_MS = "rateLimitBackoffMaxMs";
  public static final long DEFAULT_RATE_LIMIT_BACKOFF_MAX_MS = 960_000;

  /** Every key of the source except the per-rule ones, with type, default and documentation. */
  public static final ConfigDef DEFINITION = new ConfigDef()
      .define(BASE_URL, Type.STRING, DEFAULT_BASE_URL,
          ConfigDef.LambdaValidator.with(XStreamSourceConfig::validateBaseUrl,
              () -> "http:// or https:// URL with a host"),
          HIGH, "Base URL of the X API; the source calls <baseUrl>/2/tweets/search/stream and "
              + "<baseUrl>/2/tweets/search/stream/rules.")
      .define(BEARER_TOKEN_ENV, Type.STRING, DEFAULT_BEARER_TOKEN_ENV, HIGH,
          "Name of the environment variable holding the app's bearer token (OAuth 2.0 "
              + "App-Only). Used when bearerTokenFile is empty.")
      .define(BEARER_TOKEN_FILE, Type.STRING, "", HIGH,
          "Path of a file holding the bearer token (surrounding blanks ignored); when set, "
              + "bearerTokenEnv is not used. The token itself is never an agent configuration "
              + "value.")
      .define(RULES, Type.LIST, "", HIGH,
          "Names of the stream rules (comma-separated); each needs rules.<name>.value (the rule, "
              + "e.g. cat has:images) and may have rules.<name>.tag (default: the name).")
      .define(SYNC_RULES, Type.BOOLEAN, DEFAULT_SYNC_RULES, HIGH,
          "Whether to make the app's rule set equal to the declared rules before streaming: "
              + "missing rules are added, rules not declared (by value and tag) are deleted. "
              + "false leaves the rules as they are and requires rules to be empty.")
      .define(TWEET_FIELDS, Type.LIST, DEFAULT_TWEET_FIELDS, MEDIUM,
          "X's tweet.fields parameter (comma-separated); created_at feeds the timestamp header.")
      .define(EXPANSIONS, Type.LIST, "", MEDIUM, "X's expansions parameter (comma-separated).")
      .define(USER_FIELDS, Type.LIST, "", MEDIUM, "X's user.fields parameter (comma-separated).")
      .define(BACKFILL_MINUTES, Type.INT, DEFAULT_BACKFILL_MINUTES, between(0, 5), LOW,
          "X's backfill_minutes parameter, in minutes (0-5): on reconnect, ask for Posts of "
              + "this many past minutes (only some access levels allow it); 0 does not ask.")
      .define(KEEP_ALIVE_TIMEOUT_MS, Type.LONG, DEFAULT_KEEP_ALIVE_TIMEOUT_MS, atLeast(1), MEDIUM,
          "Reconnect when nothing, not even X's keep-alive newline (sent every 20 s), arrives "
              + "for this long, in milliseconds.")
      .define(CONNECT_TIMEOUT_MS, Type.LONG, DEFAULT_CONNECT_TIMEOUT_MS, atLeast(1), LOW,
          "Time allowed to connect and receive the response headers, in milliseconds.")
      .define(BATCH_SIZE, Type.INT, DEFAULT_BATCH_SIZE, atLeast(1), MEDIUM,
          "Most events per channel transaction; must not exceed the channel's "
              + "transactionCapacity.")
      .define(BATCH_DURATION_MS, Type.LONG, DEFAULT_BATCH_DURATION_MS, atLeast(1), LOW,
          "Longest time an event waits in a partial batch, in milliseconds.")
      .define(NETWORK_BACKOFF_STEP_MS, Type.LONG, DEFAULT_NETWORK_BACKOFF_STEP_MS, atLeast(1),
          LOW, "After a TCP/IP-level failure, wait this much longer per consecutive failure, in "
              + "milliseconds (X: 250 ms).")
      .define(NETWORK_BACKOFF_MAX_MS, Type.LONG, DEFAULT_NETWORK_BACKOFF_MAX_MS, atLeast(1), LOW,
          "Longest wait after TCP/IP-level failures, in milliseconds (X: 16 s).")
      .define(HTTP_BACKOFF_INITIAL_MS, Type.LONG, DEFAULT_HTTP_BACKOFF_INITIAL_MS, atLeast(1),
          LOW, "First wait after an HTTP error status, in milliseconds, doubled per consecutive "
              + "failure (X: 5 s).")
      .define(HTTP_BACKOFF_MAX_MS, Type.LONG, DEFAULT_HTTP_BACKOFF_MAX_MS, atLeast(1), LOW,
          "Longest wait after HTTP errors, in milliseconds (X: 320 s).")
      .define(RATE_LIMIT_BACKOFF_INITIAL_MS, Type.LONG, DEFAULT_RATE_LIMIT_BACKOFF_INITIAL_MS,
          atLeast(1), LOW, "First wait after HTTP 429, in milliseconds, doubled per consecutive "
              + "429 (X: 1 minute).")
      .define(RATE_LIMIT_BACKOFF_MAX_MS, Type.LONG, DEFAULT_RATE_LIMIT_BACKOFF_MAX_MS, atLeast(1),
          LOW, "Longest wait after HTTP 429, in milliseconds (X gives no cap; 16 minutes covers "
              + "a 15-minute rate-limit window).");

  /** One declared rule. */
  static final class Rule {
    final String value;
    final String tag;

    Rule(String value, String tag) {
      this.value = value;
      this.tag = tag;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Rule && ((Rule) other).value.equals(value)
          && Objects.equals(((Rule) other).tag, tag);
    }

    @Override
    public int hashCode() {
      return Objects.hash(value, tag);
    }

    @Override
    public String toString() {
      return "'" + value + "' (tag '" + tag + "')";
    }
  }

  final URI baseUrl;
  final String bearerToken;
  final List<Rule> rules;
  final boolean syncRules;
  final List<String> tweetFields;
  final List<String> expansions;
  final List<String> userFields;
  final int backfillMinutes;
  final long keepAliveTimeoutMs;
  final long connectTimeoutMs;
  final int batchSize;
  final long batchDurationMs;
  private final Backoff.Spec networkBackoff;
  private final Backoff.Spec httpBackoff;
  private final Backoff.Spec rateLimitBackoff;

  private XStreamSourceConfig(ComponentConfig config, Context context,
      Function<String, String> environment) {
    String base = config.getString(BASE_URL);
    baseUrl = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
    bearerToken = bearerToken(config, environment);
    syncRules = config.getBoolean(SYNC_RULES);
    rules = rules(config.getList(RULES), context);
    if (!syncRules && !rules.isEmpty()) {
      throw ComponentConfig.invalid(COMPONENT, RULES, " must be empty when " + SYNC_RULES
          + " = false (the source would not apply them)");
    }
    if (syncRules && rules.isEmpty()) {
      throw ComponentConfig.invalid(COMPONENT, RULES, " is empty while " + SYNC_RULES
          + " = true: that would delete every rule of the app; declare rules or set "
          + SYNC_RULES + " = false");
    }
    tweetFields = config.getList(TWEET_FIELDS);
    expansions = config.getList(EXPANSIONS);
    userFields = config.getList(USER_FIELDS);
    backfillMinutes = config.getInt(BACKFILL_MINUTES);
    keepAliveTimeoutMs = config.getLong(KEEP_ALIVE_TIMEOUT_MS);
    connectTimeoutMs = config.getLong(CONNECT_TIMEOUT_MS);
    batchSize = config.getInt(BATCH_SIZE);
    batchDurationMs = config.getLong(BATCH_DURATION_MS);
    networkBackoff = spec(config, NETWORK_BACKOFF_STEP_MS, NETWORK_BACKOFF_MAX_MS);
    httpBackoff = spec(config, HTTP_BACKOFF_INITIAL_MS, HTTP_BACKOFF_MAX_MS);
    rateLimitBackoff = spec(config, RATE_LIMIT_BACKOFF_INITIAL_MS, RATE_LIMIT_BACKOFF_MAX_MS);
  }

  /**
   * Validates a source's context, reading the bearer token from the environment or the file.
   *
   * @param context the source's context
   * @param environment environment lookup ({@code System::getenv} in production)
   * @return the values
   * @throws InvalidConfigurationException naming the first key that is bad, missing or unknown, or
   *     the key of a token source that yields no token
   */
  public static XStreamSourceConfig parse(Context context, Function<String, String> environment) {
    if (context.getString(FORBIDDEN_BEARER_TOKEN) != null) {
      throw ComponentConfig.invalid(COMPONENT, FORBIDDEN_BEARER_TOKEN, " is refused: the "
          + "token must not be in the agent configuration; name an environment variable with '"
          + BEARER_TOKEN_ENV + "' or a file with '" + BEARER_TOKEN_FILE + "'");
    }
    ComponentConfig config = ComponentConfig.parseSource(DEFINITION, context, COMPONENT,
        List.of(RULES_PREFIX));
    return new XStreamSourceConfig(config, context, environment);
  }

  /** Back-offs as X documents them, with the configured steps and caps. */
  StreamRunner.Settings runnerSettings() {
    Map<FailureKind, Backoff> backoffs = new EnumMap<>(FailureKind.class);
    backoffs.put(FailureKind.NETWORK, networkBackoff.linear());
    backoffs.put(FailureKind.HTTP, httpBackoff.exponential());
    backoffs.put(FailureKind.RATE_LIMITED, rateLimitBackoff.exponential());
    return new StreamRunner.Settings(batchSize, batchDurationMs, keepAliveTimeoutMs, backoffs);
  }

  private static Backoff.Spec spec(ComponentConfig config, String firstKey, String maxKey) {
    long first = config.getLong(firstKey);
    long max = config.getLong(maxKey);
    if (max < first) {
      throw ComponentConfig.invalid(COMPONENT, maxKey, " must be >= " + firstKey + " ("
          + first + "), got " + max);
    }
    return new Backoff.Spec(first, max);
  }

  private static String bearerToken(ComponentConfig config, Function<String, String> environment) {
    String file = config.getString(BEARER_TOKEN_FILE).trim();
    if (!file.isEmpty()) {
      Path path;
      try {
        path = Paths.get(file);
      } catch (InvalidPathException e) {
        throw ComponentConfig.invalid(COMPONENT, BEARER_TOKEN_FILE, ": invalid path '" + file
            + "'", e);
      }
      String token;
      try {
        token = Files.readString(path, StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        throw ComponentConfig.invalid(COMPONENT, BEARER_TOKEN_FILE, ": cannot read " + path
            + ": " + e, e);
      }
      if (token.isEmpty()) {
        throw ComponentConfig.invalid(COMPONENT, BEARER_TOKEN_FILE, ": " + path
            + " is empty");
      }
      return token;
    }
    String variable = config.getString(BEARER_TOKEN_ENV).trim();
    String token = environment.apply(variable);
    if (token == null || token.isBlank()) {
      throw ComponentConfig.invalid(COMPONENT, BEARER_TOKEN_ENV, ": environment variable "
          + variable + " is not set or empty (or set " + BEARER_TOKEN_FILE + ")");
    }
    return token.trim();
  }

  private static List<Rule> rules(List<String> names, Context context) {
    Set<String> declared = new HashSet<>(names);
    for (String key : context.getSubProperties(RULES_PREFIX).keySet()) {
      int dot = key.lastIndexOf('.');
      String name = dot < 0 ? key : key.substring(0, dot);
      String part = dot < 0 ? "" : key.substring(dot + 1);
      if (!declared.contains(name) || !part.equals(RULE_VALUE) && !part.equals(RULE_TAG)) {
        throw ComponentConfig.invalid(COMPONENT, RULES_PREFIX + key, " is not a configuration "
            + "key: expected rules.<name>.value or rules.<name>.tag with <name> listed in '"
            + RULES + "' (" + names + ")");
      }
    }
    List<Rule> rules = new ArrayList<>();
    Set<String> values = new HashSet<>();
    for (String name : names) {
      String valueKey = RULES_PREFIX + name + "." + RULE_VALUE;
      String value = context.getString(valueKey);
      if (value == null || value.isBlank()) {
        throw ComponentConfig.invalid(COMPONENT, valueKey, " is required: the rule of '"
            + name + "' listed in '" + RULES + "'");
      }
      if (!values.add(value.trim())) {
        throw ComponentConfig.invalid(COMPONENT, valueKey, ": the rule '" + value.trim()
            + "' is declared twice (X refuses duplicate rule values)");
      }
      String tag = context.getString(RULES_PREFIX + name + "." + RULE_TAG);
      rules.add(new Rule(value.trim(), tag == null || tag.isBlank() ? name : tag.trim()));
    }
    return rules;
  }

  private static void validateBaseUrl(String name, Object value) {
    try {
      URI uri = new URI(value.toString());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
        throw new ConfigException(name, value, "not an http:// or https:// URL with a host");
      }
    } catch (URISyntaxException e) {
      throw new ConfigException(name, value, "not a URL: " + e.getMessage());
    }
  }
}
