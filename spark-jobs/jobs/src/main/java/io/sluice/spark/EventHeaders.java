package io.sluice.spark;

import java.util.HashMap;
import java.util.Map;

/**
 * Names of the Flume event headers the analytics job reads, and the conversion of Flume's Avro
 * header map into plain strings.
 *
 * <p>Headers are set upstream by Flume interceptors. Every event carries {@link #EVENT_ID},
 * {@link #TIMESTAMP} and {@link #PIPELINE}; a rejected event (either pipeline) additionally
 * carries {@link #REJECT_REASON} and {@link #REJECTED_BY}. Parsed access-log events carry the
 * {@code clientIp ... userAgent} fields of the combined log format; parsed tweets carry
 * {@link #TWEET_ID}, {@link #LANG}, {@link #HASHTAGS} and {@link #CREATED_AT}.
 *
 * <p>Events pulled from a SparkSink arrive with Avro {@code Utf8} keys and values, which are
 * {@link CharSequence}s but not {@link String}s: a lookup with a {@code String} key finds nothing.
 * {@link #toStringMap(Map)} converts the map once per event.
 */
public final class EventHeaders {

  /** Stable id of the source record, e.g. {@code elastic-examples_apache_logs.log:42}; the dedup key. */
  public static final String EVENT_ID = "eventId";
  /** Event time set by the agent, epoch milliseconds; for access logs the request time. */
  public static final String TIMESTAMP = "timestamp";
  /**
   * When the source read the event, epoch milliseconds (set by {@code ReplaySource}; interceptors
   * replace {@link #TIMESTAMP} with the content's time, so the source keeps its own). Optional; the
   * job's event-to-result latency ({@code latency.json}) is measured from it.
   */
  public static final String READ_TIME = "readTime";
  /** Which pipeline the event belongs to: {@link #PIPELINE_LOGS} or {@link #PIPELINE_TWEETS}. */
  public static final String PIPELINE = "pipeline";
  public static final String PIPELINE_LOGS = "logs";
  public static final String PIPELINE_TWEETS = "tweets";

  /** Why the event was rejected; present only on rejected events. */
  public static final String REJECT_REASON = "rejectReason";
  /** Which component rejected the event; present only on rejected events. */
  public static final String REJECTED_BY = "rejectedBy";

  // Parsed access-log lines.
  public static final String CLIENT_IP = "clientIp";
  public static final String METHOD = "method";
  /** Request target as written, may include {@code ?query}. */
  public static final String PATH = "path";
  public static final String PROTOCOL = "protocol";
  /** HTTP status code as text, e.g. {@code 200}. */
  public static final String STATUS = "status";
  /** Response size in bytes, decimal ({@code -} already mapped to {@code 0} upstream). */
  public static final String BYTES = "bytes";
  public static final String REFERRER = "referrer";
  public static final String USER_AGENT = "userAgent";

  // Parsed tweets.
  public static final String TWEET_ID = "tweetId";
  /** Language code, {@link #LANG_UNDEFINED} when unknown. */
  public static final String LANG = "lang";
  public static final String LANG_UNDEFINED = "und";
  /** Lower-cased distinct hashtags separated by single spaces; empty when none. */
  public static final String HASHTAGS = "hashtags";
  public static final String CREATED_AT = "createdAt";
  /**
   * Lower-cased distinct screen names the tweet mentions, separated by single spaces. Optional: when
   * absent, {@link EventRecord} reads the mentions from a Twitter v1.1 JSON body instead.
   */
  public static final String MENTIONS = "mentions";

  private EventHeaders() {}

  /**
   * Copies a Flume/Avro header map into a {@code Map<String, String>}, calling {@code toString()}
   * on every key and value. Null keys are skipped, null values are kept as null.
   */
  public static Map<String, String> toStringMap(Map<? extends CharSequence, ? extends CharSequence> headers) {
    if (headers == null || headers.isEmpty()) {
      return new HashMap<>();
    }
    Map<String, String> out = new HashMap<>(Math.max(16, headers.size() * 2));
    for (Map.Entry<? extends CharSequence, ? extends CharSequence> e : headers.entrySet()) {
      if (e.getKey() != null) {
        out.put(e.getKey().toString(), e.getValue() == null ? null : e.getValue().toString());
      }
    }
    return out;
  }
}
