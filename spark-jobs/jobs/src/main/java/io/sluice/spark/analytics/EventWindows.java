package io.sluice.spark.analytics;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import scala.Tuple2;

/**
 * Event-time windows of one pipeline, closed by its watermark: the pure state machine behind the
 * event-time windows of {@link AnalyticsStreams}, one instance per pipeline and batch.
 *
 * <p><b>Windows.</b> Tumbling or sliding windows of {@code lengthMs}, starting every
 * {@code slideMs} at multiples of {@code slideMs} since the epoch, {@code [start, start + length)}
 * in event time. An event is in every window that covers its event time. Internally a window is
 * the union of its panes, intervals of {@code gcd(length, slide)} that every window either covers
 * wholly or not at all, so the state keeps one set of metrics per pane, never per window.
 *
 * <p><b>Watermark.</b> The pipeline's watermark is the maximum event time seen in earlier batches
 * minus the allowed lateness ({@link EventClock}). All events of a batch are judged against the
 * watermark in force when the batch starts: an event older than it is late (counted in the
 * {@code late} counter). After the batch the watermark moves to the new maximum minus the
 * lateness, and every window whose end is at or before it closes: it is emitted once, in window
 * start order, and its panes are dropped once no open window covers them. An event whose every
 * window has already closed is in no window (it is still in the running totals and in
 * {@code late}); an event on time is never dropped, since its windows end after its time, hence
 * after the watermark. Windows without any event are not emitted.
 *
 * <p><b>State.</b> Only open windows' panes: those ending after the last closed window's end.
 * They cover at most the allowed lateness plus one window length behind the maximum event time
 * seen, so the state is bounded by the lateness, not by the age or volume of the stream.
 */
public final class EventWindows implements Serializable {

  private static final long serialVersionUID = 1L;

  private final long lengthMs;
  private final long slideMs;
  private final long paneMs;
  private final long latenessMs;

  /**
   * @param lengthMs window length, milliseconds, positive
   * @param slideMs slide, milliseconds, positive, at most {@code lengthMs}
   * @param latenessMs allowed lateness, milliseconds, not negative
   */
  public EventWindows(long lengthMs, long slideMs, long latenessMs) {
    if (lengthMs <= 0 || slideMs <= 0 || slideMs > lengthMs || latenessMs < 0) {
      throw new IllegalArgumentException("length " + lengthMs + ", slide " + slideMs + ", lateness " + latenessMs);
    }
    this.lengthMs = lengthMs;
    this.slideMs = slideMs;
    this.paneMs = gcd(lengthMs, slideMs);
    this.latenessMs = latenessMs;
  }

  /** The start of the pane that holds event time {@code timeMs}. */
  public long paneOf(long timeMs) {
    return Math.floorDiv(timeMs, paneMs) * paneMs;
  }

  /**
   * One piece of a batch for a pipeline's state: either an event time with how many events have it
   * ({@code metric == null}), or one metric of the events of one pane ({@code time} = the pane start).
   */
  public static final class Slice implements Serializable {
    private static final long serialVersionUID = 1L;

    final long time;
    final long count;
    final Metric metric;
    final Tally tally;

    private Slice(long time, long count, Metric metric, Tally tally) {
      this.time = time;
      this.count = count;
      this.metric = metric;
      this.tally = tally;
    }

    /** {@code count} events with event time {@code timeMs}. */
    public static Slice time(long timeMs, long count) {
      return new Slice(timeMs, count, null, null);
    }

    /** The metric {@code metric} of the events of the pane starting at {@code paneStartMs}. */
    public static Slice pane(long paneStartMs, Metric metric, Tally tally) {
      return new Slice(paneStartMs, 0, metric, tally);
    }
  }

