package io.sluice.spark.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spark.SampleEvents;
import io.sluice.spark.SparkTestContexts;
import io.sluice.spark.analytics.EventWindows.Closed;
import io.sluice.spark.analytics.EventWindows.Slice;
import io.sluice.spark.analytics.EventWindows.Slices;
import io.sluice.spark.analytics.EventWindows.Step;
import io.sluice.spark.input.EventRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.spark.HashPartitioner;
import org.apache.spark.Dependency;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.Tuple2;
import scala.collection.JavaConverters;

/**
 * A batch's slices summed into one {@link Slices} per pipeline: {@link EventWindows#advance} does
 * the same with them as with the slices one by one, and {@link AnalyticsStreams#slices} builds them
 * on {@code local[2]} in one shuffle, partitioned as the event-time state.
 */
class EventWindowSlicesTest {

  private static final Metric N = Metric.of(Metric.Kind.LOGS_PARSED);

  private static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    sc = new JavaSparkContext(SparkTestContexts.conf("EventWindowSlicesTest"));
  }

  @AfterAll
  static void stop() {
    if (sc != null) {
      sc.stop();
    }
  }

  /** One slice per event time (seconds) and one count in its pane, as the job sliced before it summed. */
  private static List<Slice> oneByOne(EventWindows w, long... seconds) {
    List<Slice> out = new ArrayList<>();
    for (long s : seconds) {
      out.add(Slice.time(s * 1000, 1));
      out.add(Slice.pane(w.paneOf(s * 1000), N, Tally.one()));
      out.add(Slice.pane(w.paneOf(s * 1000), Metric.of(Metric.Kind.LOGS_CONTENT_SIZE), Tally.of(s)));
    }
    return out;
  }

  /** The same slices summed, split at {@code split} into two parts merged with {@link Slices#plus}. */
  private static Slices summed(List<Slice> slices, int split) {
    Slices first = new Slices();
    Slices second = new Slices();
    for (int i = 0; i < slices.size(); i++) {
      (i < split ? first : second).add(slices.get(i));
    }
    return first.plus(second);
  }

  /** A step as text: late, watermark, each closed window's bounds and metrics (sorted). */
  private static String describe(Step step) {
    StringBuilder out = new StringBuilder("late=" + step.late() + " watermark=" + step.watermarkMs());
    for (Closed c : step.closed()) {
      TreeMap<String, Tally> metrics = new TreeMap<>();
      c.metrics().forEach(t -> metrics.put(t._1().toString(), t._2()));
      out.append(" [").append(c.startMs()).append(',').append(c.endMs()).append(")=").append(metrics);
    }
    return out.toString();
  }

  @Test
  void summedSlicesHoldEachTimeAndPaneMetricOnceWithTheirSums() {
    EventWindows w = new EventWindows(10_000, 5_000, 0);
    Slices s = summed(oneByOne(w, 1, 3, 3, 12), 3);

    Map<Long, Long> times = new TreeMap<>();
    Map<String, Tally> panes = new TreeMap<>();
    for (Slice slice : s) {
      if (slice.metric == null) {
        assertThat(times.put(slice.time, slice.count)).as("time %d once", slice.time).isNull();
      } else {
        assertThat(panes.put(slice.time + " " + slice.metric, slice.tally)).isNull();
      }
    }
    assertThat(times).containsExactly(Map.entry(1_000L, 1L), Map.entry(3_000L, 2L), Map.entry(12_000L, 1L));
    assertThat(panes).containsExactly(
        Map.entry("0 LOGS_CONTENT_SIZE", Tally.of(1).plus(Tally.of(3)).plus(Tally.of(3))),
        Map.entry("0 LOGS_PARSED", Tally.count(3)),
        Map.entry("10000 LOGS_CONTENT_SIZE", Tally.of(12)),
        Map.entry("10000 LOGS_PARSED", Tally.count(1)));
    assertThat(s.eventTimes()).isEqualTo(3);
    assertThat(s.isEmpty()).isFalse();
    assertThat(new Slices().isEmpty()).isTrue();
  }

  @Test
  void advanceGivesTheSameStepsForSummedSlicesAsForTheSlicesOneByOne() {
    // Sliding 10 s windows every 4 s (2 s panes), 7 s lateness; times jump back and forth.
    EventWindows w = new EventWindows(10_000, 4_000, 7_000);
    EventWindows.State plain = new EventWindows.State();
    EventWindows.State summed = new EventWindows.State();
    Random random = new Random(42);
    int closedWindows = 0;
    long late = 0;
    for (int batch = 0; batch < 60; batch++) {
      long[] seconds = new long[random.nextInt(12)];
      for (int i = 0; i < seconds.length; i++) {
        seconds[i] = batch * 3L + random.nextInt(30) - 15;
      }
      List<Slice> slices = oneByOne(w, seconds);
      Step expected = w.advance(plain, slices);
      Step actual = w.advance(summed, summed(slices, random.nextInt(slices.size() + 1)));
      assertThat(describe(actual)).as("batch %d", batch).isEqualTo(describe(expected));
      closedWindows += expected.closed().size();
      late += expected.late();
    }
    // The sequence exercises both: closed windows and late events.
    assertThat(closedWindows).isGreaterThan(10);
    assertThat(late).isGreaterThan(10);
  }

  /** A batch time (2026-12-03) far after the sample's request times. */
  private static final long BATCH_MS = 1_796_342_400_000L;

  @Test
  void slicesOfARddAreOneSummedSlicesPerPipelineAfterOneShuffleInTheStatePartitioning() {
    List<EventRecord> records = SampleEvents.records(SampleEvents.logEvents());
    EventWindows clock = new EventWindows(60_000, 30_000, 300_000);
    HashPartitioner partitioner = new HashPartitioner(3);
    JavaRDD<EventRecord> timed = sc.parallelize(records, 4).filter(EventRecord::isParsedLog);

    for (boolean windowed : new boolean[] {false, true}) {
      JavaPairRDD<Metric, Slices> slices =
          AnalyticsStreams.slices(timed, PipelineAnalytics.LOGS, clock, windowed, false, BATCH_MS, partitioner);

      assertThat(slices.rdd().partitioner().get()).isEqualTo(partitioner);
      assertThat(shuffles(slices.rdd())).as("shuffles in the lineage").isEqualTo(1);
      List<Tuple2<Metric, Slices>> out = slices.collect();
      assertThat(out).hasSize(1);
      assertThat(out.get(0)._1()).isEqualTo(Metric.of(Metric.Kind.LOGS_LATE));

      // Expected: each parsed line's request time, counted, and its window metrics in its pane.
      Map<Long, Long> times = new HashMap<>();
      Map<Tuple2<Long, Metric>, Tally> panes = new HashMap<>();
      for (EventRecord e : records) {
        if (!e.isParsedLog() || e.timestampMs() == EventRecord.NO_TIME) {
          continue;
        }
        times.merge(e.timestampMs(), 1L, Long::sum);
        if (windowed) {
          long pane = clock.paneOf(e.timestampMs());
          PipelineAnalytics.LOGS.windowContributions(e)
              .forEachRemaining(m -> panes.merge(new Tuple2<>(pane, m._1()), m._2(), Tally::plus));
        }
      }
      Map<Long, Long> actualTimes = new HashMap<>();
      Map<Tuple2<Long, Metric>, Tally> actualPanes = new HashMap<>();
      long ticks = 0;
      for (Slice s : out.get(0)._2()) {
        if (s.tick) {
          assertThat(s.time).isEqualTo(BATCH_MS);
          ticks++;
        } else if (s.metric == null) {
          actualTimes.put(s.time, s.count);
        } else {
          actualPanes.put(new Tuple2<>(s.time, s.metric), s.tally);
        }
      }
      assertThat(ticks).isEqualTo(1);
      assertThat(actualTimes).as("windowed %s", windowed).isEqualTo(times);
      assertThat(actualPanes).as("windowed %s", windowed).isEqualTo(panes);
      assertThat(times.values().stream().mapToLong(Long::longValue).sum())
          .isEqualTo(records.stream().filter(EventRecord::isParsedLog).count());
    }
    // No timed event: only the batch's tick (so that the state still runs: idle flush).
    List<Tuple2<Metric, Slices>> empty = AnalyticsStreams.slices(sc.parallelize(List.<EventRecord>of(), 2),
        PipelineAnalytics.LOGS, clock, true, false, BATCH_MS, partitioner).collect();
    assertThat(empty).hasSize(1);
    List<Slice> only = new java.util.ArrayList<>();
    empty.get(0)._2().forEach(only::add);
    assertThat(only).hasSize(1);
    assertThat(only.get(0).tick).isTrue();
    assertThat(only.get(0).time).isEqualTo(BATCH_MS);
  }

  /** Shuffle dependencies in the lineage of {@code rdd}. */
  private static int shuffles(RDD<?> rdd) {
    int n = 0;
    for (Dependency<?> d : JavaConverters.seqAsJavaListConverter(rdd.dependencies()).asJava()) {
      n += (d instanceof ShuffleDependency ? 1 : 0) + shuffles(d.rdd());
    }
    return n;
  }
}
