package io.sluice.spark.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.spark.BatchFiles;
import io.sluice.spark.ExpectedSummary;
import io.sluice.spark.SampleEvents;
import io.sluice.spark.SparkTestContexts;
import io.sluice.spark.SummaryFiles;
import io.sluice.spark.input.EventRecord;
import io.sluice.spark.job.AnalyticsJobConfig;
import io.sluice.spark.output.BatchOutputs;
import io.sluice.spark.output.OutputStore;
import io.sluice.spark.output.SummaryWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * The bundled access log replayed out of order through the streaming graph on {@code local[2]}:
 * its event-time windows and alerts equal those computed here from the file's own request times,
 * whatever the arrival order, all of them emitted (the last ones by the idle flush once the replay
 * ends); lines replayed after their windows closed are late and in no window, and a line stamped
 * in 2099 is counted as future and moves nothing. One input RDD per 1 s batch (a queue stream, as
 * in {@link AnalyticsStreamsTest}).
 */
class EventTimeReplayTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  /** Hour-long windows sliding every half hour, two hours' lateness allowed. */
  private static final long LENGTH_MS = 3_600_000;
  private static final long SLIDE_MS = 1_800_000;
  private static final long LATENESS_MS = 7_200_000;
  /** Each line moves at most this many places from its place in the file. */
  private static final int DISTANCE = 40;
  private static final int LATE_REPLAYS = 5;
  /** Batch time without a new maximum event time before the open windows are flushed. */
  private static final int IDLE_SECONDS = 5;
  /** 2099-01-01T00:00:00Z. */
  private static final long YEAR_2099_MS = 4_070_908_800_000L;

  @TempDir
  Path tmp;

  private JavaStreamingContext ssc;
  private final Queue<RDD<EventRecord>> batches = new Queue<>();

  @BeforeEach
  void createStreaming() {
    JavaSparkContext sc = new JavaSparkContext(SparkTestContexts.conf("EventTimeReplayTest"));
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
  void windowsOfAnOutOfOrderReplayEqualTheWindowsOfTheFile() throws Exception {
    List<Map<String, String>> file = SampleEvents.logEvents();
    // Shuffled within a bounded distance, seeded: sort by place plus a random offset below DISTANCE.
    Random random = new Random(20150517L);
    List<long[]> keyed = new ArrayList<>();
    for (int i = 0; i < file.size(); i++) {
      keyed.add(new long[] {i + random.nextInt(DISTANCE), i});
    }
    keyed.sort(Comparator.<long[]>comparingLong(k -> k[0]).thenComparingLong(k -> k[1]));
    List<Map<String, String>> shuffled = new ArrayList<>();
    keyed.forEach(k -> shuffled.add(file.get((int) k[1])));
    List<List<Map<String, String>>> inputs = new ArrayList<>();
    for (int b = 0; b < shuffled.size(); b += 1000) {
      inputs.add(shuffled.subList(b, Math.min(b + 1000, shuffled.size())));
    }
    // Then the first lines again under new event ids: hours behind the watermark, their windows closed.
    List<Map<String, String>> replays = new ArrayList<>();
    for (int i = 0; i < LATE_REPLAYS; i++) {
      replays.add(SampleEvents.withEventId(file.get(i), "late-replay:" + i));
    }
    // And a line stamped in 2099: far ahead of any batch time.
    Map<String, String> bogus = SampleEvents.withEventId(file.get(LATE_REPLAYS), "year-2099");
    bogus.put("timestamp", String.valueOf(YEAR_2099_MS));
    replays.add(bogus);
    inputs.add(replays);
    inputs.forEach(this::offer);

    AnalyticsJobConfig config = AnalyticsJobConfig.parse("--sinks", "unused:1", "--out", tmp.toString(),
        "--pipeline", "logs", "--batch-seconds", "1", "--logs-window-seconds", String.valueOf(LENGTH_MS / 1000),
        "--logs-slide-seconds", String.valueOf(SLIDE_MS / 1000), "--allowed-lateness", String.valueOf(LATENESS_MS / 1000),
        "--error-rate-threshold", "0.0", "--error-min-requests", "1",
        "--watermark-idle-seconds", String.valueOf(IDLE_SECONDS), "--anomalies", "true");
    SummaryWriter summary = new SummaryWriter(tmp);
    ClassTag<EventRecord> tag = ClassTag$.MODULE$.apply(EventRecord.class);
    JavaDStream<EventRecord> records = JavaDStream.fromDStream(ssc.ssc().queueStream(batches, true, tag), tag);
    AnalyticsStreams.build(records, config, 2,
        new AnalyticsStreams.Outputs(summary, new BatchOutputs(OutputStore.local(tmp)), null));
    ssc.start();

    // The windows of the file, from each parsed line's request time.
    long max = Long.MIN_VALUE;
    Map<Long, long[]> expected = new TreeMap<>(); // start -> {requests, serverErrors}
    for (Map<String, String> e : file) {
      if (e.containsKey("rejectReason")) {
        continue;
      }
      long t = Long.parseLong(e.get("timestamp"));
      max = Math.max(max, t);
      boolean error = e.get("status").startsWith("5");
      for (long w = Math.floorDiv(t, SLIDE_MS) * SLIDE_MS; w > t - LENGTH_MS; w -= SLIDE_MS) {
        long[] counts = expected.computeIfAbsent(w, k -> new long[2]);
        counts[0]++;
        counts[1] += error ? 1 : 0;
      }
    }
    // All windows: those the watermark does not pass are flushed once the clock has been idle.
    long late = ExpectedSummary.late(inputs, LATENESS_MS).get("logs");
    assertThat(late).as("only the replayed lines are late").isEqualTo(LATE_REPLAYS);

    assertThat(BatchFiles.await(() -> Files.exists(summary.file())
        && SummaryFiles.read(summary.file()).path("logs").path("lines").asLong() == file.size() + LATE_REPLAYS + 1,
        TIMEOUT)).as("every line counted").isTrue();
    JsonNode logs = SummaryFiles.read(summary.file()).path("logs");
    assertThat(logs.path("late").asLong()).isEqualTo(late);
    assertThat(logs.path("future").asLong()).isEqualTo(1);
    // In the running totals (a parsed line), not in the hourly series.
    assertThat(logs.path("parsed").asLong() - LATE_REPLAYS - 1).isEqualTo(file.stream().filter(e -> !e.containsKey("rejectReason")).count());
    assertThat(logs.path("requestsPerHour").has("2099-01-01T00:00:00Z")).isFalse();
    long hourly = 0;
    for (JsonNode n : logs.path("requestsPerHour")) {
      hourly += n.asLong();
    }
    assertThat(hourly).as("hourly series: the file's parsed lines and the late replays").isEqualTo(
        file.stream().filter(e -> !e.containsKey("rejectReason")).count() + LATE_REPLAYS);
    assertThat(BatchFiles.await(() -> emitted(tmp).stream().mapToInt(f -> f.path("windows").size()).sum()
        >= expected.size(), TIMEOUT)).as("%d windows emitted", expected.size()).isTrue();

    Map<Long, long[]> windows = new TreeMap<>();
    Map<Long, Long> alerts = new TreeMap<>();
    List<String> others = new ArrayList<>();
    List<JsonNode> files = emitted(tmp);
    assertThat(files.get(files.size() - 1).path("idleFlush").asBoolean()).as("the last windows flushed").isTrue();
    assertThat(files.get(files.size() - 1).path("watermark").asLong()).as("the end of the last window over the maximum")
        .isEqualTo(Math.floorDiv(max, SLIDE_MS) * SLIDE_MS + LENGTH_MS);
    assertThat(files.stream().filter(f -> f.path("idleFlush").asBoolean()).count()).isEqualTo(1);
    for (JsonNode file1 : files) {
      for (JsonNode w : file1.path("windows")) {
        long start = w.path("windowStart").asLong();
        assertThat(windows).as("window %d emitted once", start).doesNotContainKey(start);
        assertThat(w.path("windowEnd").asLong() - start).isEqualTo(LENGTH_MS);
        windows.put(start, new long[] {w.path("requests").asLong(), w.path("serverErrors").asLong()});
        assertThat(w.has("forecast")).as("models see window %d: on an hour boundary", start)
            .isEqualTo(start % LENGTH_MS == 0);
      }
      for (JsonNode a : file1.path("alerts")) {
        if (a.path("type").asText().equals(ErrorRateAlert.ERROR_RATE)) {
          alerts.put(a.path("windowStart").asLong(), a.path("windowEnd").asLong());
        } else {
          others.add(a.path("id").asText());
        }
      }
    }
    assertThat(windows.keySet()).containsExactlyElementsOf(expected.keySet());
    expected.forEach((start, counts) ->
        assertThat(windows.get(start)).as("window starting %d", start).containsExactly(counts));
    Map<Long, Long> expectedAlerts = new TreeMap<>();
    expected.forEach((start, counts) -> {
      if (counts[1] > 0) {
        expectedAlerts.put(start, start + LENGTH_MS);
      }
    });
    assertThat(alerts).as("error-rate alerts per event-time window").isEqualTo(expectedAlerts).isNotEmpty();
    assertThat(windows).hasSizeGreaterThan(150);
    // The anomaly models (--anomalies true) see the hour-aligned windows, the tumbling hours: out of
    // order, they flag what they flag in file order (AnomalyStreamsTest), the editor probe of
    // 2015-05-20T05:00Z; and, the idle flush closing the last hour, the log's cut-off last hour
    // (2015-05-20T21:00Z, 86 requests) leaves the forecast's band, as offline (TrafficForecastTest).
    assertThat(others).containsExactly("logs-anomalous-client:91.236.75.25@1432101600000",
        "logs-traffic-forecast@1432159200000");
  }

  /** Every logs-event-windows.json so far, in batch order. */
  private static List<JsonNode> emitted(Path out) {
    List<JsonNode> files = new ArrayList<>();
    for (Path dir : BatchFiles.batchDirs(out)) {
      Path f = dir.resolve(BatchOutputs.LOGS_EVENT_WINDOWS);
      if (Files.exists(f)) {
        files.add(BatchFiles.read(f));
      }
    }
    return files;
  }

  private void offer(List<Map<String, String>> events) {
    RDD<EventRecord> rdd = ssc.sparkContext().parallelize(SampleEvents.records(events), 3).rdd();
    synchronized (batches) {
      batches.$plus$eq(rdd);
    }
  }
}
