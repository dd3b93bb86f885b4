package io.sluice.spark.analytics.ml;

import java.io.Serializable;
import java.util.Comparator;
import java.util.Objects;

/**
 * One client (the access log's {@code %h}, the {@code clientIp} header) in one tumbling event-time
 * window: the key of a {@link ClientFeatures} vector. Immutable; ordered by window start, then
 * client.
 */
public final class ClientWindow implements Serializable, Comparable<ClientWindow> {

  private static final long serialVersionUID = 1L;

  private static final Comparator<ClientWindow> ORDER =
      Comparator.comparingLong(ClientWindow::windowStartMs).thenComparing(ClientWindow::client);

  private final String client;
  private final long windowStartMs;

  /**
   * @param client the client address, not null
   * @param windowStartMs the window's start, epoch milliseconds (inclusive)
   */
  public ClientWindow(String client, long windowStartMs) {
    this.client = Objects.requireNonNull(client, "client");
    this.windowStartMs = windowStartMs;
  }

  /** The client address. */
  public String client() {
    return client;
  }

  /** The window's start, epoch milliseconds (inclusive); its end is this plus the window length. */
  public long windowStartMs() {
    return windowStartMs;
  }

  @Override
  public int compareTo(ClientWindow o) {
    return ORDER.compare(this, o);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClientWindow && windowStartMs == ((ClientWindow) o).windowStartMs
        && client.equals(((ClientWindow) o).client);
  }

  @Override
  public int hashCode() {
    return 31 * client.hashCode() + Long.hashCode(windowStartMs);
  }

  @Override
  public String toString() {
    return client + "@" + java.time.Instant.ofEpochMilli(windowStartMs);
  }
}
