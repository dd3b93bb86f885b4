package io.sluice.flume.interceptor;

import io.sluice.flume.metrics.InterceptorCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
abstract class CountingInterceptor implements Interceptor {

  private static final Logger LOG = LoggerFactory.getLogger(CountingInterceptor.class);

  /** The interceptor's counters. */
  protected final InterceptorCounter counter;

  CountingInterceptor(InterceptorCounter counter) {
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
  InterceptorCounter counter() {
    return counter;
  }

  /**
   * Marks an event as rejected and counts it: {@value RejectionHeaders#REJECT_REASON} and
   * {@value RejectionHeaders#REJECTED_BY} headers, body untouched.
   */
  final void reject(Map<String, String> headers, String code, String rejectedBy) {
    headers.put(RejectionHeaders.REJECT_REASON, code);
    headers.put(RejectionHeaders.REJECTED_BY, rejectedBy);
    counter.rejected(code);
  }
}
