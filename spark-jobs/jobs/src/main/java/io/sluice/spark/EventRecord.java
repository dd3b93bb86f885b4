package io.sluice.spark;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The part of one Flume event the analytics need, projected from its headers by
 * {@link #fromHeaders(Map)} so that shuffles and state carry a few fields instead of the whole
 * header map. Immutable.
 *
 * <p>Shape (all from {@link EventHeaders}):
 * <ul>
 *   <li>{@code eventId}: the {@code eventId} header; when absent, {@code "noid:"} plus a name-based
 *       UUID of all headers, so an identical redelivery still deduplicates;</li>
 *   <li>{@code pipeline}: {@code logs}, {@code tweets}, or whatever else the header says (counted
 *       as unrouted, see {@link Summary#unrouted()});</li>
 *   <li>{@code rejected}: a {@code rejectReason} or {@code rejectedBy} header is present;</li>
 *   <li>logs: {@code status} (null when absent), {@code endpoint} (the {@code path} header cut at
 *       the first {@code '?'}, null when absent), {@code bytes} ({@link #NO_BYTES} when absent or
 *       not a non-negative decimal number);</li>
 *   <li>tweets: {@code tweetId} (null when absent), {@code lang} ({@code und} when absent or
 *       blank), {@code hashtags} (the {@code hashtags} header split on spaces, empty when none).</li>
 * </ul>
 */
public final class EventRecord implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Marks a log line without a usable {@code bytes} header; it is left out of contentSize. */
  public static final long NO_BYTES = -1L;

  private static final String[] NO_TAGS = new String[0];

  private final String eventId;
  private final String pipeline;
  private final boolean rejected;
  private final String status;
  private final String endpoint;
  private final long bytes;
  private final String tweetId;
  private final String lang;
  private final String[] hashtags;

  private EventRecord(String eventId, String pipeline, boolean rejected, String status,
      String endpoint, long bytes, String tweetId, String lang, String[] hashtags) {
    this.eventId = eventId;
    this.pipeline = pipeline;
    this.rejected = rejected;
    this.status = status;
    this.endpoint = endpoint;
    this.bytes = bytes;
    this.tweetId = tweetId;
    this.lang = lang;
    this.hashtags = hashtags;
  }

  /** Projects one event's headers (already converted with {@link EventHeaders#toStringMap}). */
  public static EventRecord fromHeaders(Map<String, String> headers) {
    String pipeline = trimToNull(headers.get(EventHeaders.PIPELINE));
    boolean rejected = headers.get(EventHeaders.REJECT_REASON) != null
        || headers.get(EventHeaders.REJECTED_BY) != null;
    String eventId = trimToNull(headers.get(EventHeaders.EVENT_ID));
    if (eventId == null) {
      eventId = syntheticId(headers);
    }
    if (EventHeaders.PIPELINE_LOGS.equals(pipeline)) {
      return new EventRecord(eventId, pipeline, rejected,
          trimToNull(headers.get(EventHeaders.STATUS)),
          endpointOf(headers.get(EventHeaders.PATH)),
          parseBytes(headers.get(EventHeaders.BYTES)),
          null, null, NO_TAGS);
    }
    if (EventHeaders.PIPELINE_TWEETS.equals(pipeline)) {
      String lang = trimToNull(headers.get(EventHeaders.LANG));
      return new EventRecord(eventId, pipeline, rejected, null, null, NO_BYTES,
          trimToNull(headers.get(EventHeaders.TWEET_ID)),
          lang == null ? EventHeaders.LANG_UNDEFINED : lang,
          splitTags(headers.get(EventHeaders.HASHTAGS)));
    }
    return new EventRecord(eventId, pipeline, rejected, null, null, NO_BYTES, null, null, NO_TAGS);
  }

  /** The request path without its query string: everything before the first {@code '?'}. */
  static String endpointOf(String path) {
    if (path == null) {
      return null;
    }
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }

  private static long parseBytes(String value) {
    if (value == null) {
      return NO_BYTES;
    }
    try {
      long n = Long.parseLong(value.trim());
      return n < 0 ? NO_BYTES : n;
    } catch (NumberFormatException e) {
      return NO_BYTES;
    }
  }

  private static String[] splitTags(String value) {
    if (value == null || value.isBlank()) {
      return NO_TAGS;
    }
    return Arrays.stream(value.trim().split(" +")).distinct().toArray(String[]::new);
  }

  private static String syntheticId(Map<String, String> headers) {
    String canonical = new TreeMap<>(headers).toString();
    return "noid:" + UUID.nameUUIDFromBytes(canonical.getBytes(StandardCharsets.UTF_8));
  }

  private static String trimToNull(String s) {
    if (s == null) {
      return null;
    }
    String t = s.trim();
    return t.isEmpty() ? null : t;
  }

  public String eventId() {
    return eventId;
  }

  /** The {@code pipeline} header, trimmed; null when absent. */
  public String pipeline() {
    return pipeline;
  }

  public boolean isLog() {
    return EventHeaders.PIPELINE_LOGS.equals(pipeline);
  }

  public boolean isTweet() {
    return EventHeaders.PIPELINE_TWEETS.equals(pipeline);
  }

  public boolean isRejected() {
    return rejected;
  }

  /** A tweet that passed parsing and has a tweet id: it takes part in the tweet analytics. */
  public boolean isParsedTweet() {
    return isTweet() && !rejected && tweetId != null;
  }

  public String status() {
    return status;
  }

  public String endpoint() {
    return endpoint;
  }

  /** Response size in bytes, or {@link #NO_BYTES}. */
  public long bytes() {
    return bytes;
  }

  public String tweetId() {
    return tweetId;
  }

  public String lang() {
    return lang;
  }

  /** Distinct hashtags of a tweet; a copy, empty when none. */
  public String[] hashtags() {
    return hashtags.clone();
  }

  int hashtagCount() {
    return hashtags.length;
  }

  String hashtag(int i) {
    return hashtags[i];
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof EventRecord)) {
      return false;
    }
    EventRecord r = (EventRecord) o;
    return rejected == r.rejected && bytes == r.bytes && eventId.equals(r.eventId)
        && Objects.equals(pipeline, r.pipeline) && Objects.equals(status, r.status)
        && Objects.equals(endpoint, r.endpoint) && Objects.equals(tweetId, r.tweetId)
        && Objects.equals(lang, r.lang) && Arrays.equals(hashtags, r.hashtags);
  }

  @Override
  public int hashCode() {
    return eventId.hashCode();
  }

  @Override
  public String toString() {
    return "EventRecord{" + eventId + ", " + pipeline + (rejected ? ", rejected" : "")
        + (isLog() ? ", " + status + " " + endpoint + " " + bytes : "")
        + (isTweet() ? ", " + tweetId + " " + lang + " " + Arrays.toString(hashtags) : "") + '}';
  }
}
