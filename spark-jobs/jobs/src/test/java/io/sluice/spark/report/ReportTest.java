package io.sluice.spark.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spark.SampleEvents;
import io.sluice.spark.SparkTestContexts;
import io.sluice.spark.analytics.EventWindowFixtures;
import io.sluice.spark.analytics.Lag;
import io.sluice.spark.analytics.ErrorRateAlert;
import io.sluice.spark.analytics.Alert;
import io.sluice.spark.analytics.Analytics;
import io.sluice.spark.analytics.AnomalyWindows;
import io.sluice.spark.analytics.ErrorRateRule;
import io.sluice.spark.analytics.Metric;
import io.sluice.spark.analytics.PipelineAnalytics;
import io.sluice.spark.analytics.Tally;
import io.sluice.spark.analytics.Window;
import io.sluice.spark.analytics.ml.ClientFeatures;
import io.sluice.spark.analytics.ml.WindowModels;
import io.sluice.spark.input.EventRecord;
import io.sluice.spark.output.BatchOutputs;
import io.sluice.spark.output.OutputStore;
import io.sluice.spark.output.Summary;
import io.sluice.spark.output.SummaryWriter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;

/**
 * The HTML report built from job outputs of the real sample data (windows, alerts and totals
 * computed by the analytics functions and written by the job's writers, one output location per
 * pipeline), rendered in a real headless Chromium (Debian's {@code chromium}, installed through
 * {@code assembly/support/ensure-debian-packages.sh} when missing).
 */
class ReportTest {

  private static final long T0 = 1_700_000_000_000L;
  private static final ErrorRateRule RULE = new ErrorRateRule(0.0005, 100);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;

  private static Path logsOut;
  private static Path tweetsOut;
  private static Path syslogOut;
  private static Path html;
  private static int expectedAlerts;
  private static int expectedBruteForceAlerts;
  private static int expectedLogWindows;
  private static int expectedTweetWindows;
  private static int expectedSyslogWindows;
  private static List<String> syslogAlertIds;
  private static long lastSyslogStart;
  private static List<String> expectedAnomalyAlerts;
  private static final long HOUR = 3_600_000L;
  private static ObjectNode expectedTweetsTotals;

