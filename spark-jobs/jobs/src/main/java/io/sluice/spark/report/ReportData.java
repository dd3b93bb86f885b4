package io.sluice.spark.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spark.analytics.AnomalousClientAlert;
import io.sluice.spark.analytics.PipelineAnalytics;
import io.sluice.spark.analytics.TrafficForecastAlert;
import io.sluice.spark.output.BatchOutputs;
import io.sluice.spark.output.Summary;
import io.sluice.spark.output.SummaryWriter;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Collects what a report shows from the outputs of one or more analytics jobs (local or HDFS
 * locations holding {@code summary.json} and {@code batches/<batch time>/}, see
 * {@link BatchOutputs}), into one JSON document:
 * <pre>
 * {"generatedAt": ms, "inputs": [uri, ...], "maxWindows": n,
 *  "summary": summary.json, each pipeline's section from the input that counted most of it (its
 *             count field: logs and syslog lines, tweet records; a job per pipeline, or one for all),
 *  "logs":   {"windowTime": "event" | "arrival",
 *             "windows": [window, ... by windowStart], "alerts": [alert, ... by windowEnd],
 *             "arrivalWindows": [arrival window, ... by windowEnd],
 *             "totals": the latest logs-totals.json}   or null without any logs output,
 *  "tweets": {"windowTime": ..., "windows": [...], "arrivalWindows": [...], "totals": the latest
 *             tweets-totals.json} or null,
 *  "syslog": {"windowTime": ..., "windows": [...], "alerts": [brute-force alert, ...],
 *             "arrivalWindows": [...], "totals": the latest syslog-totals.json} or null,
 *  "anomalies": {"windows": [{"windowStart": ms, "windowEnd": ms, "requests": n,
 *                             "forecast": {"predicted", "lower", "upper", "outsideBand"} or null}, ...],
 *                "flagged": [{"windowStart": ms, "windowEnd": ms, "clientIp", "distance", "threshold",
 *                             "cluster", "features": {name: value}}, ...],
 *                "alerts": [anomalous-client and traffic-forecast alerts, ...]}  or null}
 * </pre>
 * <p>{@code anomalies} comes from the closed event-time logs windows ({@code logs-event-windows.json})
 * that the anomaly models saw (those with a {@code forecast} field), in event-time order, each
 * window once; the {@code maxWindows} latest windows, the {@value #MAX_FLAGGED} latest flags and
 * all the models' alerts (in window order); null when no window has model output.
 *
 * <p><b>Clocks.</b> {@code windows} and {@code alerts} are on event time ({@code windowTime}
 * {@code "event"}) when the inputs hold any of the pipeline's event-time windows
 * ({@code <pipeline>-event-windows.json}, a job with {@code --window-time event}, the default):
 * its windows from every batch directory of every input, each once, ordered by
 * {@code windowStart}, and their alerts. Otherwise ({@code "arrival"}: a job with
 * {@code --window-time arrival}, or one whose watermark has closed no window yet) they are the
 * arrival-time windows ({@code <pipeline>-window.json}) and the alerts of {@code alerts.json} /
 * {@code syslog-alerts.json}. {@code arrivalWindows} is always the arrival-time view, each window
 * cut to {@code {"windowStart": ms, "windowEnd": ms, "windowSeconds": s, "events": n,
 * "eventsPerSecond": x, "lag": {"events": n, "p50Seconds": x, "p99Seconds": y, "maxSeconds": z}}}
 * (events: parsed log lines, distinct tweets, parsed syslog lines; {@code lag} as in the window
 * file, absent from windows written before it existed).
 *
 * <p>Only the {@code maxWindows} latest windows of each list are kept (alerts: all). Files that
 * are missing or unreadable (a batch directory being written) are skipped.
 */
public final class ReportData {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Most flagged clients listed under {@code anomalies}. */
  static final int MAX_FLAGGED = 200;

  private ReportData() {}

  public static ObjectNode collect(List<String> inputs, int maxWindows, Configuration conf) throws IOException {
    PipelineAnalytics[] pipelines = PipelineAnalytics.values();
    Map<PipelineAnalytics, Section> sections = new EnumMap<>(PipelineAnalytics.class);
    for (PipelineAnalytics p : pipelines) {
      sections.put(p, new Section());
    }
    Anomalies anomalies = new Anomalies();
    for (String input : inputs) {
      FileSystem fs = FileSystem.get(URI.create(input), conf);
      Path root = new Path(input);
      JsonNode summary = read(fs, new Path(root, SummaryWriter.FILE_NAME));
      if (summary != null) {
        for (PipelineAnalytics p : pipelines) {
          Section section = sections.get(p);
          JsonNode found = summary.path(p.id());
          if (section.summary == null || p.count(found) > p.count(section.summary)) {
            section.summary = found;
          }
        }
      }
      Path batches = new Path(root, BatchOutputs.BATCHES);
      if (!fs.exists(batches)) {
        continue;
      }
      List<FileStatus> dirs = new ArrayList<>();
      for (FileStatus d : fs.listStatus(batches)) {
        if (d.isDirectory() && d.getPath().getName().matches("\\d+")) {
          dirs.add(d);
        }
      }
      dirs.sort(Comparator.comparingLong(d -> Long.parseLong(d.getPath().getName())));
      for (FileStatus d : dirs) {
        long time = Long.parseLong(d.getPath().getName());
        for (PipelineAnalytics p : pipelines) {
          Section section = sections.get(p);
          JsonNode window = read(fs, new Path(d.getPath(), p.windowFile()));
          if (window != null) {
            section.windows.put(time, window);
          }
          JsonNode event = read(fs, new Path(d.getPath(), p.eventWindowsFile()));
          if (event != null) {
            event.path("windows").forEach(w -> section.eventWindows.put(w.path("windowStart").asLong(), w));
            // The window rules' alerts (error rate, brute force); the anomaly models' are under "anomalies".
            event.path("alerts").forEach(a -> {
              String type = a.path("type").asText();
              if (!type.equals(AnomalousClientAlert.ANOMALOUS_CLIENT) && !type.equals(TrafficForecastAlert.TRAFFIC_FORECAST)) {
                section.eventAlerts.put(a.path("id").asText(), a);
              }
            });
          }
          if (p.hasAlerts()) {
            JsonNode al = read(fs, new Path(d.getPath(), p.alertsFile()));
            if (al != null) {
              al.path("alerts").forEach(a -> section.alerts.put(a.path("id").asText(), a));
            }
          }
          if (p == PipelineAnalytics.LOGS) {
            anomalies.add(read(fs, new Path(d.getPath(), p.eventWindowsFile())));
          }
          JsonNode totals = read(fs, new Path(d.getPath(), p.totalsFile()));
          if (totals != null && (section.totals == null || time >= section.totals.path("batchTime").asLong())) {
            section.totals = totals;
          }
        }
      }
    }
    ObjectNode report = JSON.createObjectNode();
    report.put("generatedAt", System.currentTimeMillis());
    ArrayNode in = report.putArray("inputs");
    inputs.forEach(in::add);
    report.put("maxWindows", maxWindows);
    ObjectNode summary = report.putObject("summary");
    JsonNode empty = Summary.empty().toJsonTree();
    for (PipelineAnalytics p : pipelines) {
      JsonNode found = sections.get(p).summary;
      summary.set(p.id(), found != null ? found : empty.get(p.id()));
    }
    for (PipelineAnalytics p : pipelines) {
      Section section = sections.get(p);
      if (!section.windows.isEmpty() || !section.eventWindows.isEmpty() || section.totals != null) {
        ObjectNode node = report.putObject(p.id());
        boolean event = !section.eventWindows.isEmpty();
        node.put("windowTime", event ? "event" : "arrival");
        node.set("windows", latest(event ? section.eventWindows : section.windows, maxWindows));
        if (p.hasAlerts()) {
          ArrayNode a = node.putArray("alerts");
          (event ? section.eventAlerts : section.alerts).values().stream()
              .sorted(Comparator.comparingLong(x -> x.path("windowEnd").asLong()))
              .forEach(a::add);
        }
        ArrayNode arrival = node.putArray("arrivalWindows");
        latest(section.windows, maxWindows).forEach(w -> arrival.add(arrivalView(p, w)));
        node.set("totals", section.totals);
      } else {
        report.putNull(p.id());
      }
    }
    report.set("anomalies", anomalies.toJson(maxWindows));
    return report;
  }

  /** The anomaly models' output in the event-time logs windows of the inputs. */
  private static final class Anomalies {
    final TreeMap<Long, JsonNode> windows = new TreeMap<>();
    final Map<String, JsonNode> alerts = new LinkedHashMap<>();

    void add(JsonNode eventWindows) {
      if (eventWindows == null) {
        return;
      }
      for (JsonNode w : eventWindows.path("windows")) {
        if (w.has("forecast")) {
          windows.put(w.path("windowStart").asLong(), w);
        }
      }
      for (JsonNode a : eventWindows.path("alerts")) {
        String type = a.path("type").asText();
        if (type.equals(AnomalousClientAlert.ANOMALOUS_CLIENT) || type.equals(TrafficForecastAlert.TRAFFIC_FORECAST)) {
          alerts.put(a.path("id").asText(), a);
        }
      }
    }

    JsonNode toJson(int maxWindows) {
      if (windows.isEmpty()) {
        return com.fasterxml.jackson.databind.node.NullNode.getInstance();
      }
      ObjectNode json = JSON.createObjectNode();
      ArrayNode series = json.putArray("windows");
      List<JsonNode> flagged = new ArrayList<>();
      for (JsonNode w : windows.values()) {
        ObjectNode point = JSON.createObjectNode();
        point.set("windowStart", w.path("windowStart"));
        point.set("windowEnd", w.path("windowEnd"));
        point.set("requests", w.path("requests"));
        point.set("forecast", w.path("forecast"));
        series.add(point);
        for (JsonNode c : w.path("anomalousClients")) {
          ObjectNode f = JSON.createObjectNode();
          f.set("windowStart", w.path("windowStart"));
          f.set("windowEnd", w.path("windowEnd"));
          f.setAll((ObjectNode) c);
          flagged.add(f);
        }
      }
      json.set("windows", latest(series, maxWindows));
      json.set("flagged", latest(flagged, MAX_FLAGGED));
      ArrayNode a = json.putArray("alerts");
      alerts.values().stream().sorted(Comparator.comparingLong(x -> x.path("windowEnd").asLong())).forEach(a::add);
      return json;
    }

    private static ArrayNode latest(Iterable<JsonNode> all, int n) {
      List<JsonNode> list = new ArrayList<>();
      all.forEach(list::add);
      ArrayNode out = JSON.createArrayNode();
      list.subList(Math.max(0, list.size() - n), list.size()).forEach(out::add);
      return out;
    }
  }

  /** What the inputs hold for one pipeline. */
  private static final class Section {
    JsonNode summary;
    /** Arrival-time windows by batch time (their end). */
    final TreeMap<Long, JsonNode> windows = new TreeMap<>();
    final Map<String, JsonNode> alerts = new LinkedHashMap<>();
    /** Event-time windows by start: each closed once, whichever batch directory holds it. */
    final TreeMap<Long, JsonNode> eventWindows = new TreeMap<>();
    final Map<String, JsonNode> eventAlerts = new LinkedHashMap<>();
    JsonNode totals;
  }

  /** The events a pipeline's window counts and its rate field: requests, distinct tweets, parsed lines. */
  private static final Map<PipelineAnalytics, String[]> COUNTS = Map.of(
      PipelineAnalytics.LOGS, new String[] {"requests", "requestsPerSecond"},
      PipelineAnalytics.TWEETS, new String[] {"tweets", "tweetsPerSecond"},
      PipelineAnalytics.SYSLOG, new String[] {"parsed", "linesPerSecond"});

  /** An arrival-time window cut to its times, events, rate and lag. */
  private static ObjectNode arrivalView(PipelineAnalytics p, JsonNode w) {
    String[] fields = COUNTS.get(p);
    ObjectNode a = JSON.createObjectNode();
    a.put("windowStart", w.path("windowStart").asLong());
    a.put("windowEnd", w.path("windowEnd").asLong());
    a.put("windowSeconds", w.path("windowSeconds").asDouble());
    a.put("events", w.path(fields[0]).asLong());
    a.put("eventsPerSecond", w.path(fields[1]).asDouble());
    if (w.has("lag")) {
      a.set("lag", w.get("lag"));
    }
    return a;
  }

  private static ArrayNode latest(TreeMap<Long, JsonNode> windows, int n) {
    ArrayNode out = JSON.createArrayNode();
    List<JsonNode> all = new ArrayList<>(windows.values());
    all.subList(Math.max(0, all.size() - n), all.size()).forEach(out::add);
    return out;
  }

  private static JsonNode read(FileSystem fs, Path file) {
    try {
      if (!fs.exists(file)) {
        return null;
      }
      try (InputStream in = fs.open(file)) {
        return JSON.readTree(in);
      }
    } catch (IOException e) {
      return null;
    }
  }
}
