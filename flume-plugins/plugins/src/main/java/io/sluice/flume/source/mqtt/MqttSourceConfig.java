package io.sluice.flume.source.mqtt;

import static org.apache.kafka.common.config.ConfigDef.Importance.HIGH;
import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;
import static org.apache.kafka.common.config.ConfigDef.Range.atLeast;
import static org.apache.kafka.common.config.ConfigDef.Range.between;

import io.sluice.contract.Pipeline;
import io.sluice.flume.config.ComponentConfig;
import io.sluice.flume.config.InvalidConfigurationException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.flume.Context;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Configuration of {@link MqttSource}: every key declared once in {@link #DEFINITION} with its
 * type, default, validator and documentation (unit included), and the validated values. The
 * password is read here, at {@code configure()}, from the file or environment variable named by
 * the configuration, so a missing secret fails the source at start naming its key.
 */
public final class MqttSourceConfig {

  /** The component name in configuration errors ({@link ComponentConfig#invalid}). */
  public static final String COMPONENT = "mqtt-source";

  /** Broker address: {@code tcp://host[:port]} (default port 1883) or {@code ssl://host[:port]} (8883). */
  public static final String BROKER_URI = "brokerUri";
  public static final String DEFAULT_BROKER_URI = "tcp://127.0.0.1:1883";

  /** MQTT protocol version: {@code 5} (MQTT 5.0) or {@code 3.1.1}. */
  public static final String PROTOCOL_VERSION = "protocolVersion";
  public static final String DEFAULT_PROTOCOL_VERSION = "5";

  /** Topic filters to subscribe to, comma-separated, with {@code +} and {@code #} wildcards. */
  public static final String TOPIC_FILTERS = "topicFilters";

  /** Maximum QoS of the subscriptions: 0, 1 or 2. */
  public static final String QOS = "qos";
  public static final int DEFAULT_QOS = 1;

  /** Client identifier, the key of the broker's session; empty for {@code sluice-<source name>}. */
  public static final String CLIENT_ID = "clientId";

  /** Whether to discard the broker's session at each connection. */
  public static final String CLEAN_START = "cleanStart";
  public static final boolean DEFAULT_CLEAN_START = false;

  /** How long the broker keeps the session after a disconnection, in seconds (MQTT 5). */
  public static final String SESSION_EXPIRY_SECONDS = "sessionExpirySeconds";
  public static final long DEFAULT_SESSION_EXPIRY_SECONDS = 86_400;
  /** Session expiry interval meaning "never expires" (MQTT 5.0 section 3.1.2.11.2). */
  public static final long SESSION_NEVER_EXPIRES = 0xFFFF_FFFFL;

  /** MQTT keep alive, in seconds; 0 disables it. */
  public static final String KEEP_ALIVE_SECONDS = "keepAliveSeconds";
  public static final int DEFAULT_KEEP_ALIVE_SECONDS = 60;

  /** Most QoS 1 and 2 messages the broker may send before the source acknowledges them (MQTT 5). */
  public static final String RECEIVE_MAXIMUM = "receiveMaximum";
  public static final int DEFAULT_RECEIVE_MAXIMUM = 1_000;

  /** User name; empty for none. */
  public static final String USERNAME = "username";
  /** File whose content (UTF-8, one trailing line break stripped) is the password. */
  public static final String PASSWORD_FILE = "passwordFile";
  /** Name of the environment variable that holds the password. */
  public static final String PASSWORD_ENV = "passwordEnv";

  /** PEM file of the CA certificates to trust for {@code ssl://}; empty for the JDK's. */
  public static final String TLS_CA_FILE = "tlsCaFile";

  /** Value of the {@code pipeline} header; empty for no header. */
  public static final String PIPELINE = "pipeline";

  /** The MQTT 5 user property whose value becomes the {@code eventId} header. */
  public static final String EVENT_ID_PROPERTY = "eventIdProperty";
  public static final String DEFAULT_EVENT_ID_PROPERTY = "eventId";

  /** Most events per channel transaction. */
  public static final String BATCH_SIZE = "batchSize";
  public static final int DEFAULT_BATCH_SIZE = 100;

  /** Time allowed for the TCP, TLS and MQTT CONNECT handshakes, in milliseconds. */
  public static final String CONNECT_TIMEOUT_MS = "connectTimeoutMs";
  public static final long DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

  /** First wait before reconnecting after a lost or failed connection, in milliseconds. */
  public static final String RECONNECT_BACKOFF_INITIAL_MS = "reconnectBackoffInitialMs";
  public static final long DEFAULT_RECONNECT_BACKOFF_INITIAL_MS = 1_000;

  /** Longest wait between connection attempts, in milliseconds. */
  public static final String RECONNECT_BACKOFF_MAX_MS = "reconnectBackoffMaxMs";
  public static final long DEFAULT_RECONNECT_BACKOFF_MAX_MS = 60_000;

  /** The protocol versions {@link #PROTOCOL_VERSION} accepts. */
  public static final List<String> VERSIONS = List.of("5", "3.1.1");

  /** Every key of the source, with type, default, validator and documentation. */
  public static final ConfigDef DEFINITION = new ConfigDef()
      .define(BROKER_URI, Type.STRING, DEFAULT_BROKER_URI,
          ConfigDef.LambdaValidator.with((name, value) -> brokerUri(name, (String) value),
              () -> "tcp://host[:port] or ssl://host[:port]"),
          HIGH, "The MQTT broker: tcp://host[:port] (plain TCP, default port 1883) or "
              + "ssl://host[:port] (TLS, default port 8883; mqtt:// and mqtts:// are accepted "
              + "as the same).")
      .define(PROTOCOL_VERSION, Type.STRING, DEFAULT_PROTOCOL_VERSION,
          ConfigDef.ValidString.in("5", "3.1.1"), HIGH,
          "MQTT version spoken: 5 (MQTT 5.0) or 3.1.1.")
      .define(TOPIC_FILTERS, Type.LIST, ConfigDef.NO_DEFAULT_VALUE,
          ConfigDef.LambdaValidator.with(MqttSourceConfig::validateFilters,
              () -> "non-empty list of MQTT topic filters"),
          HIGH, "Topic filters to subscribe to, comma-separated (MQTT 5.0 section 4.7): levels "
              + "separated by '/', '+' for one whole level, '#' alone as the last level for "
              + "any number of levels, e.g. logs/+/access,sensors/#.")
      .define(QOS, Type.INT, DEFAULT_QOS, between(0, 2), HIGH,
          "Maximum QoS of the subscriptions: 0 (at most once: lost if the agent dies before "
              + "the channel committed), 1 (at least once) or 2 (exactly once between broker and "
              + "source). A message is delivered with the lower of this and its publisher's "
              + "QoS.")
      .define(CLIENT_ID, Type.STRING, "", MEDIUM,
          "MQTT client identifier: the broker keeps the session (subscriptions, messages not "
              + "yet acknowledged, messages published while disconnected) under it, so it must "
              + "be the same across restarts and unique among the broker's clients. Empty for "
              + "sluice-<source name>.")
      .define(CLEAN_START, Type.BOOLEAN, DEFAULT_CLEAN_START, MEDIUM,
          "true: discard the broker's session at every connection (MQTT 5 Clean Start, MQTT "
              + "3.1.1 Clean Session), losing what was published while the agent was away and "
              + "what it had not acknowledged. false (default): resume it.")
      .define(SESSION_EXPIRY_SECONDS, Type.LONG, DEFAULT_SESSION_EXPIRY_SECONDS,
          between(0, SESSION_NEVER_EXPIRES), MEDIUM,
          "MQTT 5 Session Expiry Interval, in seconds: how long the broker keeps the session "
              + "(and queues messages for it) after the agent disconnected; 4294967295 for "
              + "never, 0 to end it at disconnection. Default 86400 (one day). MQTT 3.1.1 has "
              + "no such field: a session of cleanStart=false lasts as the broker decides "
              + "(mosquitto: persistent_client_expiration).")
      .define(KEEP_ALIVE_SECONDS, Type.INT, DEFAULT_KEEP_ALIVE_SECONDS, between(0, 65_535), LOW,
          "MQTT Keep Alive, in seconds: the source sends PINGREQ when idle this long and the "
              + "broker closes a connection silent for 1.5 times it; 0 disables it.")
      .define(RECEIVE_MAXIMUM, Type.INT, DEFAULT_RECEIVE_MAXIMUM, between(1, 65_535), MEDIUM,
          "MQTT 5 Receive Maximum: most QoS 1 and 2 messages the broker sends before the "
              + "source acknowledged them, that is the most messages waiting for a channel "
              + "commit; must be >= " + BATCH_SIZE + ". With MQTT 3.1.1 the broker's own limit "
              + "applies (mosquitto: max_inflight_messages, default 20).")
      .define(USERNAME, Type.STRING, "", MEDIUM, "User name sent in CONNECT; empty for none.")
      .define(PASSWORD_FILE, Type.STRING, "", MEDIUM,
          "File holding the password (UTF-8; one trailing line break is ignored), read at "
              + "configure time. Needs " + USERNAME + "; not with " + PASSWORD_ENV + ". The "
              + "password itself is never a configuration value.")
      .define(PASSWORD_ENV, Type.STRING, "", MEDIUM,
          "Name of the environment variable holding the password, read at configure time. "
              + "Needs " + USERNAME + "; not with " + PASSWORD_FILE + ".")
      .define(TLS_CA_FILE, Type.STRING, "", MEDIUM,
          "For ssl:// only: PEM file of the CA certificates that sign the broker's "
              + "certificate; empty for the JDK's trusted CAs. The broker's host name is "
              + "verified against its certificate.")
      .define(PIPELINE, Type.STRING, "",
          ConfigDef.LambdaValidator.with(MqttSourceConfig::validatePipeline,
              () -> "empty or one of logs, tweets, syslog"),
          MEDIUM, "Value of the pipeline header of every event (logs, tweets or syslog), so "
              + "that the Spark jobs count it in that pipeline; empty for no header.")
      .define(EVENT_ID_PROPERTY, Type.STRING, DEFAULT_EVENT_ID_PROPERTY,
          new ConfigDef.NonEmptyString(), MEDIUM,
          "The MQTT 5 user property whose value becomes the eventId header (publishers set it "
              + "to a unique id of the message); a message without it gets a random UUID.")
      .define(BATCH_SIZE, Type.INT, DEFAULT_BATCH_SIZE, atLeast(1), MEDIUM,
          "Most events per channel transaction; must not exceed the channel's "
              + "transactionCapacity. A transaction takes what arrived while the previous "
              + "one committed, up to this many.")
      .define(CONNECT_TIMEOUT_MS, Type.LONG, DEFAULT_CONNECT_TIMEOUT_MS, between(1, 3_600_000),
          LOW, "Time allowed for the TCP, TLS and MQTT CONNECT handshakes, in milliseconds.")
      .define(RECONNECT_BACKOFF_INITIAL_MS, Type.LONG, DEFAULT_RECONNECT_BACKOFF_INITIAL_MS,
          atLeast(1), LOW, "First wait after a lost connection or failed attempt, in "
              + "milliseconds; doubled after each further failure.")
      .define(RECONNECT_BACKOFF_MAX_MS, Type.LONG, DEFAULT_RECONNECT_BACKOFF_MAX_MS, atLeast(1),
          LOW, "Longest wait between connection attempts, in milliseconds; must be >= "
              + RECONNECT_BACKOFF_INITIAL_MS + ".");

  final URI brokerUri;
  final String host;
  final int port;
  final boolean tls;
  final boolean mqtt5;
  final List<String> topicFilters;
  final int qos;
  final String clientId;
  final boolean cleanStart;
  final long sessionExpirySeconds;
  final int keepAliveSeconds;
  final int receiveMaximum;
  final String username;
  /** The password's UTF-8 bytes; null for none. */
  final byte[] password;
  final Path tlsCaFile;
  final String pipeline;
  final String eventIdProperty;
  final int batchSize;
  final long connectTimeoutMs;
  final long backoffInitialMs;
  final long backoffMaxMs;

  private MqttSourceConfig(ComponentConfig config, String sourceName,
      Function<String, String> environment) {
    brokerUri = URI.create(config.getString(BROKER_URI));
    String scheme = brokerUri.getScheme().toLowerCase(Locale.ROOT);
    tls = scheme.equals("ssl") || scheme.equals("mqtts");
    host = brokerUri.getHost();
    port = brokerUri.getPort() > 0 ? brokerUri.getPort() : tls ? 8883 : 1883;
    mqtt5 = config.getString(PROTOCOL_VERSION).equals("5");
    topicFilters = config.getList(TOPIC_FILTERS);
    qos = config.getInt(QOS);
    String id = config.getString(CLIENT_ID).trim();
    clientId = id.isEmpty() ? "sluice-" + sourceName : id;
    cleanStart = config.getBoolean(CLEAN_START);
    sessionExpirySeconds = config.getLong(SESSION_EXPIRY_SECONDS);
    keepAliveSeconds = config.getInt(KEEP_ALIVE_SECONDS);
    receiveMaximum = config.getInt(RECEIVE_MAXIMUM);
    username = config.getString(USERNAME);
    password = password(config.getString(PASSWORD_FILE).trim(),
        config.getString(PASSWORD_ENV).trim(), environment);
    if (password != null && username.isEmpty()) {
      throw ComponentConfig.invalid(COMPONENT, USERNAME,
          "is required with a password (MQTT 3.1.1 allows no password without a user name)");
    }
    String ca = config.getString(TLS_CA_FILE).trim();
    tlsCaFile = ca.isEmpty() ? null : readablePath(TLS_CA_FILE, ca);
    if (tlsCaFile != null && !tls) {
      throw ComponentConfig.invalid(COMPONENT, TLS_CA_FILE, "is set but " + BROKER_URI + " "
          + brokerUri + " is not ssl://");
    }
    pipeline = config.getString(PIPELINE).trim();
    eventIdProperty = config.getString(EVENT_ID_PROPERTY).trim();
    batchSize = config.getInt(BATCH_SIZE);
    if (mqtt5 && receiveMaximum < batchSize) {
      throw ComponentConfig.invalid(COMPONENT, RECEIVE_MAXIMUM, "must be >= " + BATCH_SIZE
          + " (" + batchSize + "), got " + receiveMaximum);
    }
    connectTimeoutMs = config.getLong(CONNECT_TIMEOUT_MS);
    backoffInitialMs = config.getLong(RECONNECT_BACKOFF_INITIAL_MS);
    backoffMaxMs = config.getLong(RECONNECT_BACKOFF_MAX_MS);
    if (backoffMaxMs < backoffInitialMs) {
      throw ComponentConfig.invalid(COMPONENT, RECONNECT_BACKOFF_MAX_MS, " must be >= "
          + RECONNECT_BACKOFF_INITIAL_MS + " (" + backoffInitialMs + "), got " + backoffMaxMs);
    }
  }

  /**
   * Validates a source's context and reads the password it names.
   *
   * @param context the source's context
   * @param sourceName the source's name (for the default client identifier)
   * @return the values
   * @throws InvalidConfigurationException naming the first key that is bad, missing or unknown,
   *     or whose password file or variable cannot be read
   */
  public static MqttSourceConfig parse(Context context, String sourceName) {
    return parse(context, sourceName, System::getenv);
  }

  /** Same as {@link #parse(Context, String)} with the given environment (tests). */
  static MqttSourceConfig parse(Context context, String sourceName,
      Function<String, String> environment) {
    return new MqttSourceConfig(ComponentConfig.parseSource(DEFINITION, context, COMPONENT),
        sourceName, environment);
  }

  /** Same as {@link #parse(Context, String)} from a map (tests). */
  static MqttSourceConfig parse(Map<String, String> values, String sourceName,
      Function<String, String> environment) {
    return parse(new Context(values), sourceName, environment);
  }

  private static byte[] password(String file, String variable,
      Function<String, String> environment) {
    if (!file.isEmpty() && !variable.isEmpty()) {
      throw ComponentConfig.invalid(COMPONENT, PASSWORD_ENV, "cannot be used with "
          + PASSWORD_FILE + ": set one of them");
    }
    String password = null;
    if (!file.isEmpty()) {
      Path path = readablePath(PASSWORD_FILE, file);
      try {
        password = Files.readString(path, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw ComponentConfig.invalid(COMPONENT, PASSWORD_FILE, ": cannot read " + path + ": "
            + e, e);
      }
      password = password.endsWith("\r\n") ? password.substring(0, password.length() - 2)
          : password.endsWith("\n") ? password.substring(0, password.length() - 1) : password;
    } else if (!variable.isEmpty()) {
      password = environment.apply(variable);
      if (password == null) {
        throw ComponentConfig.invalid(COMPONENT, PASSWORD_ENV, ": environment variable "
            + variable + " is not set");
      }
    }
    return password == null ? null : password.getBytes(StandardCharsets.UTF_8);
  }

  private static Path readablePath(String key, String value) {
    Path path;
    try {
      path = Paths.get(value);
    } catch (InvalidPathException e) {
      throw ComponentConfig.invalid(COMPONENT, key, ": invalid path '" + value + "'", e);
    }
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw ComponentConfig.invalid(COMPONENT, key, ": " + path
          + " is not a readable regular file");
    }
    return path;
  }

  private static void brokerUri(String name, String value) {
    URI uri;
    try {
      uri = new URI(value.trim());
    } catch (URISyntaxException e) {
      throw new ConfigException(name, value, "not a URI: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!List.of("tcp", "ssl", "mqtt", "mqtts").contains(scheme) || uri.getHost() == null) {
      throw new ConfigException(name, value, "not a tcp://, ssl://, mqtt:// or mqtts:// URI "
          + "with a host");
    }
    if ((uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))
        || uri.getQuery() != null || uri.getUserInfo() != null) {
      throw new ConfigException(name, value, "only scheme, host and port are allowed (user "
          + "name and password have keys of their own)");
    }
  }

  /** MQTT 5.0 section 4.7: topic filter syntax (also MQTT 3.1.1 section 4.7). */
  static void validateFilters(String name, Object value) {
    List<?> list = (List<?>) value;
    if (list.isEmpty()) {
      throw new ConfigException(name, value, "at least one topic filter is required");
    }
    for (Object item : list) {
      String filter = item.toString();
      String problem = filterProblem(filter);
      if (problem != null) {
        throw new ConfigException(name, filter, problem);
      }
    }
  }

  private static String filterProblem(String filter) {
    if (filter.isEmpty()) {
      return "a topic filter must not be empty";
    }
    if (filter.getBytes(StandardCharsets.UTF_8).length > 65_535) {
      return "longer than 65535 bytes";
    }
    if (filter.indexOf('\u0000') >= 0) {
      return "contains U+0000";
    }
    String[] levels = filter.split("/", -1);
    for (int i = 0; i < levels.length; i++) {
      String level = levels[i];
      if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
        return "'#' must be a whole level and the last one";
      }
      if (level.contains("+") && !level.equals("+")) {
        return "'+' must be a whole level";
      }
    }
    return null;
  }

  private static void validatePipeline(String name, Object value) {
    String pipeline = ((String) value).trim();
    if (pipeline.isEmpty()) {
      return;
    }
    try {
      if (!Pipeline.of(pipeline).id().equals(pipeline)) {
        throw new ConfigException(name, value, "write it in lower case");
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name, value, e.getMessage());
    }
  }
}
