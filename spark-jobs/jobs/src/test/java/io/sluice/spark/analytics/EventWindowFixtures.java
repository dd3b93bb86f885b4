package io.sluice.spark.analytics;

import io.sluice.spark.input.EventRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * Event-time windows of a fixed list of events, as the job closes them (for tests outside this
 * package, such as the report's): every window that the watermark of the events' maximum time
 * (no lateness) has closed, each as {@link Window#of}. Not a test itself.
 */
public final class EventWindowFixtures {

  private EventWindowFixtures() {}

  /**
   * The closed event-time windows of {@code timed} (what the pipeline's event-time windows count:
   * parsed log lines, distinct tweets, parsed syslog lines), in start order.
   */
  public static List<Window> closed(PipelineAnalytics p, List<EventRecord> timed, long lengthMs, long slideMs,
      int topN, long threshold, ErrorRateRule rule) {
    EventWindows clock = new EventWindows(lengthMs, slideMs, 0);
    List<EventWindows.Slice> slices = new ArrayList<>();
    for (EventRecord e : timed) {
      if (e.timestampMs() == EventRecord.NO_TIME) {
        continue;
      }
      slices.add(EventWindows.Slice.time(e.timestampMs(), 1));
      long pane = clock.paneOf(e.timestampMs());
      p.windowContributions(e).forEachRemaining(m -> slices.add(EventWindows.Slice.pane(pane, m._1(), m._2())));
    }
    // One batch holds them all; the watermark it sets closes every window ending by the last time.
    List<Window> windows = new ArrayList<>();
    for (EventWindows.Closed c : clock.advance(new EventWindows.State(), slices).closed()) {
      windows.add(Window.of(p, c.metrics(), c.startMs(), c.endMs(), topN, threshold, rule));
    }
    return windows;
  }
}
