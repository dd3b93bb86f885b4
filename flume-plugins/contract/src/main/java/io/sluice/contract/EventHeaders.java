package io.sluice.contract;

/**
 * Names of the Flume event headers Sluice's components set and read.
 *
 * <p>Every event carries {@link #EVENT_ID}, {@link #TIMESTAMP} and {@link #PIPELINE}; a rejected
 * event additionally carries {@link #REJECT_REASON} and {@link #REJECTED_BY}. Parsed access-log
 * events carry the {@link #CLIENT_IP} ... {@link #USER_AGENT} fields of the combined log format;
 * normalised posts carry {@link #TWEET_ID}, {@link #LANG}, {@link #HASHTAGS} and
 * {@link #CREATED_AT}. Values are strings, as in every Flume header.
 */
public final class EventHeaders {

  /**
   * Stable id of the source record, the same for a record read again after a restart, e.g.
   * {@code elastic-examples_apache_logs.log:42} (file and line) or {@code <did>/<collection>/<rkey>@<rev>}
   * (Bluesky); the dedup key of the interceptor and of the Spark job.
   */
  public static final String EVENT_ID = "eventId";
  /** Event time, epoch milliseconds in decimal; for an access log the request time. */
  public static final String TIMESTAMP = "timestamp";
  /**
   * When the source read the event, epoch milliseconds (set by {@code ReplaySource}; interceptors
   * replace {@link #TIMESTAMP} with the content's time, so the source keeps its own).
   */
  public static final String READ_TIME = "readTime";
  /** The pipeline the event belongs to: a {@link Pipeline#id()}. */
  public static final String PIPELINE = "pipeline";

  /** Why the event was rejected: a {@link RejectReason#code()}; present only on rejected events. */
  public static final String REJECT_REASON = "rejectReason";
  /** Which component rejected the event: one of {@link Rejecters}; only on rejected events. */
  public static final String REJECTED_BY = "rejectedBy";
  /**
   * On an event whose body was cut ({@link RejectReason#LINE_TOO_LONG}): the length of the whole
   * record in bytes (for a line: without its terminator), as a decimal string.
   */
  public static final String ORIGINAL_LENGTH_BYTES = "originalLengthBytes";

  // Parsed access-log lines (Apache combined log format).
  /** The remote address, {@code %h}. */
  public static final String CLIENT_IP = "clientIp";
  /** The X-Forwarded-For list before the remote address, when the line has one. */
  public static final String FORWARDED_FOR = "forwardedFor";
  /** The virtual host before the remote address, {@code %v}, when the line has one. */
  public static final String VHOST = "vhost";
  /** The request method, e.g. {@code GET}. */
  public static final String METHOD = "method";
  /** Request target as written, may include {@code ?query}. */
  public static final String PATH = "path";
  /** The request protocol, e.g. {@code HTTP/1.1}. */
  public static final String PROTOCOL = "protocol";
  /** HTTP status code as text, e.g. {@code 200}. */
  public static final String STATUS = "status";
  /** Response size in bytes, decimal ({@code -} already mapped to {@code 0}). */
  public static final String BYTES = "bytes";
  /** The {@code Referer} request header as logged. */
  public static final String REFERRER = "referrer";
  /** The {@code User-Agent} request header as logged. */
  public static final String USER_AGENT = "userAgent";

