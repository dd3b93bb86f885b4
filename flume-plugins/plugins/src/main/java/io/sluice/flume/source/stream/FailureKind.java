package io.sluice.flume.source.stream;

/**
 * Why a connection attempt failed or an established connection ended; each kind has its own
 * reconnect {@link Backoff} (X's "Handling disconnections" guide distinguishes the same three).
 */
public enum FailureKind {
  /** TCP/IP or TLS level: refused, reset, timed out, closed without an HTTP/WebSocket error. */
  NETWORK,
  /** The server answered with an HTTP error status (other than 429) or refused the upgrade. */
  HTTP,
  /** HTTP 429 Too Many Requests. */
  RATE_LIMITED
}
