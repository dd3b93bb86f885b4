package io.sluice.spark.analytics;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spark.input.EventRecord;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * Arrival lag of events, per arrival-time window: {@code lag = arrival time - event time}, one
 * value per event that has an event time ({@link EventRecord#timestampMs()}).
 *
 * <p><b>Arrival time.</b> When the source read the event: its {@code readTime} header
 * ({@link io.sluice.contract.EventHeaders#READ_TIME}, set by the replay source from its own clock,
 * the same reading {@link LatencyTracker} starts from), else, for sources that set none (Flume's
 * TAILDIR and syslog sources, the Jetstream and X sources), the batch time of the batch that
 * counted the event (the end of its batch interval, on the driver's clock). A lag below 0 (event
 * time after arrival: clocks out of step, a post dated in the future) counts as 0.
 *
 * <p><b>Histogram.</b> Quantiles must add up across batches: each arrival-time window is a
 * {@code reduceByKeyAndWindow} over per-batch metrics. So each event is put in a bucket of a
 * log-spaced histogram, one {@link Metric} of kind {@link Metric.Kind#ARRIVAL_LAG} per bucket (its
 * name the bucket index) whose {@link Tally} holds the bucket's count, sum, minimum and maximum:
 * merging two windows' histograms is adding their tallies. Bucket 0 holds lag 0 (and below);
 * bucket {@code b >= 1} holds lags in milliseconds in {@code (GAMMA^(b-2), GAMMA^(b-1)]}, with
 * {@code GAMMA = (1 + a) / (1 - a)} and {@code a = }{@value #RELATIVE_ERROR}. A quantile is
 * nearest-rank over the window's events: the bucket holding that rank, estimated as
 * {@code 2 GAMMA^(b-1) / (1 + GAMMA)} and clamped to the bucket's own minimum and maximum, so within a
 * relative error of {@value #RELATIVE_ERROR} of the true nearest-rank value (exact when the bucket
 * holds one distinct value, and for lag 0); {@code maxSeconds} is exact. A window holds at most
 * one bucket per factor GAMMA of lag: 1,400 buckets from 1 ms to 30 years, a handful for lags that
 * stay within a few percent of each other (a replay of old data).
 */
public final class Lag {

  /** Relative error of a quantile: 1 %. */
  public static final double RELATIVE_ERROR = 0.01;
  /** Ratio of consecutive bucket bounds. */
  static final double GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR);
  private static final double LOG_GAMMA = Math.log(GAMMA);

  private Lag() {}

  /** The bucket of a lag in milliseconds: 0 for lag 0 or below, else {@code 1 + ceil(log_GAMMA(lagMs))}. */
  public static int bucket(long lagMs) {
    if (lagMs <= 0) {
      return 0;
    }
    return 1 + (int) Math.ceil(Math.log(lagMs) / LOG_GAMMA);
  }

  /** The value a bucket stands for, milliseconds: 0 for bucket 0, else {@code 2 GAMMA^(b-1) / (1 + GAMMA)}. */
  static double estimateMs(int bucket) {
    return bucket == 0 ? 0 : 2 * Math.pow(GAMMA, bucket - 1) / (1 + GAMMA);
  }

  /** The arrival time of {@code e}: its read time, else {@code batchTimeMs}. */
  public static long arrivalMs(EventRecord e, long batchTimeMs) {
    return e.readTimeMs() != EventRecord.NO_TIME ? e.readTimeMs() : batchTimeMs;
  }

  /**
   * The lag histogram of one batch's events: {@code (ARRIVAL_LAG:<bucket>, tally of the lags in
   * milliseconds)}, events without an event time left out; {@code batchTimeMs}: the batch time, the
   * arrival time of events without a read time.
   */
  public static JavaPairRDD<Metric, Tally> metrics(JavaRDD<EventRecord> events, long batchTimeMs) {
    return events.filter(e -> e.timestampMs() != EventRecord.NO_TIME)
        .mapToPair(e -> {
          long lag = Math.max(0, arrivalMs(e, batchTimeMs) - e.timestampMs());
          return new Tuple2<>(Metric.of(Metric.Kind.ARRIVAL_LAG, Integer.toString(bucket(lag))), Tally.of(lag));
        })
        .reduceByKey(Tally::plus);
  }

  /** A lag histogram being read: the {@link Metric.Kind#ARRIVAL_LAG} metrics of one window. */
  public static final class Histogram implements Serializable {
    private static final long serialVersionUID = 1L;

    private final TreeMap<Integer, Tally> buckets = new TreeMap<>();

    /** Adds one bucket's tally ({@code metric}: an {@code ARRIVAL_LAG} metric). */
    public Histogram add(Metric metric, Tally tally) {
      buckets.merge(Integer.parseInt(metric.name()), tally, Tally::plus);
      return this;
    }

    /** Adds one lag in milliseconds, as {@link #metrics} would. */
    public Histogram addMs(long lagMs) {
      long lag = Math.max(0, lagMs);
      buckets.merge(bucket(lag), Tally.of(lag), Tally::plus);
      return this;
    }

    void merge(Histogram other) {
      other.buckets.forEach((b, t) -> buckets.merge(b, t, Tally::plus));
    }

    /** Events counted. */
    public long events() {
      long n = 0;
      for (Tally t : buckets.values()) {
        n += t.count();
      }
      return n;
    }

    /**
     * The nearest-rank {@code q} quantile in milliseconds (the smallest lag at or below which
     * {@code q} of the events are), within {@link #RELATIVE_ERROR}; NaN without events.
     */
    public double quantileMs(double q) {
      long n = events();
      if (n == 0) {
        return Double.NaN;
      }
      long rank = Math.max(1, (long) Math.ceil(q * n));
      long seen = 0;
      for (Map.Entry<Integer, Tally> e : buckets.entrySet()) {
        Tally t = e.getValue();
        seen += t.count();
        if (seen >= rank) {
          // The bucket's first and last values are known exactly.
          if (rank == seen) {
            return t.max();
          }
          if (rank == seen - t.count() + 1) {
            return t.min();
          }
          return Math.min(t.max(), Math.max(t.min(), estimateMs(e.getKey())));
        }
      }
      return buckets.lastEntry().getValue().max();
    }

    /** The largest lag in milliseconds, exact; NaN without events. */
    public double maxMs() {
      return buckets.isEmpty() ? Double.NaN : buckets.lastEntry().getValue().max();
    }

    /**
     * Puts {@code {"events": n, "p50Seconds": x, "p99Seconds": y, "maxSeconds": z}} into
     * {@code json} (only {@code events} when 0).
     */
    public void put(ObjectNode json) {
      long n = events();
      json.put("events", n);
      if (n > 0) {
        json.put("p50Seconds", quantileMs(0.50) / 1000.0);
        json.put("p99Seconds", quantileMs(0.99) / 1000.0);
        json.put("maxSeconds", maxMs() / 1000.0);
      }
    }
  }
}
