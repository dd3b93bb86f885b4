package io.sluice.flume.source.stream;

/**
 * A reconnect back-off schedule: the delay before each consecutive failed attempt, reset after a
 * success.
 *
 * <ul>
 *   <li>{@link #linear(long, long)}: {@code step, 2*step, 3*step, ...} up to {@code max} (X's
 *       advice for TCP/IP errors: 250 ms more each attempt, up to 16 s);</li>
 *   <li>{@link #exponential(long, long)}: {@code initial, 2*initial, 4*initial, ...} up to
 *       {@code max} (X's advice for HTTP errors: from 5 s up to 320 s; for HTTP 429: from
 *       1 minute).</li>
 * </ul>
 * No jitter is added. Not thread-safe: owned by the thread that reconnects.
 */
public final class Backoff {

  private final boolean exponential;
  private final long firstMs;
  private final long maxMs;
  private int failures;

  private Backoff(boolean exponential, long firstMs, long maxMs) {
    if (firstMs <= 0 || maxMs < firstMs) {
      throw new IllegalArgumentException(
          "Need 0 < first <= max, got first=" + firstMs + " ms, max=" + maxMs + " ms");
    }
    this.exponential = exponential;
    this.firstMs = firstMs;
    this.maxMs = maxMs;
  }

  /**
   * @param stepMs delay added per consecutive failure, in milliseconds (&gt; 0)
   * @param maxMs upper bound, in milliseconds (&gt;= stepMs)
   * @return a linear schedule
   */
  public static Backoff linear(long stepMs, long maxMs) {
    return new Backoff(false, stepMs, maxMs);
  }

  /**
   * @param initialMs first delay, in milliseconds (&gt; 0); doubled per consecutive failure
   * @param maxMs upper bound, in milliseconds (&gt;= initialMs)
   * @return an exponential schedule
   */
  public static Backoff exponential(long initialMs, long maxMs) {
    return new Backoff(true, initialMs, maxMs);
  }

  /**
   * Records one more failure and returns the delay to wait before the next attempt.
   *
   * @return the delay in milliseconds
   */
  public long nextDelayMs() {
    failures++;
    long delay;
    if (exponential) {
      int shift = Math.min(failures - 1, 62);
      delay = firstMs > (maxMs >> shift) ? maxMs : firstMs << shift;
    } else {
      delay = firstMs > maxMs / failures ? maxMs : firstMs * failures;
    }
    return Math.min(delay, maxMs);
  }

  /** The first delay and the cap of a schedule, in milliseconds, validated at configuration. */
  public static final class Spec {
    private final long firstMs;
    private final long maxMs;

    /**
     * @param firstMs first delay (or linear step), in milliseconds
     * @param maxMs upper bound, in milliseconds
     */
    public Spec(long firstMs, long maxMs) {
      this.firstMs = firstMs;
      this.maxMs = maxMs;
    }

    /** A new linear schedule. */
    public Backoff linear() {
      return Backoff.linear(firstMs, maxMs);
    }

    /** A new exponential schedule. */
    public Backoff exponential() {
      return Backoff.exponential(firstMs, maxMs);
    }
  }

  /** Forgets the failures: the next delay is the first one again. */
  public void reset() {
    failures = 0;
  }

  /** Consecutive failures since the last {@link #reset()}. */
  public int failures() {
    return failures;
  }
}