  @BeforeAll
  static void writeOutputsOfTheRealData() throws IOException {
    JavaSparkContext sc = new JavaSparkContext(SparkTestContexts.conf("ReportTest"));
    try {
      logsOut = dir.resolve("logs");
      tweetsOut = dir.resolve("tweets");
      // As a job with --window-time event writes them: arrival-time windows with their lag (every
      // 10 s of batch time, no alerts), and the event-time windows closed by the watermark, with
      // their alerts, spread over the batch directories.
      List<Map<String, String>> logs = SampleEvents.logEvents();
      BatchOutputs logBatches = new BatchOutputs(OutputStore.local(logsOut));
      int chunk = 1000;
      for (int k = 0; k * chunk < logs.size(); k++) {
        long end = T0 + (k + 1) * 10_000L;
        JavaRDD<EventRecord> records = sc.parallelize(
            SampleEvents.records(logs.subList(k * chunk, Math.min(logs.size(), (k + 1) * chunk))), 2);
        JavaPairRDD<Metric, Tally> metrics = Analytics.logWindowMetrics(records)
            .union(Lag.metrics(records.filter(EventRecord::isParsedLog), end)).cache();
        logBatches.write(end, BatchOutputs.LOGS_WINDOW, "logs", Window.logs(metrics, end - 10_000, end, 10, 20, RULE).toJsonTree());
        metrics.unpersist(false);
      }
      List<EventRecord> parsedLogs = SampleEvents.records(logs).stream().filter(EventRecord::isParsedLog).toList();
      List<Window> logWindows = EventWindowFixtures.closed(PipelineAnalytics.LOGS, parsedLogs, 3_600_000, 3_600_000,
          10, 20, RULE);
      expectedLogWindows = logWindows.size();
      expectedAlerts = writeEventWindows(logBatches, "logs", BatchOutputs.LOGS_EVENT_WINDOWS, logWindows, 10);
      // The anomaly models' windows, as the job writes them (every hour, the last as an idle flush
      // would close it), in later batch directories: the report keeps each window start once.
      expectedAnomalyAlerts = writeModelWindows(sc, logBatches, SampleEvents.records(logs));
      JavaPairRDD<Metric, Tally> logTotals = Analytics.metrics(sc.parallelize(SampleEvents.records(logs), 4), 1_800_000L).cache();
      Summary logSummary = Analytics.summarize(logTotals, 10);
      logBatches.write(T0 + 200_000, BatchOutputs.LOGS_TOTALS, "logs", PipelineAnalytics.LOGS.totalsJson(logSummary, 10));
      new SummaryWriter(logsOut).write(T0 + 200_000, logSummary);

      List<Map<String, String>> tweets = SampleEvents.tweetEvents();
      BatchOutputs tweetBatches = new BatchOutputs(OutputStore.local(tweetsOut));
      for (int k = 0; k * 190 < tweets.size(); k++) {
        long end = T0 + (k + 1) * 10_000L;
        JavaRDD<EventRecord> distinct = Analytics.distinctTweets(
            sc.parallelize(SampleEvents.records(tweets.subList(k * 190, Math.min(tweets.size(), (k + 1) * 190))), 2));
        JavaPairRDD<Metric, Tally> metrics = Analytics.tweetMetrics(distinct).union(Lag.metrics(distinct, end)).cache();
        tweetBatches.write(end, BatchOutputs.TWEETS_WINDOW, "tweets", Window.tweets(metrics, end - 60_000, end, 10).toJsonTree());
      }
      List<Window> tweetWindows = EventWindowFixtures.closed(PipelineAnalytics.TWEETS,
          Analytics.distinctTweets(sc.parallelize(SampleEvents.records(tweets), 2)).collect(), 2_592_000_000L,
          2_592_000_000L, 10, 0, null);
      expectedTweetWindows = tweetWindows.size();
      writeEventWindows(tweetBatches, "tweets", BatchOutputs.TWEETS_EVENT_WINDOWS, tweetWindows, 5);
      Summary tweetSummary = Analytics.summarize(Analytics.metrics(sc.parallelize(SampleEvents.records(tweets), 4), 1L), 10);
      expectedTweetsTotals = PipelineAnalytics.TWEETS.totalsJson(tweetSummary, 10);
      tweetBatches.write(T0 + 100_000, BatchOutputs.TWEETS_TOTALS, "tweets", expectedTweetsTotals);
      new SummaryWriter(tweetsOut).write(T0 + 100_000, tweetSummary);

      syslogOut = dir.resolve("syslog");
      List<Map<String, String>> syslog = SampleEvents.syslogEvents();
      BatchOutputs syslogBatches = new BatchOutputs(OutputStore.local(syslogOut));
      for (int k = 0; k * 1000 < syslog.size(); k++) {
        long end = T0 + (k + 1) * 10_000L;
        JavaRDD<EventRecord> records = sc.parallelize(
            SampleEvents.records(syslog.subList(k * 1000, Math.min(syslog.size(), (k + 1) * 1000))), 2);
        JavaPairRDD<Metric, Tally> metrics = Analytics.eventMetrics(records)
            .union(Lag.metrics(records.filter(e -> !e.isRejected()), end)).cache();
        syslogBatches.write(end, BatchOutputs.SYSLOG_WINDOW, "syslog", Window.syslog(metrics, end - 10_000, end, 10, 30).toJsonTree());
        metrics.unpersist(false);
      }
      List<EventRecord> parsedSyslog = SampleEvents.records(syslog).stream().filter(e -> !e.isRejected()).toList();
      // The job's default brute-force rule: more than 10 failures in 60 s.
      List<Window> syslogWindows = EventWindowFixtures.closed(PipelineAnalytics.SYSLOG, parsedSyslog, 60_000, 60_000,
          10, 10, null);
      expectedSyslogWindows = syslogWindows.size();
      lastSyslogStart = syslogWindows.get(syslogWindows.size() - 1).startMs();
      syslogAlertIds = new java.util.ArrayList<>();
      syslogWindows.forEach(w -> w.alerts().forEach(a -> syslogAlertIds.add(a.id())));
      expectedBruteForceAlerts = writeEventWindows(syslogBatches, "syslog", BatchOutputs.SYSLOG_EVENT_WINDOWS,
          syslogWindows, 8);
      Summary syslogSummary = Analytics.summarize(Analytics.metrics(sc.parallelize(SampleEvents.records(syslog), 4), 1L), 10);
      syslogBatches.write(T0 + 100_000, BatchOutputs.SYSLOG_TOTALS, "syslog",
          PipelineAnalytics.SYSLOG.totalsJson(syslogSummary, 10));
      new SummaryWriter(syslogOut).write(T0 + 100_000, syslogSummary);
    } finally {
      sc.stop();
    }
    html = dir.resolve("report.html");
    ReportBuilder.build(ReportConfig.parse("--in", logsOut + "," + tweetsOut + "," + syslogOut, "--out", html.toString()),
        new Configuration());
  }

