package io.sluice.spark.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.spark.analytics.EventWindows.Closed;
import io.sluice.spark.analytics.EventWindows.Slice;
import io.sluice.spark.analytics.EventWindows.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The event-time window state machine, batch by batch, with event times in seconds for reading. */
class EventWindowsTest {

  private static final Metric N = Metric.of(Metric.Kind.LOGS_PARSED);

  /** Each event time (seconds) as the job slices it: its time, and a count in its pane. */
  private static List<Slice> batch(EventWindows w, long... seconds) {
    List<Slice> out = new ArrayList<>();
    for (long s : seconds) {
      out.add(Slice.time(s * 1000, 1));
      out.add(Slice.pane(w.paneOf(s * 1000), N, Tally.one()));
    }
    return out;
  }

  /**
   * A batch at batch time {@code batchSecond} as the job slices it: the tick, each event time, and a
   * count in its pane unless the event is too far in the future ({@link AnalyticsStreams#slices}).
   */
  private static List<Slice> at(EventWindows w, long batchSecond, long... seconds) {
    List<Slice> out = new ArrayList<>();
    out.add(Slice.tick(batchSecond * 1000));
    for (long s : seconds) {
      out.add(Slice.time(s * 1000, 1));
      if (!w.isFuture(s * 1000, batchSecond * 1000)) {
        out.add(Slice.pane(w.paneOf(s * 1000), N, Tally.one()));
      }
    }
    return out;
  }

  /** Closed windows as "start-end=count" in seconds. */
  private static List<String> closed(Step step) {
    List<String> out = new ArrayList<>();
    for (Closed c : step.closed()) {
      long n = c.metrics().stream().filter(t -> t._1().equals(N)).mapToLong(t -> t._2().count()).sum();
      out.add(c.startMs() / 1000 + "-" + c.endMs() / 1000 + "=" + n);
    }
    return out;
  }

  @Test
  void tumblingWindowsCloseWhenTheWatermarkPassesTheirEndAndLateEventsMissClosedWindows() {
    // 10 s tumbling windows, 5 s lateness.
    EventWindows w = new EventWindows(10_000, 10_000, 5_000);
    EventWindows.State state = new EventWindows.State();

    Step first = w.advance(state, batch(w, 1, 3, 12));
    // Watermark after: 12 - 5 = 7: nothing ends at or before 7.
    assertThat(first.late()).isZero();
    assertThat(closed(first)).isEmpty();
    assertThat(state.watermarkMs(w)).isEqualTo(7_000);

    // 6 is before the watermark (7): late, but its window [0, 10) is still open, so it is in it.
    Step second = w.advance(state, batch(w, 6, 16));
    assertThat(second.late()).isEqualTo(1);
    // Watermark after: 16 - 5 = 11: [0, 10) closes with 1, 3, 6.
    assertThat(closed(second)).containsExactly("0-10=3");
    assertThat(state.openPanes()).isEqualTo(1);

    // 2 is late and its only window has closed: in no window. 25 moves the watermark to 20.
    Step third = w.advance(state, batch(w, 2, 25));
    assertThat(third.late()).isEqualTo(1);
    assertThat(closed(third)).containsExactly("10-20=2");
    assertThat(state.openPanes()).isEqualTo(1);

    // An empty batch closes nothing and changes nothing.
    Step empty = w.advance(state, List.of());
    assertThat(empty.late()).isZero();
    assertThat(closed(empty)).isEmpty();
  }

  @Test
  void slidingWindowsHoldEachEventInEveryWindowThatCoversItAndSkipEmptyWindows() {
    // 20 s windows sliding every 10 s, no lateness allowed: panes of 10 s.
    EventWindows w = new EventWindows(20_000, 10_000, 0);
    EventWindows.State state = new EventWindows.State();
    Step one = w.advance(state, batch(w, 5, 15, 100));
    // Watermark 100: windows [-10, 10), [0, 20), [10, 30) close; none of [20, 40) ... [80, 100) has an event.
    assertThat(closed(one)).containsExactly("-10-10=1", "0-20=2", "10-30=1");
    Step two = w.advance(state, batch(w, 99, 105, 130));
    // 99 is late (watermark 100) and its windows [80, 100) and [90, 110): [90, 110) is open (ends after 100).
    assertThat(two.late()).isEqualTo(1);
    // Watermark 130: [90, 110) (99, 100, 105) and [100, 120) close; [110, 130) has no event.
    assertThat(closed(two)).containsExactly("90-110=3", "100-120=2");
  }

