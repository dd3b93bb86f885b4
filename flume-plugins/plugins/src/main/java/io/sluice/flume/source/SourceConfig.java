package io.sluice.flume.source;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flume.Context;
import org.apache.flume.conf.ConfigurationException;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The validated configuration of one source: the keys of a Kafka {@link ConfigDef} (each declared
 * once with name, type, default, validator and a doc that states the unit) read from a Flume
 * {@link Context}, with typed getters ({@link #getInt(String)}, {@link #getList(String)}, ...).
 *
 * <p>{@link #parse} enforces, key by key, and fails with Flume's {@link ConfigurationException}
 * whose message starts with {@code Key '<name>'}:
 * <ul>
 *   <li>a value that does not convert to the key's type or that its validator refuses;</li>
 *   <li>a key declared without a default that is absent or blank;</li>
 *   <li>a key that is not declared (a typo such as {@code batchsize}), except those Flume itself
 *       puts in a source's context ({@value #TYPE}, {@value #CHANNELS}, {@value #INTERCEPTORS},
 *       {@code selector.*}, {@code interceptors.*}) and the prefixes the caller declares for keys
 *       it validates itself.</li>
 * </ul>
 * Values are trimmed; a blank value counts as absent, so the default applies. Booleans must be
 * {@code true} or {@code false}; lists are comma-separated.
 */
public final class SourceConfig extends AbstractConfig {

  /** Keys Flume sets in every source's context. */
  public static final String TYPE = "type";
  public static final String CHANNELS = "channels";
  public static final String INTERCEPTORS = "interceptors";
  private static final Set<String> FRAMEWORK_KEYS = Set.of(TYPE, CHANNELS, INTERCEPTORS);
  private static final List<String> FRAMEWORK_PREFIXES = List.of("selector.", "interceptors.");

  private SourceConfig(ConfigDef definition, Map<String, String> values) {
    super(definition, values, false);
  }

  /**
   * Reads and validates a source's context.
   *
   * @param definition the declared keys
   * @param context the source's context
   * @param extraPrefixes prefixes of keys the caller validates itself (e.g. {@code rules.})
   * @return the typed configuration
   * @throws ConfigurationException naming the first bad, missing or unknown key
   */
  public static SourceConfig parse(ConfigDef definition, Context context,
      Collection<String> extraPrefixes) {
    Map<String, String> raw = context.getParameters();
    Set<String> unknown = new TreeSet<>();
    for (String key : raw.keySet()) {
      if (!definition.names().contains(key) && !FRAMEWORK_KEYS.contains(key)
          && FRAMEWORK_PREFIXES.stream().noneMatch(key::startsWith)
          && extraPrefixes.stream().noneMatch(key::startsWith)) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      String first = unknown.iterator().next();
      throw new ConfigurationException("Key '" + first + "' is not a configuration key of this "
          + "source (unknown: " + String.join(", ", unknown) + "; known: "
          + String.join(", ", new TreeSet<>(definition.names())) + ")");
    }
    Map<String, String> values = new HashMap<>();
    for (ConfigDef.ConfigKey key : definition.configKeys().values()) {
      String value = raw.get(key.name);
      value = value == null ? null : value.trim();
      if (value == null || value.isEmpty()) {
        if (!key.hasDefault()) {
          throw new ConfigurationException(
              "Key '" + key.name + "' is required (no default): " + key.documentation);
        }
        continue;
      }
      try {
        Object parsed = ConfigDef.parseType(key.name, value, key.type);
        if (key.validator != null) {
          key.validator.ensureValid(key.name, parsed);
        }
      } catch (ConfigException e) {
        throw new ConfigurationException("Key '" + key.name + "': " + e.getMessage(), e);
      }
      values.put(key.name, value);
    }
    try {
      return new SourceConfig(definition, values);
    } catch (ConfigException e) { // a default that its own validator refuses: a coding error
      throw new ConfigurationException(e.getMessage(), e);
    }
  }

  /** Same as {@link #parse(ConfigDef, Context, Collection)} with no extra prefixes. */
  public static SourceConfig parse(ConfigDef definition, Context context) {
    return parse(definition, context, List.of());
  }
}
