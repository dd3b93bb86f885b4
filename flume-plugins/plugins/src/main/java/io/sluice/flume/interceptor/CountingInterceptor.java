package io.sluice.flume.interceptor;

import io.sluice.contract.EventHeaders;
import io.sluice.contract.RejectReason;
import io.sluice.flume.metrics.InterceptorCounter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flume.Event;
import org.apache.flume.interceptor.Interceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lifecycle, batch contract and counting shared by Sluice's interceptors: {@link #initialize()}
 * starts the counter group (registers its MBean), {@link #close()} stops it and logs the
 * counters; {@link #intercept(List)} keeps the order, skips nulls, never returns null and never
 * returns more events than it got.
 */
public abstract class CountingInterceptor implements Interceptor {

  /**
   * Reason counter ({@code EventRejectedCount.other}) of the events a parsing interceptor passes on
   * because an earlier stage rejected them with a code it has no counter of.
   */
  public static final String OTHER_EARLIER_REASON = "other";

  private static final Logger LOG = LoggerFactory.getLogger(CountingInterceptor.class);

  /** The interceptor's counters. */
  protected final InterceptorCounter counter;

  protected CountingInterceptor(InterceptorCounter counter) {
    this.counter = counter;
  }

  @Override
  public void initialize() {
    counter.start();
  }

  @Override
  public List<Event> intercept(List<Event> events) {
    if (events == null) {
      return new ArrayList<>(0);
    }
    List<Event> out = new ArrayList<>(events.size());
    for (Event event : events) {
      Event intercepted = intercept(event);
      if (intercepted != null) {
        out.add(intercepted);
      }
    }
    return out;
  }

  @Override
  public void close() {
    counter.stop();
    LOG.info("{} stopped. Metrics: {}", getClass().getSimpleName(), counter);
  }

  /**
   * The counter group, for tests and benchmarks.
   *
   * @return the live counters
   */
  public InterceptorCounter counter() {
    return counter;
  }

  /**
   * The reject codes a parsing interceptor counts: its own closed set, then
   * {@link RejectReason#LINE_TOO_LONG} (set by the replay source) and
   * {@value #OTHER_EARLIER_REASON}, for the events it passes on already rejected (see
   * {@link #passOnRejected}).
   *
   * @param own the interceptor's codes
   * @return the codes to create reason counters for, without duplicates
   */
  protected static List<String> countedRejectCodes(List<String> own) {
    Set<String> codes = new LinkedHashSet<>(own);
    codes.add(RejectReason.LINE_TOO_LONG.code());
    codes.add(OTHER_EARLIER_REASON);
    return List.copyOf(codes);
  }

  /**
   * Passes on, untouched, an event that an earlier stage (the source, or an interceptor before
   * this one) rejected: when it has a {@value EventHeaders#REJECT_REASON}, counts it as
   * rejected with that reason ({@code EventRejectedCount.<code>} when this interceptor counts the
   * code, else {@code EventRejectedCount.}{@value #OTHER_EARLIER_REASON}) and returns true; the
   * caller must then neither parse it nor change its headers. The reason stays the one that
   * explains the body (e.g. a cut line would fail to parse for a reason of no use).
   *
   * @param headers the event's headers
   * @return true when the event was already rejected
   */
  protected final boolean passOnRejected(Map<String, String> headers) {
    String reason = headers.get(EventHeaders.REJECT_REASON);
    if (reason == null) {
      return false;
    }
    boolean counted = counter.counterNames().contains(InterceptorCounter.rejectedCounter(reason));
    counter.rejected(counted ? reason : OTHER_EARLIER_REASON);
    return true;
  }

  /**
   * Marks an event as rejected and counts it: {@value EventHeaders#REJECT_REASON} and
   * {@value EventHeaders#REJECTED_BY} headers, body untouched.
   */
  protected final void reject(Map<String, String> headers, String code, String rejectedBy) {
    headers.put(EventHeaders.REJECT_REASON, code);
    headers.put(EventHeaders.REJECTED_BY, rejectedBy);
    counter.rejected(code);
  }
}
