package io.sluice.flume.interceptor;

/**
 * Headers a Sluice component sets on an event it could not process. The event is kept, so rejected
 * records can be routed (e.g. by a multiplexing channel selector on {@value #REJECT_REASON}) and
 * counted downstream instead of being dropped. An interceptor leaves the body unchanged; a source
 * that reads a record too long to carry (see {@value #LINE_TOO_LONG}) keeps its first bytes.
 *
 * <p>A rejection is final: an event that already carries a {@value #REJECT_REASON} when it reaches
 * a Sluice interceptor (rejected by the source or by an earlier interceptor) is passed on
 * untouched, neither parsed nor given another reason, and counted as rejected with its reason.
 */
public final class RejectionHeaders {

  /** Header holding the reject code, one of the closed set of the rejecting component. */
  public static final String REJECT_REASON = "rejectReason";

  /** Header naming the component that rejected the event, e.g. {@code access-log-interceptor}. */
  public static final String REJECTED_BY = "rejectedBy";

  /**
   * Reject code of a line (record) longer than the source's limit, e.g. {@code ReplaySource}'s
   * {@code maxLineBytes}: the body holds the line's first bytes only, and
   * {@value #ORIGINAL_LENGTH_BYTES} its length.
   */
  public static final String LINE_TOO_LONG = "line-too-long";

  /**
   * Header on an event whose body was cut ({@value #LINE_TOO_LONG}): the length of the whole
   * record in bytes (for a line: without its terminator), as a decimal string.
   */
  public static final String ORIGINAL_LENGTH_BYTES = "originalLengthBytes";

  private RejectionHeaders() {
  }
}
