package io.sluice.spark.analytics.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.sluice.spark.SampleEvents;
import io.sluice.spark.SparkTestContexts;
import io.sluice.spark.input.EventRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.Vector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/**
 * The models' driver path ({@link AnomalousClients#update(List)}, {@link AnomalousClients#flag(Map)},
 * {@link TrafficForecast#observe(Map)}, which the streaming job runs) against MLlib's RDD path
 * ({@code StreamingKMeansModel.update}, {@code RDD.takeSample}, {@code LinearRegressionWithSGD.run})
 * on Spark {@code local[2]}, step by step on the real bundled access log's hourly windows
 * ({@code elastic-examples_apache_logs.log}, 84 hours, 3 052 client-windows): the same centres,
 * weights, buffered distances, thresholds, flags, forecast weights and points, exactly.
 */
class DriverStepsTest {

  private static final long HOUR = 3_600_000L;
  private static JavaSparkContext sc;
  /** The real log's client vectors by hourly window, in window order, each window's by client. */
  private static Map<Long, Map<ClientWindow, Vector>> windows;
  private static TreeMap<Long, Long> hourly;

  @BeforeAll
  static void startSpark() {
    sc = new JavaSparkContext(SparkTestContexts.conf("DriverStepsTest"));
    List<EventRecord> records = SampleEvents.records(SampleEvents.logEvents());
    windows = new TreeMap<>();
    ClientFeatures.of(records, HOUR).forEach((k, v) ->
        windows.computeIfAbsent(k.windowStartMs(), w -> new LinkedHashMap<>()).put(k, v));
    hourly = new TreeMap<>();
    records.stream().filter(EventRecord::isParsedLog)
        .forEach(r -> hourly.merge(ClientFeatures.windowStart(r.timestampMs(), HOUR), 1L, Long::sum));
  }

  @AfterAll
  static void stopSpark() {
    if (sc != null) {
      sc.stop();
    }
  }

  /** Runs both paths over {@code batches}, one step per batch, comparing the models after each. */
  private static List<AnomalousClients.Flag> compare(AnomalousClients driver, AnomalousClients mllib,
      Iterable<Map<ClientWindow, Vector>> batches) {
    List<AnomalousClients.Flag> flags = new ArrayList<>();
    int step = 0;
    for (Map<ClientWindow, Vector> batch : batches) {
      List<Tuple2<ClientWindow, Vector>> pairs = new ArrayList<>();
      batch.forEach((k, v) -> pairs.add(new Tuple2<>(k, v)));
      List<Vector> vectors = new ArrayList<>(batch.values());

      List<AnomalousClients.Flag> local = driver.flag(batch);
      List<AnomalousClients.Flag> reference = mllib.flag(sc.parallelizePairs(pairs, AnomalousClients.PARTITIONS)).collect();
      assertThat(local).extracting(AnomalousClients.Flag::key, AnomalousClients.Flag::distance,
          AnomalousClients.Flag::threshold, AnomalousClients.Flag::cluster)
          .as("flags of step %d", step)
          .containsExactlyElementsOf(reference.stream().map(f -> tuple(
              f.key(), f.distance(), f.threshold(), f.cluster())).collect(Collectors.toList()));
      flags.addAll(local);

      driver.update(vectors);
      mllib.update(sc.parallelize(vectors, AnomalousClients.PARTITIONS));

      Vector[] a = driver.centres();
      Vector[] b = mllib.centres();
      assertThat(a).hasSameSizeAs(b);
      for (int i = 0; i < a.length; i++) {
        assertThat(a[i].toArray()).as("centre %d after step %d", i, step).containsExactly(b[i].toArray());
      }
      assertThat(driver.weights()).as("weights after step %d", step).containsExactly(mllib.weights());
      assertThat(driver.distances()).as("distances after step %d", step).containsExactly(mllib.distances());
      assertThat(Double.doubleToLongBits(driver.threshold())).as("threshold after step %d", step)
          .isEqualTo(Double.doubleToLongBits(mllib.threshold()));
      step++;
    }
    return flags;
  }

  /** A point's fields, its doubles as their exact values. */
  private static String fields(TrafficForecast.Point p) {
    return p.windowStartMs() + " " + p.actual() + " " + p.alert() + " " + Double.toHexString(p.predicted()) + " "
        + Double.toHexString(p.lower()) + " " + Double.toHexString(p.upper());
  }

  @Test
  void kMeansStepsEqualMllibsOnTheRealLogsHourlyWindows() {
    List<AnomalousClients.Flag> flags = compare(AnomalousClientsTest.model(), AnomalousClientsTest.model(),
        windows.values());

    assertThat(windows).hasSize(84);
    assertThat(flags).extracting(f -> f.key().toString()).containsExactly("91.236.75.25@2015-05-20T05:00:00Z");
  }

  @Test
  void sampledDistancesEqualMllibsWhenAWindowHasMoreVectorsThanTheBuffer() {
    // A buffer of 20: the hours with more than 20 clients (most of them) take RDD.takeSample's
    // Bernoulli path, each with its own seed (seed + step); then all 3 052 client-windows as one
    // batch into a buffer of 500 (a grouping of the real vectors, not a real window).
    AnomalousClients small = new AnomalousClients(4, 0.9, 42L, 0.99, 1.5, 20, 10);
    AnomalousClients smallReference = new AnomalousClients(4, 0.9, 42L, 0.99, 1.5, 20, 10);
    compare(small, smallReference, windows.values());
    assertThat(windows.values().stream().filter(w -> w.size() > 20).count()).isEqualTo(79);

    Map<ClientWindow, Vector> all = new LinkedHashMap<>();
    windows.values().forEach(all::putAll);
    assertThat(all).hasSize(3_052);
    AnomalousClients big = AnomalousClientsTest.model();
    AnomalousClients bigReference = AnomalousClientsTest.model();
    compare(big, bigReference, List.of(all, all, all));
    assertThat(big.bufferedDistances()).isEqualTo(500);
  }

  @Test
  void forecastStepsEqualMllibsOnTheRealLogsHourlyCounts() {
    // The job's forecast, and one with 200 steps a window, where GradientDescent's convergence
    // tolerance ends most trainings early.
    for (int iterations : new int[] {WindowModels.ITERATIONS, 200}) {
      TrafficForecast driver = new TrafficForecast(HOUR, 3, iterations, 0.5, 3.0, 24, 12, 24);
      TrafficForecast mllib = new TrafficForecast(HOUR, 3, iterations, 0.5, 3.0, 24, 12, 24);
      int points = 0;
      for (Map.Entry<Long, Long> e : hourly.entrySet()) {
        List<TrafficForecast.Point> local = driver.observe(Map.of(e.getKey(), e.getValue()));
        List<TrafficForecast.Point> reference =
            mllib.observe(sc.parallelizePairs(List.of(new Tuple2<>(e.getKey(), e.getValue())), 1));
        assertThat(local).extracting(DriverStepsTest::fields).as("points of %s", e.getKey())
            .containsExactlyElementsOf(reference.stream().map(DriverStepsTest::fields).collect(Collectors.toList()));
        assertThat(driver.weights().toArray()).as("weights after %s", e.getKey())
            .containsExactly(mllib.weights().toArray());
        points += local.size();
      }
      assertThat(points).isEqualTo(84 - 3 - 1);
      assertThat(driver.trainedBatches()).isEqualTo(84 - 3);
    }
  }
}
