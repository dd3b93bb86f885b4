package io.sluice.spark.input;

import io.sluice.contract.EventHeaders;
import io.sluice.contract.Pipeline;
import io.sluice.spark.output.Summary;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The part of one Flume event the analytics need, projected from its headers (and, for the
 * mentions of a tweet, its body) by {@link #fromEvent}, so that shuffles, state and write-ahead
 * logs carry a few fields instead of the whole event. Immutable.
 *
 * <p>Shape (header names in {@link io.sluice.contract.EventHeaders}):
 * <ul>
 *   <li>{@code eventId}: the {@code eventId} header; when absent, {@code "noid:"} plus a name-based
 *       UUID of all headers, so an identical redelivery still deduplicates;</li>
 *   <li>{@code pipeline}: {@code logs}, {@code tweets}, {@code syslog}, or whatever else the header says (counted
 *       as unrouted, see {@link Summary#unrouted()});</li>
 *   <li>{@code rejected}: a {@code rejectReason} or {@code rejectedBy} header is present;</li>
 *   <li>{@code timestampMs}: the event time, epoch milliseconds: the {@code timestamp} header (for
 *       access logs the request time, for syslog the message time), for the tweets pipeline the
 *       {@code createdAt} header (the post's creation time) when present, else {@code timestamp}
 *       (a Bluesky not-post's {@code time_us}); {@link #NO_TIME} when absent or not a decimal
 *       number;</li>
 *   <li>logs: {@code status} (null when absent), {@code endpoint} (the {@code path} header cut at
 *       the first {@code '?'}, null when absent), {@code bytes} ({@link #NO_BYTES} when absent or
 *       not a non-negative decimal number), {@code clientIp} (null when absent),
 *       {@code hasReferrer} (from the {@code referrer} header: false when it is {@code -} or blank,
 *       true otherwise, null when absent, as for common-format lines) and {@code botAgent} (from
 *       the {@code userAgent} header: {@link UserAgents#isBotLike}, null when absent); the two
 *       headers themselves are not kept;</li>
 *   <li>tweets (social posts of any platform): {@code tweetId} (null when absent), {@code lang}
 *       ({@code und} when absent or blank), {@code hashtags} (the {@code hashtags} header split on
 *       spaces, empty when none), {@code mentions} (see {@link TweetBodies#mentions}: the
 *       {@code mentions} header when present, else the screen names in a v1.1 JSON body; empty
 *       when neither), {@code platform} (the {@code platform} header, {@value #UNKNOWN_PLATFORM}
 *       when absent or blank), {@code notPost} (the {@code notPost} header: the kind of a valid
 *       event that is not a post, e.g. {@code like}; null for posts and rejects: a rejected event
 *       is never a not-post);</li>
 *   <li>syslog (parsed lines only): {@code host} and {@code program} (the headers of the same
 *       names, null when absent or blank) and {@code authFailureSource}, the address of an
 *       authentication failure ({@link AuthFailures#source} of the {@code program} and
 *       {@code message} headers), null when the line is none.</li>
 * </ul>
 */
public final class EventRecord implements Serializable {

  private static final long serialVersionUID = 5L;

  /** {@code platform} of a tweet-pipeline event without a {@code platform} header. */
  public static final String UNKNOWN_PLATFORM = "unknown";

  /** Marks a log line without a usable {@code bytes} header; it is left out of contentSize. */
  public static final long NO_BYTES = -1L;
  /** Marks an event without a usable {@code timestamp} header. */
  public static final long NO_TIME = Long.MIN_VALUE;

  private static final String[] NONE = new String[0];

  private final String eventId;
  private final String pipeline;
  private final boolean rejected;
  private final long timestampMs;
  private final String status;
  private final String endpoint;
  private final long bytes;
  private final String clientIp;
  private final String tweetId;
  private final String lang;
  private final String[] hashtags;
  private final String[] mentions;
  private final long readTimeMs;
  private final String platform;
  private final String notPost;
  private final String host;
  private final String program;
  private final String authFailureSource;
  private final Boolean hasReferrer;
  private final Boolean botAgent;

  private EventRecord(String eventId, String pipeline, boolean rejected, long timestampMs,
      String status, String endpoint, long bytes, String clientIp,
      String tweetId, String lang, String[] hashtags, String[] mentions, long readTimeMs) {
    this(eventId, pipeline, rejected, timestampMs, status, endpoint, bytes, clientIp, tweetId, lang,
        hashtags, mentions, readTimeMs, null, null, null, null, null, null, null);
  }

  private EventRecord(String eventId, String pipeline, boolean rejected, long timestampMs,
      String status, String endpoint, long bytes, String clientIp,
      String tweetId, String lang, String[] hashtags, String[] mentions, long readTimeMs,
      String platform, String notPost, String host, String program, String authFailureSource,
      Boolean hasReferrer, Boolean botAgent) {
    this.platform = platform;
    this.notPost = notPost;
    this.eventId = eventId;
    this.pipeline = pipeline;
    this.rejected = rejected;
    this.timestampMs = timestampMs;
    this.status = status;
    this.endpoint = endpoint;
    this.bytes = bytes;
    this.clientIp = clientIp;
    this.tweetId = tweetId;
    this.lang = lang;
    this.hashtags = hashtags;
    this.mentions = mentions;
    this.readTimeMs = readTimeMs;
    this.host = host;
    this.program = program;
    this.authFailureSource = authFailureSource;
    this.hasReferrer = hasReferrer;
    this.botAgent = botAgent;
  }

  /** Projects one event's headers (already converted with {@link FlumeEvents#toStringMap}); no body. */
  public static EventRecord fromHeaders(Map<String, String> headers) {
    return fromEvent(headers, null);
  }

  /**
   * Projects one event.
   *
   * @param headers the event's headers as strings
   * @param body the event's body, or null; read only for the mentions of a parsed tweet without a
   *     {@code mentions} header
   */
  public static EventRecord fromEvent(Map<String, String> headers, byte[] body) {
    String pipeline = trimToNull(headers.get(EventHeaders.PIPELINE));
    boolean rejected = headers.get(EventHeaders.REJECT_REASON) != null
        || headers.get(EventHeaders.REJECTED_BY) != null;
    String eventId = trimToNull(headers.get(EventHeaders.EVENT_ID));
    if (eventId == null) {
      eventId = syntheticId(headers);
    }
    long time = parseLong(headers.get(EventHeaders.TIMESTAMP), NO_TIME);
    long readTime = parseLong(headers.get(EventHeaders.READ_TIME), NO_TIME);
    if (Pipeline.LOGS.id().equals(pipeline)) {
      long bytes = parseLong(headers.get(EventHeaders.BYTES), NO_BYTES);
      String referrer = headers.get(EventHeaders.REFERRER);
      String userAgent = headers.get(EventHeaders.USER_AGENT);
      return new EventRecord(eventId, pipeline, rejected, time,
          trimToNull(headers.get(EventHeaders.STATUS)),
          endpointOf(headers.get(EventHeaders.PATH)),
          bytes < 0 ? NO_BYTES : bytes,
          trimToNull(headers.get(EventHeaders.CLIENT_IP)),
          null, null, NONE, NONE, readTime, null, null, null, null, null,
          referrer == null ? null : !(referrer.isBlank() || "-".equals(referrer.trim())),
          userAgent == null ? null : UserAgents.isBotLike(userAgent));
    }
    if (Pipeline.TWEETS.id().equals(pipeline)) {
      String lang = trimToNull(headers.get(EventHeaders.LANG));
      String tweetId = trimToNull(headers.get(EventHeaders.TWEET_ID));
      String[] mentions = rejected || tweetId == null ? NONE
          : TweetBodies.mentions(headers.get(EventHeaders.MENTIONS), body);
      String platform = trimToNull(headers.get(EventHeaders.PLATFORM));
      String notPost = rejected ? null : trimToNull(headers.get(EventHeaders.NOT_POST));
      long createdAt = parseLong(headers.get(EventHeaders.CREATED_AT), NO_TIME);
      return new EventRecord(eventId, pipeline, rejected, createdAt != NO_TIME ? createdAt : time, null, null, NO_BYTES, null,
          notPost == null ? tweetId : null, lang == null ? EventHeaders.LANG_UNDEFINED : lang,
          splitWords(headers.get(EventHeaders.HASHTAGS)), mentions, readTime,
          platform == null ? UNKNOWN_PLATFORM : platform, notPost, null, null, null, null, null);
    }
    if (Pipeline.SYSLOG.id().equals(pipeline)) {
      String host = rejected ? null : trimToNull(headers.get(EventHeaders.HOST));
      String program = rejected ? null : trimToNull(headers.get(EventHeaders.PROGRAM));
      String source = rejected ? null : AuthFailures.source(program, headers.get(EventHeaders.MESSAGE));
      return new EventRecord(eventId, pipeline, rejected, time, null, null, NO_BYTES, null,
          null, null, NONE, NONE, readTime, null, null, host, program, source, null, null);
    }
    return new EventRecord(eventId, pipeline, rejected, time, null, null, NO_BYTES, null,
        null, null, NONE, NONE, readTime);
  }

  /** The request path without its query string: everything before the first {@code '?'}. */
  static String endpointOf(String path) {
    if (path == null) {
      return null;
    }
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }

  private static long parseLong(String value, long otherwise) {
    if (value == null) {
      return otherwise;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  /** Space-separated words, distinct, in order; empty for null or blank. */
  static String[] splitWords(String value) {
    if (value == null || value.isBlank()) {
      return NONE;
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
    return Pipeline.LOGS.id().equals(pipeline);
  }

  public boolean isTweet() {
    return Pipeline.TWEETS.id().equals(pipeline);
  }

  public boolean isSyslog() {
    return Pipeline.SYSLOG.id().equals(pipeline);
  }

  public boolean isRejected() {
    return rejected;
  }

  /** A log line that passed parsing: it takes part in the log analytics. */
  public boolean isParsedLog() {
    return isLog() && !rejected;
  }

  /** A tweet that passed parsing and has a tweet id: it takes part in the tweet analytics. */
  public boolean isParsedTweet() {
    return isTweet() && !rejected && notPost == null && tweetId != null;
  }

  /**
   * The platform of a tweet-pipeline event ({@code TWITTER_V1_1}, {@code X_API_V2},
   * {@code BLUESKY_JETSTREAM}, {@value #UNKNOWN_PLATFORM}); null for other pipelines.
   */
  public String platform() {
    return platform;
  }

  /**
   * The kind of a valid tweet-pipeline event that is not a post ({@code like}, {@code delete},
   * ..., {@link io.sluice.contract.NotPostKind}); null for posts, rejects and other pipelines.
   */
  public String notPost() {
    return notPost;
  }

  /** Event time in epoch milliseconds, or {@link #NO_TIME}. */
  public long timestampMs() {
    return timestampMs;
  }

  /**
   * When the source read the event ({@link io.sluice.contract.EventHeaders#READ_TIME}), epoch milliseconds, or
   * {@link #NO_TIME} when the event has no such header.
   */
  public long readTimeMs() {
    return readTimeMs;
  }

  public String status() {
    return status;
  }

  /** True for a parsed log line whose status is 500-599. */
  public boolean isServerError() {
    return status != null && status.length() == 3 && status.charAt(0) == '5'
        && Character.isDigit(status.charAt(1)) && Character.isDigit(status.charAt(2));
  }

  public String endpoint() {
    return endpoint;
  }

  /** Response size in bytes, or {@link #NO_BYTES}. */
  public long bytes() {
    return bytes;
  }

  /** The client address of a log line, or null. */
  public String clientIp() {
    return clientIp;
  }

  /**
   * Whether a log line names a referrer: false when its {@code referrer} header is {@code -} or
   * blank, true for any other value, null when the event has no such header (common log format,
   * other pipelines).
   */
  public Boolean hasReferrer() {
    return hasReferrer;
  }

  /**
   * Whether a log line's {@code userAgent} header looks like an automated client
   * ({@link UserAgents#isBotLike}); null when the event has no such header (common log format,
   * other pipelines).
   */
  public Boolean botAgent() {
    return botAgent;
  }

  public String tweetId() {
    return tweetId;
  }

  /** The {@code host} header of a parsed syslog line (its HOSTNAME field), or null. */
  public String host() {
    return host;
  }

  /** The {@code program} header of a parsed syslog line (TAG without {@code [pid]}, APP-NAME), or null. */
  public String program() {
    return program;
  }

  /**
   * The source address of a parsed syslog line that is an authentication failure
   * ({@link AuthFailures#source}), or null when the line is none.
   */
  public String authFailureSource() {
    return authFailureSource;
  }

  public String lang() {
    return lang;
  }

  /** Distinct hashtags of a tweet; a copy, empty when none. */
  public String[] hashtags() {
    return hashtags.clone();
  }

  /** Distinct lower-cased screen names a tweet mentions; a copy, empty when none. */
  public String[] mentions() {
    return mentions.clone();
  }

  public int hashtagCount() {
    return hashtags.length;
  }

  public String hashtag(int i) {
    return hashtags[i];
  }

  public int mentionCount() {
    return mentions.length;
  }

  public String mention(int i) {
    return mentions[i];
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
    return rejected == r.rejected && bytes == r.bytes && timestampMs == r.timestampMs
        && eventId.equals(r.eventId) && Objects.equals(pipeline, r.pipeline)
        && Objects.equals(status, r.status) && Objects.equals(endpoint, r.endpoint)
        && Objects.equals(clientIp, r.clientIp) && Objects.equals(tweetId, r.tweetId)
        && Objects.equals(lang, r.lang) && Arrays.equals(hashtags, r.hashtags)
        && Arrays.equals(mentions, r.mentions) && Objects.equals(platform, r.platform)
        && Objects.equals(notPost, r.notPost)
        && Objects.equals(host, r.host) && Objects.equals(program, r.program)
        && Objects.equals(authFailureSource, r.authFailureSource)
        && Objects.equals(hasReferrer, r.hasReferrer) && Objects.equals(botAgent, r.botAgent);
  }

  @Override
  public int hashCode() {
    return eventId.hashCode();
  }

  @Override
  public String toString() {
    return "EventRecord{" + eventId + ", " + pipeline + (rejected ? ", rejected" : "")
        + (timestampMs == NO_TIME ? "" : ", t=" + timestampMs)
        + (isLog() ? ", " + clientIp + " " + status + " " + endpoint + " " + bytes : "")
        + (isTweet() ? ", " + platform + (notPost != null ? " not a post: " + notPost
            : " " + tweetId + " " + lang + " " + Arrays.toString(hashtags)
            + " @" + Arrays.toString(mentions)) : "")
        + (isSyslog() ? ", " + host + " " + program
            + (authFailureSource == null ? "" : " auth-failure " + authFailureSource) : "") + '}';
  }
}
