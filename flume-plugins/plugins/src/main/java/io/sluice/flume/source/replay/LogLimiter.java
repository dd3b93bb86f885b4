package io.sluice.flume.source.replay;

/**
 * Lets one log message of a kind through at most once per interval and counts the ones it held
 * back, so that a condition repeating at every retry is reported clearly without flooding the
 * log. The first message always passes. Not thread-safe.
 */
final class LogLimiter {

  private final long intervalNanos;
  private final RatePacer.Clock clock;
  private boolean passedOnce;
  private long lastPassedNanos;
  private long heldBack;

  /**
   * @param intervalNanos the least time between two messages let through
   * @param clock the time source
   */
  LogLimiter(long intervalNanos, RatePacer.Clock clock) {
    this.intervalNanos = intervalNanos;
    this.clock = clock;
  }

  /**
   * Whether to log now. When it returns true, {@link #heldBack()} tells how many messages were
   * held back since the last one let through.
   */
  boolean tryPass() {
    long now = clock.nanoTime();
    if (passedOnce && now - lastPassedNanos < intervalNanos) {
      heldBack++;
      return false;
    }
    passedOnce = true;
    lastPassedNanos = now;
    return true;
  }

  /** Messages held back since the previous one let through; resets the count. */
  long heldBack() {
    long n = heldBack;
    heldBack = 0;
    return n;
  }
}