  /**
   * A batch's slices of one pipeline, summed as they are added: a count per event time and a
   * {@link Tally} per pane and metric. What {@link AnalyticsStreams} sends the pipeline's state, one
   * per batch: the events of each partition are folded into one, and the partitions' are merged
   * ({@link #plus}) by the shuffle that brings them to the state's partition (with map-side
   * combine, so each partition ships one), instead of shuffling one record per event time and per
   * pane and metric. Iterating gives the same slices, summed, as the slices added one by one:
   * {@link EventWindows#advance} reads it as any {@code Iterable<Slice>} and its result does not
   * depend on how the slices were split or summed. Mutable; not thread-safe.
   */
  public static final class Slices implements Iterable<Slice>, Serializable {
    private static final long serialVersionUID = 1L;

    /** Event time, epoch ms -&gt; {count}. */
    private final HashMap<Long, long[]> times = new HashMap<>();
    /** Pane start, epoch ms -&gt; metric -&gt; tally. */
    private final HashMap<Long, HashMap<Metric, Tally>> panes = new HashMap<>();

    /** Adds {@code count} events with event time {@code timeMs}, as {@link Slice#time}. */
    public Slices addTime(long timeMs, long count) {
      long[] c = times.get(timeMs);
      if (c == null) {
        times.put(timeMs, new long[] {count});
      } else {
        c[0] += count;
      }
      return this;
    }

    /** Adds {@code tally} to the metric {@code metric} of the pane at {@code paneStartMs}, as {@link Slice#pane}. */
    public Slices addPane(long paneStartMs, Metric metric, Tally tally) {
      HashMap<Metric, Tally> pane = panes.get(paneStartMs);
      if (pane == null) {
        pane = new HashMap<>();
        panes.put(paneStartMs, pane);
      }
      pane.merge(metric, tally, Tally::plus);
      return this;
    }

    /**
     * Adds one slice: an event time's count to that time's, a pane metric's tally to that pane and
     * metric's. A new kind of slice must be summed (or kept) here, or it never reaches the state.
     */
    public Slices add(Slice s) {
      return s.metric == null ? addTime(s.time, s.count) : addPane(s.time, s.metric, s.tally);
    }

    /** Adds {@code other}'s slices to this one (changed in place) and returns it. */
    public Slices plus(Slices other) {
      other.times.forEach((t, c) -> addTime(t, c[0]));
      other.panes.forEach((p, metrics) -> metrics.forEach((m, tally) -> addPane(p, m, tally)));
      return this;
    }

    /** Whether no slice was added. */
    public boolean isEmpty() {
      return times.isEmpty() && panes.isEmpty();
    }

    /** Distinct event times added. */
    public int eventTimes() {
      return times.size();
    }

    /** The event times with their counts, then each pane's metrics (in no particular order). */
    @Override
    public Iterator<Slice> iterator() {
      List<Slice> out = new ArrayList<>(times.size() + panes.size());
      times.forEach((t, c) -> out.add(Slice.time(t, c[0])));
      panes.forEach((p, metrics) -> metrics.forEach((m, tally) -> out.add(Slice.pane(p, m, tally))));
      return out.iterator();
    }
  }

  /** A pipeline's keyed state: the maximum event time seen, the end of the last closed window, the open panes. */
  public static final class State implements Serializable {
    private static final long serialVersionUID = 1L;

    boolean started;
    long maxSeenMs;
    long closedEndMs = Long.MIN_VALUE;
    final TreeMap<Long, HashMap<Metric, Tally>> panes = new TreeMap<>();

    /** Panes held: bounded by (lateness + length) / pane. */
    public int openPanes() {
      return panes.size();
    }

    /** The watermark after the last batch, or {@link Long#MIN_VALUE} before the first event time. */
    public long watermarkMs(EventWindows w) {
      return started ? maxSeenMs - w.latenessMs : Long.MIN_VALUE;
    }
  }

  /** One closed window: event-time bounds and metrics. */
  public static final class Closed implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long startMs;
    private final long endMs;
    private final List<Tuple2<Metric, Tally>> metrics;

