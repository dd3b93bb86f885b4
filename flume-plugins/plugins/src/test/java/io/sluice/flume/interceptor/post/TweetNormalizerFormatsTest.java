package io.sluice.flume.interceptor.post;

import static io.sluice.contract.EventHeaders.CREATED_AT;
import static io.sluice.contract.EventHeaders.HASHTAGS;
import static io.sluice.contract.EventHeaders.LANG;
import static io.sluice.contract.EventHeaders.REJECTED_BY;
import static io.sluice.contract.EventHeaders.REJECT_REASON;
import static io.sluice.contract.EventHeaders.TWEET_ID;
import static io.sluice.flume.interceptor.InterceptorTestSupport.event;
import static io.sluice.flume.interceptor.InterceptorTestSupport.events;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.contract.EventHeaders;
import io.sluice.contract.NotPostKind;
import io.sluice.flume.config.InvalidConfigurationException;
import io.sluice.flume.metrics.InterceptorCounter;
import io.sluice.flume.metrics.PostNormalizerCounter;
import io.sluice.flume.testing.TestData;
import java.io.ByteArrayInputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.junit.jupiter.api.Test;

/** X API v2 and Bluesky Jetstream inputs, the Avro record and body options, counters, config. */
class TweetNormalizerFormatsTest {

  /** The "Tweet" example of X's "Data dictionary: Example payloads" page (see NOTICE). */
  private static final String X_DOCS_EXAMPLE = "/x_api_v2/example_payloads_tweet.json";
  private static final String JETSTREAM = "/bluesky/jetstream_golden_v1.jsonl";
  private static final String JETSTREAM_POST_URI =
      "at://did:plc:q235v55g5unth4zjjdpacfdr/app.bsky.feed.post/3mmoojp4cd223";

  private static TweetNormalizerInterceptor build(Map<String, String> config) {
    TweetNormalizerInterceptor.Builder builder = new TweetNormalizerInterceptor.Builder();
    builder.configure(new Context(config));
    TweetNormalizerInterceptor interceptor = (TweetNormalizerInterceptor) builder.build();
    interceptor.initialize();
    return interceptor;
  }

