package io.sluice.spark.analytics;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.Optional;
import org.apache.spark.streaming.State;

/**
 * Sessions of a client: maximal runs of its requests in which no two consecutive requests (by
 * request time, the {@code timestamp} header) are more than a gap apart. A request more than the
 * gap after the previous one starts a new session. Pure functions, shared by the batch analytics
 * ({@link Analytics#sessionMetrics}) and the streaming job, which keeps each client's open session
 * as {@code mapWithState} state ({@link #track}).
 *
 * <p>Streaming is exact when each client's requests arrive in request-time order from batch to
 * batch, in any order within a batch, or out of order by much less than the gap (the bundled access
 * log is shuffled within each minute; the default gap is 30 minutes). A request that arrives after
 * the client's open session started, but earlier than that start by more than the gap, belonged to
 * a session already closed: it is counted as unsessionized ({@link Step#late()}) instead.
 */
public final class Sessions {

  private Sessions() {}

  /** One session: first and last request time (epoch ms) and number of requests. Immutable. */
  public static final class Session implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long firstMs;
    private final long lastMs;
    private final long requests;

    Session(long firstMs, long lastMs, long requests) {
      this.firstMs = firstMs;
      this.lastMs = lastMs;
      this.requests = requests;
    }

    static Session of(long timeMs) {
      return new Session(timeMs, timeMs, 1);
    }

    Session plus(long timeMs) {
      return new Session(Math.min(firstMs, timeMs), Math.max(lastMs, timeMs), requests + 1);
    }

    public long firstMs() {
      return firstMs;
    }

    public long lastMs() {
      return lastMs;
    }

    public long requests() {
      return requests;
    }

    /** Last minus first request time, in milliseconds; 0 for a single request. */
    public long durationMs() {
      return lastMs - firstMs;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Session && ((Session) o).firstMs == firstMs
          && ((Session) o).lastMs == lastMs && ((Session) o).requests == requests;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(firstMs) * 31 + Long.hashCode(requests);
    }

    @Override
    public String toString() {
      return "Session{" + firstMs + ".." + lastMs + ", " + requests + " requests}";
    }
  }

  /** What feeding requests to a client's state did: sessions closed, the one left open, requests too late. */
  public static final class Step implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<Session> closed;
    private final Session open;
    private final long late;

    Step(List<Session> closed, Session open, long late) {
      this.closed = List.copyOf(closed);
      this.open = open;
      this.late = late;
    }

    /** Sessions that ended: a later request came more than the gap after their last one, or they timed out. */
    public List<Session> closed() {
      return closed;
    }

    /** The session still open, or null when the state timed out. */
    public Session open() {
      return open;
    }

    /** Requests earlier than the open session's start by more than the gap (not sessionized). */
    public long late() {
      return late;
    }
  }

  /**
   * Advances a client's open session over new request times.
   *
   * @param open the client's open session, or null for a new client
   * @param sortedTimes new request times in epoch ms, ascending
   * @param gapMs the inactivity gap in milliseconds
   */
  public static Step advance(Session open, long[] sortedTimes, long gapMs) {
    List<Session> closed = new ArrayList<>(1);
    long late = 0;
    Session current = open;
    for (long t : sortedTimes) {
      if (current == null) {
        current = Session.of(t);
      } else if (t > current.lastMs + gapMs) {
        closed.add(current);
        current = Session.of(t);
      } else if (t >= current.firstMs - gapMs) {
        current = current.plus(t);
      } else {
        late++;
      }
    }
    return new Step(closed, current, late);
  }

  /**
   * The {@code mapWithState} function: feeds a client's request times of this batch (sorted, see
   * {@link Analytics#requestTimesByClient}) to its open session. When the state times out (no
   * request from the client arrived for the spec's timeout), the open session is closed.
   */
  static Step track(long gapMs, String clientIp, Optional<long[]> times, State<Session> state) {
    if (state.isTimingOut()) {
      return new Step(List.of(state.get()), null, 0);
    }
    Step step = advance(state.exists() ? state.get() : null, times.isPresent() ? times.get() : new long[0], gapMs);
    if (step.open() != null) {
      state.update(step.open());
    }
    return step;
  }
}
