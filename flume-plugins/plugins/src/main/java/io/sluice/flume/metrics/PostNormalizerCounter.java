package io.sluice.flume.metrics;

import io.sluice.contract.NotPostKind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The counter group of the post normaliser ({@code TweetNormalizerInterceptor}): the counters of
 * {@link InterceptorCounter} plus, for the valid events that are not posts (Bluesky likes,
 * follows, deletions, identity and account events, ...), {@value #EVENT_NOT_POST} and one
 * {@value #EVENT_NOT_POST}{@code .<kind>} per {@link NotPostKind#code()}.
 *
 * <p>A not-post event leaves the interceptor without a reject header, so it counts in
 * {@value InterceptorCounter#EVENT_ACCEPTED} too: {@code received = accepted + rejected} still
 * holds, the posts are {@code accepted - EventNotPostCount}, and {@value #EVENT_NOT_POST} is the
 * sum of its per-kind counters. With {@link PrometheusMonitorService} they are
 * {@code flume_event_not_post_total} and
 * {@code flume_event_not_post_by_reason_total{reason="<kind>"}}.
 */
public final class PostNormalizerCounter extends InterceptorCounter {

  /** Valid events that are not posts; per kind: {@code EventNotPostCount.<kind>}. */
  public static final String EVENT_NOT_POST = "EventNotPostCount";

  /**
   * Creates the group.
   *
   * @param name the counter group name, e.g. {@code tweet-normalizer}
   * @param rejectCodes the normaliser's reject codes
   */
  public PostNormalizerCounter(String name, Collection<String> rejectCodes) {
    super(name, rejectCodes, List.of(), notPostCounters());
  }

  private static List<String> notPostCounters() {
    List<String> names = new ArrayList<>();
    names.add(EVENT_NOT_POST);
    for (String kind : NotPostKind.codes()) {
      names.add(notPostCounter(kind));
    }
    return names;
  }

  /**
   * The per-kind counter's name.
   *
   * @param kind a {@link NotPostKind#code()}
   * @return {@code EventNotPostCount.<kind>}
   */
  public static String notPostCounter(String kind) {
    return EVENT_NOT_POST + "." + kind;
  }

  /**
   * Counts a valid event that is not a post; it also counts as accepted.
   *
   * @param kind its kind
   */
  public void notPost(NotPostKind kind) {
    incrementCounter(EVENT_ACCEPTED);
    incrementCounter(EVENT_NOT_POST);
    incrementCounter(notPostCounter(kind.code()));
  }
}