  private static Path resource(String name) {
    try {
      return Paths.get(TweetNormalizerFormatsTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- X API v2

  @Test
  void parsesTheTweetExampleOfTheXApiDocumentation() {
    List<Event> out = build(Map.of()).intercept(events(resource(X_DOCS_EXAMPLE)));

    assertThat(out).hasSize(1);
    assertThat(out.get(0).getHeaders())
        .doesNotContainKey(REJECT_REASON)
        .containsEntry(TWEET_ID, "1307025659294674945")
        .containsEntry(LANG, "en")
        .containsEntry(HASHTAGS, "")
        .containsEntry(CREATED_AT,
            Long.toString(Instant.parse("2020-09-18T18:36:15Z").toEpochMilli()));
  }

  /** Constructed after the v2 data dictionary: entities.hashtags[].tag, includes.users. */
  @Test
  void readsV2HashtagsFromTagAndHandleFromIncludes() {
    TweetNormalizerInterceptor interceptor = build(Map.of("body", "json"));
    Event event = event("{\"data\":{\"id\":\"1460323737035677698\",\"text\":\"#Flume and #KAFKA "
        + "#flume\",\"author_id\":\"2244994945\",\"edit_history_tweet_ids\":"
        + "[\"1460323737035677698\"],\"entities\":{\"hashtags\":[{\"start\":0,\"end\":6,\"tag\":"
        + "\"Flume\"},{\"start\":11,\"end\":17,\"tag\":\"KAFKA\"},{\"start\":18,\"end\":24,"
        + "\"tag\":\"flume\"}]}},\"includes\":{\"users\":[{\"id\":\"1\",\"username\":\"other\"},"
        + "{\"id\":\"2244994945\",\"name\":\"Developers\",\"username\":\"XDevelopers\"}]},"
        + "\"matching_rules\":[{\"id\":\"1\",\"tag\":\"flume\"}]}");

    interceptor.intercept(event);

    assertThat(event.getHeaders())
        .containsEntry(TWEET_ID, "1460323737035677698")
        .containsEntry(HASHTAGS, "flume kafka")
        .containsEntry(LANG, "und")
        .doesNotContainKey(CREATED_AT);
    GenericRecord record = readJson(event.getBody());
    assertThat(record.get("platform").toString()).isEqualTo("X_API_V2");
    assertThat(record.get("authorHandle").toString()).isEqualTo("XDevelopers");
    assertThat(record.get("authorId").toString()).isEqualTo("2244994945");
  }

  @Test
  void prefersNoteTweetTextAndEntitiesForLongV2Posts() {
    TweetNormalizerInterceptor interceptor = build(Map.of("body", "avro"));
    Event event = event("{\"id\":\"5\",\"text\":\"short\u2026\",\"edit_history_tweet_ids\":[\"5\"],"
        + "\"entities\":{\"hashtags\":[{\"tag\":\"a\"}]},\"note_tweet\":{\"text\":\"the long "
        + "text #a #b\",\"entities\":{\"hashtags\":[{\"tag\":\"a\"},{\"tag\":\"B\"}]}}}");

    interceptor.intercept(event);

    assertThat(event.getHeaders()).containsEntry(HASHTAGS, "a b");
    assertThat(readBinary(event.getBody()).get("text").toString()).isEqualTo("the long text #a #b");
  }

  @Test
  void rejectsV2EnvelopeWithSeveralPostsAndKeepsTheBody() {
    String body = "{\"data\":[{\"id\":\"1\",\"text\":\"a\",\"edit_history_tweet_ids\":[\"1\"]},"
        + "{\"id\":\"2\",\"text\":\"b\",\"edit_history_tweet_ids\":[\"2\"]}]}";
    Event event = event(body);

    build(Map.of("body", "avro")).intercept(event);

    assertThat(event.getHeaders()).containsEntry(REJECT_REASON, "multiple-posts")
        .containsEntry(REJECTED_BY, "tweet-normalizer");
    assertThat(event.getBody()).isEqualTo(body.getBytes(UTF_8));
  }

  @Test
  void rejectsV2PostWithNonDecimalIdAndEnvelopeWithoutPost() {
    Event badId = event("{\"id\":\"abc\",\"text\":\"t\",\"edit_history_tweet_ids\":[]}");
    Event errors = event("{\"errors\":[{\"title\":\"Not Found Error\"}],\"data\":{}}");

    build(Map.of()).intercept(List.of(badId, errors));

    assertThat(badId.getHeaders()).containsEntry(REJECT_REASON, "missing-id");
    assertThat(errors.getHeaders()).containsEntry(REJECT_REASON, "not-a-status");
  }

  // ---------------------------------------------------------------- Bluesky Jetstream

  /**
   * The golden file's 10 real events, in file order: a like, the post, a repost, a follow, a
   * profile update, a deletion (of an org.hypercerts record), a place.stream record update, an
   * identity event, an account event, a block. None is a reject.
   */
  @Test
  void jetstreamGoldenFileHasOnePostAndNineNotPostsByKindAndNoReject() {
    List<Event> out = build(Map.of()).intercept(events(resource(JETSTREAM)));

    assertThat(out).hasSize(10);
    assertThat(out).extracting(e -> e.getHeaders().get(REJECT_REASON)).containsOnlyNulls();
    assertThat(out).extracting(e -> e.getHeaders().get(EventHeaders.NOT_POST)).containsExactly(
        "like", null, "repost", "follow", "profile", "delete", "other", "identity", "account",
        "block");
    assertThat(out).extracting(e -> e.getHeaders().get(EventHeaders.PLATFORM))
        .containsOnly("BLUESKY_JETSTREAM");
    assertThat(out).filteredOn(e -> e.getHeaders().containsKey(EventHeaders.NOT_POST))
        .allSatisfy(e -> assertThat(e.getHeaders()).doesNotContainKeys(TWEET_ID, LANG, HASHTAGS));
    assertThat(out.get(1).getHeaders())
        .doesNotContainKey(EventHeaders.NOT_POST)
        .containsEntry(TWEET_ID, JETSTREAM_POST_URI)
        .containsEntry(LANG, "en")
        .containsEntry(HASHTAGS, "")
        .containsEntry(CREATED_AT,
            Long.toString(Instant.parse("2026-05-25T14:23:28.757Z").toEpochMilli()));
  }

  @Test
  void jetstreamPostBecomesAnAvroRecordWithTheDidAsAuthor() {
    Event post = events(resource(JETSTREAM)).get(1);

    build(Map.of("body", "avro")).intercept(post);

    GenericRecord record = readBinary(post.getBody());
    assertThat(record.get("platform").toString()).isEqualTo("BLUESKY_JETSTREAM");
    assertThat(record.get("id").toString()).isEqualTo(JETSTREAM_POST_URI);
    assertThat(record.get("authorId").toString()).isEqualTo("did:plc:q235v55g5unth4zjjdpacfdr");
    assertThat(record.get("authorHandle")).isNull();
    assertThat(record.get("text").toString()).isEqualTo("Try RSV for a good time !!");
  }

  /**
   * Constructed after the app.bsky.richtext.facet lexicon (the golden file has no tags): tag
   * features, a link feature to ignore, then the record's outline tags.
   */
  @Test
  void jetstreamHashtagsComeFromTagFacetsThenOutlineTags() {
    Event event = event("{\"did\":\"did:plc:abc\",\"time_us\":1,\"kind\":\"commit\",\"commit\":"
        + "{\"rev\":\"r\",\"operation\":\"create\",\"collection\":\"app.bsky.feed.post\","
        + "\"rkey\":\"3k\",\"record\":{\"$type\":\"app.bsky.feed.post\",\"text\":\"#Flume on "
        + "#bsky see x\",\"createdAt\":\"2024-01-02T03:04:05.678+01:00\",\"facets\":[{\"index\":"
        + "{\"byteStart\":0,\"byteEnd\":6},\"features\":[{\"$type\":"
        + "\"app.bsky.richtext.facet#tag\",\"tag\":\"Flume\"}]},{\"index\":{\"byteStart\":10,"
        + "\"byteEnd\":15},\"features\":[{\"$type\":\"app.bsky.richtext.facet#tag\",\"tag\":"
        + "\"bsky\"},{\"$type\":\"app.bsky.richtext.facet#link\",\"uri\":\"https://x\"}]}],"
        + "\"tags\":[\"FLUME\",\"outline\"],\"langs\":[\"fr\",\"en\"]}}}");

    build(Map.of()).intercept(event);

    assertThat(event.getHeaders())
        .containsEntry(TWEET_ID, "at://did:plc:abc/app.bsky.feed.post/3k")
        .containsEntry(HASHTAGS, "flume bsky outline")
        .containsEntry(LANG, "fr")
        .containsEntry(CREATED_AT,
            Long.toString(Instant.parse("2024-01-02T02:04:05.678Z").toEpochMilli()));
  }

  @Test
  void jetstreamPostDeletionIsANotPostAndPostWithoutRkeyIsRejected() {
    Event delete = event("{\"did\":\"did:plc:abc\",\"kind\":\"commit\",\"commit\":{\"operation\":"
        + "\"delete\",\"collection\":\"app.bsky.feed.post\",\"rkey\":\"3k\"}}");
    Event noRkey = event("{\"did\":\"did:plc:abc\",\"kind\":\"commit\",\"commit\":{\"operation\":"
        + "\"create\",\"collection\":\"app.bsky.feed.post\",\"record\":{\"text\":\"t\"}}}");

    build(Map.of()).intercept(List.of(delete, noRkey));

    assertThat(delete.getHeaders()).containsEntry(EventHeaders.NOT_POST, "delete")
        .doesNotContainKeys(REJECT_REASON, REJECTED_BY, TWEET_ID);
    assertThat(noRkey.getHeaders()).containsEntry(REJECT_REASON, "missing-id")
        .doesNotContainKey(EventHeaders.NOT_POST);
  }

  /** Constructed: what is not a post event of a known shape stays a not-a-status reject. */
  @Test
  void jetstreamCommitWithoutOperationAndPostWithoutTextAreRejected() {
    Event noOperation = event("{\"did\":\"did:plc:abc\",\"kind\":\"commit\",\"commit\":"
        + "{\"collection\":\"app.bsky.feed.like\",\"rkey\":\"3k\"}}");
    Event noText = event("{\"did\":\"did:plc:abc\",\"kind\":\"commit\",\"commit\":{\"operation\":"
        + "\"create\",\"collection\":\"app.bsky.feed.post\",\"rkey\":\"3k\",\"record\":{}}}");
    Event futureKind = event("{\"did\":\"did:plc:abc\",\"kind\":\"sync\",\"time_us\":1}");

    build(Map.of()).intercept(List.of(noOperation, noText, futureKind));

    assertThat(noOperation.getHeaders()).containsEntry(REJECT_REASON, "not-a-status");
    assertThat(noText.getHeaders()).containsEntry(REJECT_REASON, "not-a-status");
    assertThat(futureKind.getHeaders()).containsEntry(EventHeaders.NOT_POST, "other")
        .doesNotContainKey(REJECT_REASON);
  }

  // ---------------------------------------------------------------- schema and bodies

  @Test
  void schemaDocumentsEveryField() {
    Schema schema = TweetNormalizerInterceptor.schema();

    assertThat(schema.getFullName()).isEqualTo("io.sluice.avro.Post");
    assertThat(schema.getDoc()).isNotBlank();
    assertThat(schema.getFields()).hasSize(8)
        .allSatisfy(field -> assertThat(field.doc()).as(field.name()).isNotBlank());
  }

  @Test
  void v1StatusBodyBecomesAvroBinaryRecordWithSchemaHeaderWhenAsked() {
    Event event = events(TestData.edgeCase("twitter-ruby_track_streaming.jsonl")).get(0);

    build(Map.of("body", "avro", "avroSchemaHeader", "true")).intercept(event);

    GenericRecord record = readBinary(event.getBody());
    assertThat(record.get("platform").toString()).isEqualTo("TWITTER_V1_1");
    assertThat(record.get("id").toString()).isEqualTo("55709764298092545");
    assertThat(record.get("createdAt")).isEqualTo(
        Instant.parse("2011-04-06T19:13:37Z").toEpochMilli());
    assertThat(record.get("text").toString())
        .isEqualTo("The problem with your code is that it's doing exactly what you told it to do.");
    assertThat(event.getHeaders().get(TweetNormalizerInterceptor.AVRO_SCHEMA_LITERAL_HEADER))
        .isEqualTo(TweetNormalizerInterceptor.schema().toString());
  }

  @Test
  void keepsTheBodyByDefaultAndWithoutSchemaHeader() {
    Event event = events(TestData.edgeCase("twitter-ruby_track_streaming.jsonl")).get(0);
    byte[] before = event.getBody().clone();

    build(Map.of()).intercept(event);

    assertThat(event.getBody()).isEqualTo(before);
    assertThat(event.getHeaders())
        .doesNotContainKey(TweetNormalizerInterceptor.AVRO_SCHEMA_LITERAL_HEADER);
  }

  // ---------------------------------------------------------------- counters and config

  @Test
  void countsEveryOutcomePerReason() {
    TweetNormalizerInterceptor interceptor = build(Map.of("counterGroup", "tweets-test"));

    interceptor.intercept(events(resource(JETSTREAM)));
    interceptor.intercept(List.of(event(""), event("{")));

    InterceptorCounter counter = interceptor.counter();
    assertThat(counter.value(InterceptorCounter.EVENT_RECEIVED)).isEqualTo(12);
    assertThat(counter.value(InterceptorCounter.EVENT_ACCEPTED)).as("1 post + 9 not-posts")
        .isEqualTo(10);
    assertThat(counter.value(PostNormalizerCounter.EVENT_NOT_POST)).isEqualTo(9);
    Map<String, Long> byKind = new java.util.LinkedHashMap<>();
    for (String kind : NotPostKind.codes()) {
      byKind.put(kind, counter.value(PostNormalizerCounter.notPostCounter(kind)));
    }
    assertThat(byKind).containsExactly(Map.entry("like", 1L), Map.entry("repost", 1L),
        Map.entry("follow", 1L), Map.entry("block", 1L), Map.entry("profile", 1L),
        Map.entry("delete", 1L), Map.entry("identity", 1L), Map.entry("account", 1L),
        Map.entry("other", 1L));
    assertThat(counter.value(InterceptorCounter.EVENT_REJECTED)).isEqualTo(2);
    assertThat(counter.value(InterceptorCounter.rejectedCounter("not-a-status"))).isZero();
    assertThat(counter.value(InterceptorCounter.rejectedCounter("empty-record"))).isEqualTo(1);
    assertThat(counter.value(InterceptorCounter.rejectedCounter("invalid-json"))).isEqualTo(1);
    assertThat(counter.value(InterceptorCounter.rejectedCounter("missing-id"))).isZero();
    interceptor.close();
  }

  @Test
  void rejectsUnknownBodyValueNamingTheKey() {
    assertThatThrownBy(() -> build(Map.of("body", "protobuf")))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("body").hasMessageContaining("protobuf");
  }

  @Test
  void rejectsNonBooleanSchemaHeaderNamingTheKey() {
    assertThatThrownBy(() -> build(Map.of("avroSchemaHeader", "yes")))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("avroSchemaHeader");
  }

  @Test
  void rejectsMisspelledKeyNamingIt() {
    assertThatThrownBy(() -> build(Map.of("bodyFormat", "avro")))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("unknown configuration key bodyFormat");
  }

  @Test
  void rejectsCounterGroupThatIsNotAValidName() {
    assertThatThrownBy(() -> build(Map.of("counterGroup", "a,b=c")))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("counterGroup");
  }

  private static GenericRecord readBinary(byte[] body) {
    try {
      return new GenericDatumReader<GenericRecord>(TweetNormalizerInterceptor.schema())
          .read(null, DecoderFactory.get().binaryDecoder(body, null));
    } catch (java.io.IOException e) {
      throw new AssertionError("body is not an Avro binary Post record", e);
    }
  }

  private static GenericRecord readJson(byte[] body) {
    try {
      Schema schema = TweetNormalizerInterceptor.schema();
      return new GenericDatumReader<GenericRecord>(schema)
          .read(null, DecoderFactory.get().jsonDecoder(schema, new ByteArrayInputStream(body)));
    } catch (java.io.IOException e) {
      throw new AssertionError("body is not an Avro JSON Post record", e);
    }
  }
}
