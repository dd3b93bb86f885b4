package io.sluice.flume.interceptor;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.interceptor.Interceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses Twitter API v1.1 status objects (one JSON object per event, as the streaming API and
 * JSON-lines exports deliver them) into event headers; the body is never modified and no event is
 * ever dropped.
 *
 * <h2>What is a status</h2>
 * Following the v1.1 Tweet object (Twitter developer documentation, "Tweet object" and
 * "Extended Tweets"), a status is a JSON object with a textual {@code text} or {@code full_text}
 * member and an object {@code user} member. Stream control messages ({@code delete},
 * {@code limit}, {@code friends}, {@code event}, {@code warning}, {@code direct_message},
 * {@code scrub_geo}, {@code disconnect}, ...), arrays and scalars are not statuses.
 *
 * <h2>Headers of a parsed status</h2>
 * <ul>
 *   <li>{@value #TWEET_ID_HEADER}: {@code id_str} when it is a decimal string; otherwise
 *       {@code id} when it is a non-negative integer, a decimal string, or a MongoDB extended
 *       JSON {@code {"$numberLong": "<digits>"}}; no usable id rejects the status as
 *       {@code missing-id}.</li>
 *   <li>{@value #LANG_HEADER}: {@code lang} as given; {@value #UNDETERMINED_LANG} when it is
 *       missing, null, not a string or blank.</li>
 *   <li>{@value #HASHTAGS_HEADER}: the {@code text} of each entry of {@code entities.hashtags},
 *       lower-cased with {@link Locale#ROOT}, each distinct tag once in first-seen order, joined
 *       by a single space; empty (but present) when there are none. When {@code truncated} is
 *       {@code true} and {@code extended_tweet} is present, {@code extended_tweet.entities} is
 *       used instead (falling back to {@code entities} if it has no hashtags array). Hashtags of
 *       retweeted or quoted statuses are not included beyond what the top-level entities
 *       list.</li>
 *   <li>{@value #CREATED_AT_HEADER}: {@code created_at} ({@code EEE MMM dd HH:mm:ss Z yyyy},
 *       English) in epoch milliseconds; left out when absent or unparseable (not a reject).</li>
 * </ul>
 *
 * <h2>Rejected records</h2>
 * Anything else keeps its body and existing headers and gets
 * {@value RejectionHeaders#REJECT_REASON} = one {@link RejectReason#code()} and
 * {@value RejectionHeaders#REJECTED_BY} = {@value #REJECTED_BY}. The codes form a closed set
 * (agent configurations route on them):
 * <ul>
 *   <li>{@code empty-record}: empty or blank body (e.g. a stream keep-alive newline);</li>
 *   <li>{@code invalid-json}: not exactly one well-formed JSON value (trailing content
 *       included), or not valid UTF-8;</li>
 *   <li>{@code not-a-status}: valid JSON that is not a status as defined above;</li>
 *   <li>{@code missing-id}: a status without a usable id.</li>
 * </ul>
 *
 * <p>Instances are immutable and thread-safe (one shared Jackson {@link ObjectReader}).
 * Configure as {@code io.sluice.flume.interceptor.TweetInterceptor$Builder} (no configuration
 * keys).
 */
public final class TweetInterceptor implements Interceptor {

  /** Header: the status id as a decimal string. */
  public static final String TWEET_ID_HEADER = "tweetId";
  /** Header: BCP 47 language code, or {@value #UNDETERMINED_LANG}. */
  public static final String LANG_HEADER = "lang";
  /** Header: distinct lower-case hashtags separated by one space; empty when none. */
  public static final String HASHTAGS_HEADER = "hashtags";
  /** Header: {@code created_at} in epoch milliseconds. */
  public static final String CREATED_AT_HEADER = "createdAt";

  /** Value of {@value #LANG_HEADER} when the status has no language (Twitter's own code). */
  public static final String UNDETERMINED_LANG = "und";
  /** Value of {@value RejectionHeaders#REJECTED_BY} on events this interceptor rejects. */
  public static final String REJECTED_BY = "tweet-interceptor";

  private static final Logger LOG = LoggerFactory.getLogger(TweetInterceptor.class);

  private static final ObjectReader JSON =
      new ObjectMapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final DateTimeFormatter CREATED_AT_FORMAT =
      DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss Z yyyy", Locale.ENGLISH);
  private static final int MAX_ID_DIGITS = 20;

  /** Why a record was rejected; {@link #code()} is the value of the reject-reason header. */
  public enum RejectReason {
    /** Empty or blank body. */
    EMPTY_RECORD("empty-record"),
    /** Not one well-formed JSON value. */
    INVALID_JSON("invalid-json"),
    /** Well-formed JSON that is not a status (control message, array, scalar, ...). */
    NOT_A_STATUS("not-a-status"),
    /** A status without a usable {@code id_str}/{@code id}. */
    MISSING_ID("missing-id");

    private final String code;

    RejectReason(String code) {
      this.code = code;
    }

    /**
     * The value of the reject-reason header.
     *
     * @return the code, e.g. {@code not-a-status}
     */
    public String code() {
      return code;
    }
  }

  private TweetInterceptor() {
  }

  @Override
  public void initialize() {
    // stateless
  }

  /**
   * Adds the status headers, or the reject headers, to the event.
   *
   * @param event the event; its body is read, never modified
   * @return the same event; null only when {@code event} is null
   */
  @Override
  public Event intercept(Event event) {
    if (event == null) {
      return null;
    }
    Map<String, String> headers = event.getHeaders();
    RejectReason reason;
    try {
      reason = parseInto(event.getBody(), headers);
    } catch (RuntimeException e) {
      // Jackson signals bad input with IOExceptions, handled below; this is a safety net so one
      // record can never block a batch (a source would retry it forever).
      LOG.warn("Tweet parsing failed unexpectedly; rejecting the record as {}",
          RejectReason.INVALID_JSON.code(), e);
      reason = RejectReason.INVALID_JSON;
    }
    if (reason != null) {
      headers.put(RejectionHeaders.REJECT_REASON, reason.code());
      headers.put(RejectionHeaders.REJECTED_BY, REJECTED_BY);
    }
    return event;
  }

  /**
   * Intercepts every event of the batch.
   *
   * @return a list with the same events in the same order (null elements skipped); never null
   */
  @Override
  public List<Event> intercept(List<Event> events) {
    if (events == null) {
      return new ArrayList<>(0);
    }
    List<Event> out = new ArrayList<>(events.size());
    for (Event event : events) {
      Event intercepted = intercept(event);
      if (intercepted != null) {
        out.add(intercepted);
      }
    }
    return out;
  }

  @Override
  public void close() {
    // stateless
  }

  /** Puts the status headers and returns null, or returns the reason without touching headers. */
  private static RejectReason parseInto(byte[] body, Map<String, String> headers) {
    if (isBlank(body)) {
      return RejectReason.EMPTY_RECORD;
    }
    JsonNode status;
    try {
      status = JSON.readTree(body);
    } catch (IOException e) {
      return RejectReason.INVALID_JSON;
    }
    if (status == null || status.isMissingNode()) {
      return RejectReason.EMPTY_RECORD;
    }
    if (!isStatus(status)) {
      return RejectReason.NOT_A_STATUS;
    }
    String id = tweetId(status);
    if (id == null) {
      return RejectReason.MISSING_ID;
    }
    headers.put(TWEET_ID_HEADER, id);
    headers.put(LANG_HEADER, lang(status));
    headers.put(HASHTAGS_HEADER, hashtags(status));
    String createdAt = createdAtMillis(status);
    if (createdAt != null) {
      headers.put(CREATED_AT_HEADER, createdAt);
    }
    return null;
  }

  private static boolean isStatus(JsonNode node) {
    return node.isObject()
        && (node.path("text").isTextual() || node.path("full_text").isTextual())
        && node.path("user").isObject();
  }

  private static String tweetId(JsonNode status) {
    JsonNode idStr = status.path("id_str");
    if (idStr.isTextual() && isDecimal(idStr.textValue())) {
      return idStr.textValue();
    }
    JsonNode id = status.path("id");
    if (id.isIntegralNumber()) {
      return id.bigIntegerValue().signum() >= 0 ? id.bigIntegerValue().toString() : null;
    }
    if (id.isTextual()) {
      return isDecimal(id.textValue()) ? id.textValue() : null;
    }
    JsonNode numberLong = id.path("$numberLong"); // MongoDB extended JSON export
    if (numberLong.isTextual() && isDecimal(numberLong.textValue())) {
      return numberLong.textValue();
    }
    return null;
  }

  private static String lang(JsonNode status) {
    JsonNode lang = status.path("lang");
    return lang.isTextual() && !lang.textValue().isBlank() ? lang.textValue() : UNDETERMINED_LANG;
  }

  private static String hashtags(JsonNode status) {
    JsonNode hashtags = status.path("entities").path("hashtags");
    JsonNode extended = status.path("extended_tweet");
    JsonNode truncated = status.path("truncated");
    if (truncated.isBoolean() && truncated.booleanValue() && extended.isObject()) {
      JsonNode extendedHashtags = extended.path("entities").path("hashtags");
      if (extendedHashtags.isArray()) {
        hashtags = extendedHashtags;
      }
    }
    if (!hashtags.isArray() || hashtags.isEmpty()) {
      return "";
    }
    Set<String> distinct = new LinkedHashSet<>();
    for (JsonNode hashtag : hashtags) {
      JsonNode text = hashtag.path("text");
      if (text.isTextual() && !text.textValue().isEmpty()) {
        distinct.add(text.textValue().toLowerCase(Locale.ROOT));
      }
    }
    return String.join(" ", distinct);
  }

  private static String createdAtMillis(JsonNode status) {
    JsonNode createdAt = status.path("created_at");
    if (!createdAt.isTextual()) {
      return null;
    }
    try {
      OffsetDateTime time = CREATED_AT_FORMAT.parse(createdAt.textValue(), OffsetDateTime::from);
      return Long.toString(time.toInstant().toEpochMilli());
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static boolean isDecimal(String s) {
    if (s.isEmpty() || s.length() > MAX_ID_DIGITS) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean isBlank(byte[] body) {
    if (body == null) {
      return true;
    }
    for (byte b : body) {
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return false;
      }
    }
    return true;
  }

  /** Builds {@link TweetInterceptor}; it has no configuration keys. */
  public static class Builder implements Interceptor.Builder {

    @Override
    public Interceptor build() {
      return new TweetInterceptor();
    }

    @Override
    public void configure(Context context) {
      // no configuration keys
    }
  }
}
