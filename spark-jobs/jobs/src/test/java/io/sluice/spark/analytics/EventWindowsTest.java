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
  void rejectsASlideLongerThanTheWindow() {
    assertThrows(IllegalArgumentException.class, () -> new EventWindows(10_000, 20_000, 0));
    assertThrows(IllegalArgumentException.class, () -> new EventWindows(10_000, 10_000, -1));
  }
}
