package io.sluice.flume.interceptor.post;

import io.sluice.contract.Rejecters;
import io.sluice.flume.config.ComponentConfig;
import java.util.Locale;
import org.apache.flume.Context;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Configuration keys of {@link TweetNormalizerInterceptor}, declared once.
 *
 * <ul>
 *   <li>{@value #BODY} (string, one of {@code keep}, {@code avro}, {@code json}; default
 *       {@value #DEFAULT_BODY}): what the body of a parsed post becomes: unchanged, the
 *       normalised {@code Post} record in Avro binary encoding, or in Avro JSON encoding
 *       (Avro 1.11 specification, "Encodings"). Rejected events always keep their body.</li>
 *   <li>{@value #AVRO_SCHEMA_HEADER} (boolean, default {@value #DEFAULT_AVRO_SCHEMA_HEADER}):
 *       with {@code avro} or {@code json}, also put the schema in the
 *       {@code flume.avro.schema.literal} header that Flume's Avro serializers read (about
 *       2 KB per event).</li>
 *   <li>{@value #COUNTER_GROUP} (string, default {@value #DEFAULT_COUNTER_GROUP}): name of the
 *       counter group.</li>
 * </ul>
 */
public final class TweetNormalizerConfig {

  /** What a parsed post's body becomes. */
  public static final String BODY = "body";
  public static final String DEFAULT_BODY = "keep";
  /** Whether to add the {@code flume.avro.schema.literal} header when the body is replaced. */
  public static final String AVRO_SCHEMA_HEADER = "avroSchemaHeader";
  public static final boolean DEFAULT_AVRO_SCHEMA_HEADER = false;
  /** Name of the counter group. */
  public static final String COUNTER_GROUP = "counterGroup";
  public static final String DEFAULT_COUNTER_GROUP = Rejecters.POST_NORMALIZER;

  /** The body choices. */
  public enum Body {
    /** Body unchanged. */
    KEEP,
    /** Body replaced by the record in Avro binary encoding. */
    AVRO,
    /** Body replaced by the record in Avro JSON encoding. */
    JSON
  }

  /** The declared keys. */
  public static final ConfigDef DEFINITION = new ConfigDef()
      .define(BODY, Type.STRING, DEFAULT_BODY, ConfigDef.ValidString.in("keep", "avro", "json"),
          Importance.MEDIUM, "Body of a parsed post: keep (unchanged), avro (Avro binary Post "
              + "record) or json (Avro JSON Post record). Rejected events keep their body.")
      .define(AVRO_SCHEMA_HEADER, Type.BOOLEAN, DEFAULT_AVRO_SCHEMA_HEADER, Importance.LOW,
          "With body avro or json, also set the flume.avro.schema.literal header.")
      .define(COUNTER_GROUP, Type.STRING, DEFAULT_COUNTER_GROUP, ComponentConfig.COMPONENT_NAME,
          Importance.LOW, "Name of the interceptor's counter group (JMX, Prometheus label "
              + "'component').");

  private final Body body;
  private final boolean avroSchemaHeader;
  private final String counterGroup;

  private TweetNormalizerConfig(ComponentConfig config) {
    this.body = Body.valueOf(config.getString(BODY).toUpperCase(Locale.ROOT));
    this.avroSchemaHeader = config.getBoolean(AVRO_SCHEMA_HEADER);
    this.counterGroup = config.getString(COUNTER_GROUP);
  }

  static TweetNormalizerConfig parse(Context context) {
    return new TweetNormalizerConfig(ComponentConfig.parseInterceptor(DEFINITION, context,
        Rejecters.POST_NORMALIZER));
  }

  static TweetNormalizerConfig defaults() {
    return parse(new Context());
  }

  Body body() {
    return body;
  }

  boolean avroSchemaHeader() {
    return avroSchemaHeader;
  }

  String counterGroup() {
    return counterGroup;
  }
}
