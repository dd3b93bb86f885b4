package io.sluice.spark.analytics;

import java.io.Serializable;

/**
 * When a window of access-log requests raises an error-rate alert: at least {@link #minRequests()}
 * parsed requests, of which the share with a 5xx status is strictly above {@link #threshold()}.
 * Immutable.
 */
public final class ErrorRateRule implements Serializable {

  private static final long serialVersionUID = 1L;

  private final double threshold;
  private final long minRequests;

  /**
   * @param threshold share of 5xx responses, 0 (inclusive) to 1 (exclusive)
   * @param minRequests fewest requests in a window for it to be judged, at least 1
   */
  public ErrorRateRule(double threshold, long minRequests) {
    if (!(threshold >= 0 && threshold < 1)) {
      throw new IllegalArgumentException("threshold must be in [0, 1): " + threshold);
    }
    if (minRequests < 1) {
      throw new IllegalArgumentException("minRequests must be at least 1: " + minRequests);
    }
    this.threshold = threshold;
    this.minRequests = minRequests;
  }

  public double threshold() {
    return threshold;
  }

  public long minRequests() {
    return minRequests;
  }

  /** Whether {@code serverErrors} of {@code requests} raise an alert. */
  public boolean fires(long requests, long serverErrors) {
    return requests >= minRequests && (double) serverErrors / requests > threshold;
  }

  @Override
  public String toString() {
    return "5xx share > " + threshold + " over at least " + minRequests + " requests";
  }
}
