package io.sluice.flume.interceptor;

/**
 * Headers an interceptor sets on an event it could not parse. The body is left unchanged and the
 * event is kept, so rejected records can be routed (e.g. by a multiplexing channel selector on
 * {@value #REJECT_REASON}) and counted downstream instead of being dropped.
 */
public final class RejectionHeaders {

  /** Header holding the reject code, one of the closed set of the interceptor's enum. */
  public static final String REJECT_REASON = "rejectReason";

  /** Header naming the interceptor that rejected the event, e.g. {@code access-log-interceptor}. */
  public static final String REJECTED_BY = "rejectedBy";

  private RejectionHeaders() {
  }
}
