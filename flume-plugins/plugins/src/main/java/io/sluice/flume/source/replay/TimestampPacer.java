package io.sluice.flume.source.replay;

/**
 * Paces a replay by the timestamps in the input: the first timestamped line of a pass is due at
 * once, and a line stamped {@code t} is due {@code (t - t0) / speedup} after it, where {@code t0}
 * is the first line's stamp. Lines stamped earlier than lines already sent (logs are only roughly
 * ordered) are due at once; the schedule is never moved. Not thread-safe.
 */
final class TimestampPacer {

  private static final double NANOS_PER_MILLI = 1e6;

  private final double speedup;
  private final RatePacer.Clock clock;
  private boolean anchored;
  private long firstStampMs;
  private long firstDueNanos;

  /**
   * @param speedup how many times faster than real time (&gt; 0, finite)
   * @param clock time source
   */
  TimestampPacer(double speedup, RatePacer.Clock clock) {
    if (!(speedup > 0) || Double.isInfinite(speedup)) {
      throw new IllegalArgumentException("speedup must be a finite number > 0, got " + speedup);
    }
    this.speedup = speedup;
    this.clock = clock;
  }

  /** Starts a new schedule: the next timestamped line is due at once. */
  void reset() {
    anchored = false;
  }

  /**
   * @param stampMs the line's time in epoch milliseconds
   * @return the {@link RatePacer.Clock#nanoTime()} at which the line is due
   */
  long dueNanos(long stampMs) {
    long now = clock.nanoTime();
    if (!anchored) {
      anchored = true;
      firstStampMs = stampMs;
      firstDueNanos = now;
      return now;
    }
    double offsetNanos = (stampMs - firstStampMs) * NANOS_PER_MILLI / speedup;
    if (offsetNanos > Long.MAX_VALUE / 2.0) {
      return Long.MAX_VALUE / 2; // absurdly far future: a garbage stamp, waits "forever"
    }
    return firstDueNanos + (long) offsetNanos;
  }
}