  /**
   * Writes {@code windows} as the event-windows files of {@code batches} batch directories, in
   * start order, the first window also a second time (a batch run again after a restart);
   * returns how many alerts they raised.
   */
  private static int writeEventWindows(BatchOutputs out, String pipeline, String file, List<Window> windows,
      int batches) {
    int alerts = 0;
    int per = (windows.size() + batches - 1) / batches;
    for (int b = 0; b * per < windows.size(); b++) {
      ObjectNode json = JSON.createObjectNode();
      json.put("watermark", windows.get(Math.min(windows.size(), (b + 1) * per) - 1).endMs());
      List<Window> these = new java.util.ArrayList<>(windows.subList(b * per, Math.min(windows.size(), (b + 1) * per)));
      if (b == 1) {
        these.add(0, windows.get(0));
      }
      for (Window w : these) {
        json.withArray("windows").add(w.toJsonTree());
        for (io.sluice.spark.analytics.Alert a : w.alerts()) {
          json.withArray("alerts").add(a.toJsonTree());
          alerts += b == 1 && w == windows.get(0) ? 0 : 1;
        }
      }
      out.write(T0 + (b + 1) * 10_000L, file, pipeline, json);
    }
    return alerts;

  }

  /**
   * The closed event-time logs windows the anomaly models saw, as the job writes them: the real
   * log's hours, each judged by {@link WindowModels} ({@link AnomalyWindows#judge}) in order, one
   * {@code logs-event-windows.json} per hour. Returns the models' alert ids.
   */
  private static List<String> writeModelWindows(JavaSparkContext sc, BatchOutputs out, List<EventRecord> records) {
    Map<Long, List<EventRecord>> hours = new TreeMap<>();
    records.stream().filter(EventRecord::isParsedLog)
        .forEach(r -> hours.computeIfAbsent(Math.floorDiv(r.timestampMs(), HOUR) * HOUR, h -> new ArrayList<>()).add(r));
    WindowModels models = new WindowModels(HOUR, WindowModels.DEFAULT_MULTIPLIER, WindowModels.DEFAULT_BAND_WIDTH);
    List<String> ids = new ArrayList<>();
    long batch = T0 + 1_000_000;
    for (Map.Entry<Long, List<EventRecord>> hour : hours.entrySet()) {
      Map<Metric, Tally> metrics = new HashMap<>(Analytics.logWindowMetrics(sc.parallelize(hour.getValue(), 1)).collectAsMap());
      hour.getValue().forEach(r -> ClientFeatures.contributions(r).forEachRemaining(t -> metrics.merge(t._1(), t._2(), Tally::plus)));
      List<Tuple2<Metric, Tally>> list = new ArrayList<>();
      metrics.forEach((m, t) -> list.add(new Tuple2<>(m, t)));
      long start = hour.getKey();
      Window w = Window.of(PipelineAnalytics.LOGS, list, start, start + HOUR, 10, 20, RULE);
      ObjectNode json = w.toJsonTree();
      List<Alert> alerts = AnomalyWindows.judge(models, start, start + HOUR, list, w.totals().logsParsed(), json);
      ObjectNode file = JSON.createObjectNode();
      file.put("watermark", start + HOUR);
      file.putArray("windows").add(json);
      ArrayNode a = file.putArray("alerts");
      alerts.forEach(x -> {
        a.add(x.toJsonTree());
        ids.add(x.id());
      });
      out.write(batch += 1000, BatchOutputs.LOGS_EVENT_WINDOWS, "logs", file);
    }
    return ids;
  }

