package io.sluice.flume.interceptor.post;

import io.sluice.contract.EventHeaders;
import io.sluice.contract.NotPostKind;
import io.sluice.contract.RejectReason;
import io.sluice.contract.Rejecters;
import io.sluice.flume.interceptor.CountingInterceptor;
import io.sluice.flume.interceptor.post.TweetNormalizerConfig.Body;
import io.sluice.flume.metrics.PostNormalizerCounter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.interceptor.Interceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Normalises posts from three APIs, one JSON document per event, into one shape: the headers
 * below and, optionally, an Avro {@code io.sluice.avro.Post} record as the new body (schema
 * {@code io/sluice/flume/interceptor/post/Post.avsc} in this jar, see {@link #schema()}; every
 * field documented there). No event is ever dropped.
 *
 * <h2>Accepted inputs</h2>
 * <ul>
 *   <li><b>Twitter API v1.1 status</b> (Twitter developer documentation, "Tweet object",
 *       "Extended Tweets"): an object with a textual {@code text} or {@code full_text} and an
 *       object {@code user}. Id from {@code id_str}, else {@code id} (non-negative integer,
 *       decimal string or MongoDB {@code {"$numberLong": ...}}); hashtags from
 *       {@code entities.hashtags[].text}, or {@code extended_tweet.entities} when
 *       {@code truncated} is {@code true}; {@code created_at} as
 *       {@code EEE MMM dd HH:mm:ss Z yyyy}.</li>
 *   <li><b>X API v2 Post</b> (X developer documentation, "Data dictionary: Post object"): either
 *       an envelope {@code {"data": {...}, "includes": {...}}} as the filtered stream and
 *       single-Post lookup return (a {@code data} array of exactly one Post is accepted too),
 *       or a bare Post object that has {@code edit_history_tweet_ids} or {@code author_id}.
 *       The Post needs a textual {@code text} and a decimal string {@code id}; hashtags from
 *       {@code entities.hashtags[].tag} ({@code note_tweet} text and entities when present);
 *       {@code created_at} RFC 3339; the handle from {@code includes.users}.</li>
 *   <li><b>Bluesky Jetstream v1 event</b> (github.com/bluesky-social/jetstream): an object with
 *       textual {@code did} and {@code kind}. A post is {@code kind = commit} with
 *       {@code commit.collection = app.bsky.feed.post}, {@code commit.operation} {@code create}
 *       or {@code update} and a {@code commit.record} with textual {@code text}; the id is the
 *       AT URI {@code at://<did>/app.bsky.feed.post/<rkey>}; hashtags are the features of
 *       {@code $type} {@code app.bsky.richtext.facet#tag} in {@code record.facets} (lexicon
 *       {@code app.bsky.richtext.facet}) then {@code record.tags}; language
 *       {@code record.langs[0]}; {@code record.createdAt} RFC 3339.</li>
 * </ul>
 *
 * <h2>Headers of a parsed post</h2>
 * The same for every platform, and for v1.1 those of the earlier {@code TweetInterceptor}:
 * {@value EventHeaders#TWEET_ID} (the {@code Post.id}), {@value EventHeaders#LANG} (language or
 * {@value EventHeaders#LANG_UNDEFINED}), {@value EventHeaders#HASHTAGS} (distinct lower-case
 * hashtags in first-seen order joined by one space; empty when none), {@value
 * EventHeaders#CREATED_AT} (epoch milliseconds; left out when absent or unparseable, not a reject)
 * and {@value EventHeaders#PLATFORM} ({@code TWITTER_V1_1}, {@code X_API_V2} or
 * {@code BLUESKY_JETSTREAM}, the record's {@code platform}).
 *
 * <h2>Valid events that are not posts</h2>
 * A Jetstream event that is well formed but not a post (a like, repost, follow, block, profile
 * update, a deletion of any record, an identity or account event, a commit of any other
 * collection) is not a reject: it keeps its body, gets {@value EventHeaders#NOT_POST} = its
 * {@link NotPostKind#code()} (mapping in {@link NotPostKind}) and {@value EventHeaders#PLATFORM}
 * = {@code BLUESKY_JETSTREAM}, and no {@value EventHeaders#REJECT_REASON}: it goes on with the
 * posts (the agent files send it to the events channel only, never to the dead letter) and the
 * Spark job counts it in {@code tweets.notPosts} by kind. Counted in {@code EventNotPostCount}
 * and {@code EventNotPostCount.<kind>} ({@link PostNormalizerCounter}).
 *
 * <h2>Rejected records</h2>
 * Keep their body and existing headers and get {@value EventHeaders#REJECT_REASON} = one
 * {@link RejectReason#code()} and {@value EventHeaders#REJECTED_BY} = {@value
 * Rejecters#POST_NORMALIZER}. The closed set (agent configurations route on it):
 * <ul>
 *   <li>{@code empty-record}: empty or blank body;</li>
 *   <li>{@code invalid-json}: not exactly one well-formed JSON value, or not UTF-8;</li>
 *   <li>{@code not-a-status}: valid JSON that is neither a post of the three kinds above nor
 *       a Jetstream event: Twitter v1.1 stream control messages ({@code delete}, {@code limit},
 *       {@code friends}, ...), arrays and scalars; also a Jetstream commit without
 *       {@code operation} or {@code collection}, and a post create or update whose record has no
 *       textual {@code text};</li>
 *   <li>{@code missing-id}: a post without a usable id;</li>
 *   <li>{@code multiple-posts}: an X API v2 envelope whose {@code data} array holds more than
 *       one Post (an interceptor cannot split an event: split upstream).</li>
 * </ul>
 * A record that arrives already rejected (it has a {@value EventHeaders#REJECT_REASON}: e.g.
 * {@link RejectReason#LINE_TOO_LONG} from {@code ReplaySource}, whose body is only the
 * first bytes of a line, or a malformed message flagged by the Jetstream or X source) is passed on
 * untouched: not parsed, its body, reason and {@value EventHeaders#REJECTED_BY} kept.
 *
 * <h2>Counters</h2>
 * {@code INTERCEPTOR} group, default name {@value Rejecters#POST_NORMALIZER}: see {@link
 * PostNormalizerCounter} ({@code EventNotPostCount.<kind>} per {@link NotPostKind}, counted in
 * {@code EventAcceptedCount} too; {@code EventRejectedCount.<code>} per code above, plus
 * {@code EventRejectedCount.line-too-long} and {@code EventRejectedCount.other} for records that
 * arrived rejected with that code or with a code not above; all count in
 * {@code EventRejectedCount}).
 *
 * <p>Configure as {@code io.sluice.flume.interceptor.post.TweetNormalizerInterceptor$Builder}; keys
 * in {@link TweetNormalizerConfig} ({@code body} = keep | avro | json, {@code avroSchemaHeader},
 * {@code counterGroup}). Thread-safe.
 */
public final class TweetNormalizerInterceptor extends CountingInterceptor {

  /** Header Flume's Avro serializers read the schema from (with {@code avroSchemaHeader}). */
  public static final String AVRO_SCHEMA_LITERAL_HEADER = "flume.avro.schema.literal";

  private static final Logger LOG = LoggerFactory.getLogger(TweetNormalizerInterceptor.class);
  private static final Schema SCHEMA = loadSchema();

  private final Body body;
  private final boolean avroSchemaHeader;
  private final GenericDatumWriter<GenericRecord> writer = new GenericDatumWriter<>(SCHEMA);

  private TweetNormalizerInterceptor(TweetNormalizerConfig config) {
    super(new PostNormalizerCounter(config.counterGroup(), countedRejectCodes(rejectCodes())));
    this.body = config.body();
    this.avroSchemaHeader = config.avroSchemaHeader();
  }

  /**
   * The Avro schema of the normalised record ({@code io.sluice.avro.Post}).
   *
   * @return the schema parsed from {@code Post.avsc}
   */
  public static Schema schema() {
    return SCHEMA;
  }

  /**
   * The codes of {@link RejectReason#POST}, in declaration order.
   *
   * @return e.g. {@code [empty-record, invalid-json, ...]}
   */
  public static List<String> rejectCodes() {
    return RejectReason.codes(RejectReason.POST);
  }

  /**
   * Adds the post headers (and replaces the body when configured), or the reject headers.
   *
   * @param event the event
   * @return the same event; null only when {@code event} is null
   */
  @Override
  public Event intercept(Event event) {
    if (event == null) {
      return null;
    }
    counter.received();
    Map<String, String> headers = event.getHeaders();
    if (passOnRejected(headers)) {
      return event;
    }
    PostParser.Result result;
    byte[] newBody = null;
    try {
      result = PostParser.parse(event.getBody());
      if (result.post() != null && body != Body.KEEP) {
        newBody = encode(toRecord(result.post()));
      }
    } catch (RuntimeException e) {
      // Jackson signals bad input with IOExceptions, handled by the parser; this is a safety
      // net so one record can never block a batch (a source would retry it forever).
      LOG.warn("Post normalisation failed unexpectedly; rejecting the record as {}",
          RejectReason.INVALID_JSON.code(), e);
      result = PostParser.Result.rejected(RejectReason.INVALID_JSON);
    }
    if (result.notPost() != null) {
      headers.put(EventHeaders.NOT_POST, result.notPost().code());
      headers.put(EventHeaders.PLATFORM, NormalizedPost.Platform.BLUESKY_JETSTREAM.name());
      // Only Jetstream events are valid non-posts (PostParser.jetstream).
      ((PostNormalizerCounter) counter).notPost(result.notPost());
      return event;
    }
    if (result.post() == null) {
      reject(headers, result.reason().code(), Rejecters.POST_NORMALIZER);
      return event;
    }
    NormalizedPost post = result.post();
    headers.put(EventHeaders.PLATFORM, post.platform().name());
    headers.put(EventHeaders.TWEET_ID, post.id());
    headers.put(EventHeaders.LANG, post.lang());
    headers.put(EventHeaders.HASHTAGS, String.join(" ", post.hashtags()));
    if (post.createdAtMs() != null) {
      headers.put(EventHeaders.CREATED_AT, Long.toString(post.createdAtMs()));
    }
    if (newBody != null) {
      event.setBody(newBody);
      if (avroSchemaHeader) {
        headers.put(AVRO_SCHEMA_LITERAL_HEADER, SCHEMA.toString());
      }
    }
    counter.accepted();
    return event;
  }

  /**
   * The Avro record of a post.
   *
   * @param post a parsed post
   * @return a {@code Post} record valid against {@link #schema()}
   */
  static GenericRecord toRecord(NormalizedPost post) {
    GenericRecord record = new GenericData.Record(SCHEMA);
    record.put("platform", new GenericData.EnumSymbol(SCHEMA.getField("platform").schema(),
        post.platform().name()));
    record.put("id", post.id());
    record.put("createdAt", post.createdAtMs());
    record.put("authorId", post.authorId());
    record.put("authorHandle", post.authorHandle());
    record.put("text", post.text());
    record.put("lang", post.lang());
    record.put("hashtags", post.hashtags());
    return record;
  }

  private byte[] encode(GenericRecord record) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try {
      Encoder encoder = body == Body.AVRO
          ? EncoderFactory.get().directBinaryEncoder(out, null)
          : EncoderFactory.get().jsonEncoder(SCHEMA, out);
      writer.write(record, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in-memory stream: only a schema mismatch gets here
    }
    return out.toByteArray();
  }

  private static Schema loadSchema() {
    try (InputStream in = TweetNormalizerInterceptor.class.getResourceAsStream("Post.avsc")) {
      if (in == null) {
        throw new IllegalStateException("Post.avsc missing from the plugin jar");
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Builds {@link TweetNormalizerInterceptor}; keys in {@link TweetNormalizerConfig}. Configure
   * as {@code io.sluice.flume.interceptor.post.TweetNormalizerInterceptor$Builder}.
   */
  public static class Builder implements Interceptor.Builder {

    private TweetNormalizerConfig config = TweetNormalizerConfig.defaults();

    @Override
    public Interceptor build() {
      return new TweetNormalizerInterceptor(config);
    }

    /**
     * Reads the keys of {@link TweetNormalizerConfig}.
     *
     * @throws io.sluice.flume.config.InvalidConfigurationException naming a bad or unknown key
     */
    @Override
    public void configure(Context context) {
      config = TweetNormalizerConfig.parse(context);
    }
  }
}
