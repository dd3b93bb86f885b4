package io.sluice.spark.analytics;

import java.io.Serializable;

/**
 * The value of every running total: how many values were seen, their sum, minimum and maximum.
 * Merging is associative and commutative, so one {@code reduceByKey}/{@code updateStateByKey}
 * keeps counters ({@link #count()}) and the content-size statistics alike. Immutable.
 */
public final class Tally implements Serializable {

  private static final long serialVersionUID = 1L;

  private static final Tally ONE = of(1);

  private final long count;
  private final long sum;
  private final long min;
  private final long max;

  private Tally(long count, long sum, long min, long max) {
    this.count = count;
    this.sum = sum;
    this.min = min;
    this.max = max;
  }

  /** One occurrence, for counters. */
  public static Tally one() {
    return ONE;
  }

  /** {@code n} occurrences, for counters: the same as {@code n} times {@link #one()} added up. */
  public static Tally count(long n) {
    if (n < 1) {
      throw new IllegalArgumentException("count must be positive: " + n);
    }
    return new Tally(n, n, 1, 1);
  }

  /**
   * {@code n} occurrences taken back (a count of {@code -n}), for counters: added to {@code n}
   * counted ones of the same batch it gives a count of 0, which the running totals drop (an event
   * kept out of a counter after the fact, e.g. a far-future event out of its hour).
   */
  public static Tally uncount(long n) {
    if (n < 1) {
      throw new IllegalArgumentException("count must be positive: " + n);
    }
    return new Tally(-n, -n, 1, 1);
  }

  /** One observed value. */
  public static Tally of(long value) {
    return new Tally(1, value, value, value);
  }

  /** Both tallies together. */
  public Tally plus(Tally other) {
    return new Tally(count + other.count, sum + other.sum,
        Math.min(min, other.min), Math.max(max, other.max));
  }

  public long count() {
    return count;
  }

  public long sum() {
    return sum;
  }

  public long min() {
    return min;
  }

  public long max() {
    return max;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Tally)) {
      return false;
    }
    Tally t = (Tally) o;
    return count == t.count && sum == t.sum && min == t.min && max == t.max;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(count) * 31 + Long.hashCode(sum);
  }

  @Override
  public String toString() {
    return "Tally{count=" + count + ", sum=" + sum + ", min=" + min + ", max=" + max + '}';
  }
}
