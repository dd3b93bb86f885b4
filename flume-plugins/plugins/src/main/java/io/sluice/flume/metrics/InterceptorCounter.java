package io.sluice.flume.metrics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The counter group of one Sluice interceptor: an {@code INTERCEPTOR}-typed Flume
 * {@link org.apache.flume.instrumentation.MonitoredCounterGroup} (MBean
 * {@code org.apache.flume.interceptor:type=<name>}) with one counter per outcome and one per
 * failure class.
 *
 * <table>
 *   <caption>Counters</caption>
 *   <tr><th>name</th><th>counts events that</th></tr>
 *   <tr><td>{@value #EVENT_RECEIVED}</td><td>entered the interceptor</td></tr>
 *   <tr><td>{@value #EVENT_ACCEPTED}</td><td>left it without a reject header</td></tr>
 *   <tr><td>{@value #EVENT_REJECTED}</td><td>left it marked with a {@code rejectReason}
 *       (kept in the batch, routed to the dead letter)</td></tr>
 *   <tr><td>{@value #EVENT_REJECTED}{@code .<code>}</td><td>were rejected with that reason code
 *       (one counter per code of the interceptor's closed set)</td></tr>
 *   <tr><td>{@value #EVENT_DROPPED}</td><td>were removed from the batch (only interceptors that
 *       drop, e.g. the dedup interceptor)</td></tr>
 *   <tr><td>{@value #EVENT_DROPPED}{@code .<reason>}</td><td>were removed for that reason</td></tr>
 * </table>
 * Invariant once a batch has been intercepted:
 * {@code received = accepted + rejected + dropped}, and each total is the sum of its per-reason
 * counters.
 */
public class InterceptorCounter extends ComponentCounter {

  /** Events that entered the interceptor. */
  public static final String EVENT_RECEIVED = "EventReceivedCount";
  /** Events that left without a reject header. */
  public static final String EVENT_ACCEPTED = "EventAcceptedCount";
  /** Events marked as rejected (kept in the batch); per reason: {@code EventRejectedCount.<code>}. */
  public static final String EVENT_REJECTED = "EventRejectedCount";
  /** Events removed from the batch; per reason: {@code EventDroppedCount.<reason>}. */
  public static final String EVENT_DROPPED = "EventDroppedCount";

  /**
   * Creates the group.
   *
   * @param name the counter group name, e.g. {@code access-log-interceptor}
   * @param rejectCodes the interceptor's closed set of reject codes
   * @param dropReasons the reasons it may drop an event for (empty when it never drops)
   */
  public InterceptorCounter(String name, Collection<String> rejectCodes,
      Collection<String> dropReasons) {
    this(name, rejectCodes, dropReasons, List.of());
  }

  /**
   * Creates the group with interceptor-specific counters besides the standard ones.
   *
   * @param name the counter group name
   * @param rejectCodes the interceptor's closed set of reject codes
   * @param dropReasons the reasons it may drop an event for
   * @param extraCounters more counter names, e.g. {@code EventWithoutKeyCount}
   */
  public InterceptorCounter(String name, Collection<String> rejectCodes,
      Collection<String> dropReasons, Collection<String> extraCounters) {
    super(Type.INTERCEPTOR, name, names(rejectCodes, dropReasons, extraCounters));
  }

  private static List<String> names(Collection<String> rejectCodes,
      Collection<String> dropReasons, Collection<String> extraCounters) {
    List<String> names = new ArrayList<>(List.of(EVENT_RECEIVED, EVENT_ACCEPTED, EVENT_REJECTED,
        EVENT_DROPPED));
    names.addAll(extraCounters);
    for (String code : rejectCodes) {
      names.add(rejectedCounter(code));
    }
    for (String reason : dropReasons) {
      names.add(droppedCounter(reason));
    }
    return names;
  }

  /**
   * The per-reason reject counter's name.
   *
   * @param code a reject code
   * @return {@code EventRejectedCount.<code>}
   */
  public static String rejectedCounter(String code) {
    return EVENT_REJECTED + "." + code;
  }

  /**
   * The per-reason drop counter's name.
   *
   * @param reason a drop reason
   * @return {@code EventDroppedCount.<reason>}
   */
  public static String droppedCounter(String reason) {
    return EVENT_DROPPED + "." + reason;
  }

  /** Counts an event entering the interceptor. */
  public void received() {
    incrementCounter(EVENT_RECEIVED);
  }

  /** Counts an event leaving without a reject header. */
  public void accepted() {
    incrementCounter(EVENT_ACCEPTED);
  }

  /**
   * Counts a rejected event.
   *
   * @param code its reject code, one given at construction
   */
  public void rejected(String code) {
    incrementCounter(EVENT_REJECTED);
    incrementCounter(rejectedCounter(code));
  }

  /**
   * Counts a dropped event.
   *
   * @param reason the drop reason, one given at construction
   */
  public void dropped(String reason) {
    incrementCounter(EVENT_DROPPED);
    incrementCounter(droppedCounter(reason));
  }
}
