package io.sluice.flume.source.kinesis;

import static org.apache.kafka.common.config.ConfigDef.Importance.HIGH;
import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;
import static org.apache.kafka.common.config.ConfigDef.Range.atLeast;
import static org.apache.kafka.common.config.ConfigDef.Range.between;

import io.sluice.flume.config.ComponentConfig;
import io.sluice.flume.config.InvalidConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import java.util.Map;
import org.apache.flume.Context;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Configuration of {@link KinesisSource}: every key declared once in {@link #DEFINITION} with its
 * type, default, validator and documentation (unit included), and the validated values.
 */
public final class KinesisSourceConfig {

  /** The component name in configuration errors ({@link ComponentConfig#invalid}). */
  public static final String COMPONENT = "kinesis-source";

  /** The Kinesis data stream to read. */
  public static final String STREAM_NAME = "streamName";

  /** AWS region, e.g. {@code eu-west-1}; empty for the SDK's default region chain. */
  public static final String REGION = "region";

  /** Endpoint override, e.g. {@code http://127.0.0.1:4567} for a local server; empty for AWS's. */
  public static final String ENDPOINT = "endpoint";

  /** Whether the SDK speaks CBOR (its default for Kinesis) or JSON to the endpoint. */
  public static final String CBOR = "cbor";
  public static final boolean DEFAULT_CBOR = true;

  /** Where a shard without a checkpoint starts: {@code TRIM_HORIZON} or {@code LATEST}. */
  public static final String INITIAL_POSITION = "initialPosition";
  public static final String DEFAULT_INITIAL_POSITION = "TRIM_HORIZON";

  /** Directory of the per-shard checkpoint files. */
  public static final String CHECKPOINT_DIR = "checkpointDir";

  /** The shards this agent reads: {@code i/n}, agent i (0-based) of n. */
  public static final String SHARD_ASSIGNMENT = "shardAssignment";
  public static final String DEFAULT_SHARD_ASSIGNMENT = "0/1";

  /** Most records per GetRecords call, and so per channel transaction. */
  public static final String BATCH_SIZE = "batchSize";
  public static final int DEFAULT_BATCH_SIZE = 1_000;

  /** Pause before reading a shard again after a read that returned records, in milliseconds. */
  public static final String READ_INTERVAL_MS = "readIntervalMs";
  public static final long DEFAULT_READ_INTERVAL_MS = 200;

  /** Pause before reading a shard again after a read that returned none, in milliseconds. */
  public static final String IDLE_READ_INTERVAL_MS = "idleReadIntervalMs";
  public static final long DEFAULT_IDLE_READ_INTERVAL_MS = 1_000;

  /** First pause after a throttled or failed call, in milliseconds (doubled per failure). */
  public static final String BACKOFF_INITIAL_MS = "backoffInitialMs";
  public static final long DEFAULT_BACKOFF_INITIAL_MS = 500;

  /** Longest pause after throttled or failed calls, in milliseconds. */
  public static final String BACKOFF_MAX_MS = "backoffMaxMs";
  public static final long DEFAULT_BACKOFF_MAX_MS = 10_000;

  /** How often the shard list is read again (new shards after a reshard), in milliseconds. */
  public static final String SHARD_SYNC_INTERVAL_MS = "shardSyncIntervalMs";
  public static final long DEFAULT_SHARD_SYNC_INTERVAL_MS = 10_000;

  /** Time allowed for each Kinesis API call (retries included), in milliseconds. */
  public static final String API_TIMEOUT_MS = "apiTimeoutMs";
  public static final long DEFAULT_API_TIMEOUT_MS = 10_000;

  /** Where a shard without a checkpoint starts ({@link #INITIAL_POSITION}). */
  public enum InitialPosition {
    /** The oldest record the stream still holds (its retention period). */
    TRIM_HORIZON,
    /** Only records added after the source first read the shard. */
    LATEST
  }

  /** Every key of the source, with type, default, validator and documentation. */
  public static final ConfigDef DEFINITION = new ConfigDef()
      .define(STREAM_NAME, Type.STRING, ConfigDef.NO_DEFAULT_VALUE,
          ConfigDef.LambdaValidator.with(KinesisSourceConfig::validateStreamName,
              () -> "1..128 characters among a-z A-Z 0-9 _ . -"),
          HIGH, "The Kinesis data stream to read (Kinesis API StreamName: 1..128 characters "
              + "among letters, digits, '_', '.', '-').")
      .define(REGION, Type.STRING, "", HIGH,
          "AWS region of the stream, e.g. eu-west-1; empty for the SDK's default region chain "
              + "(aws.region system property, AWS_REGION, the profile's region, EC2 metadata). "
              + "Any region name works with a local server (" + ENDPOINT + ").")
      .define(ENDPOINT, Type.STRING, "",
          ConfigDef.LambdaValidator.with(KinesisSourceConfig::validateEndpoint,
              () -> "empty, or an http:// or https:// URI"),
          MEDIUM, "Endpoint override, e.g. http://127.0.0.1:4567 for kinesalite or a VPC "
              + "endpoint; empty for the region's Kinesis endpoint.")
      .define(CBOR, Type.BOOLEAN, DEFAULT_CBOR, LOW,
          "true (default): the SDK sends and receives CBOR (application/x-amz-cbor-1.1), as it "
              + "does with AWS. false: JSON (application/x-amz-json-1.1, record data in base64), "
              + "for local servers whose CBOR is incomplete (kinesalite 3.3.3 truncates CBOR "
              + "responses over 16 KiB: the SDK then fails with 'Unexpected end-of-input').")
      .define(INITIAL_POSITION, Type.STRING, DEFAULT_INITIAL_POSITION,
          ConfigDef.ValidString.in("TRIM_HORIZON", "LATEST"), MEDIUM,
          "Where a shard that has no checkpoint and no parent shard in the stream's shard list "
              + "starts: TRIM_HORIZON (the oldest record still retained) or LATEST (records "
              + "added from then on). A child shard whose parent is listed always starts at its "
              + "first record, after its parents were read to their end.")
      .define(CHECKPOINT_DIR, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
          HIGH, "Directory of the checkpoints: one file per shard, <dir>/<stream>/<shardId>, "
              + "holding the sequence number of the last record the channel committed (or "
              + "SHARD_END); created if missing. Keep it across restarts; agents sharing a "
              + "stream may share it (each writes only the files of its own shards).")
      .define(SHARD_ASSIGNMENT, Type.STRING, DEFAULT_SHARD_ASSIGNMENT,
          ConfigDef.LambdaValidator.with(KinesisSourceConfig::validateAssignment,
              () -> "i/n with 0 <= i < n"),
          MEDIUM, "Static shard assignment among n agents reading one stream: i/n (0-based "
              + "agent index i). A shard belongs to agent floorMod(String.hashCode(root), n), "
              + "where root is the oldest ancestor of the shard still in the shard list, so the "
              + "children of a split stay with the agent that read their parent. 0/1: every "
              + "shard.")
      .define(BATCH_SIZE, Type.INT, DEFAULT_BATCH_SIZE, between(1, 10_000), MEDIUM,
          "Most records per GetRecords call (its Limit, at most 10000) and so per channel "
              + "transaction; must not exceed the channel's transactionCapacity.")
      .define(READ_INTERVAL_MS, Type.LONG, DEFAULT_READ_INTERVAL_MS, between(0, 60_000), LOW,
          "Pause before the next GetRecords of a shard after one that returned records, in "
              + "milliseconds. Kinesis allows 5 GetRecords calls per second per shard, shared by "
              + "every consumer of the stream: 200 keeps one consumer within it.")
      .define(IDLE_READ_INTERVAL_MS, Type.LONG, DEFAULT_IDLE_READ_INTERVAL_MS,
          between(0, 600_000), LOW,
          "Pause before the next GetRecords of a shard after one that returned no record, in "
              + "milliseconds.")
      .define(BACKOFF_INITIAL_MS, Type.LONG, DEFAULT_BACKOFF_INITIAL_MS, atLeast(1), LOW,
          "First pause after a throttled call (ProvisionedThroughputExceededException, "
              + "LimitExceededException) or a failed one (network, server error), in "
              + "milliseconds; doubled after each further failure of the same shard.")
      .define(BACKOFF_MAX_MS, Type.LONG, DEFAULT_BACKOFF_MAX_MS, atLeast(1), LOW,
          "Longest pause after throttled or failed calls, in milliseconds; must be >= "
              + BACKOFF_INITIAL_MS + ".")
      .define(SHARD_SYNC_INTERVAL_MS, Type.LONG, DEFAULT_SHARD_SYNC_INTERVAL_MS,
          between(100, 3_600_000), LOW,
          "How often the shard list is read again (ListShards) to find the shards a reshard "
              + "created, in milliseconds; it is also read as soon as a shard this agent reads "
              + "has ended.")
      .define(API_TIMEOUT_MS, Type.LONG, DEFAULT_API_TIMEOUT_MS, between(100, 600_000), LOW,
          "Time allowed for each Kinesis API call, the SDK's own retries included, in "
              + "milliseconds.");

  final String streamName;
  final String region;
  final URI endpoint;
  final boolean cbor;
  final InitialPosition initialPosition;
  final Path checkpointDir;
  final ShardAssignment shardAssignment;
  final int batchSize;
  final long readIntervalMs;
  final long idleReadIntervalMs;
  final long backoffInitialMs;
  final long backoffMaxMs;
  final long shardSyncIntervalMs;
  final long apiTimeoutMs;

  private KinesisSourceConfig(ComponentConfig config) {
    streamName = config.getString(STREAM_NAME).trim();
    region = config.getString(REGION).trim();
    String uri = config.getString(ENDPOINT).trim();
    endpoint = uri.isEmpty() ? null : URI.create(uri);
    cbor = config.getBoolean(CBOR);
    initialPosition = InitialPosition.valueOf(config.getString(INITIAL_POSITION).trim()
        .toUpperCase(Locale.ROOT));
    String dir = config.getString(CHECKPOINT_DIR).trim();
    try {
      checkpointDir = Paths.get(dir);
    } catch (InvalidPathException e) {
      throw ComponentConfig.invalid(COMPONENT, CHECKPOINT_DIR, ": invalid path '" + dir + "'", e);
    }
    shardAssignment = ShardAssignment.parse(config.getString(SHARD_ASSIGNMENT));
    batchSize = config.getInt(BATCH_SIZE);
    readIntervalMs = config.getLong(READ_INTERVAL_MS);
    idleReadIntervalMs = config.getLong(IDLE_READ_INTERVAL_MS);
    backoffInitialMs = config.getLong(BACKOFF_INITIAL_MS);
    backoffMaxMs = config.getLong(BACKOFF_MAX_MS);
    if (backoffMaxMs < backoffInitialMs) {
      throw ComponentConfig.invalid(COMPONENT, BACKOFF_MAX_MS, "must be >= "
          + BACKOFF_INITIAL_MS + " (" + backoffInitialMs + "), got " + backoffMaxMs);
    }
    shardSyncIntervalMs = config.getLong(SHARD_SYNC_INTERVAL_MS);
    apiTimeoutMs = config.getLong(API_TIMEOUT_MS);
  }

  /**
   * Validates a source's context.
   *
   * @param context the source's context
   * @return the values
   * @throws InvalidConfigurationException naming the first key that is bad, missing or unknown
   */
  public static KinesisSourceConfig parse(Context context) {
    return new KinesisSourceConfig(ComponentConfig.parseSource(DEFINITION, context, COMPONENT));
  }

  /** Same as {@link #parse(Context)} from a map (tests). */
  static KinesisSourceConfig parse(Map<String, String> values) {
    return parse(new Context(values));
  }

  private static void validateStreamName(String name, Object value) {
    String s = ((String) value).trim();
    if (s.isEmpty() || s.length() > 128 || !s.chars().allMatch(c -> (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.'
        || c == '-')) {
      throw new ConfigException(name, value, "must be 1..128 characters among letters, digits, "
          + "'_', '.' and '-'");
    }
  }

  private static void validateAssignment(String name, Object value) {
    try {
      ShardAssignment.parse((String) value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name, value, e.getMessage());
    }
  }

  private static void validateEndpoint(String name, Object value) {
    String s = ((String) value).trim();
    if (s.isEmpty()) {
      return;
    }
    URI uri;
    try {
      uri = new URI(s);
    } catch (URISyntaxException e) {
      throw new ConfigException(name, value, "not a URI: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new ConfigException(name, value, "not an http:// or https:// URI with a host");
    }
  }
}