  @Test
  void theFixtureHasAlertsToShow() {
    assertThat(expectedAlerts).as("hours holding the real 500s of lines 2071, 3473 and 9158").isEqualTo(3);
    assertThat(expectedLogWindows).as("84 hours of requests, the last still open").isEqualTo(83);
    assertThat(expectedTweetWindows).as("28 windows of 30 days hold the sample's tweets, the last open").isEqualTo(27);
    assertThat(expectedSyslogWindows).as("1,312 minutes of auth log, the last open").isEqualTo(1311);
    assertThat(expectedBruteForceAlerts).as("minutes with an address above 10 failures").isEqualTo(18);
    // As AnomalousClientsTest and TrafficForecastTest found offline: the editor probe, and the log's cut-off last hour.
    assertThat(expectedAnomalyAlerts).containsExactly("logs-anomalous-client:91.236.75.25@1432101600000",
        "logs-traffic-forecast@1432159200000");
  }

  @Test
  void reportIsOneSelfContainedFileWithTheDataOfBothJobs() throws IOException {
    String page = Files.readString(html, StandardCharsets.UTF_8);

    assertThat(page).contains("Chart.js v4.4.1").doesNotContain("<script src").doesNotContainPattern("(src|href)=\"https?:");
    JsonNode data = JSON.readTree(extract(page, "<script type=\"application/json\" id=\"report-data\">(.*?)</script>"));
    assertThat(data.path("summary").path("logs").path("lines").asLong()).isEqualTo(10_000);
    assertThat(data.path("summary").path("tweets").path("tweets").asLong()).isEqualTo(950);
    assertThat(data.path("logs").path("windowTime").asText()).isEqualTo("event");
    JsonNode logWindows = data.path("logs").path("windows");
    assertThat(logWindows).as("every event-time window once, whichever batch wrote it").hasSize(expectedLogWindows + 1); // + the last hour, from the models' windows
    for (int i = 1; i < logWindows.size(); i++) {
      assertThat(logWindows.get(i).path("windowStart").asLong()).as("by start")
          .isEqualTo(logWindows.get(i - 1).path("windowStart").asLong() + 3_600_000);
    }
    assertThat(logWindows.get(0).path("windowStart").asLong()).isEqualTo(Instant.parse("2015-05-17T10:00:00Z").toEpochMilli());
    assertThat(data.path("logs").path("alerts")).hasSize(expectedAlerts);
    JsonNode arrival = data.path("logs").path("arrivalWindows");
    assertThat(arrival).hasSize(10);
    assertThat(arrival.get(0).path("events").asLong()).isEqualTo(1000);
    assertThat(arrival.get(0).path("eventsPerSecond").asDouble()).isEqualTo(100.0);
    assertThat(arrival.get(0).path("lag").path("events").asLong()).isEqualTo(1000);
    // Lines 1-1000 (2015-05-17 10:05 to 18:05) arrived at T0 + 10 s: the oldest line has the largest lag (exact).
    long oldest = SampleEvents.logEvents().subList(0, 1000).stream().filter(e -> e.containsKey("timestamp"))
        .mapToLong(e -> Long.parseLong(e.get("timestamp"))).min().getAsLong();
    assertThat(arrival.get(0).path("lag").path("maxSeconds").asDouble() * 1000).isEqualTo(T0 + 10_000 - oldest);
    assertThat(data.path("tweets").path("windows")).hasSize(expectedTweetWindows);
    assertThat(data.path("tweets").path("arrivalWindows")).hasSize(5);
    assertThat(data.path("tweets").path("totals").path("topMentions")).isNotEmpty()
        .isEqualTo(JSON.readTree(expectedTweetsTotals.toString()).path("topMentions")); // as read from the file
    assertThat(data.path("summary").path("syslog").path("lines").asLong()).isEqualTo(7121);
    assertThat(data.path("summary").path("syslog").path("authFailures").asLong()).isEqualTo(895);
    assertThat(data.path("syslog").path("windows")).as("the latest --max-windows").hasSize(720);
    assertThat(data.path("syslog").path("windows").get(719).path("windowStart").asLong()).isEqualTo(lastSyslogStart);
    assertThat(data.path("syslog").path("alerts")).hasSize(expectedBruteForceAlerts);
    assertThat(data.path("syslog").path("arrivalWindows")).hasSize(8);
    assertThat(data.path("syslog").path("alerts").get(0).path("type").asText()).isEqualTo("brute-force");
    JsonNode anomalies = data.path("anomalies");
    assertThat(anomalies.path("windows")).hasSize(84);
    assertThat(anomalies.path("windows").get(0).path("forecast").isNull()).isTrue();
    assertThat(anomalies.path("windows").get(4).path("forecast").path("predicted").isNumber()).isTrue();
    assertThat(anomalies.path("flagged")).hasSize(1);
    assertThat(anomalies.path("flagged").get(0).path("clientIp").asText()).isEqualTo("91.236.75.25");
    assertThat(anomalies.path("flagged").get(0).path("features").size()).isEqualTo(6);
    assertThat(anomalies.path("alerts")).extracting(a -> a.path("id").asText()).isEqualTo(expectedAnomalyAlerts);
  }

