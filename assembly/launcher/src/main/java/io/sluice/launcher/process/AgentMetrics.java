package io.sluice.launcher.process;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One scrape of a Flume agent's Prometheus exposition ({@code GET /metrics} of
 * {@code io.sluice.flume.metrics.PrometheusMonitorService}), read with the Prometheus text format
 * 0.0.4 rules: {@code # HELP} / {@code # TYPE} lines and blank lines are skipped, every other line is
 * {@code name[{label="value",...}] value [timestamp]} with {@code \\}, {@code \"} and {@code \n}
 * escapes in label values.
 *
 * <p>Components are looked up by the keys of {@link AgentFile} ({@code SOURCE.replay},
 * {@code SINK.deadLetter}, {@code INTERCEPTOR.access-log-interceptor}): the part before the first dot,
 * in lower case, is the sample's {@code component_type} label, the rest its {@code component} label,
 * as the monitor service writes them.
 */
public final class AgentMetrics {

  /** One sample line. */
  record Sample(String name, Map<String, String> labels, double value) {
  }

  private final Map<String, List<Sample>> byName;

  private AgentMetrics(Map<String, List<Sample>> byName) {
    this.byName = byName;
  }

  /**
   * Reads an exposition.
   *
   * @throws IllegalArgumentException on a line that is not a sample, naming the line
   */
  public static AgentMetrics parse(String exposition) {
    Map<String, List<Sample>> byName = new HashMap<>();
    for (String line : exposition.split("\n")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      Sample s = sample(l);
      byName.computeIfAbsent(s.name(), n -> new ArrayList<>()).add(s);
    }
    return new AgentMetrics(byName);
  }

  private static Sample sample(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (true) {
        while (i < line.length() && (line.charAt(i) == ',' || line.charAt(i) == ' ')) {
          i++;
        }
        if (i >= line.length()) {
          throw new IllegalArgumentException("unterminated labels in sample: " + line);
        }
        if (line.charAt(i) == '}') {
          i++;
          break;
        }
        int eq = line.indexOf('=', i);
        if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
          throw new IllegalArgumentException("bad label in sample: " + line);
        }
        String label = line.substring(i, eq).strip();
        StringBuilder value = new StringBuilder();
        i = eq + 2;
        while (i < line.length() && line.charAt(i) != '"') {
          char c = line.charAt(i++);
          if (c == '\\' && i < line.length()) {
            char e = line.charAt(i++);
            value.append(e == 'n' ? '\n' : e);
          } else {
            value.append(c);
          }
        }
        if (i >= line.length()) {
          throw new IllegalArgumentException("unterminated label value in sample: " + line);
        }
        i++; // closing quote
        labels.put(label, value.toString());
      }
    }
    String[] rest = line.substring(i).strip().split("\\s+");
    if (name.isEmpty() || rest.length == 0 || rest[0].isEmpty()) {
      throw new IllegalArgumentException("not a sample: " + line);
    }
    double value = switch (rest[0]) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(rest[0]);
    };
    return new Sample(name, labels, value);
  }

  /** Whether any sample belongs to the component {@code key} (e.g. {@code SINK.drain}). */
  public boolean has(String key) {
    String[] c = component(key);
    return byName.values().stream().flatMap(List::stream).anyMatch(s -> matches(s, c));
  }

  /**
   * The value of sample {@code name} (e.g. {@code flume_event_accepted_total}) of component
   * {@code key} without a {@code reason} label; 0 when the component has no such sample.
   */
  public double value(String key, String name) {
    String[] c = component(key);
    for (Sample s : byName.getOrDefault(name, List.of())) {
      if (matches(s, c) && !s.labels().containsKey("reason")) {
        return s.value();
      }
    }
    return 0;
  }

  private static boolean matches(Sample s, String[] component) {
    return component[0].equals(s.labels().get("component_type")) && component[1].equals(s.labels().get("component"));
  }

  private static String[] component(String key) {
    int dot = key.indexOf('.');
    if (dot <= 0) {
      throw new IllegalArgumentException("component key must be TYPE.name, got " + key);
    }
    return new String[] {key.substring(0, dot).toLowerCase(Locale.ROOT), key.substring(dot + 1)};
  }
}
