package io.sluice.spark.analytics;

import io.sluice.spark.input.EventRecord;

/**
 * Each pipeline's event-time clock: its watermark and the events that arrive behind it (late).
 *
 * <p><b>Watermark rule.</b> A pipeline's watermark is the maximum event time of its events seen in
 * <em>earlier</em> batches minus the allowed lateness ({@code --allowed-lateness}, seconds):
 * {@code watermark = max(event time seen before this batch) - lateness}, undefined (nothing is late)
 * before the first event with an event time. An event of a batch whose event time is older than
 * (strictly before) the watermark in force when its batch starts is late; every event of one batch
 * is judged against the same watermark, so the order of events within a batch does not matter.
 * The watermark never goes back. Two rules of {@link EventWindows} refine it: after the maximum has
 * been still for {@code --watermark-idle-seconds} of batch time, the watermark moves to the end of
 * the last window it flushed; an event more than {@code --max-future-seconds} ahead of its batch
 * time counts as future, not in the maximum. Event times: {@link EventRecord#timestampMs()} (logs, the request
 * time; tweets, the post's creation time; syslog, the message time); events without one are never
 * late.
 *
 * <p>What is judged, per pipeline, is what its hourly series counts: parsed log lines, distinct
 * tweets (by tweet id), parsed syslog lines. A late event is still counted in the running totals
 * (and its hour of the hourly series); it is also counted in the pipeline's {@code late} counter
 * ({@code LOGS_LATE}, {@code TWEETS_LATE}, {@code SYSLOG_LATE}).
 *
 * <p><b>State.</b> The maximum event time seen is part of the pipeline's {@link EventWindows}
 * state: one {@code mapWithState} key per pipeline (the late counter's {@link Metric}), which holds
 * that number and the open windows' panes, so it does not need to expire. Each batch sends it the
 * batch's distinct event times of the pipeline with their counts, summed into one
 * {@link EventWindows.Slices} per pipeline and batch: at most one entry per distinct event time of
 * the batch.
 */
public final class EventClock {

  private EventClock() {}
}
