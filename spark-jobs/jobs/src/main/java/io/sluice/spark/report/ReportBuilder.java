package io.sluice.spark.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;

/**
 * Builds the static HTML report of Sluice's analytics from job outputs ({@link ReportData}): one
 * self-contained file, with Chart.js {@value #CHARTJS_VERSION} (MIT) and the data inlined, which
 * any browser opens without network access.
 *
 * <p>Time axes are event time: the window charts and alert tables of a pipeline are drawn from its
 * event-time windows ({@code <pipeline>-event-windows.json} of every batch directory, by window
 * start; see {@link ReportData}), labelled "event time"; a job run with {@code --window-time arrival}
 * (or one that has closed no event-time window yet) gets its arrival-time windows instead, labelled
 * "arrival time". Charts: status codes over time, error rate per window with the alert threshold and
 * the windows that alerted, top endpoints, requests per second; hashtag trends, languages, top
 * mentioned users, tweets per second; sshd authentication failures per window with the windows that
 * raised brute-force alerts, top failure sources, top programs, syslog lines per second; per pipeline
 * a secondary arrival-time chart (dashed): events per second and the lag p50/p99 per arrival-time
 * window; tables of alerts (error rate, brute force) and heavy clients; headline figures (lines,
 * 5xx, sessions, failures, late, ...). A pipeline without output in the inputs has no section. The
 * page's script draws each chart in a function of its own ({@code statusOverTimeChart},
 * {@code arrivalChart}, ...), called from one function per section. Every chart is a {@code <canvas data-chart="NAME">}; once drawn it carries
 * {@code data-rendered="true"} and {@code data-painted-pixels}, and {@code <body>} gets
 * {@code data-charts} (how many) and {@code data-charts-drawn} (how many were drawn) — what a
 * headless browser checks.
 *
 * <p>Runs on the Spark classpath (Hadoop client and Jackson for HDFS inputs):
 * {@code java -cp 'lib/spark/*:jobs/sluice-spark-jobs.jar' io.sluice.spark.report.ReportBuilder
 * --in OUT/logs,OUT/tweets,OUT/syslog --out OUT/report.html [--screenshot OUT/report.png]}; {@code --help} lists
 * the options. Exit status 0 when the report (and a requested screenshot, when a browser exists) was
 * written, 1 when it could not be, 2 on a bad command line.
 */
public final class ReportBuilder {

  /** Version of the inlined Chart.js (the WebJar unpacked into this jar). */
  public static final String CHARTJS_VERSION = "4.4.1";

  private static final String TEMPLATE = "/io/sluice/spark/report/report.html";
  private static final String CHARTJS = "/io/sluice/spark/report/chartjs/chart.umd.js";
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Z_]+)}}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReportBuilder() {}

  public static void main(String[] args) {
    ReportConfig config;
    try {
      config = ReportConfig.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("Error: " + e.getMessage());
      System.err.println("Run with --help to list the options.");
      System.exit(2);
      return;
    }
    if (config.isHelpRequested()) {
      System.out.print(ReportConfig.usage());
      return;
    }
    try {
      build(config, new Configuration());
      System.out.println("Report: " + config.out().toUri());
      if (config.screenshot() != null) {
        Optional<HeadlessChromium> browser = HeadlessChromium.find();
        if (browser.isEmpty()) {
          System.out.println("Screenshot skipped: none of " + HeadlessChromium.NAMES + " is on the PATH");
        } else {
          browser.get().screenshot(config.out(), config.screenshot(), config.screenshotWidth(), config.screenshotHeight());
          System.out.println("Screenshot: " + config.screenshot());
        }
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("Error: cannot build the report: " + e);
      System.exit(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      System.exit(1);
    }
  }

  /** Writes the report of {@code config.inputs()} to {@code config.out()}, replacing it atomically. */
  public static void build(ReportConfig config, Configuration hadoop) throws IOException {
    ObjectNode data = ReportData.collect(config.inputs(), config.maxWindows(), hadoop);
    String html = render(config.title(), data);
    Path out = config.out();
    Files.createDirectories(out.getParent());
    Path tmp = Files.createTempFile(out.getParent(), "." + out.getFileName(), ".tmp");
    try {
      Files.write(tmp, html.getBytes(StandardCharsets.UTF_8));
      Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The report page for {@code data} (see {@link ReportData}). */
  static String render(String title, ObjectNode data) throws IOException {
    Map<String, String> values = Map.of(
        "TITLE", escapeHtml(title),
        // Inside <script>, "</" could end the element early (a logged path may hold "</script>").
        "DATA", JSON.writeValueAsString(data).replace("</", "<\\/"),
        "CHARTJS_VERSION", CHARTJS_VERSION,
        "CHARTJS", resource(CHARTJS));
    Matcher m = PLACEHOLDER.matcher(resource(TEMPLATE));
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) {
        throw new IllegalStateException("unknown placeholder " + m.group());
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String escapeHtml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static String resource(String name) {
    try (InputStream in = ReportBuilder.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
