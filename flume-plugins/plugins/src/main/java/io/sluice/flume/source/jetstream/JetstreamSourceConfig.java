package io.sluice.flume.source.jetstream;

import static org.apache.kafka.common.config.ConfigDef.Importance.HIGH;
import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;
import static org.apache.kafka.common.config.ConfigDef.Range.atLeast;

import io.sluice.contract.Rejecters;
import io.sluice.flume.config.ComponentConfig;
import io.sluice.flume.config.InvalidConfigurationException;
import io.sluice.flume.source.stream.Backoff;
import io.sluice.flume.source.stream.FailureKind;
import io.sluice.flume.source.stream.StreamRunner;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.flume.Context;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Configuration of {@link JetstreamSource}: every key declared once in {@link #DEFINITION} with
 * its type, default, validator and documentation (unit included), and the validated values.
 */
public final class JetstreamSourceConfig {

  /** The component name in configuration errors ({@link ComponentConfig#invalid}). */
  public static final String COMPONENT = Rejecters.JETSTREAM_SOURCE;

  public static final String ENDPOINTS = "endpoints";
  public static final String DEFAULT_ENDPOINTS = "wss://jetstream2.us-east.bsky.network/subscribe,"
      + "wss://jetstream1.us-east.bsky.network/subscribe";

  public static final String WANTED_COLLECTIONS = "wantedCollections";
  public static final String DEFAULT_WANTED_COLLECTIONS = "app.bsky.feed.post";
  /** The {@link #WANTED_COLLECTIONS} value that asks for every collection. */
  public static final String ALL_COLLECTIONS = "*";

  public static final String WANTED_DIDS = "wantedDids";

  public static final String KINDS = "kinds";
  public static final String DEFAULT_KINDS = "commit";

  public static final String STATE_FILE = "stateFile";

  public static final String CURSOR_REWIND_MS = "cursorRewindMs";
  public static final long DEFAULT_CURSOR_REWIND_MS = 5_000;

  public static final String CURSOR_SAVE_INTERVAL_MS = "cursorSaveIntervalMs";
  public static final long DEFAULT_CURSOR_SAVE_INTERVAL_MS = 1_000;

  public static final String BATCH_SIZE = "batchSize";
  public static final int DEFAULT_BATCH_SIZE = 100;

  public static final String BATCH_DURATION_MS = "batchDurationMs";
  public static final long DEFAULT_BATCH_DURATION_MS = 1_000;

  public static final String IDLE_TIMEOUT_MS = "idleTimeoutMs";
  public static final long DEFAULT_IDLE_TIMEOUT_MS = 60_000;

  public static final String CONNECT_TIMEOUT_MS = "connectTimeoutMs";
  public static final long DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

  public static final String RECONNECT_BACKOFF_INITIAL_MS = "reconnectBackoffInitialMs";
  public static final long DEFAULT_RECONNECT_BACKOFF_INITIAL_MS = 1_000;

  public static final String RECONNECT_BACKOFF_MAX_MS = "reconnectBackoffMaxMs";
  public static final long DEFAULT_RECONNECT_BACKOFF_MAX_MS = 60_000;

  /** Jetstream's event kinds on the v1 {@code /subscribe} wire. */
  public static final Set<String> KNOWN_KINDS = Set.of("commit", "identity", "account");

  private static final Pattern COLLECTION = Pattern.compile(
      "[a-zA-Z][a-zA-Z0-9-]*(\\.[a-zA-Z0-9-]+)+(\\.\\*)?|[a-zA-Z][a-zA-Z0-9-]*\\.\\*");

  /** Every key of the source, with type, default, validator and documentation. */
  public static final ConfigDef DEFINITION = new ConfigDef()
      .define(ENDPOINTS, Type.LIST, DEFAULT_ENDPOINTS,
          ConfigDef.LambdaValidator.with(JetstreamSourceConfig::validateEndpoints,
              () -> "non-empty list of ws:// or wss:// URLs"),
          HIGH, "Jetstream v1 subscribe URLs (comma-separated), tried in this order: after a "
              + "failed connection attempt the next one is used. Defaults to Bluesky's public "
              + "US-East instances.")
      .define(WANTED_COLLECTIONS, Type.LIST, DEFAULT_WANTED_COLLECTIONS,
          ConfigDef.LambdaValidator.with(JetstreamSourceConfig::validateCollections,
              () -> "'*' or up to 100 NSIDs / NSID prefixes ending in '.*'"),
          HIGH, "Collections to receive (Jetstream's wantedCollections, comma-separated): NSIDs "
              + "such as app.bsky.feed.post or prefixes such as app.bsky.graph.*; '*' alone "
              + "asks for every collection. Identity and account events are sent regardless.")
      .define(WANTED_DIDS, Type.LIST, "",
          ConfigDef.LambdaValidator.with(JetstreamSourceConfig::validateDids,
              () -> "up to 10000 DIDs starting with 'did:'"),
          MEDIUM, "Repositories to receive (Jetstream's wantedDids, comma-separated); empty for "
              + "all.")
      .define(KINDS, Type.LIST, DEFAULT_KINDS,
          ConfigDef.LambdaValidator.with(JetstreamSourceConfig::validateKinds,
              () -> "non-empty subset of commit, identity, account"),
          MEDIUM, "Event kinds to deliver (comma-separated subset of commit, identity, account); "
              + "events of other kinds are counted in FilteredEventCount and not delivered.")
      .define(STATE_FILE, Type.STRING, "", MEDIUM,
          "File holding the cursor (time_us of the last event the channel accepted), so that a "
              + "restarted agent resumes where it stopped. Empty for "
              + "<user.home>/.flume/jetstream-<source name>.json. Its directory is created if "
              + "needed.")
      .define(CURSOR_REWIND_MS, Type.LONG, DEFAULT_CURSOR_REWIND_MS, atLeast(0), MEDIUM,
          "On (re)connect the cursor is moved back by this much, in milliseconds, so events "
              + "near the cut are received again rather than missed (duplicates carry the same "
              + "eventId).")
      .define(CURSOR_SAVE_INTERVAL_MS, Type.LONG, DEFAULT_CURSOR_SAVE_INTERVAL_MS, atLeast(0),
          LOW, "How often the cursor is written to the state file when it moved, in "
              + "milliseconds: a timer writes the newest time_us of the batches the channel "
              + "committed, so a crash (kill -9) makes a restart read again at most this much "
              + "more than the rewind. 0 writes after every committed batch, on the source's "
              + "thread. The cursor is also written on stop.")
      .define(BATCH_SIZE, Type.INT, DEFAULT_BATCH_SIZE, atLeast(1), MEDIUM,
          "Most events per channel transaction; must not exceed the channel's "
              + "transactionCapacity.")
      .define(BATCH_DURATION_MS, Type.LONG, DEFAULT_BATCH_DURATION_MS, atLeast(1), LOW,
          "Longest time an event waits in a partial batch, in milliseconds.")
      .define(IDLE_TIMEOUT_MS, Type.LONG, DEFAULT_IDLE_TIMEOUT_MS, atLeast(0), LOW,
          "Reconnect when no message or ping arrives for this long, in milliseconds; 0 never.")
      .define(CONNECT_TIMEOUT_MS, Type.LONG, DEFAULT_CONNECT_TIMEOUT_MS, atLeast(1), LOW,
          "Time allowed for the TCP, TLS and WebSocket handshakes, in milliseconds.")
      .define(RECONNECT_BACKOFF_INITIAL_MS, Type.LONG, DEFAULT_RECONNECT_BACKOFF_INITIAL_MS,
          atLeast(1), LOW, "First wait after a failed connection attempt, in milliseconds; "
              + "doubled after each further failure.")
      .define(RECONNECT_BACKOFF_MAX_MS, Type.LONG, DEFAULT_RECONNECT_BACKOFF_MAX_MS, atLeast(1),
          LOW, "Longest wait between connection attempts, in milliseconds; must be >= "
              + RECONNECT_BACKOFF_INITIAL_MS + ".");

  final List<URI> endpoints;
  final List<String> wantedCollections;
  final List<String> wantedDids;
  final Set<String> kinds;
  final Path stateFile;
  final long cursorRewindMs;
  final long cursorSaveIntervalMs;
  final int batchSize;
  final long batchDurationMs;
  final long idleTimeoutMs;
  final long connectTimeoutMs;
  final long backoffInitialMs;
  final long backoffMaxMs;

  private JetstreamSourceConfig(ComponentConfig config, String sourceName) {
    endpoints = new ArrayList<>();
    for (String endpoint : config.getList(ENDPOINTS)) {
      endpoints.add(URI.create(endpoint));
    }
    List<String> collections = config.getList(WANTED_COLLECTIONS);
    wantedCollections = collections.equals(List.of(ALL_COLLECTIONS)) ? List.of() : collections;
    wantedDids = config.getList(WANTED_DIDS);
    kinds = new LinkedHashSet<>(config.getList(KINDS));
    stateFile = stateFile(config.getString(STATE_FILE), sourceName);
    cursorRewindMs = config.getLong(CURSOR_REWIND_MS);
    cursorSaveIntervalMs = config.getLong(CURSOR_SAVE_INTERVAL_MS);
    batchSize = config.getInt(BATCH_SIZE);
    batchDurationMs = config.getLong(BATCH_DURATION_MS);
    idleTimeoutMs = config.getLong(IDLE_TIMEOUT_MS);
    connectTimeoutMs = config.getLong(CONNECT_TIMEOUT_MS);
    backoffInitialMs = config.getLong(RECONNECT_BACKOFF_INITIAL_MS);
    backoffMaxMs = config.getLong(RECONNECT_BACKOFF_MAX_MS);
    if (backoffMaxMs < backoffInitialMs) {
      throw ComponentConfig.invalid(COMPONENT, RECONNECT_BACKOFF_MAX_MS, " must be >= "
          + RECONNECT_BACKOFF_INITIAL_MS + " (" + backoffInitialMs + "), got " + backoffMaxMs);
    }
  }

  /**
   * Validates a source's context.
   *
   * @param context the source's context
   * @param sourceName the source's name (for the default state file)
   * @return the values
   * @throws InvalidConfigurationException naming the first key that is bad, missing or unknown
   */
  public static JetstreamSourceConfig parse(Context context, String sourceName) {
    return new JetstreamSourceConfig(ComponentConfig.parseSource(DEFINITION, context, COMPONENT),
        sourceName);
  }

  /** A fresh set of back-offs (all failure kinds share Jetstream's capped exponential one). */
  StreamRunner.Settings runnerSettings() {
    Map<FailureKind, Backoff> backoffs = new EnumMap<>(FailureKind.class);
    for (FailureKind kind : FailureKind.values()) {
      backoffs.put(kind, Backoff.exponential(backoffInitialMs, backoffMaxMs));
    }
    return new StreamRunner.Settings(batchSize, batchDurationMs, idleTimeoutMs, backoffs);
  }

  private static Path stateFile(String value, String sourceName) {
    try {
      if (value.isEmpty()) {
        return Paths.get(System.getProperty("user.home"), ".flume",
            "jetstream-" + sourceName + ".json");
      }
      return Paths.get(value);
    } catch (InvalidPathException e) {
      throw ComponentConfig.invalid(COMPONENT, STATE_FILE, ": invalid path '" + value + "'",
          e);
    }
  }

  private static void validateEndpoints(String name, Object value) {
    List<?> list = (List<?>) value;
    if (list.isEmpty()) {
      throw new ConfigException(name, value, "at least one URL is required");
    }
    for (Object item : list) {
      try {
        URI uri = new URI(item.toString());
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss") || uri.getHost() == null) {
          throw new ConfigException(name, item, "not a ws:// or wss:// URL with a host");
        }
      } catch (URISyntaxException e) {
        throw new ConfigException(name, item, "not a URL: " + e.getMessage());
      }
    }
  }

  private static void validateCollections(String name, Object value) {
    List<?> list = (List<?>) value;
    if (list.isEmpty()) {
      throw new ConfigException(name, value, "use '*' for every collection");
    }
    if (list.contains(ALL_COLLECTIONS)) {
      if (list.size() > 1) {
        throw new ConfigException(name, value, "'*' cannot be combined with other collections");
      }
      return;
    }
    if (list.size() > 100) {
      throw new ConfigException(name, value, "Jetstream accepts at most 100 collections");
    }
    for (Object item : list) {
      if (!COLLECTION.matcher(item.toString()).matches()) {
        throw new ConfigException(name, item, "not an NSID or an NSID prefix ending in '.*'");
      }
    }
  }

  private static void validateKinds(String name, Object value) {
    List<?> list = (List<?>) value;
    if (list.isEmpty()) {
      throw new ConfigException(name, value, "at least one kind is required");
    }
    for (Object item : list) {
      if (!KNOWN_KINDS.contains(item.toString())) {
        throw new ConfigException(name, item, "not one of commit, identity, account");
      }
    }
  }

  private static void validateDids(String name, Object value) {
    List<?> list = (List<?>) value;
    if (list.size() > 10_000) {
      throw new ConfigException(name, value, "Jetstream accepts at most 10000 DIDs");
    }
    for (Object item : list) {
      if (!item.toString().startsWith("did:")) {
        throw new ConfigException(name, item, "not a DID");
      }
    }
  }
}