  @Test
  void everyChartIsDrawnInAHeadlessBrowser() throws Exception {
    HeadlessChromium chromium = browser();

    String dom = chromium.dumpDom(html);

    String bodyTag = extract(dom, "(<body[^>]*>)");
    assertThat(bodyTag).doesNotContain("data-chart-error");
    assertThat(extract(bodyTag, " data-charts=\"(\\d+)\"")).isEqualTo("16");
    assertThat(extract(bodyTag, " data-charts-drawn=\"(\\d+)\"")).isEqualTo("16");
    Matcher canvases = Pattern.compile("<canvas ([^>]*)>").matcher(dom);
    int n = 0;
    while (canvases.find()) {
      String attrs = canvases.group(1);
      assertThat(attrs).contains("data-rendered=\"true\"");
      assertThat(Integer.parseInt(extract(attrs, "data-painted-pixels=\"(\\d+)\""))).as(attrs).isGreaterThan(200);
      n++;
    }
    assertThat(n).isEqualTo(16);
    // The hour holding line 2071 (2015-05-18T03:05:34Z), in the alerts table; every brute-force alert in its table.
    assertThat(dom).contains("logs-error-rate@" + Instant.parse("2015-05-18T04:00:00Z").toEpochMilli());
    assertThat(syslogAlertIds).hasSize(18).anyMatch(id -> id.startsWith("syslog-brute-force:24.151.103.17@"));
    syslogAlertIds.forEach(id -> assertThat(dom).contains(id));
    assertThat(dom).contains("event time").contains("p50 and p99");
    assertThat(dom).contains("traffic-forecast"); // the forecast chart's canvas
    assertThat(dom).containsPattern("<td class=\"alert\">91\\.236\\.75\\.25</td>"); // the flagged-clients table
  }

