package io.sluice.flume.source.zeromq;

import static org.apache.kafka.common.config.ConfigDef.Importance.HIGH;
import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;
import static org.apache.kafka.common.config.ConfigDef.Range.atLeast;
import static org.apache.kafka.common.config.ConfigDef.Range.between;

import io.sluice.contract.Pipeline;
import io.sluice.flume.config.ComponentConfig;
import io.sluice.flume.config.InvalidConfigurationException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flume.Context;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Configuration of {@link ZeroMqSource}: every key declared once in {@link #DEFINITION} with its
 * type, default, validator and documentation (unit included), and the validated values.
 */
public final class ZeroMqSourceConfig {

  /** The component name in configuration errors ({@link ComponentConfig#invalid}). */
  public static final String COMPONENT = "zeromq-source";

  /** Socket type: {@code SUB} (from PUB or XPUB sockets) or {@code PULL} (from PUSH sockets). */
  public static final String SOCKET_TYPE = "socketType";
  public static final String DEFAULT_SOCKET_TYPE = "SUB";

  /** Endpoints, comma-separated: {@code tcp://host:port}, {@code ipc://path}, {@code inproc://name}. */
  public static final String ENDPOINTS = "endpoints";

  /** {@code connect} to the endpoints (default) or {@code bind} them. */
  public static final String MODE = "mode";
  public static final String DEFAULT_MODE = "connect";

  /** SUB only: topic prefixes subscribed to, comma-separated; empty for every message. */
  public static final String TOPICS = "topics";

  /** Receive high-water mark (ZMQ_RCVHWM), in messages; 0 for no limit. */
  public static final String RECEIVE_HIGH_WATER_MARK = "receiveHighWaterMark";
  public static final int DEFAULT_RECEIVE_HIGH_WATER_MARK = 1_000;

  /** Whether each message starts with a topic frame (the usual PUB/SUB envelope). */
  public static final String TOPIC_FRAME = "topicFrame";
  public static final boolean DEFAULT_TOPIC_FRAME = false;

  /** Whether each message carries an event-id frame before its body frame. */
  public static final String EVENT_ID_FRAME = "eventIdFrame";
  public static final boolean DEFAULT_EVENT_ID_FRAME = false;

  /** Value of the pipeline header; empty for none. */
  public static final String PIPELINE = "pipeline";

  /** Most events per channel transaction. */
  public static final String BATCH_SIZE = "batchSize";
  public static final int DEFAULT_BATCH_SIZE = 100;

  /** Longest body kept, in bytes; a longer message is cut and rejected line-too-long. */
  public static final String MAX_MESSAGE_BYTES = "maxMessageBytes";
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 128 * 1024;

  /** First wait before reconnecting a lost or refused connection, in milliseconds (ZMQ_RECONNECT_IVL). */
  public static final String RECONNECT_BACKOFF_INITIAL_MS = "reconnectBackoffInitialMs";
  public static final int DEFAULT_RECONNECT_BACKOFF_INITIAL_MS = 100;

  /** Longest wait between reconnection attempts, in milliseconds (ZMQ_RECONNECT_IVL_MAX). */
  public static final String RECONNECT_BACKOFF_MAX_MS = "reconnectBackoffMaxMs";
  public static final int DEFAULT_RECONNECT_BACKOFF_MAX_MS = 30_000;

  /**
   * Longest wait for a new connection's ZMTP handshake, in milliseconds (ZMQ_HANDSHAKE_IVL): a
   * connection that has not completed it by then is closed and reconnected.
   */
  public static final String HANDSHAKE_TIMEOUT_MS = "handshakeTimeoutMs";
  /**
   * 5 s, not ZeroMQ's 30 s: JeroMQ 0.6.0 leaves about 1 to 6 % of fresh outgoing connections
   * without a handshake (its poller's connect hand-off race, zeromq/jeromq pull request 1022),
   * and only this timer recovers them.
   */
  public static final int DEFAULT_HANDSHAKE_TIMEOUT_MS = 5_000;

  /** The socket types {@link #SOCKET_TYPE} accepts. */
  public static final List<String> SOCKET_TYPES = List.of("SUB", "PULL");

  /** Every key of the source, with type, default, validator and documentation. */
  public static final ConfigDef DEFINITION = new ConfigDef()
      .define(SOCKET_TYPE, Type.STRING, DEFAULT_SOCKET_TYPE,
          ConfigDef.CaseInsensitiveValidString.in("SUB", "PULL"), HIGH,
          "SUB: receive from PUB/XPUB sockets, only the messages whose first frame starts with one "
              + "of " + "topics; at most once (a PUB drops what a slow SUB cannot queue). PULL: "
              + "receive from PUSH sockets, round-robin among PULL peers; a full queue blocks the "
              + "pusher instead of dropping.")
      .define(ENDPOINTS, Type.LIST, ConfigDef.NO_DEFAULT_VALUE,
          ConfigDef.LambdaValidator.with(ZeroMqSourceConfig::validateEndpoints,
              () -> "non-empty list of tcp://, ipc:// or inproc:// endpoints"),
          HIGH, "ZeroMQ endpoints, comma-separated: tcp://host:port (bind: tcp://*:port or an "
              + "address), ipc://path, inproc://name.")
      .define(MODE, Type.STRING, DEFAULT_MODE, ConfigDef.CaseInsensitiveValidString.in("connect", "bind"),
          HIGH, "connect: the source connects to the endpoints (reconnecting by itself); bind: it "
              + "listens on them and the peers connect.")
      .define(TOPICS, Type.LIST, "", MEDIUM,
          "SUB only: topic prefixes, comma-separated (UTF-8, matched byte for byte against the "
              + "start of each message's first frame); empty for every message.")
      .define(RECEIVE_HIGH_WATER_MARK, Type.INT, DEFAULT_RECEIVE_HIGH_WATER_MARK, atLeast(0), MEDIUM,
          "ZMQ_RCVHWM, in messages: most messages queued in the socket for the source; 0 for no "
              + "limit. At the mark a PUB drops further messages for this subscriber, a PUSH "
              + "blocks (or sends to another peer).")
      .define(TOPIC_FRAME, Type.BOOLEAN, DEFAULT_TOPIC_FRAME, MEDIUM,
          "true: each message is [topic, (eventId,) body]; the topic frame becomes the topic "
              + "header. false: the topic, if any, is the start of the body.")
      .define(EVENT_ID_FRAME, Type.BOOLEAN, DEFAULT_EVENT_ID_FRAME, MEDIUM,
          "true: the frame before the body is the event's id (UTF-8), the eventId header; "
              + "false: each event gets a random UUID.")
      .define(PIPELINE, Type.STRING, "",
          ConfigDef.LambdaValidator.with(ZeroMqSourceConfig::validatePipeline,
              () -> "empty or one of logs, tweets, syslog"),
          MEDIUM, "Value of the pipeline header of every event (logs, tweets or syslog); empty "
              + "for no header.")
      .define(BATCH_SIZE, Type.INT, DEFAULT_BATCH_SIZE, atLeast(1), MEDIUM,
          "Most events per channel transaction; must not exceed the channel's "
              + "transactionCapacity. A transaction takes what the socket holds, up to this many.")
      .define(MAX_MESSAGE_BYTES, Type.INT, DEFAULT_MAX_MESSAGE_BYTES, atLeast(1), MEDIUM,
          "Longest body kept, in bytes: a longer one is cut to this many and the event is "
              + "rejected line-too-long (header originalLengthBytes).")
      .define(RECONNECT_BACKOFF_INITIAL_MS, Type.INT, DEFAULT_RECONNECT_BACKOFF_INITIAL_MS,
          between(1, 3_600_000), LOW, "ZMQ_RECONNECT_IVL, in milliseconds: first wait before "
              + "reconnecting a lost or refused connection (mode connect).")
      .define(RECONNECT_BACKOFF_MAX_MS, Type.INT, DEFAULT_RECONNECT_BACKOFF_MAX_MS,
          between(0, 3_600_000), LOW, "ZMQ_RECONNECT_IVL_MAX, in milliseconds: the wait doubles "
              + "up to this after each failed attempt; must be >= " + RECONNECT_BACKOFF_INITIAL_MS
              + ".")
      .define(HANDSHAKE_TIMEOUT_MS, Type.INT, DEFAULT_HANDSHAKE_TIMEOUT_MS,
          between(1, 3_600_000), LOW, "ZMQ_HANDSHAKE_IVL, in milliseconds: a new connection "
              + "whose ZMTP handshake has not completed by then is closed and reconnected. JeroMQ "
              + "0.6.0 stalls the handshake of about 1 to 6 % of fresh outgoing connections "
              + "(zeromq/jeromq pull request 1022); this timer is what recovers them.");

  final boolean sub;
  final List<String> endpoints;
  final boolean bind;
  /** SUB only: the prefixes, as bytes; empty for every message (subscribed to ""). */
  final List<byte[]> topics;
  final int receiveHighWaterMark;
  final boolean topicFrame;
  final boolean eventIdFrame;
  final String pipeline;
  final int batchSize;
  final int maxMessageBytes;
  final int reconnectInitialMs;
  final int reconnectMaxMs;
  final int handshakeTimeoutMs;

  private ZeroMqSourceConfig(ComponentConfig config) {
    sub = config.getString(SOCKET_TYPE).toUpperCase(Locale.ROOT).equals("SUB");
    endpoints = config.getList(ENDPOINTS).stream().map(String::trim).toList();
    bind = config.getString(MODE).toLowerCase(Locale.ROOT).equals("bind");
    List<String> prefixes = config.getList(TOPICS).stream().map(String::trim)
        .filter(t -> !t.isEmpty()).toList();
    if (!sub && !prefixes.isEmpty()) {
      throw ComponentConfig.invalid(COMPONENT, TOPICS, "is for SUB sockets only (" + SOCKET_TYPE
          + " = PULL receives every message), got " + prefixes);
    }
    topics = prefixes.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
    receiveHighWaterMark = config.getInt(RECEIVE_HIGH_WATER_MARK);
    topicFrame = config.getBoolean(TOPIC_FRAME);
    eventIdFrame = config.getBoolean(EVENT_ID_FRAME);
    pipeline = config.getString(PIPELINE).trim();
    batchSize = config.getInt(BATCH_SIZE);
    maxMessageBytes = config.getInt(MAX_MESSAGE_BYTES);
    reconnectInitialMs = config.getInt(RECONNECT_BACKOFF_INITIAL_MS);
    reconnectMaxMs = config.getInt(RECONNECT_BACKOFF_MAX_MS);
    handshakeTimeoutMs = config.getInt(HANDSHAKE_TIMEOUT_MS);
    if (reconnectMaxMs < reconnectInitialMs) {
      throw ComponentConfig.invalid(COMPONENT, RECONNECT_BACKOFF_MAX_MS, "must be >= "
          + RECONNECT_BACKOFF_INITIAL_MS + " (" + reconnectInitialMs + "), got " + reconnectMaxMs);
    }
  }

  /** Frames every message must have: the optional topic and event-id frames, then the body. */
  int frames() {
    return 1 + (topicFrame ? 1 : 0) + (eventIdFrame ? 1 : 0);
  }

  /**
   * Validates a source's context.
   *
   * @throws InvalidConfigurationException naming the first key that is bad, missing or unknown
   */
  public static ZeroMqSourceConfig parse(Context context) {
    return new ZeroMqSourceConfig(ComponentConfig.parseSource(DEFINITION, context, COMPONENT));
  }

  /** Same as {@link #parse(Context)} from a map (tests). */
  static ZeroMqSourceConfig parse(Map<String, String> values) {
    return parse(new Context(values));
  }

  private static void validateEndpoints(String name, Object value) {
    @SuppressWarnings("unchecked")
    List<String> endpoints = (List<String>) value;
    if (endpoints == null || endpoints.stream().allMatch(e -> e.trim().isEmpty())) {
      throw new ConfigException(name, value, "at least one endpoint is required");
    }
    for (String e : endpoints) {
      String t = e.trim();
      if (!t.matches("(tcp://[^\\s/]+:(\\d+|\\*)|ipc://\\S+|inproc://\\S+)")) {
        throw new ConfigException(name, e, "not a tcp://host:port, ipc://path or inproc://name endpoint");
      }
    }
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