  @Test
  void stateHoldsOnlyOpenPanesWhateverTheStreamsLength() {
    EventWindows w = new EventWindows(30_000, 10_000, 60_000);
    EventWindows.State state = new EventWindows.State();
    Map<Long, Long> counted = new TreeMap<>();
    for (int b = 0; b < 500; b++) {
      long[] times = new long[20];
      for (int i = 0; i < times.length; i++) {
        times[i] = b * 20L + i;
      }
      for (Closed c : w.advance(state, batch(w, times)).closed()) {
        counted.put(c.startMs(), c.metrics().get(0)._2().count());
      }
      // Open: windows ending after max - 60 s; panes from (watermark - 30 s) to max.
      assertThat(state.openPanes()).isLessThanOrEqualTo((60 + 30) / 10 + 2);
    }
    // Every closed window of 30 s holds 30 events (one a second), but the first two.
    assertThat(counted.get(0L)).isEqualTo(30);
    assertThat(counted.get(-20_000L)).isEqualTo(10);
    assertThat(counted.get(-10_000L)).isEqualTo(20);
    assertThat(counted.get(9_000_000L)).isEqualTo(30);
  }

  @Test
  void anIdleClockFlushesEveryOpenWindowOnceAndResumesWithTheNextNewerEvent() {
    // 10 s tumbling windows, 5 s lateness, flush after 30 s of batch time without a new maximum.
    EventWindows w = new EventWindows(10_000, 10_000, 5_000, 30_000, 0);
    EventWindows.State state = new EventWindows.State();

    // Batch time 100 s: maximum 14, watermark 9: nothing closes.
    assertThat(closed(w.advance(state, at(w, 100, 1, 3, 12, 14)))).isEmpty();
    assertThat(state.watermarkMs(w)).isEqualTo(9_000);
    // 20 s idle, then 29 s with an older event (13 raises nothing): not yet.
    assertThat(closed(w.advance(state, at(w, 120)))).isEmpty();
    Step older = w.advance(state, at(w, 129, 13));
    assertThat(closed(older)).isEmpty();
    assertThat(older.late()).isZero();

    // 30 s after the maximum last rose: every open window closes, the watermark moves to their end.
    Step flush = w.advance(state, at(w, 130));
    assertThat(closed(flush)).containsExactly("0-10=2", "10-20=3");
    assertThat(flush.flushed()).isTrue();
    assertThat(flush.watermarkMs()).isEqualTo(20_000);
    assertThat(state.openPanes()).isZero();
    // Once per stall: the next idle batch closes nothing.
    Step again = w.advance(state, at(w, 140));
    assertThat(closed(again)).isEmpty();
    assertThat(again.flushed()).isFalse();

    // 18 arrives after its window closed: late, in no window. 25 raises the maximum: the clock resumes.
    Step resumed = w.advance(state, at(w, 150, 18, 25));
    assertThat(resumed.late()).isEqualTo(1);
    assertThat(closed(resumed)).isEmpty();
    assertThat(state.watermarkMs(w)).isEqualTo(20_000);
    assertThat(state.openPanes()).isEqualTo(1);
    // The watermark rule again: 36 - 5 = 31 closes [20, 30) with 25 only.
    Step byWatermark = w.advance(state, at(w, 170, 36));
    assertThat(closed(byWatermark)).containsExactly("20-30=1");
    assertThat(byWatermark.flushed()).isFalse();
    // Idle again from batch time 170: at 199 nothing, at 200 [30, 40) is flushed.
    assertThat(closed(w.advance(state, at(w, 199)))).isEmpty();
    assertThat(closed(w.advance(state, at(w, 200)))).containsExactly("30-40=1");
    assertThat(state.watermarkMs(w)).isEqualTo(40_000);
  }