  @Test
  void screenshotShowsTheCharts() throws Exception {
    Path png = dir.resolve("report.png");

    browser().screenshot(html, png, 1280, 3300);

    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(1280);
    assertThat(image.getHeight()).isEqualTo(3300);
    long colored = 0;
    for (int y = 0; y < image.getHeight(); y += 2) {
      for (int x = 0; x < image.getWidth(); x += 2) {
        int rgb = image.getRGB(x, y);
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60) {
          colored++;
        }
      }
    }
    assertThat(colored).as("saturated (chart) pixels; the page itself is grey and navy").isGreaterThan(20_000);
    Files.copy(png, Paths.get("target", "report-test.png"), StandardCopyOption.REPLACE_EXISTING); // for people to look at
  }

  @Test
  void withoutEventTimeWindowsTheReportShowsTheArrivalTimeWindowsAndTheirAlerts() throws IOException {
    // A job with --window-time arrival: its windows and alerts files only.
    Path out = dir.resolve("arrival");
    BatchOutputs batches = new BatchOutputs(OutputStore.local(out));
    for (int k = 1; k <= 3; k++) {
      batches.write(T0 + k * 10_000L, BatchOutputs.SYSLOG_WINDOW, "syslog", (ObjectNode) JSON.readTree(
          "{\"windowStart\":" + (T0 + (k - 1) * 10_000L) + ",\"windowEnd\":" + (T0 + k * 10_000L)
              + ",\"windowSeconds\":10.0,\"parsed\":" + (100 * k) + ",\"linesPerSecond\":" + (10.0 * k) + "}"));
      batches.write(T0 + k * 10_000L, BatchOutputs.SYSLOG_ALERTS, "syslog", (ObjectNode) JSON.readTree(k == 2
          ? "{\"alerts\":[{\"id\":\"syslog-brute-force:1.2.3.4@" + (T0 + 20_000) + "\",\"windowEnd\":" + (T0 + 20_000) + "}]}"
          : "{\"alerts\":[]}"));
    }

    JsonNode syslog = ReportData.collect(List.of(out.toString()), 2, new Configuration()).path("syslog");

    assertThat(syslog.path("windowTime").asText()).isEqualTo("arrival");
    assertThat(syslog.path("windows")).hasSize(2);
    assertThat(syslog.path("windows").get(1).path("parsed").asLong()).isEqualTo(300);
    assertThat(syslog.path("alerts")).hasSize(1);
    assertThat(syslog.path("arrivalWindows").toString()).isEqualTo("[{\"windowStart\":" + (T0 + 10_000) + ",\"windowEnd\":"
        + (T0 + 20_000) + ",\"windowSeconds\":10.0,\"events\":200,\"eventsPerSecond\":20.0},{\"windowStart\":"
        + (T0 + 20_000) + ",\"windowEnd\":" + (T0 + 30_000) + ",\"windowSeconds\":10.0,\"events\":300,\"eventsPerSecond\":30.0}]");
  }

  @Test
  void markupInTheDataCannotEndTheDataScript() throws IOException {
    Path out = dir.resolve("hostile");
    new BatchOutputs(OutputStore.local(out)).write(T0, BatchOutputs.LOGS_TOTALS, "logs",
        (ObjectNode) JSON.readTree("{\"topEndpoints\":[{\"endpoint\":\"/</script><script>alert(1)</script>\",\"count\":1}]}"));
    Path page = dir.resolve("hostile.html");

    ReportBuilder.build(ReportConfig.parse("--in", out.toString(), "--out", page.toString(), "--title", "<b>x</b>"),
        new Configuration());

    String text = Files.readString(page);
    // The data element ends at the first "</script": it must hold all of the data, as valid JSON.
    JsonNode data = JSON.readTree(extract(text, "<script type=\"application/json\" id=\"report-data\">(.*?)</script>"));
    assertThat(data.path("logs").path("totals").path("topEndpoints").get(0).path("endpoint").asText())
        .isEqualTo("/</script><script>alert(1)</script>");
    assertThat(text).contains("<title>&lt;b&gt;x&lt;/b&gt;</title>").doesNotContain("<b>x</b>");
  }

  @Test
  void rejectsBadOptionsNamingThem() {
    assertThat(assertThrows(IllegalArgumentException.class, () -> ReportConfig.parse("--out", "x.html")))
        .hasMessageContaining("--in");
    assertThat(assertThrows(IllegalArgumentException.class,
        () -> ReportConfig.parse("--in", "a", "--out", "x.html", "--max-windows", "0"))).hasMessageContaining("--max-windows");
    assertThat(assertThrows(IllegalArgumentException.class,
        () -> ReportConfig.parse("--in", "a", "--out", "x.html", "--screenshot-size", "big"))).hasMessageContaining("--screenshot-size");
    assertThat(assertThrows(IllegalArgumentException.class,
        () -> ReportConfig.parse("--in", "a", "--out", "x.html", "--colour", "red"))).hasMessageContaining("--colour");
    assertThat(ReportConfig.usage()).contains("--in URI[,URI...]").contains("(default: 720)").contains("--screenshot FILE");
  }

  /** Chromium, installed through the project's helper when missing (CI runs as root); never skipped. */
  private static HeadlessChromium browser() throws IOException, InterruptedException {
    String script = System.getProperty("sluice.ensure.debian.packages");
    // The output goes to a file, not a pipe read before waitFor: a hung child cannot hang the test
    // past the timeout, and it is destroyed whatever happens.
    Path log = Files.createTempFile(dir, "ensure-chromium", ".log");
    Process p = new ProcessBuilder("bash", script, "chromium").redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    try {
      p.getOutputStream().close();
      boolean finished = p.waitFor(15, TimeUnit.MINUTES);
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(finished).as("package install finished: %s", output).isTrue();
      assertThat(p.exitValue()).as("ensure-debian-packages.sh chromium: %s", output).isZero();
    } finally {
      p.destroyForcibly();
    }
    return HeadlessChromium.find().orElseThrow(() -> new AssertionError("chromium installed but not on the PATH"));
  }

  private static String extract(String text, String regex) {
    Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(text);
    assertThat(m.find()).as("%s in the page", regex).isTrue();
    return m.group(1);
  }
}