    Closed(long startMs, long endMs, List<Tuple2<Metric, Tally>> metrics) {
      this.startMs = startMs;
      this.endMs = endMs;
      this.metrics = metrics;
    }

    /** Window start, event time, epoch milliseconds (inclusive). */
    public long startMs() {
      return startMs;
    }

    /** Window end, event time, epoch milliseconds (exclusive). */
    public long endMs() {
      return endMs;
    }

    public List<Tuple2<Metric, Tally>> metrics() {
      return metrics;
    }
  }

  /** What one batch did: how many of its events were late, and the windows it closed (start order). */
  public static final class Step implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long late;
    private final List<Closed> closed;
    private final long watermarkMs;

    Step(long late, List<Closed> closed, long watermarkMs) {
      this.late = late;
      this.closed = closed;
      this.watermarkMs = watermarkMs;
    }

    /** The watermark after the batch ({@link Long#MIN_VALUE} before any event time). */
    public long watermarkMs() {
      return watermarkMs;
    }

    public long late() {
      return late;
    }

    public List<Closed> closed() {
      return closed;
    }
  }

  /** Applies one batch's slices to {@code state} (changed in place); see the class comment. */
  public Step advance(State state, Iterable<Slice> batch) {
    long watermark = state.watermarkMs(this);
    long late = 0;
    boolean anyTime = false;
    long max = state.started ? state.maxSeenMs : Long.MIN_VALUE;
    for (Slice s : batch) {
      if (s.metric == null) {
        if (s.time < watermark) {
          late += s.count;
        }
        max = Math.max(max, s.time);
        anyTime = true;
      } else if (lastEnd(s.time) > state.closedEndMs) {
        state.panes.computeIfAbsent(s.time, p -> new HashMap<>()).merge(s.metric, s.tally, Tally::plus);
      }
    }
    if (anyTime) {
      state.started = true;
      state.maxSeenMs = max;
    }
    List<Closed> closed = new ArrayList<>();
    if (!state.started) {
      return new Step(late, closed, state.watermarkMs(this));
    }
    long newWatermark = state.watermarkMs(this);
    // The largest window end at or before the watermark: ends are k * slide + length.
    long lastClosable = Math.floorDiv(newWatermark - lengthMs, slideMs) * slideMs + lengthMs;
    if (lastClosable <= state.closedEndMs) {
      return new Step(late, closed, state.watermarkMs(this));
    }
    TreeSet<Long> starts = new TreeSet<>();
    for (long p : state.panes.keySet()) {
      for (long w = Math.floorDiv(p, slideMs) * slideMs; w + lengthMs >= p + paneMs; w -= slideMs) {
        long end = w + lengthMs;
        if (end > state.closedEndMs && end <= lastClosable) {
          starts.add(w);
        }
      }
    }
    for (long w : starts) {
      Map<Metric, Tally> merged = new HashMap<>();
      for (Map<Metric, Tally> pane : state.panes.subMap(w, true, w + lengthMs, false).values()) {
        pane.forEach((m, t) -> merged.merge(m, t, Tally::plus));
      }
      List<Tuple2<Metric, Tally>> metrics = new ArrayList<>(merged.size());
      merged.forEach((m, t) -> metrics.add(new Tuple2<>(m, t)));
      closed.add(new Closed(w, w + lengthMs, metrics));
    }
    state.closedEndMs = lastClosable;
    for (Iterator<Long> it = state.panes.keySet().iterator(); it.hasNext();) {
      long p = it.next();
      if (lastEnd(p) > lastClosable) {
        break;
      }
      it.remove();
    }
    return new Step(late, closed, state.watermarkMs(this));
  }

  /** The end of the last window that covers the pane starting at {@code paneStart}. */
  private long lastEnd(long paneStart) {
    return Math.floorDiv(paneStart, slideMs) * slideMs + lengthMs;
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }
}
