package io.sluice.flume.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flume.Context;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Validated configuration of one Flume component (source, interceptor, monitor service), declared
 * with Kafka's {@link ConfigDef}: every key is declared once with its name, type, default,
 * validator and documentation (which states the unit), and this class turns a Flume
 * {@link Context} into typed values ({@link #getInt(String)}, {@link #getList(String)}, ...) or
 * fails. It is the one configuration mechanism of Sluice's Flume plugins.
 *
 * <p>Rules, each enforced at {@code configure()} time, key by key, with an
 * {@link InvalidConfigurationException} (a Flume {@code ConfigurationException}) whose message is
 * always {@code <component>: Key '<key>' <what is wrong>} (see {@link #invalid}):
 * <ul>
 *   <li>a value that does not convert to the key's type (e.g. {@code maxEntries = ten}) or that
 *       its validator refuses (e.g. {@code maxEntries = 0});</li>
 *   <li>a key declared without a default that is absent;</li>
 *   <li>a key that is not declared at all (a typo such as {@code windowSecond}), except the keys
 *       Flume itself puts in a component's context ({@value #TYPE_KEY} for every component; a
 *       source also gets {@code channels}, {@code interceptors}, {@code selector.*},
 *       {@code interceptors.*}) and the prefixes a source declares for keys it validates
 *       itself (e.g. {@code rules.}).</li>
 * </ul>
 * Values are trimmed before conversion (Kafka's rules); a boolean must be {@code true} or
 * {@code false}; lists are comma-separated. For a source (as Flume's own sources do), a blank
 * value counts as absent, so the default applies (and a required key left blank is missing); for
 * an interceptor or a service, a blank value is a value, checked by the key's validator.
 */
public final class ComponentConfig extends AbstractConfig {

  /** The key Flume puts in every component's context: the class name or alias. */
  public static final String TYPE_KEY = "type";
  /** Keys Flume sets in every source's context, besides {@value #TYPE_KEY}. */
  public static final String CHANNELS_KEY = "channels";
  public static final String INTERCEPTORS_KEY = "interceptors";
  private static final Set<String> SOURCE_KEYS = Set.of(TYPE_KEY, CHANNELS_KEY, INTERCEPTORS_KEY);
  private static final List<String> SOURCE_PREFIXES = List.of("selector.", "interceptors.");

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
   * @param component the component name used in error messages, e.g. {@code dedup-interceptor}
   * @return the typed configuration
   * @throws InvalidConfigurationException on a bad, missing or unknown key
   */
  public static ComponentConfig parseInterceptor(ConfigDef definition, Context context,
      String component) {
    return parse(definition, context, component, Set.of(TYPE_KEY), List.of(), false);
  }

  /**
   * Parses a source's context: accepts the keys Flume puts there ({@value #TYPE_KEY},
   * {@value #CHANNELS_KEY}, {@value #INTERCEPTORS_KEY}, {@code selector.*},
   * {@code interceptors.*}) and reads a blank value as absent.
   *
   * @param definition the declared keys
   * @param context the source's context
   * @param component the component name used in error messages, e.g. {@code replay-source}
   * @param extraPrefixes prefixes of keys the caller validates itself (e.g. {@code rules.})
   * @return the typed configuration
   * @throws InvalidConfigurationException on a bad, missing or unknown key
   */
  public static ComponentConfig parseSource(ConfigDef definition, Context context,
      String component, Collection<String> extraPrefixes) {
    List<String> prefixes = new ArrayList<>(SOURCE_PREFIXES);
    prefixes.addAll(extraPrefixes);
    return parse(definition, context, component, SOURCE_KEYS, prefixes, true);
  }

  /**
   * Same as {@link #parseSource(ConfigDef, Context, String, Collection)} with no extra prefixes.
   *
   * @param definition the declared keys
   * @param context the source's context
   * @param component the component name used in error messages
   * @return the typed configuration
   * @throws InvalidConfigurationException on a bad, missing or unknown key
   */
  public static ComponentConfig parseSource(ConfigDef definition, Context context,
      String component) {
    return parseSource(definition, context, component, List.of());
  }

  /**
   * Parses a component's context; a blank value is a value.
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
    return parse(definition, context, component, frameworkKeys, frameworkPrefixes, false);
  }

  private static ComponentConfig parse(ConfigDef definition, Context context, String component,
      Collection<String> frameworkKeys, Collection<String> frameworkPrefixes,
      boolean blankIsAbsent) {
    Map<String, String> raw = context == null ? Map.of() : context.getParameters();
    Set<String> unknown = new TreeSet<>();
    for (String key : raw.keySet()) {
      if (!definition.names().contains(key) && !frameworkKeys.contains(key)
          && frameworkPrefixes.stream().noneMatch(key::startsWith)) {
        unknown.add(key);
      }
    }
    if (!unknown.isEmpty()) {
      throw invalid(component, unknown.iterator().next(), "is unknown (unknown configuration key"
          + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown) + "; known keys: "
          + String.join(", ", new TreeSet<>(definition.names())) + ")");
    }
    Map<String, String> values = new HashMap<>();
    for (ConfigDef.ConfigKey key : definition.configKeys().values()) {
      String value = raw.get(key.name);
      if (value != null && blankIsAbsent) {
        value = value.trim();
        value = value.isEmpty() ? null : value;
      }
      if (value == null) {
        if (!key.hasDefault()) {
          throw invalid(component, key.name, "is required (no default): " + key.documentation);
        }
        continue;
      }
      try {
        Object parsed = ConfigDef.parseType(key.name, value, key.type);
        if (key.validator != null) {
          key.validator.ensureValid(key.name, parsed);
        }
      } catch (ConfigException e) {
        throw invalid(component, key.name, ": " + e.getMessage(), e);
      }
      values.put(key.name, value);
    }
    try {
      return new ComponentConfig(definition, values, component);
    } catch (ConfigException e) { // a default that its own validator refuses: a coding error
      throw new InvalidConfigurationException(component + ": " + e.getMessage(), e);
    }
  }

  /**
   * The error for a bad key, in the one message format of Sluice's components.
   *
   * @param component the component, e.g. {@code replay-source}
   * @param key the offending key
   * @param problem what is wrong, e.g. {@code must be >= 1} or {@code : <detail>}
   * @param cause the underlying error, may be null
   * @return {@code <component>: Key '<key>' <problem>}
   */
  public static InvalidConfigurationException invalid(String component, String key,
      String problem, Throwable cause) {
    String what = problem.strip();
    return new InvalidConfigurationException(component + ": Key '" + key + "'"
        + (what.startsWith(":") ? "" : " ") + what, cause);
  }

  /**
   * Same as {@link #invalid(String, String, String, Throwable)} without a cause.
   *
   * @param component the component
   * @param key the offending key
   * @param problem what is wrong
   * @return {@code <component>: Key '<key>' <problem>}
   */
  public static InvalidConfigurationException invalid(String component, String key,
      String problem) {
    return invalid(component, key, problem, null);
  }

  /**
   * The error for a bad key of this component, see {@link #invalid(String, String, String)}.
   *
   * @param key the offending key
   * @param problem what is wrong
   * @return {@code <component>: Key '<key>' <problem>}
   */
  public InvalidConfigurationException invalid(String key, String problem) {
    return invalid(component, key, problem, null);
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
