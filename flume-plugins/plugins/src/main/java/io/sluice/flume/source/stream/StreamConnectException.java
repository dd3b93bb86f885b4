package io.sluice.flume.source.stream;

/** A connection attempt failed; {@link #kind()} selects the reconnect back-off. */
public class StreamConnectException extends Exception {

  private static final long serialVersionUID = 1L;

  private final FailureKind kind;

  /**
   * @param kind the failure class
   * @param message what failed, e.g. {@code HTTP 401 from https://api.x.com/2/tweets/search/stream}
   * @param cause the underlying error, may be null
   */
  public StreamConnectException(FailureKind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** The failure class. */
  public FailureKind kind() {
    return kind;
  }
}