  @Test
  void anIdleFlushOfSlidingWindowsClosesEveryWindowOverTheMaximumAndLaterWindowsStillTakeLateEvents() {
    // 20 s windows sliding every 10 s, 5 s lateness, flush after 10 s idle.
    EventWindows w = new EventWindows(20_000, 10_000, 5_000, 10_000, 0);
    EventWindows.State state = new EventWindows.State();
    assertThat(closed(w.advance(state, at(w, 0, 5, 15)))).containsExactly("-10-10=1");
    // Idle: [0, 20) and [10, 30), the last window over 15, close; the watermark is 30.
    Step flush = w.advance(state, at(w, 10));
    assertThat(closed(flush)).containsExactly("0-20=2", "10-30=1");
    assertThat(flush.watermarkMs()).isEqualTo(30_000);
    // 22 is late (before 30) but [20, 40) is still open: it is in that window only.
    Step late = w.advance(state, at(w, 11, 22));
    assertThat(late.late()).isEqualTo(1);
    assertThat(closed(late)).isEmpty();
    // 41 raises the maximum (watermark max(36, 30) = 36: nothing ends in (30, 36]); 10 s later all flush.
    assertThat(closed(w.advance(state, at(w, 12, 41)))).isEmpty();
    assertThat(closed(w.advance(state, at(w, 21)))).isEmpty();
    assertThat(closed(w.advance(state, at(w, 22)))).containsExactly("20-40=1", "30-50=1", "40-60=1");
  }

  @Test
  void withoutIdleTimeOrTicksWindowsCloseOnlyByTheWatermark() {
    EventWindows never = new EventWindows(10_000, 10_000, 5_000, 0, 0);
    EventWindows.State state = new EventWindows.State();
    w(never, state, at(never, 0, 1, 12));
    assertThat(closed(never.advance(state, at(never, 1_000_000)))).isEmpty();
    EventWindows idle = new EventWindows(10_000, 10_000, 5_000, 30_000, 0);
    EventWindows.State untimed = new EventWindows.State();
    w(idle, untimed, batch(idle, 1, 12));
    assertThat(closed(idle.advance(untimed, List.of()))).isEmpty();
    assertThat(untimed.openPanes()).isEqualTo(2);
  }

  private static void w(EventWindows w, EventWindows.State state, List<Slice> batch) {
    assertThat(closed(w.advance(state, batch))).isEmpty();
  }

  @Test
  void farFutureEventTimesMoveNoWatermarkOpenNoPaneAndAreCounted() {
    // 10 s tumbling windows, 5 s lateness, event times at most 60 s ahead of the batch time.
    EventWindows w = new EventWindows(10_000, 10_000, 5_000, 0, 60_000);
    EventWindows.State state = new EventWindows.State();
    // Batch time 1000 s: 1061 is 61 s ahead, 4102444800 is 2100-01-01T00:00:00Z: both future.
    Step first = w.advance(state, at(w, 1000, 995, 998, 1061, 4_102_444_800L));
    assertThat(first.future()).isEqualTo(2);
    assertThat(first.late()).isZero();
    assertThat(closed(first)).isEmpty();
    assertThat(state.watermarkMs(w)).isEqualTo(993_000);
    assertThat(state.openPanes()).isEqualTo(1);
    // Batch time 1010 s: 1070 is exactly 60 s ahead (on time, the new maximum), 1071 is future.
    Step second = w.advance(state, at(w, 1010, 1006, 1070, 1071));
    assertThat(second.future()).isEqualTo(1);
    assertThat(state.watermarkMs(w)).isEqualTo(1_065_000);
    // [1060, 1070) is not emitted: 1061 was kept out of its pane.
    assertThat(closed(second)).containsExactly("990-1000=2", "1000-1010=1");
    assertThat(state.openPanes()).isEqualTo(1);
    // A pane slice beyond the limit is dropped by the state too.
    w.advance(state, List.of(Slice.tick(1_020_000), Slice.pane(w.paneOf(2_000_000), N, Tally.one())));
    assertThat(state.openPanes()).isEqualTo(1);
  }

  @Test
  void rejectsASlideLongerThanTheWindow() {
    assertThrows(IllegalArgumentException.class, () -> new EventWindows(10_000, 20_000, 0));
    assertThrows(IllegalArgumentException.class, () -> new EventWindows(10_000, 10_000, -1));
    assertThrows(IllegalArgumentException.class, () -> new EventWindows(10_000, 10_000, 0, -1, 0));
    assertThrows(IllegalArgumentException.class, () -> new EventWindows(10_000, 10_000, 0, 0, -1));
  }
}
