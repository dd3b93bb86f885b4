package io.sluice.contract;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The closed set of reject codes, values of {@link EventHeaders#REJECT_REASON}. Agent
 * configurations route on them and the counters count them, so a code is never renamed. Each
 * rejecting component uses a subset, given by the sets below.
 */
public enum RejectReason {
  /** A record longer than the source's limit; the body holds its first bytes only. */
  LINE_TOO_LONG("line-too-long"),
  /** An event whose {@link EventHeaders#EVENT_ID} was seen within the dedup horizon. */
  DUPLICATE("duplicate"),

  // Access-log lines.
  /** The line is empty or blank. */
  EMPTY_LINE("empty-line"),
  /** A mandatory field is absent (the line or message ended, or the field's delimiter is missing). */
  MISSING_FIELD("missing-field"),
  /** A quoted field has no closing quote. */
  UNTERMINATED_QUOTE("unterminated-quote"),
  /** The {@code [} of the time field has no closing {@code ]}. */
  UNTERMINATED_BRACKET("unterminated-bracket"),
  /** The time field is not a valid {@code dd/MMM/yyyy:HH:mm:ss +hhmm}. */
  BAD_TIMESTAMP("bad-timestamp"),
  /**
   * The quoted request is not {@code METHOD TARGET [PROTOCOL]} nor {@code -}. No longer set by the
   * access-log interceptor, which parses such a line (the server answered it with a status and a
   * size) with method, path and protocol {@code -}; kept, never renamed, so that configurations
   * and counters naming it stay valid.
   */
  BAD_REQUEST("bad-request"),
  /** The status is not three digits in 100..599. */
  BAD_STATUS("bad-status"),
  /** The byte count is neither {@code -} nor a decimal number. */
  BAD_BYTES("bad-bytes"),
  /** Unexpected characters follow a complete field. */
  TRAILING_GARBAGE("trailing-garbage"),

  // JSON records: posts, stream messages.
  /** Empty or blank body. */
  EMPTY_RECORD("empty-record"),
  /** Not one well-formed JSON value (or not valid UTF-8). */
  INVALID_JSON("invalid-json"),
  /**
   * Well-formed JSON that is neither a post nor a known non-post event (Twitter v1.1 stream control
   * messages, arrays, scalars, a Bluesky post record without text); Jetstream's likes, follows,
   * deletions, ... are not rejects but {@link NotPostKind}s.
   */
  NOT_A_STATUS("not-a-status"),
  /** A post (or an X {@code data} member) without a usable id. */
  MISSING_ID("missing-id"),
  /** An X API v2 envelope with several Posts. */
  MULTIPLE_POSTS("multiple-posts"),
  /**
   * A stream message that is neither data nor a stream error (X); a ZeroMQ message whose frames
   * are not the envelope the source expects.
   */
  UNEXPECTED_MESSAGE("unexpected-message"),

  // Syslog messages.
  /** A {@code <PRI>} that is not 1 to 3 digits in 0..191 (RFC 5424 section 6.2.1). */
  BAD_PRIORITY("bad-priority");

  /** The codes of {@link Rejecters#ACCESS_LOG_INTERCEPTOR}. */
  public static final Set<RejectReason> ACCESS_LOG = codes(EMPTY_LINE, MISSING_FIELD,
      UNTERMINATED_QUOTE, UNTERMINATED_BRACKET, BAD_TIMESTAMP, BAD_REQUEST, BAD_STATUS, BAD_BYTES,
      TRAILING_GARBAGE);
  /** The codes of {@link Rejecters#POST_NORMALIZER}. */
  public static final Set<RejectReason> POST = codes(EMPTY_RECORD, INVALID_JSON, NOT_A_STATUS,
      MISSING_ID, MULTIPLE_POSTS);
  /** The codes of {@link Rejecters#JETSTREAM_SOURCE}. */
  public static final Set<RejectReason> JETSTREAM = codes(INVALID_JSON, MISSING_FIELD);
  /** The codes of {@link Rejecters#X_FILTERED_STREAM_SOURCE}. */
  public static final Set<RejectReason> X_STREAM = codes(INVALID_JSON, MISSING_ID,
      UNEXPECTED_MESSAGE);

  /** The codes of {@link Rejecters#ZEROMQ_SOURCE}. */
  public static final Set<RejectReason> ZEROMQ = codes(LINE_TOO_LONG, UNEXPECTED_MESSAGE);

  /** The codes of {@link Rejecters#SYSLOG_INTERCEPTOR}. */
  public static final Set<RejectReason> SYSLOG = codes(EMPTY_LINE, MISSING_FIELD, BAD_PRIORITY,
      BAD_TIMESTAMP);

  private final String code;

  RejectReason(String code) {
    this.code = code;
  }

  /**
   * The value of the reject-reason header.
   *
   * @return the code, e.g. {@code unterminated-quote}
   */
  public String code() {
    return code;
  }

  @Override
  public String toString() {
    return code;
  }

  /**
   * The header values of {@code reasons}, in declaration order.
   *
   * @param reasons e.g. {@link #ACCESS_LOG}
   * @return e.g. {@code [empty-line, missing-field, ...]}
   */
  public static List<String> codes(Set<RejectReason> reasons) {
    List<String> codes = new ArrayList<>(reasons.size());
    for (RejectReason r : reasons) {
      codes.add(r.code);
    }
    return Collections.unmodifiableList(codes);
  }

  private static Set<RejectReason> codes(RejectReason first, RejectReason... rest) {
    return Collections.unmodifiableSet(EnumSet.of(first, rest));
  }
}