  // Posts (tweets, X API v2 Posts, Bluesky posts).
  /**
   * The platform a post (or a {@link #NOT_POST} event) comes from: {@code TWITTER_V1_1},
   * {@code X_API_V2} or {@code BLUESKY_JETSTREAM} (the post normaliser's record field of the same
   * name); set by the post normaliser.
   */
  public static final String PLATFORM = "platform";
  /**
   * On a valid event of the {@link Pipeline#TWEETS} pipeline that is not a post (a Bluesky like,
   * follow, repost, deletion, identity or account event, ...): its kind, a
   * {@link NotPostKind#code()}. Such an event has no {@link #REJECT_REASON} and no
   * {@link #TWEET_ID}.
   */
  public static final String NOT_POST = "notPost";
  /** The post's id on its platform. */
  public static final String TWEET_ID = "tweetId";
  /** Language code (BCP 47), {@link #LANG_UNDEFINED} when unknown. */
  public static final String LANG = "lang";
  /** Value of {@link #LANG} when the language is unknown. */
  public static final String LANG_UNDEFINED = "und";
  /** Lower-cased distinct hashtags separated by single spaces; empty when none. */
  public static final String HASHTAGS = "hashtags";
  /** The post's creation time, epoch milliseconds in decimal. */
  public static final String CREATED_AT = "createdAt";
  /**
   * Lower-cased distinct screen names the post mentions, separated by single spaces. Optional:
   * when absent, the Spark job reads the mentions from a Twitter v1.1 JSON body.
   */
  public static final String MENTIONS = "mentions";
  /** The X API v2 filtered-stream rules a Post matched, their tags comma-separated. */
  public static final String MATCHING_RULES = "matchingRules";

  // Bluesky Jetstream events.
  /** The Jetstream event's {@code time_us}, microseconds since the epoch, the resume cursor. */
  public static final String TIME_US = "timeUs";
  /** The repository's DID. */
  public static final String DID = "did";
  /** The Jetstream event kind: {@code commit}, {@code identity} or {@code account}. */
  public static final String KIND = "kind";
  /** The record's collection (NSID), e.g. {@code app.bsky.feed.post}; commits only. */
  public static final String COLLECTION = "collection";
  /** The commit operation: {@code create}, {@code update} or {@code delete}; commits only. */
  public static final String OPERATION = "operation";

  // MQTT messages (MqttSource).
  /** The MQTT topic name the message was published to (not the subscription's filter). */
  public static final String TOPIC = "topic";
  /** The QoS the message was delivered with to the source: {@code 0}, {@code 1} or {@code 2}. */
  public static final String QOS = "qos";

  // Amazon Kinesis Data Streams records (KinesisSource).
  /** The Kinesis stream name the record was read from. */
  public static final String STREAM = "stream";
  /** The shard the record was read from, e.g. {@code shardId-000000000001}. */
  public static final String SHARD_ID = "shardId";
  /** The record's sequence number in its shard (decimal, up to 128 bits). */
  public static final String SEQUENCE_NUMBER = "sequenceNumber";
  /** The record's partition key, as the producer set it. */
  public static final String PARTITION_KEY = "partitionKey";
  /** When Kinesis accepted the record (ApproximateArrivalTimestamp), epoch milliseconds. */
  public static final String ARRIVAL_TIME = "arrivalTime";

  // Lines tailed by Flume's TAILDIR source (its fileHeader and byteOffsetHeader).
  /** The path of the tailed file, Flume TAILDIR's default {@code fileHeaderKey}. */
  public static final String FILE = "file";
  /** The byte offset of the line in the tailed file, set by TAILDIR's {@code byteOffsetHeader}. */
  public static final String BYTE_OFFSET = "byteoffset";

  // Syslog messages (RFC 3164, RFC 5424), set by the syslog interceptor.
  /** HOSTNAME field. */
  public static final String HOST = "host";
  /** The program: RFC 3164 TAG without {@code [pid]}, RFC 5424 APP-NAME. */
  public static final String PROGRAM = "program";
  /** The process id: RFC 3164 {@code TAG[pid]}, RFC 5424 PROCID; absent when the line has none. */
  public static final String PID = "pid";
  /** Severity 0..7 from the PRI (RFC 5424 section 6.2.1); absent when the line has no PRI. */
  public static final String SEVERITY = "severity";
  /** Facility 0..23 from the PRI (RFC 5424 section 6.2.1); absent when the line has no PRI. */
  public static final String FACILITY = "facility";
  /** The free-form MSG part. */
  public static final String MESSAGE = "message";

  private EventHeaders() {
  }
}
