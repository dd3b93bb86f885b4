package io.sluice.flume.source.stream;

/**
 * One open connection of a stream client, driven by {@link StreamRunner}.
 *
 * <p>Flow control is explicit: the connection delivers no more messages to its
 * {@link StreamListener} than were requested, so a slow channel slows down reading from the
 * network instead of filling memory.
 */
public interface StreamConnection {

  /**
   * Allows {@code n} more messages to be delivered.
   *
   * @param n number of messages (&gt; 0)
   */
  void request(long n);

  /** Closes the connection; idempotent. The listener may still see a final close or error. */
  void close();

  /** Where the connection goes, for logs, e.g. the URL without credentials. */
  String describe();
}
