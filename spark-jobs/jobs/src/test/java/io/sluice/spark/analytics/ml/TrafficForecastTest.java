package io.sluice.spark.analytics.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.sluice.spark.SampleEvents;
import io.sluice.spark.SparkTestContexts;
import io.sluice.spark.input.EventRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/**
 * {@link TrafficForecast} on the hourly request counts of the real bundled access log
 * ({@code samples/access_logs/elastic-examples_apache_logs.log}, 17-20 May 2015), one hour per
 * batch, on Spark {@code local[2]}.
 */
class TrafficForecastTest {

  private static final long HOUR = 3_600_000L;
  private static final int LAGS = 3;
  private static JavaSparkContext sc;
  private static TreeMap<Long, Long> hourly;

  @BeforeAll
  static void startSpark() {
    sc = new JavaSparkContext(SparkTestContexts.conf("TrafficForecastTest"));
    List<EventRecord> records = SampleEvents.records(SampleEvents.logEvents());
    hourly = new TreeMap<>(sc.parallelize(records, 2)
        .filter(EventRecord::isParsedLog)
        .mapToPair(r -> new Tuple2<>(ClientFeatures.windowStart(r.timestampMs(), HOUR), 1L))
        .reduceByKey(Long::sum)
        .collectAsMap());
  }

  @AfterAll
  static void stopSpark() {
    if (sc != null) {
      sc.stop();
    }
  }

  /**
   * 3 lags, 10 steps of 0.5, a band of 3 RMS over the last 24 residuals (12 before the first band),
   * trained on the last 24 windows.
   */
  private static TrafficForecast forecast() {
    return new TrafficForecast(HOUR, LAGS, 10, 0.5, 3.0, 24, 12, 24);
  }

  /** One batch per hour, in order, in the driver as the job does (DriverStepsTest: MLlib's RDD path gives the same). */
  private static List<TrafficForecast.Point> run(TrafficForecast f, Map<Long, Long> counts) {
    List<TrafficForecast.Point> points = new ArrayList<>();
    counts.forEach((start, n) -> points.addAll(f.observe(Map.of(start, n))));
    return points;
  }

  private static long hour(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  private static double meanAbsoluteError(List<TrafficForecast.Point> points) {
    return points.stream().mapToDouble(p -> Math.abs(p.actual() - p.predicted())).average().orElseThrow();
  }

  @Test
  void forecastsTheRealLogsHourlyCountsAndAlertsOnlyOnItsCutOffLastHour() {
    assertThat(hourly).hasSize(84);
    // 10 000 lines, one of which the test's parser (SampleEvents) rejects.
    assertThat(hourly.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(9_999L);
    assertThat(hourly.firstKey()).isEqualTo(hour("2015-05-17T10:00:00Z"));
    assertThat(hourly.lastKey()).isEqualTo(hour("2015-05-20T21:00:00Z"));

    TrafficForecast f = forecast();
    List<TrafficForecast.Point> points = run(f, hourly);

    // 84 hours: the first 3 only fill the lags, the 4th trains the model before anything is predicted.
    assertThat(points).hasSize(84 - LAGS - 1);
    assertThat(points.get(0).windowStartMs()).isEqualTo(hour("2015-05-17T14:00:00Z"));
    assertThat(points.stream().limit(11)).allSatisfy(p -> assertThat(p.lower()).isNaN());
    assertThat(points.stream().skip(12)).noneSatisfy(p -> assertThat(p.lower()).isNaN());
    // The one alert: the log ends at 21:5x, so its last hour is short (86 requests against about 120).
    assertThat(points.stream().filter(TrafficForecast.Point::alert).map(p -> p.windowStartMs() + "=" + p.actual()))
        .containsExactly(hour("2015-05-20T21:00:00Z") + "=86");
    assertThat(f.trainedBatches()).isEqualTo(84 - LAGS);
    assertThat(f.lateWindows()).isZero();

    // Against the naive forecast (next hour = this hour), over the same windows.
    List<TrafficForecast.Point> judged = points.subList(12, points.size());
    double model = meanAbsoluteError(judged);
    List<Long> counts = new ArrayList<>(hourly.values());
    double naive = judged.stream().mapToDouble(p -> {
      int i = new ArrayList<>(hourly.keySet()).indexOf(p.windowStartMs());
      return Math.abs(counts.get(i) - counts.get(i - 1));
    }).average().orElseThrow();
    double mape = judged.stream().mapToDouble(p -> Math.abs(p.actual() - p.predicted()) / p.actual()).average().orElseThrow();
    // Deterministic (one partition, fixed order): measured 6.703 requests (5.73 %) against 8.471 (144 / 17).
    assertThat(judged).hasSize(68);
    assertThat(model).isCloseTo(6.703, within(0.001));
    assertThat(mape).isCloseTo(0.0573, within(0.0001));
    assertThat(naive).isCloseTo(144.0 / 17, within(1e-9));
  }

  @Test
  void alertsOnASyntheticSpikeAndASyntheticOutage() {
    // SYNTHETIC: the real hourly counts with one hour tripled and a later hour missing (an outage).
    Map<Long, Long> counts = new TreeMap<>(hourly);
    long spike = hour("2015-05-19T12:00:00Z");
    long outage = hour("2015-05-20T03:00:00Z");
    counts.put(spike, 3 * counts.get(spike));
    counts.remove(outage);

    List<TrafficForecast.Point> alerts = run(forecast(), counts).stream()
        .filter(TrafficForecast.Point::alert).collect(Collectors.toList());

    // Only these two: the band widens after the spike, so the real log's short last hour no longer alerts.
    assertThat(alerts).extracting(TrafficForecast.Point::windowStartMs).containsExactly(spike, outage);
    TrafficForecast.Point o = alerts.stream().filter(p -> p.windowStartMs() == outage).findFirst().orElseThrow();
    assertThat(o.actual()).isZero();
  }

  @Test
  void skipsLateWindowsFillsGapsAndRejectsBadParameters() {
    TrafficForecast f = new TrafficForecast(HOUR, 1, 10, 0.5, 3.0, 4, 2, 4);
    long t = hour("2015-05-17T10:00:00Z");
    assertThat(f.observe(Map.of(t, 100L, t + HOUR, 100L))).isEmpty();
    List<TrafficForecast.Point> points = f.observe(Map.of(t + HOUR, 5L, t + 4 * HOUR, 100L));

    assertThat(f.lateWindows()).isEqualTo(1);
    assertThat(points).extracting(TrafficForecast.Point::windowStartMs, TrafficForecast.Point::actual)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(t + 2 * HOUR, 0L),
            org.assertj.core.groups.Tuple.tuple(t + 3 * HOUR, 0L),
            org.assertj.core.groups.Tuple.tuple(t + 4 * HOUR, 100L));
    assertThat(TrafficForecast.count(TrafficForecast.z(117))).isCloseTo(117, within(1e-9));

    assertThatThrownBy(() -> new TrafficForecast(0, 3, 10, 0.5, 3.0, 24, 12, 24))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("TrafficForecast: windowMs must be positive, got 0");
    assertThatThrownBy(() -> new TrafficForecast(HOUR, 3, 10, 0.5, 3.0, 24, 25, 24))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("TrafficForecast: minResiduals must be in [2, residualWindow], got 25");
  }
}
