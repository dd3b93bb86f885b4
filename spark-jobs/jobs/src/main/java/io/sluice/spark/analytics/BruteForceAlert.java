package io.sluice.spark.analytics;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.contract.Pipeline;
import java.util.Objects;

/**
 * The brute-force alert of one syslog window: one source address with more authentication
 * failures ({@link io.sluice.spark.input.AuthFailures}) in the window than the threshold
 * ({@code --brute-force-threshold}). Immutable.
 *
 * <p>JSON shape (one object; the {@code "alerts"} of {@code syslog-event-windows.json}, or
 * {@code syslog-alerts.json} with {@code --window-time arrival}, in a batch directory hold an array of
 * them, the alerts Kafka topic one per record, keyed by {@code id}):
 * <pre>
 * {"id": "syslog-brute-force:24.151.103.17@1490700000000", "type": "brute-force", "pipeline": "syslog",
 *  "windowStart": 1490699940000, "windowEnd": 1490700000000,
 *  "sourceIp": "24.151.103.17", "failures": 157, "threshold": 10}
 * </pre>
 * A window raises one alert per address above the threshold; an address that keeps failing raises
 * one in every window that sees it above the threshold (with sliding windows, in several
 * overlapping ones), each with its own id.
 */
public final class BruteForceAlert extends WindowAlert {

  private static final long serialVersionUID = 1L;

  /** Type of the brute-force alert. */
  public static final String BRUTE_FORCE = "brute-force";

  private final String sourceIp;
  private final long failures;
  private final long threshold;

  BruteForceAlert(long windowStartMs, long windowEndMs, String sourceIp, long failures, long threshold) {
    super(BRUTE_FORCE, Pipeline.SYSLOG, windowStartMs, windowEndMs);
    this.sourceIp = Objects.requireNonNull(sourceIp, "sourceIp");
    this.failures = failures;
    this.threshold = threshold;
  }

  @Override
  public String id() {
    return Pipeline.SYSLOG.id() + "-" + BRUTE_FORCE + ":" + sourceIp + "@" + windowEndMs;
  }

  /** The source address, as sshd logged it. */
  public String sourceIp() {
    return sourceIp;
  }

  /** Authentication failures from {@link #sourceIp()} in the window. */
  public long failures() {
    return failures;
  }

  /** The threshold the failures are above. */
  public long threshold() {
    return threshold;
  }

  @Override
  void putFields(ObjectNode a) {
    a.put("sourceIp", sourceIp);
    a.put("failures", failures);
    a.put("threshold", threshold);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof BruteForceAlert)) {
      return false;
    }
    BruteForceAlert a = (BruteForceAlert) o;
    return a.windowStartMs == windowStartMs && a.windowEndMs == windowEndMs && a.sourceIp.equals(sourceIp)
        && a.failures == failures && a.threshold == threshold;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(windowEndMs) * 31 + sourceIp.hashCode();
  }
}
