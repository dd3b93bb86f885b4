package io.sluice.spark.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spark.SampleEvents;
import io.sluice.spark.input.EventRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The lag histogram: buckets, nearest-rank quantiles within 1 %, adding up across batches. */
class LagTest {

  @Test
  void bucketsAreLogSpacedAndZeroHoldsNoLag() {
    assertThat(Lag.bucket(0)).isZero();
    assertThat(Lag.bucket(-5_000)).as("early: counted as 0").isZero();
    assertThat(Lag.bucket(1)).isEqualTo(1);
    assertThat(Lag.bucket(2)).isEqualTo(1 + (int) Math.ceil(Math.log(2) / Math.log(Lag.GAMMA)));
    // Bucket b >= 1 holds (GAMMA^(b-2), GAMMA^(b-1)]: its estimate is within 1 % of both bounds.
    for (long lag : new long[] {2, 10, 999, 1_000, 60_000, 3_600_000, 350_000_000_000L}) {
      int b = Lag.bucket(lag);
      assertThat(Math.pow(Lag.GAMMA, b - 2)).isLessThan(lag);
      assertThat(Math.pow(Lag.GAMMA, b - 1)).isGreaterThanOrEqualTo(lag * (1 - 1e-12));
      assertThat(Math.abs(Lag.estimateMs(b) - lag) / lag).isLessThanOrEqualTo(Lag.RELATIVE_ERROR + 1e-12);
    }
  }

  @Test
  void quantilesAreExactWhereABucketHoldsOneValue() {
    Lag.Histogram h = new Lag.Histogram();
    // 50 events of 1 s, 45 of 60 s, 4 of 1 h, 1 of 1 day.
    add(h, 1_000, 50);
    add(h, 60_000, 45);
    add(h, 3_600_000, 4);
    add(h, 86_400_000, 1);

    assertThat(h.events()).isEqualTo(100);
    assertThat(h.quantileMs(0.50)).as("rank 50: the last 1 s").isEqualTo(1_000.0);
    assertThat(h.quantileMs(0.51)).as("rank 51: the first 60 s").isEqualTo(60_000.0);
    assertThat(h.quantileMs(0.95)).isEqualTo(60_000.0);
    assertThat(h.quantileMs(0.96)).isEqualTo(3_600_000.0);
    assertThat(h.quantileMs(0.99)).isEqualTo(3_600_000.0);
    assertThat(h.quantileMs(1.0)).isEqualTo(86_400_000.0);
    assertThat(h.maxMs()).isEqualTo(86_400_000.0);
    ObjectNode json = new ObjectMapper().createObjectNode();
    h.put(json);
    assertThat(json.toString()).isEqualTo(
        "{\"events\":100,\"p50Seconds\":1.0,\"p99Seconds\":3600.0,\"maxSeconds\":86400.0}");
  }

  @Test
  void aQuantileInsideABucketIsWithinOnePercentOfTheTrueNearestRankValue() {
    Random random = new Random(42);
    long[] lags = new long[10_001];
    Lag.Histogram h = new Lag.Histogram();
    for (int i = 0; i < lags.length; i++) {
      lags[i] = (long) Math.exp(random.nextDouble() * 20); // 1 ms to 5.6 days
      h.addMs(lags[i]);
    }
    java.util.Arrays.sort(lags);
    for (double q : new double[] {0.01, 0.25, 0.5, 0.9, 0.99, 0.999}) {
      long exact = lags[(int) Math.ceil(q * lags.length) - 1];
      assertThat(h.quantileMs(q)).as("q %s", q).isCloseTo(exact, within(exact * Lag.RELATIVE_ERROR));
    }
    assertThat(h.maxMs()).isEqualTo(lags[lags.length - 1]);
    assertThat(h.quantileMs(0.0)).as("rank 1: the smallest, exact").isEqualTo(lags[0]);
  }

  @Test
  void histogramsOfBatchesAddUpToTheHistogramOfTheirUnion() {
    Lag.Histogram whole = new Lag.Histogram();
    Lag.Histogram one = new Lag.Histogram();
    Lag.Histogram two = new Lag.Histogram();
    for (int i = 1; i <= 1_000; i++) {
      whole.addMs(i * 37L);
      (i % 3 == 0 ? one : two).addMs(i * 37L);
    }
    one.merge(two);
    for (double q : new double[] {0.5, 0.9, 0.99}) {
      assertThat(one.quantileMs(q)).isEqualTo(whole.quantileMs(q));
    }
    assertThat(one.events()).isEqualTo(1_000);
  }

  @Test
  void arrivalIsTheReadTimeElseTheBatchTime() {
    Map<String, String> headers = new HashMap<>(SampleEvents.logEvents().get(0));
    long eventTime = Long.parseLong(headers.get("timestamp"));
    EventRecord noReadTime = EventRecord.fromHeaders(headers);
    headers.put("readTime", String.valueOf(eventTime + 2_500));
    EventRecord read = EventRecord.fromHeaders(headers);

    assertThat(Lag.arrivalMs(read, 9_999_999_999_999L)).isEqualTo(eventTime + 2_500);
    assertThat(Lag.arrivalMs(noReadTime, 9_999_999_999_999L)).isEqualTo(9_999_999_999_999L);
    assertThat(List.of(read, noReadTime)).extracting(EventRecord::timestampMs).containsOnly(eventTime);
  }

  private static void add(Lag.Histogram h, long lagMs, int times) {
    for (int i = 0; i < times; i++) {
      h.addMs(lagMs);
    }
  }
}
