package io.sluice.spark.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spark.SampleEvents;
import io.sluice.spark.SparkTestContexts;
import io.sluice.spark.analytics.ml.ClientFeatures;
import io.sluice.spark.analytics.ml.ClientWindow;
import io.sluice.spark.input.EventRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.Vector;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/**
 * The client vectors of a closed event-time window, built from the window's own metrics
 * ({@link ClientFeatures#ofWindow}: what the streaming job does), equal those built from the
 * window's records ({@link ClientFeatures#of}) on the real bundled access log, through the job's
 * own slices ({@link AnalyticsStreams#slices}, on {@code local[2]}) and {@link EventWindows}.
 */
class ClientFeaturesOfWindowsTest {

  private static final long HOUR = 3_600_000L;
  /** A batch time (2026-12-03) far after the log's request times. */
  private static final long BATCH_MS = 1_796_342_400_000L;

  /** Each pipeline's summed slices, one by one. */
  private static List<Tuple2<Metric, EventWindows.Slice>> flatten(List<Tuple2<Metric, EventWindows.Slices>> summed) {
    List<Tuple2<Metric, EventWindows.Slice>> out = new ArrayList<>();
    summed.forEach(t -> t._2().forEach(s -> out.add(new Tuple2<>(t._1(), s))));
    return out;
  }

  @Test
  void windowMetricsGiveTheVectorsOfTheRecordsOnTheRealLog() {
    List<EventRecord> real = SampleEvents.records(SampleEvents.logEvents());
    // Hourly tumbling windows with half-hour panes would be the same; lateness 0: the whole file is one batch.
    EventWindows clock = new EventWindows(HOUR, HOUR, 0);
    JavaSparkContext sc = new JavaSparkContext(SparkTestContexts.conf("ClientFeaturesOfWindowsTest"));
    List<Tuple2<Metric, EventWindows.Slice>> slices;
    List<Tuple2<Metric, EventWindows.Slice>> withoutFeatures;
    try {
      slices = flatten(AnalyticsStreams.slices(sc.parallelize(real, 2).filter(EventRecord::isParsedLog),
          PipelineAnalytics.LOGS, clock, true, true, BATCH_MS, new org.apache.spark.HashPartitioner(2)).collect());
      withoutFeatures = flatten(AnalyticsStreams.slices(sc.parallelize(real, 2).filter(EventRecord::isParsedLog),
          PipelineAnalytics.LOGS, clock, true, false, BATCH_MS, new org.apache.spark.HashPartitioner(2)).collect());
    } finally {
      sc.stop();
    }
    EventWindows.State state = new EventWindows.State();
    List<Tuple2<Metric, EventWindows.Slice>> batch = new ArrayList<>(slices);
    EventWindows.Step step = clock.advance(state, () -> batch.stream().map(Tuple2::_2).iterator());

    Map<ClientWindow, Vector> fromWindows = new TreeMap<>();
    for (EventWindows.Closed c : step.closed()) {
      fromWindows.putAll(ClientFeatures.ofWindow(c.metrics(), c.startMs()));
      // The window's summary skips them (Summary.Builder rejects a kind it does not know).
      assertThat(Window.of(PipelineAnalytics.LOGS, c.metrics(), c.startMs(), c.endMs(), 10, 100, null).totals().logsParsed())
          .isEqualTo(c.metrics().stream().filter(t -> t._1().kind() == Metric.Kind.LOGS_PARSED).mapToLong(t -> t._2().count()).sum());
    }
    Map<ClientWindow, Vector> fromRecords = ClientFeatures.of(real, HOUR);
    // The last hour (2015-05-20T21:00Z) stays open: the watermark is the last request's time.
    long lastHour = java.time.Instant.parse("2015-05-20T21:00:00Z").toEpochMilli();
    fromRecords.keySet().removeIf(k -> k.windowStartMs() == lastHour);

    assertThat(step.closed()).hasSize(83);
    assertThat(fromWindows).hasSize(fromRecords.size()).isEqualTo(fromRecords);
    assertThat(fromRecords).as("3,052 client-hours less the 25 of the open last hour").hasSize(3052 - 25);
    // The contributions are added only when asked for: 5 kinds, none in the plain windows.
    assertThat(withoutFeatures).noneMatch(t -> t._2().metric != null && Analytics.isClientFeatureKind(t._2().metric.kind()));
    assertThat(slices.stream().filter(t -> t._2().metric != null).map(t -> t._2().metric.kind())
        .filter(Analytics::isClientFeatureKind).distinct()).hasSize(5);
  }
}
