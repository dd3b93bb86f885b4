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
 * <p><b>Idle flush.</b> Each batch also brings a tick with its batch time ({@link Slice#tick}). When
 * the pipeline's maximum event time has not advanced for {@code idleMs} of batch time (a batch whose
 * tick is at least {@code idleMs} after that of the batch that last raised it), every window that
 * holds an event seen so far closes and is emitted, whatever the watermark: the windows up to the
 * end of the last window covering the maximum event time. The watermark then moves to that end (it
 * is {@code max(maximum event time - lateness, end of the last closed window)}), as Flink's
 * end-of-input watermark does; it happens once per stall. An event arriving afterwards with an
 * event time before that end is late; it is in no window if all its windows have closed (with
 * sliding windows, it is still in those that end later). The clock resumes with the next event
 * later than the maximum: it raises the maximum, restarts the idle time, and windows ending after
 * the flushed end open as before; the watermark is the larger of the two terms above. A finite
 * replay thus emits its last windows {@code idleMs} after its last event. Without a tick (or with
 * {@code idleMs} 0) windows close only by the watermark.
 *
 * <p><b>Far-future guard.</b> An event time more than {@code maxFutureMs} after its batch's tick
 * (a wrong clock, a bogus year 2099) is counted as future ({@link Step#future()}): it neither raises
 * the maximum event time (so it cannot close every window at once) nor enters a pane (the caller
 * leaves such events out of the pane slices, see {@link #isFuture}; a pane starting beyond the
 * limit is dropped here too). {@code maxFutureMs} 0, or a batch without a tick: no limit.
 *
 * <p><b>State.</b> Only open windows' panes: those ending after the last closed window's end.
 * They cover at most the allowed lateness plus one window length behind the maximum event time
 * seen, so the state is bounded by the lateness, not by the age or volume of the stream; far-future
 * events cannot open panes.
 */
public final class EventWindows implements Serializable {

  private static final long serialVersionUID = 1L;

  private final long lengthMs;
  private final long slideMs;
  private final long paneMs;
  private final long latenessMs;
  private final long idleMs;
  private final long maxFutureMs;

  /**
   * Windows without idle flush nor far-future guard.
   *
   * @param lengthMs window length, milliseconds, positive
   * @param slideMs slide, milliseconds, positive, at most {@code lengthMs}
   * @param latenessMs allowed lateness, milliseconds, not negative
   */
  public EventWindows(long lengthMs, long slideMs, long latenessMs) {
    this(lengthMs, slideMs, latenessMs, 0, 0);
  }

  /**
   * @param lengthMs window length, milliseconds, positive
   * @param slideMs slide, milliseconds, positive, at most {@code lengthMs}
   * @param latenessMs allowed lateness, milliseconds, not negative
   * @param idleMs batch time without a new maximum event time after which every open window is
   *     flushed, milliseconds, not negative; 0: never
   * @param maxFutureMs how far an event time may be ahead of its batch time, milliseconds, not
   *     negative; 0: no limit
   * @throws IllegalArgumentException if a value is out of range
   */
  public EventWindows(long lengthMs, long slideMs, long latenessMs, long idleMs, long maxFutureMs) {
    if (lengthMs <= 0 || slideMs <= 0 || slideMs > lengthMs || latenessMs < 0 || idleMs < 0 || maxFutureMs < 0) {
      throw new IllegalArgumentException("length " + lengthMs + ", slide " + slideMs + ", lateness " + latenessMs
          + ", idle " + idleMs + ", max future " + maxFutureMs);
    }
    this.lengthMs = lengthMs;
    this.slideMs = slideMs;
    this.paneMs = gcd(lengthMs, slideMs);
    this.latenessMs = latenessMs;
    this.idleMs = idleMs;
    this.maxFutureMs = maxFutureMs;
  }

  /**
   * Whether event time {@code timeMs} is too far ahead of batch time {@code batchMs}: more than
   * {@code maxFutureMs} after it (never with {@code maxFutureMs} 0).
   */
  public boolean isFuture(long timeMs, long batchMs) {
    return maxFutureMs > 0 && batchMs <= Long.MAX_VALUE - maxFutureMs && timeMs > batchMs + maxFutureMs;
  }

  /** The start of the pane that holds event time {@code timeMs}. */
  public long paneOf(long timeMs) {
    return Math.floorDiv(timeMs, paneMs) * paneMs;
  }

  /**
   * One piece of a batch for a pipeline's state: an event time with how many events have it
   * ({@code metric == null}), one metric of the events of one pane ({@code time} = the pane start),
   * or the batch's tick ({@code time} = the batch time).
   */
  public static final class Slice implements Serializable {
    private static final long serialVersionUID = 1L;

    final long time;
    final long count;
    final Metric metric;
    final Tally tally;
    final boolean tick;

    private Slice(long time, long count, Metric metric, Tally tally, boolean tick) {
      this.time = time;
      this.count = count;
      this.metric = metric;
      this.tally = tally;
      this.tick = tick;
    }

    /** {@code count} events with event time {@code timeMs}. */
    public static Slice time(long timeMs, long count) {
      return new Slice(timeMs, count, null, null, false);
    }

    /** The metric {@code metric} of the events of the pane starting at {@code paneStartMs}. */
    public static Slice pane(long paneStartMs, Metric metric, Tally tally) {
      return new Slice(paneStartMs, 0, metric, tally, false);
    }

    /**
     * The tick of the batch at {@code batchMs} (batch time, epoch milliseconds): sent every batch,
     * with or without events, so that the idle flush and the far-future guard know the batch time.
     */
    public static Slice tick(long batchMs) {
      return new Slice(batchMs, 0, null, null, true);
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
    /** The latest tick's batch time ({@link Slice#tick}); MIN_VALUE: none. */
    private long tickMs = Long.MIN_VALUE;

    /** Adds the tick of the batch at {@code batchMs}, as {@link Slice#tick}: the latest tick is kept. */
    public Slices addTick(long batchMs) {
      tickMs = Math.max(tickMs, batchMs);
      return this;
    }

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
      return s.tick ? addTick(s.time) : s.metric == null ? addTime(s.time, s.count) : addPane(s.time, s.metric, s.tally);
    }

    /** Adds {@code other}'s slices to this one (changed in place) and returns it. */
    public Slices plus(Slices other) {
      addTick(other.tickMs);
      other.times.forEach((t, c) -> addTime(t, c[0]));
      other.panes.forEach((p, metrics) -> metrics.forEach((m, tally) -> addPane(p, m, tally)));
      return this;
    }

    /** Whether no slice was added. */
    public boolean isEmpty() {
      return times.isEmpty() && panes.isEmpty() && tickMs == Long.MIN_VALUE;
    }

    /** Distinct event times added. */
    public int eventTimes() {
      return times.size();
    }

    /** The tick, the event times with their counts, then each pane's metrics (in no particular order). */
    @Override
    public Iterator<Slice> iterator() {
      List<Slice> out = new ArrayList<>(times.size() + panes.size() + 1);
      if (tickMs != Long.MIN_VALUE) {
        out.add(Slice.tick(tickMs));
      }
      times.forEach((t, c) -> out.add(Slice.time(t, c[0])));
      panes.forEach((p, metrics) -> metrics.forEach((m, tally) -> out.add(Slice.pane(p, m, tally))));
      return out.iterator();
    }
  }

  /**
   * A pipeline's keyed state: the maximum event time seen, the batch time it last rose, the end of
   * the last closed window, the open panes.
   */
  public static final class State implements Serializable {
    private static final long serialVersionUID = 1L;

    boolean started;
    long maxSeenMs;
    /** The tick of the batch that last raised {@link #maxSeenMs}; MIN_VALUE: no tick since. */
    long maxRaisedAtMs = Long.MIN_VALUE;
    long closedEndMs = Long.MIN_VALUE;
    final TreeMap<Long, HashMap<Metric, Tally>> panes = new TreeMap<>();

    /** Panes held: bounded by (lateness + length) / pane. */
    public int openPanes() {
      return panes.size();
    }

    /**
     * The watermark after the last batch: the maximum event time seen minus the lateness, or the end
     * of the last closed window if later (after an idle flush); {@link Long#MIN_VALUE} before the
     * first event time.
     */
    public long watermarkMs(EventWindows w) {
      return started ? Math.max(maxSeenMs - w.latenessMs, closedEndMs) : Long.MIN_VALUE;
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

  /**
   * What one batch did: how many of its events were late or too far in the future, the windows it
   * closed (start order) and whether an idle flush closed them.
   */
  public static final class Step implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long late;
    private final long future;
    private final List<Closed> closed;
    private final long watermarkMs;
    private final boolean flushed;

    Step(long late, long future, List<Closed> closed, long watermarkMs, boolean flushed) {
      this.late = late;
      this.future = future;
      this.closed = closed;
      this.watermarkMs = watermarkMs;
      this.flushed = flushed;
    }

    /** Events of the batch more than the max future ahead of its batch time (see the class comment). */
    public long future() {
      return future;
    }

    /** Whether the batch's windows were closed by the idle flush rather than by the watermark alone. */
    public boolean flushed() {
      return flushed;
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
    long tickMs = Long.MIN_VALUE;
    for (Slice s : batch) {
      if (s.tick) {
        tickMs = Math.max(tickMs, s.time);
      }
    }
    boolean ticked = tickMs != Long.MIN_VALUE;
    long watermark = state.watermarkMs(this);
    long late = 0;
    long future = 0;
    boolean anyTime = false;
    long max = state.started ? state.maxSeenMs : Long.MIN_VALUE;
    for (Slice s : batch) {
      if (s.tick) {
        continue;
      }
      if (ticked && isFuture(s.time, tickMs)) {
        future += s.count;
      } else if (s.metric == null) {
        if (s.time < watermark) {
          late += s.count;
        }
        max = Math.max(max, s.time);
        anyTime = true;
      } else if (lastEnd(s.time) > state.closedEndMs) {
        state.panes.computeIfAbsent(s.time, p -> new HashMap<>()).merge(s.metric, s.tally, Tally::plus);
      }
    }
    List<Closed> closed = new ArrayList<>();
    if (anyTime) {
      if (!state.started || max > state.maxSeenMs) {
        state.maxRaisedAtMs = ticked ? tickMs : Long.MIN_VALUE;
      }
      state.started = true;
      state.maxSeenMs = max;
    }
    if (ticked && state.started && state.maxRaisedAtMs == Long.MIN_VALUE) {
      // The first tick since the maximum rose without one: the idle time counts from here.
      state.maxRaisedAtMs = tickMs;
    }
    if (!state.started) {
      return new Step(late, future, closed, state.watermarkMs(this), false);
    }
    long newWatermark = state.maxSeenMs - latenessMs;
    // The largest window end at or before the watermark: ends are k * slide + length.
    long lastClosable = Math.floorDiv(newWatermark - lengthMs, slideMs) * slideMs + lengthMs;
    boolean flushed = false;
    if (idleMs > 0 && ticked && state.maxRaisedAtMs != Long.MIN_VALUE && tickMs - state.maxRaisedAtMs >= idleMs) {
      // Idle: close every window that holds an event seen so far.
      long all = lastEnd(paneOf(state.maxSeenMs));
      if (all > Math.max(lastClosable, state.closedEndMs)) {
        lastClosable = all;
        flushed = true;
      }
    }
    if (lastClosable <= state.closedEndMs) {
      return new Step(late, future, closed, state.watermarkMs(this), false);
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
    return new Step(late, future, closed, state.watermarkMs(this), flushed);
  }

  /** The end of the last window that covers the pane starting at {@code paneStart}. */
  private long lastEnd(long paneStart) {
    return Math.floorDiv(paneStart, slideMs) * slideMs + lengthMs;
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }
}
