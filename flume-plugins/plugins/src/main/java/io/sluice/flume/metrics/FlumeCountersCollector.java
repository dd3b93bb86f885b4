package io.sluice.flume.metrics;

import io.prometheus.client.Collector;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.flume.instrumentation.util.JMXPollUtil;

/**
 * Turns every Flume counter group (as {@link JMXPollUtil#getAllMBeans()} reports them at scrape
 * time) into Prometheus samples; see {@link PrometheusMonitorService} for the naming rules.
 */
final class FlumeCountersCollector extends Collector {

  static final String PREFIX = "flume_";
  static final String TYPE_LABEL = "component_type";
  static final String NAME_LABEL = "component";
  static final String REASON_LABEL = "reason";

  /** Flume attributes that go up and down; every other numeric attribute is a counter. */
  static final Set<String> GAUGES = Set.of("ChannelSize", "ChannelCapacity",
      "ChannelFillPercentage", "OpenConnectionCount",
      // JetstreamSource: the cursor (time_us) of the newest event the channel accepted.
      "CursorUs");
  private static final String TYPE_ATTRIBUTE = "Type";
  private static final String START_TIME = "StartTime";
  private static final String STOP_TIME = "StopTime";
  private static final String UNKNOWN_TYPE = "other";

  private final Supplier<Map<String, Map<String, String>>> groups;

  /** Reads the platform MBean server's Flume groups at every scrape. */
  FlumeCountersCollector() {
    this(JMXPollUtil::getAllMBeans);
  }

  /** Reads groups keyed like {@link JMXPollUtil#getAllMBeans()}: {@code TYPE.name}. */
  FlumeCountersCollector(Supplier<Map<String, Map<String, String>>> groups) {
    this.groups = groups;
  }

  @Override
  public List<MetricFamilySamples> collect() {
    Map<String, Family> families = new TreeMap<>();
    for (Map.Entry<String, Map<String, String>> group : new TreeMap<>(groups.get()).entrySet()) {
      Map<String, String> attributes = group.getValue();
      String type = attributes.get(TYPE_ATTRIBUTE);
      String name = group.getKey();
      if (type != null && name.startsWith(type + ".")) {
        name = name.substring(type.length() + 1);
      }
      String typeLabel = type == null ? UNKNOWN_TYPE : type.toLowerCase(Locale.ROOT);
      for (Map.Entry<String, String> attribute : new TreeMap<>(attributes).entrySet()) {
        String key = attribute.getKey();
        Double value = number(attribute.getValue());
        if (key.equals(TYPE_ATTRIBUTE) || value == null) {
          continue;
        }
        MetricName metric = metricName(key);
        families.computeIfAbsent(metric.family, f -> new Family(f, metric.type, metric.help))
            .add(metric, typeLabel, name, metric.scale * value);
      }
    }
    List<MetricFamilySamples> out = new ArrayList<>(families.size());
    for (Family family : families.values()) {
      out.add(new MetricFamilySamples(family.name, family.type, family.help, family.samples));
    }
    return out;
  }

  /** How one Flume attribute is exported. */
  record MetricName(String family, String sample, Type type, String reason, double scale,
      String help) {
  }

  /**
   * The Prometheus name of a Flume counter-group attribute.
   *
   * @param attribute e.g. {@code EventReceivedCount}, {@code EventRejectedCount.bad-status}
   * @return the family and sample names, the type and, for a per-reason attribute, the reason
   */
  static MetricName metricName(String attribute) {
    if (attribute.equals(START_TIME) || attribute.equals(STOP_TIME)) {
      String family = PREFIX + "component_" + snake(attribute) + "_seconds";
      return new MetricName(family, family, Type.GAUGE, null, 0.001,
          "Flume component " + (attribute.equals(START_TIME) ? "start" : "stop")
              + " time, epoch seconds (0: not started / running)");
    }
    int dot = attribute.indexOf('.');
    String base = dot < 0 ? attribute : attribute.substring(0, dot);
    String reason = dot < 0 ? null : attribute.substring(dot + 1);
    if (GAUGES.contains(base) && reason == null) {
      // A gauge that counts things (OpenConnectionCount) is named by the things, in the plural:
      // Prometheus reserves the _count suffix for histograms and summaries (promtool check metrics).
      String family = PREFIX + (base.endsWith("Count")
          ? snake(base.substring(0, base.length() - 5)) + "s" : snake(base));
      return new MetricName(family, family, Type.GAUGE, null, 1,
          "Flume gauge " + base + " of each component");
    }
    String stem = base.endsWith("Count") ? base.substring(0, base.length() - 5) : base;
    String family = PREFIX + snake(stem) + (reason == null ? "" : "_by_reason");
    return new MetricName(family, family + "_total", Type.COUNTER, reason, 1,
        "Flume counter " + base + (reason == null ? "" : " per reason") + " of each component");
  }

  /** {@code EventReceived} to {@code event_received}; other characters become {@code _}. */
  static String snake(String camel) {
    StringBuilder out = new StringBuilder(camel.length() + 8);
    for (int i = 0; i < camel.length(); i++) {
      char c = camel.charAt(i);
      boolean upper = c >= 'A' && c <= 'Z';
      boolean lower = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (upper) {
        boolean afterLower = i > 0 && !Character.isUpperCase(camel.charAt(i - 1))
            && camel.charAt(i - 1) != '_';
        boolean beforeLower = i > 0 && i + 1 < camel.length()
            && Character.isUpperCase(camel.charAt(i - 1))
            && Character.isLowerCase(camel.charAt(i + 1));
        if (afterLower || beforeLower) {
          out.append('_');
        }
        out.append((char) (c + ('a' - 'A')));
      } else {
        out.append(lower ? c : '_');
      }
    }
    return out.toString();
  }

  private static Double number(String value) {
    if (value == null) {
      return null;
    }
    try {
      double d = Double.parseDouble(value.trim());
      return Double.isNaN(d) ? null : d;
    } catch (NumberFormatException e) {
      return null; // Flume groups may carry text attributes: they are not metrics
    }
  }

  private static final class Family {
    final String name;
    final Type type;
    final String help;
    final List<MetricFamilySamples.Sample> samples = new ArrayList<>();

    Family(String name, Type type, String help) {
      this.name = name;
      this.type = type;
      this.help = help;
    }

    void add(MetricName metric, String componentType, String component, double value) {
      List<String> labels = metric.reason() == null
          ? List.of(TYPE_LABEL, NAME_LABEL) : List.of(TYPE_LABEL, NAME_LABEL, REASON_LABEL);
      List<String> values = metric.reason() == null
          ? List.of(componentType, component) : List.of(componentType, component, metric.reason());
      samples.add(new MetricFamilySamples.Sample(metric.sample(), labels, values, value));
    }
  }
}
