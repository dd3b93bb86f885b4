package io.sluice.spark.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spark.BatchOutputs;
import io.sluice.spark.Summary;
import io.sluice.spark.SummaryWriter;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
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
 *  "summary": summary.json, the logs half from the input with the most lines, the tweets half from
 *             the input with the most records (a job per pipeline, or one for both),
 *  "logs":   {"windows": [logs-window.json, ... oldest first], "alerts": [alert, ...],
 *             "totals": the latest logs-totals.json}   or null without any logs output,
 *  "tweets": {"windows": [tweets-window.json, ...], "totals": the latest tweets-totals.json} or null}
 * </pre>
 * Only the {@code maxWindows} latest windows of each pipeline are kept (alerts: all). Files that
 * are missing or unreadable (a batch directory being written) are skipped.
 */
public final class ReportData {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ReportData() {}

  public static ObjectNode collect(List<String> inputs, int maxWindows, Configuration conf) throws IOException {
    JsonNode logsSummary = null;
    JsonNode tweetsSummary = null;
    TreeMap<Long, JsonNode> logWindows = new TreeMap<>();
    TreeMap<Long, JsonNode> tweetWindows = new TreeMap<>();
    Map<String, JsonNode> alerts = new LinkedHashMap<>();
    JsonNode logsTotals = null;
    JsonNode tweetsTotals = null;
    for (String input : inputs) {
      FileSystem fs = FileSystem.get(URI.create(input), conf);
      Path root = new Path(input);
      JsonNode summary = read(fs, new Path(root, SummaryWriter.FILE_NAME));
      if (summary != null) {
        if (logsSummary == null || summary.path("logs").path("lines").asLong() > logsSummary.path("lines").asLong()) {
          logsSummary = summary.path("logs");
        }
        if (tweetsSummary == null
            || summary.path("tweets").path("records").asLong() > tweetsSummary.path("records").asLong()) {
          tweetsSummary = summary.path("tweets");
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
        JsonNode lw = read(fs, new Path(d.getPath(), BatchOutputs.LOGS_WINDOW));
        if (lw != null) {
          logWindows.put(time, lw);
        }
        JsonNode tw = read(fs, new Path(d.getPath(), BatchOutputs.TWEETS_WINDOW));
        if (tw != null) {
          tweetWindows.put(time, tw);
        }
        JsonNode al = read(fs, new Path(d.getPath(), BatchOutputs.ALERTS));
        if (al != null) {
          al.path("alerts").forEach(a -> alerts.put(a.path("id").asText(), a));
        }
        JsonNode lt = read(fs, new Path(d.getPath(), BatchOutputs.LOGS_TOTALS));
        if (lt != null && (logsTotals == null || time >= logsTotals.path("batchTime").asLong())) {
          logsTotals = lt;
        }
        JsonNode tt = read(fs, new Path(d.getPath(), BatchOutputs.TWEETS_TOTALS));
        if (tt != null && (tweetsTotals == null || time >= tweetsTotals.path("batchTime").asLong())) {
          tweetsTotals = tt;
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
    summary.set("logs", logsSummary != null ? logsSummary : empty.get("logs"));
    summary.set("tweets", tweetsSummary != null ? tweetsSummary : empty.get("tweets"));
    if (!logWindows.isEmpty() || logsTotals != null) {
      ObjectNode logs = report.putObject("logs");
      logs.set("windows", latest(logWindows, maxWindows));
      ArrayNode a = logs.putArray("alerts");
      alerts.values().stream().sorted(Comparator.comparingLong(x -> x.path("windowEnd").asLong())).forEach(a::add);
      logs.set("totals", logsTotals);
    } else {
      report.putNull("logs");
    }
    if (!tweetWindows.isEmpty() || tweetsTotals != null) {
      ObjectNode tweets = report.putObject("tweets");
      tweets.set("windows", latest(tweetWindows, maxWindows));
      tweets.set("totals", tweetsTotals);
    } else {
      report.putNull("tweets");
    }
    return report;
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
