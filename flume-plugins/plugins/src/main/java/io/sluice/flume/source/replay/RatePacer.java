package io.sluice.flume.source.replay;

import java.util.concurrent.TimeUnit;

/**
 * Paces a replay to a target number of events per second.
 *
 * <p>Event {@code n} (0-based, counted since {@link #reset()}) is due {@code n / eventsPerSecond}
 * seconds after the reset. {@link #acquire(int)} waits until at least one event is due and
 * grants every event due by then, up to the requested maximum. The long-run average rate is
 * therefore {@code eventsPerSecond}; after a stall (for example a full channel) the caller
 * catches up in grants of at most the requested maximum (the batch size). A rate of {@code 0}
 * disables pacing: every request is granted in full without waiting.
 *
 * <p>Not thread-safe: used by the one thread that runs the source.
 */
final class RatePacer {

  /** Time source and sleeper; a seam for tests. */
  interface Clock {
    /** Monotonic time in nanoseconds, as {@link System#nanoTime()}. */
    long nanoTime();

    /** Sleeps for the given number of nanoseconds (> 0). */
    void sleepNanos(long nanos) throws InterruptedException;
  }

  /** The system's monotonic clock and {@link TimeUnit#sleep(long)}. */
  static final Clock SYSTEM_CLOCK = new Clock() {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public void sleepNanos(long nanos) throws InterruptedException {
      TimeUnit.NANOSECONDS.sleep(nanos);
    }
  };

  private static final double NANOS_PER_SECOND = 1e9;

  private final double eventsPerSecond;
  private final Clock clock;
  private long startNanos;
  private long granted;

  /**
   * @param eventsPerSecond target rate; {@code 0} for no pacing
   * @param clock time source
   * @throws IllegalArgumentException if the rate is negative, NaN or infinite
   */
  RatePacer(double eventsPerSecond, Clock clock) {
    if (!(eventsPerSecond >= 0) || Double.isInfinite(eventsPerSecond)) {
      throw new IllegalArgumentException(
          "eventsPerSecond must be a finite number >= 0, got " + eventsPerSecond);
    }
    this.eventsPerSecond = eventsPerSecond;
    this.clock = clock;
    reset();
  }

  /** Restarts the schedule: the next event is due now. */
  void reset() {
    startNanos = clock.nanoTime();
    granted = 0;
  }

  /**
   * Waits until at least one event is due, then grants the events due now.
   *
   * @param max the most events the caller wants (> 0)
   * @return the number of events the caller may emit now, between 1 and {@code max}
   * @throws InterruptedException if interrupted while waiting
   */
  int acquire(int max) throws InterruptedException {
    if (eventsPerSecond == 0 || max <= 0) {
      return Math.max(max, 0);
    }
    long due = dueAt(clock.nanoTime());
    if (due <= granted) {
      long wakeAt = startNanos + (long) Math.ceil(granted * NANOS_PER_SECOND / eventsPerSecond);
      long waitNanos = wakeAt - clock.nanoTime();
      if (waitNanos > 0) {
        clock.sleepNanos(waitNanos);
      }
      due = Math.max(dueAt(clock.nanoTime()), granted + 1);
    }
    int grant = (int) Math.min(max, due - granted);
    granted += grant;
    return grant;
  }

  /**
   * Gives back events granted but not emitted (the input ended first), so they stay due.
   *
   * @param unused the number of granted events not emitted (>= 0)
   */
  void refund(int unused) {
    if (eventsPerSecond != 0 && unused > 0) {
      granted = Math.max(0, granted - unused);
    }
  }

  /** Number of events due at {@code now}: event 0 is due at the reset. */
  private long dueAt(long now) {
    return (long) Math.floor((now - startNanos) * eventsPerSecond / NANOS_PER_SECOND) + 1;
  }
}
