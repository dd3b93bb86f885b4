package io.sluice.flume.source.stream;

/**
 * Receives what an open {@link StreamConnection} reads; called from the client's I/O threads, never
 * concurrently for one connection. After {@link #onClosed} or {@link #onError} the connection
 * delivers nothing more.
 */
public interface StreamListener {

  /**
   * One complete message: a WebSocket text message or one line of an HTTP stream (an empty
   * string for a keep-alive line).
   */
  void onMessage(StreamConnection connection, String message);

  /** Proof of life that is not a message (e.g. a WebSocket ping). */
  void onActivity(StreamConnection connection);

  /** The server ended the stream normally. */
  void onClosed(StreamConnection connection, String reason);

  /** The stream failed. */
  void onError(StreamConnection connection, Throwable error);
}
