package io.sluice.spark.analytics.ml;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.spark.BatchFiles;
import io.sluice.spark.SampleEvents;
import io.sluice.spark.SparkTestContexts;
import io.sluice.spark.analytics.AnalyticsStreams;
import io.sluice.spark.analytics.AnomalousClientAlert;
import io.sluice.spark.analytics.TrafficForecastAlert;
import io.sluice.spark.input.EventRecord;
import io.sluice.spark.job.AnalyticsJobConfig;
import io.sluice.spark.output.BatchOutputs;
import io.sluice.spark.output.OutputStore;
import io.sluice.spark.output.SummaryWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.mutable.Queue;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The anomaly models wired into the streaming graph ({@link AnalyticsStreams}, {@link WindowModels})
 * on {@code local[2]}: the real bundled access log ({@code elastic-examples_apache_logs.log},
 * 17-20 May 2015) replayed in file order, 1,000 lines per 1 s batch (a queue stream), into hourly
 * tumbling event-time windows under the default lateness (300 s). Each closed window's flags and
 * forecast are read back from {@code logs-event-windows.json}.
 */
class AnomalyStreamsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(180);
  private static final long HOUR = 3_600_000L;
  /** The log's last request is at 21:5x on 20 May: its hour never closes (the watermark is 300 s behind). */
  private static final int CLOSED_WINDOWS = 83;
  private static final String FCKEDITOR_PROBE = "91.236.75.25@2015-05-20T05:00:00Z";

  @TempDir
  Path tmp;

  private JavaStreamingContext ssc;
  private final Queue<RDD<EventRecord>> batches = new Queue<>();

  @BeforeEach
  void createStreaming() {
    JavaSparkContext sc = new JavaSparkContext(SparkTestContexts.conf("AnomalyStreamsTest"));
    sc.setCheckpointDir(tmp.resolve("checkpoint").toString());
    ssc = new JavaStreamingContext(sc, Durations.seconds(1));
  }

  @AfterEach
  void stopStreaming() {
    if (ssc != null) {
      ssc.stop(true, false);
    }
  }

  @Test
  @Timeout(300)
  void flagsOnlyTheEditorProbeOfTheRealLogAndForecastsAsTheDriverDoes() {
    List<JsonNode> windows = run(AnomalousClientsTest.realLog(), CLOSED_WINDOWS);

    // The same single flag as AnomalousClientsTest offline (84 windows, one batch each): the models
    // take one step per closed window, so the batching does not matter, and the vectors of the
    // window metrics equal those of the records (ClientFeaturesOfWindowsTest). The 84th hour never
    // closes here; it comes after the flag.
    assertThat(flags(windows)).containsExactly(FCKEDITOR_PROBE);
    JsonNode probe = windows.stream().filter(w -> w.path("anomalousClients").size() > 0).findFirst().orElseThrow()
        .path("anomalousClients").get(0);
    assertThat(probe.path("distance").asDouble()).isGreaterThan(probe.path("threshold").asDouble());
    assertThat(probe.path("features").size()).isEqualTo(ClientFeatures.DIMENSIONS);
    long probeEnd = Instant.parse("2015-05-20T06:00:00Z").toEpochMilli();
    assertThat(alertIds(AnomalousClientAlert.ANOMALOUS_CLIENT))
        .containsExactly("logs-anomalous-client:91.236.75.25@" + probeEnd);

    // The forecast of each window equals a TrafficForecast run here on the windows' request counts.
    TrafficForecast driver = WindowModels.newTrafficForecast(HOUR, WindowModels.DEFAULT_BAND_WIDTH);
    List<String> expectedAlerts = new ArrayList<>();
    int forecasts = 0;
    for (JsonNode w : windows) {
      long start = w.path("windowStart").asLong();
      List<TrafficForecast.Point> points = driver.observe(Map.of(start, w.path("requests").asLong()));
      JsonNode f = w.path("forecast");
      if (points.isEmpty()) {
        assertThat(f.isNull()).as("no forecast for %s", Instant.ofEpochMilli(start)).isTrue();
        continue;
      }
      forecasts++;
      TrafficForecast.Point p = points.get(0);
      assertThat(points).hasSize(1);
      assertThat(f.path("predicted").asDouble()).as("predicted at %s", Instant.ofEpochMilli(start))
          .isEqualTo(p.predicted());
      assertThat(f.path("lower").isNull()).isEqualTo(Double.isNaN(p.lower()));
      if (!Double.isNaN(p.lower())) {
        assertThat(f.path("lower").asDouble()).isEqualTo(p.lower());
        assertThat(f.path("upper").asDouble()).isEqualTo(p.upper());
      }
      assertThat(f.path("outsideBand").asBoolean()).isEqualTo(p.alert());
      if (p.alert()) {
        expectedAlerts.add("logs-traffic-forecast@" + w.path("windowEnd").asLong());
      }
    }
    // 83 windows: the first 3 fill the lags, the 4th trains the model; no gap between hours.
    assertThat(forecasts).isEqualTo(CLOSED_WINDOWS - 4);
    // Offline, the only alert was the cut-off last hour (86 requests), which never closes here.
    assertThat(expectedAlerts).isEmpty();
    assertThat(alertIds(TrafficForecastAlert.TRAFFIC_FORECAST)).isEqualTo(expectedAlerts);
    assertThat(windows.stream().mapToLong(w -> w.path("requests").asLong()).sum()).isEqualTo(9_999 - 86);
  }

  @Test
  @Timeout(300)
  void flagsASyntheticScannerMixedIntoTheRealLogFromItsFirstWindow() {
    long scanStart = Instant.parse("2015-05-19T00:00:00Z").toEpochMilli();
    List<EventRecord> mixed = new ArrayList<>(AnomalousClientsTest.realLog());
    mixed.addAll(AnomalousClientsTest.syntheticScanner(scanStart, 3, 150));
    // In request-time order (the real lines are in order within seconds, none is late either way).
    mixed.sort(Comparator.comparingLong(EventRecord::timestampMs));

    List<JsonNode> windows = run(mixed, CLOSED_WINDOWS);

    // Flagged in each of its 3 windows from the first (a detection delay of 0 windows), and the real
    // log's one flag stays: as offline in AnomalousClientsTest.
    assertThat(flags(windows)).containsExactly("203.0.113.7@2015-05-19T00:00:00Z", "203.0.113.7@2015-05-19T01:00:00Z",
        "203.0.113.7@2015-05-19T02:00:00Z", FCKEDITOR_PROBE);
    assertThat(alertIds(AnomalousClientAlert.ANOMALOUS_CLIENT)).hasSize(4)
        .contains("logs-anomalous-client:203.0.113.7@" + (scanStart + HOUR));
    // Its 150 requests an hour on top of about 120 also leave the forecast's band in its first two
    // hours; by the third the band has widened (the residuals of the first two are in it).
    assertThat(alertIds(TrafficForecastAlert.TRAFFIC_FORECAST)).containsExactly(
        "logs-traffic-forecast@" + (scanStart + HOUR), "logs-traffic-forecast@" + (scanStart + 2 * HOUR));
    assertThat(windows.stream().filter(w -> w.path("forecast").path("outsideBand").asBoolean())
        .map(w -> Instant.ofEpochMilli(w.path("windowStart").asLong()).toString()))
        .containsExactly("2015-05-19T00:00:00Z", "2015-05-19T01:00:00Z");
  }

  /** Replays {@code records}, 1,000 per batch, and returns the closed windows in start order once there are {@code expected}. */
  private List<JsonNode> run(List<EventRecord> records, int expected) {
    for (int b = 0; b < records.size(); b += 1000) {
      RDD<EventRecord> rdd = ssc.sparkContext().parallelize(records.subList(b, Math.min(b + 1000, records.size())), 3).rdd();
      synchronized (batches) {
        batches.$plus$eq(rdd);
      }
    }
    AnalyticsJobConfig config = AnalyticsJobConfig.parse("--sinks", "unused:1", "--out", tmp.toString(),
        "--pipeline", "logs", "--batch-seconds", "1", "--logs-window-seconds", "3600",
        "--logs-slide-seconds", "3600", "--anomalies", "true");
    assertThat(config.anomalies()).as("on by default with event-time windows").isTrue();
    ClassTag<EventRecord> tag = ClassTag$.MODULE$.apply(EventRecord.class);
    JavaDStream<EventRecord> stream = JavaDStream.fromDStream(ssc.ssc().queueStream(batches, true, tag), tag);
    AnalyticsStreams.build(stream, config, 2,
        new AnalyticsStreams.Outputs(new SummaryWriter(tmp), new BatchOutputs(OutputStore.local(tmp)), null));
    ssc.start();
    assertThat(BatchFiles.await(() -> windows(tmp).size() >= expected, TIMEOUT))
        .as("%d windows closed", expected).isTrue();
    List<JsonNode> windows = windows(tmp);
    assertThat(windows).hasSize(expected);
    assertThat(windows).allSatisfy(w -> {
      assertThat(w.has("anomalousClients")).isTrue();
      assertThat(w.has("forecast")).isTrue();
    });
    return windows;
  }

  /** Every closed window so far, in start order. */
  private static List<JsonNode> windows(Path out) {
    Map<Long, JsonNode> windows = new TreeMap<>();
    for (JsonNode file : files(out)) {
      file.path("windows").forEach(w -> windows.put(w.path("windowStart").asLong(), w));
    }
    return new ArrayList<>(windows.values());
  }

  private static List<JsonNode> files(Path out) {
    List<JsonNode> files = new ArrayList<>();
    for (Path dir : BatchFiles.batchDirs(out)) {
      Path f = dir.resolve(BatchOutputs.LOGS_EVENT_WINDOWS);
      if (Files.exists(f)) {
        files.add(BatchFiles.read(f));
      }
    }
    return files;
  }

  /** The flagged clients, {@code ip@window start}, in window order. */
  private static List<String> flags(List<JsonNode> windows) {
    List<String> flags = new ArrayList<>();
    for (JsonNode w : windows) {
      w.path("anomalousClients").forEach(c ->
          flags.add(c.path("clientIp").asText() + "@" + Instant.ofEpochMilli(w.path("windowStart").asLong())));
    }
    return flags;
  }

  /** The ids of the alerts of {@code type} in the event-windows files, in batch order. */
  private List<String> alertIds(String type) {
    List<String> ids = new ArrayList<>();
    for (JsonNode file : files(tmp)) {
      file.path("alerts").forEach(a -> {
        if (a.path("type").asText().equals(type)) {
          ids.add(a.path("id").asText());
        }
      });
    }
    return ids;
  }
}
