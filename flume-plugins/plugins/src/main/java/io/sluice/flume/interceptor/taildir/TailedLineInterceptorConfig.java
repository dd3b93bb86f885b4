package io.sluice.flume.interceptor.taildir;

import io.sluice.flume.config.ComponentConfig;
import org.apache.flume.Context;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Configuration keys of {@link TailedLineInterceptor}, declared once.
 *
 * <ul>
 *   <li>{@value #STATE_FILE} (string, default empty: kept in memory only): JSON file in which the
 *       interceptor keeps, per file fingerprint, how far lines were read and from which inode, so
 *       that a copy made by {@code copytruncate} is recognised after an agent restart too.
 *       Written atomically (temporary file, then rename) at most once per
 *       {@value #STATE_WRITE_INTERVAL_MS} ms while it changes, and at {@code close()}. Keep it
 *       next to the TAILDIR source's {@code positionFile}.</li>
 *   <li>{@value #STATE_WRITE_INTERVAL_MS} (long, milliseconds, default
 *       {@value #DEFAULT_STATE_WRITE_INTERVAL_MS}, 0..3600000): least time between two writes of
 *       the state file.</li>
 *   <li>{@value #STATE_EXPIRY_SECONDS} (long, seconds, default
 *       {@value #DEFAULT_STATE_EXPIRY_SECONDS}, i.e. 8 days, 1..31536000): a fingerprint not seen
 *       for this long is forgotten. It must exceed the longest time a log file is written before
 *       it is rotated by {@code copytruncate} (logrotate's {@code weekly}: 7 days).</li>
 *   <li>{@value #MAX_FILES} (int, default {@value #DEFAULT_MAX_FILES}, 1..1000000): most
 *       fingerprints remembered; the least recently seen is forgotten first.</li>
 *   <li>{@value #COUNTER_GROUP} (string, default {@value #DEFAULT_COUNTER_GROUP}): name of the
 *       counter group (MBean {@code org.apache.flume.interceptor:type=<name>}, Prometheus label
 *       {@code component}); letters, digits, {@code .}, {@code _}, {@code -}.</li>
 * </ul>
 */
public final class TailedLineInterceptorConfig {

  /** State file of the copy detection; empty: memory only. */
  public static final String STATE_FILE = "stateFile";
  public static final String DEFAULT_STATE_FILE = "";
  /** Least time between two writes of the state file, in milliseconds. */
  public static final String STATE_WRITE_INTERVAL_MS = "stateWriteIntervalMs";
  public static final long DEFAULT_STATE_WRITE_INTERVAL_MS = 1_000;
  /** A fingerprint not seen for this long is forgotten, in seconds. */
  public static final String STATE_EXPIRY_SECONDS = "stateExpirySeconds";
  public static final long DEFAULT_STATE_EXPIRY_SECONDS = 8 * 24 * 3600;
  /** Most fingerprints remembered. */
  public static final String MAX_FILES = "maxFiles";
  public static final int DEFAULT_MAX_FILES = 10_000;
  /** Name of the counter group. */
  public static final String COUNTER_GROUP = "counterGroup";
  public static final String DEFAULT_COUNTER_GROUP = TailedLineInterceptor.NAME;

  /** The declared keys. */
  public static final ConfigDef DEFINITION = new ConfigDef()
      .define(STATE_FILE, Type.STRING, DEFAULT_STATE_FILE, Importance.HIGH,
          "JSON state of the copy detection (fingerprint -> inode, end offset); empty: memory "
              + "only.")
      .define(STATE_WRITE_INTERVAL_MS, Type.LONG, DEFAULT_STATE_WRITE_INTERVAL_MS,
          Range.between(0, 3_600_000), Importance.LOW,
          "Least time between two writes of the state file, milliseconds.")
      .define(STATE_EXPIRY_SECONDS, Type.LONG, DEFAULT_STATE_EXPIRY_SECONDS,
          Range.between(1, 31_536_000), Importance.MEDIUM,
          "A file fingerprint not seen for this long is forgotten, seconds.")
      .define(MAX_FILES, Type.INT, DEFAULT_MAX_FILES, Range.between(1, 1_000_000),
          Importance.LOW, "Most file fingerprints remembered (least recently seen forgotten "
              + "first).")
      .define(COUNTER_GROUP, Type.STRING, DEFAULT_COUNTER_GROUP, ComponentConfig.COMPONENT_NAME,
          Importance.LOW, "Name of the interceptor's counter group (JMX, Prometheus label "
              + "'component').");

  private final String stateFile;
  private final long stateWriteIntervalMs;
  private final long stateExpirySeconds;
  private final int maxFiles;
  private final String counterGroup;

  private TailedLineInterceptorConfig(ComponentConfig config) {
    this.stateFile = config.getString(STATE_FILE).trim();
    this.stateWriteIntervalMs = config.getLong(STATE_WRITE_INTERVAL_MS);
    this.stateExpirySeconds = config.getLong(STATE_EXPIRY_SECONDS);
    this.maxFiles = config.getInt(MAX_FILES);
    this.counterGroup = config.getString(COUNTER_GROUP);
  }

  static TailedLineInterceptorConfig parse(Context context) {
    return new TailedLineInterceptorConfig(ComponentConfig.parseInterceptor(DEFINITION, context,
        TailedLineInterceptor.NAME));
  }

  static TailedLineInterceptorConfig defaults() {
    return parse(new Context());
  }

  String stateFile() {
    return stateFile;
  }

  long stateWriteIntervalMs() {
    return stateWriteIntervalMs;
  }

  long stateExpirySeconds() {
    return stateExpirySeconds;
  }

  int maxFiles() {
    return maxFiles;
  }

  String counterGroup() {
    return counterGroup;
  }
}
