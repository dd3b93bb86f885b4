package io.sluice.flume.interceptor.dedup;

import io.sluice.contract.EventHeaders;
import io.sluice.flume.config.ComponentConfig;
import org.apache.flume.Context;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Configuration keys of {@link DedupInterceptor}, declared once.
 *
 * <ul>
 *   <li>{@value #HEADER} (string, default {@value EventHeaders#EVENT_ID}): header holding the
 *       event's identity; events without it are passed through and counted.</li>
 *   <li>{@value #MAX_ENTRIES} (int, 1..100,000,000, default {@value #DEFAULT_MAX_ENTRIES}):
 *       window by count: how many distinct keys are remembered (the oldest is forgotten
 *       first); about 100-200 bytes of heap each.</li>
 *   <li>{@value #WINDOW_SECONDS} (long, 1..31,536,000, default
 *       {@value #DEFAULT_WINDOW_SECONDS}): window by time, in seconds: a key is forgotten this
 *       long after it was first seen.</li>
 *   <li>{@value #COUNTER_GROUP} (string, default {@value #DEFAULT_COUNTER_GROUP}): name of the
 *       counter group.</li>
 * </ul>
 */
public final class DedupInterceptorConfig {

  /** Header holding the identity to deduplicate on. */
  public static final String HEADER = "header";
  /** Window by count: distinct keys remembered. */
  public static final String MAX_ENTRIES = "maxEntries";
  public static final int DEFAULT_MAX_ENTRIES = 100_000;
  /** Window by time, in seconds since a key was first seen. */
  public static final String WINDOW_SECONDS = "windowSeconds";
  public static final long DEFAULT_WINDOW_SECONDS = 600;
  /** Name of the counter group. */
  public static final String COUNTER_GROUP = "counterGroup";
  public static final String DEFAULT_COUNTER_GROUP = DedupInterceptor.NAME;

  /** The declared keys. */
  public static final ConfigDef DEFINITION = new ConfigDef()
      .define(HEADER, Type.STRING, EventHeaders.EVENT_ID,
          new ConfigDef.NonEmptyStringWithoutControlChars(), Importance.HIGH,
          "Header holding the event identity; events without it pass and are counted.")
      .define(MAX_ENTRIES, Type.INT, DEFAULT_MAX_ENTRIES, Range.between(1, 100_000_000),
          Importance.HIGH, "Window by count: distinct keys remembered (oldest forgotten first).")
      .define(WINDOW_SECONDS, Type.LONG, DEFAULT_WINDOW_SECONDS, Range.between(1, 31_536_000),
          Importance.HIGH, "Window by time, seconds: a key is forgotten this long after it was "
              + "first seen.")
      .define(COUNTER_GROUP, Type.STRING, DEFAULT_COUNTER_GROUP, ComponentConfig.COMPONENT_NAME,
          Importance.LOW, "Name of the interceptor's counter group (JMX, Prometheus label "
              + "'component').");

  private final String header;
  private final int maxEntries;
  private final long windowSeconds;
  private final String counterGroup;

  private DedupInterceptorConfig(ComponentConfig config) {
    this.header = config.getString(HEADER);
    this.maxEntries = config.getInt(MAX_ENTRIES);
    this.windowSeconds = config.getLong(WINDOW_SECONDS);
    this.counterGroup = config.getString(COUNTER_GROUP);
  }

  static DedupInterceptorConfig parse(Context context) {
    return new DedupInterceptorConfig(ComponentConfig.parseInterceptor(DEFINITION, context,
        DedupInterceptor.NAME));
  }

  static DedupInterceptorConfig defaults() {
    return parse(new Context());
  }

  String header() {
    return header;
  }

  int maxEntries() {
    return maxEntries;
  }

  long windowSeconds() {
    return windowSeconds;
  }

  String counterGroup() {
    return counterGroup;
  }
}
