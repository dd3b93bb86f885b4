package io.sluice.flume.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flume.Context;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Validated configuration of one Flume component, declared with Kafka's {@link ConfigDef}: every
 * key is declared once with its name, type, default, validator and documentation (which states
 * the unit), and this class turns a Flume {@link Context} into typed values or fails.
 *
 * <p>Rules, each enforced at {@code configure()} time with an {@link InvalidConfigurationException}
 * naming the component and the key:
 * <ul>
 *   <li>a value that does not convert to the key's type (e.g. {@code maxEntries = ten}) or that
 *       its validator refuses (e.g. {@code maxEntries = 0});</li>
 *   <li>a key declared without a default and left out;</li>
 *   <li>a key that is not declared at all (a typo such as {@code windowSecond}), except the keys
 *       Flume itself puts in a component's context ({@code type} for interceptors; a source also
 *       gets {@code channels}, {@code selector.*}, {@code interceptors*}), given as
 *       {@code frameworkKeys} / {@code frameworkPrefixes}.</li>
 * </ul>
 * Values are trimmed before conversion (Kafka's rules); a boolean must be {@code true} or
 * {@code false}.
 */
public final class ComponentConfig extends AbstractConfig {

  /** The key Flume puts in every interceptor's context: the builder's class name or alias. */
  public static final String TYPE_KEY = "type";

  /**
   * Validator of names used in JMX object names and metric labels (counter groups): 1..100
   * characters among letters, digits, {@code .}, {@code _} and {@code -}.
   */
  public static final ConfigDef.Validator COMPONENT_NAME = new ConfigDef.Validator() {
    @Override
    public void ensureValid(String name, Object value) {
      String s = (String) value;
      if (s == null || s.isEmpty() || s.length() > 100 || !s.chars().allMatch(c ->
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
              || c == '.' || c == '_' || c == '-')) {
        throw new ConfigException(name, value,
            "must be 1..100 characters among letters, digits, '.', '_' and '-'");
      }
    }

    @Override
    public String toString() {
      return "[A-Za-z0-9._-]{1,100}";
    }
  };

  private final String component;

  private ComponentConfig(ConfigDef definition, Map<String, String> values, String component) {
    super(definition, values, false);
    this.component = component;
  }

  /**
   * Parses an interceptor's context (which also holds {@value #TYPE_KEY}).
   *
   * @param definition the declared keys
   * @param context the Flume context
   * @param component the component name used in error messages
   * @return the typed configuration
   * @throws InvalidConfigurationException on a bad, missing or unknown key
   */
  public static ComponentConfig parseInterceptor(ConfigDef definition, Context context,
      String component) {
    return parse(definition, context, component, Set.of(TYPE_KEY), List.of());
  }

  /**
   * Parses a component's context.
   *
   * @param definition the declared keys
   * @param context the Flume context; null is read as empty
   * @param component the component name used in error messages
   * @param frameworkKeys keys Flume itself sets, accepted and ignored
   * @param frameworkPrefixes key prefixes Flume itself uses, accepted and ignored
   * @return the typed configuration
   * @throws InvalidConfigurationException on a bad, missing or unknown key
   */
  public static ComponentConfig parse(ConfigDef definition, Context context, String component,
      Collection<String> frameworkKeys, Collection<String> frameworkPrefixes) {
    Map<String, String> values = context == null ? Map.of() : context.getParameters();
    Set<String> unknown = new TreeSet<>();
    for (String key : values.keySet()) {
      if (!definition.names().contains(key) && !frameworkKeys.contains(key)
          && frameworkPrefixes.stream().noneMatch(key::startsWith)) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      throw new InvalidConfigurationException(component + ": unknown configuration key"
          + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown) + " (known keys: "
          + String.join(", ", new TreeSet<>(definition.names())) + ")", null);
    }
    try {
      return new ComponentConfig(definition, values, component);
    } catch (ConfigException e) {
      throw new InvalidConfigurationException(component + ": " + e.getMessage(), e);
    }
  }

  /**
   * The component name given at parse time.
   *
   * @return e.g. {@code dedup-interceptor}
   */
  public String component() {
    return component;
  }

  /**
   * Documentation of every key, one line each: {@code name (type, default d): doc}.
   *
   * @param definition the declared keys
   * @return the lines, in declaration order
   */
  public static List<String> describe(ConfigDef definition) {
    List<String> lines = new ArrayList<>();
    for (ConfigDef.ConfigKey key : definition.configKeys().values()) {
      String defaultValue = key.hasDefault() ? String.valueOf(key.defaultValue) : "required";
      lines.add(key.name + " (" + key.type.name().toLowerCase() + ", default " + defaultValue
          + "): " + key.documentation);
    }
    return lines;
  }
}
