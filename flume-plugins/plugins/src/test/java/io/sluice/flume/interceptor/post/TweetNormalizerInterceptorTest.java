package io.sluice.flume.interceptor.post;

import static io.sluice.contract.EventHeaders.CREATED_AT;
import static io.sluice.contract.EventHeaders.HASHTAGS;
import static io.sluice.contract.EventHeaders.LANG;
import static io.sluice.contract.EventHeaders.REJECTED_BY;
import static io.sluice.contract.EventHeaders.REJECT_REASON;
import static io.sluice.contract.EventHeaders.TWEET_ID;
import static io.sluice.flume.interceptor.InterceptorTestSupport.EVENT_ID;
import static io.sluice.flume.interceptor.InterceptorTestSupport.event;
import static io.sluice.flume.interceptor.InterceptorTestSupport.events;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.contract.EventHeaders;
import io.sluice.contract.RejectReason;
import io.sluice.flume.testing.TestData;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.interceptor.Interceptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TweetNormalizerInterceptorTest {

  private static final String USER = "\"user\":{\"id_str\":\"1\",\"screen_name\":\"someone\"}";

  private final Interceptor interceptor = build();

  private static Interceptor build() {
    TweetNormalizerInterceptor.Builder builder = new TweetNormalizerInterceptor.Builder();
    builder.configure(new Context());
    Interceptor interceptor = builder.build();
    interceptor.initialize();
    return interceptor;
  }

  @Test
  void rejectCodesAreExactlyTheDocumentedClosedSet() {
    assertThat(RejectReason.POST.stream().map(RejectReason::code))
        .containsExactly("empty-record", "invalid-json", "not-a-status", "missing-id",
            "multiple-posts");
  }

  // ---------------------------------------------------------------- parsed statuses

  @Test
  void parsesIdLangDistinctLowerCaseHashtagsAndCreatedAt() {
    Map<String, String> headers = intercept("{\"created_at\":\"Wed Apr 06 19:13:37 +0000 2011\","
        + "\"id\":55709764298092545,\"id_str\":\"55709764298092545\","
        + "\"text\":\"#Flume #flume #Kafka #Spark\",\"lang\":\"en\"," + USER + ","
        + "\"entities\":{\"hashtags\":[{\"text\":\"Flume\"},{\"text\":\"flume\"},"
        + "{\"text\":\"Kafka\"},{\"text\":\"SPARK\"},{\"text\":\"kafka\"}]}}");

    assertThat(headers).containsOnly(
        entry(EVENT_ID, "test:1"),
        entry(TWEET_ID, "55709764298092545"),
        entry(EventHeaders.PLATFORM, "TWITTER_V1_1"),
        entry(LANG, "en"),
        entry(HASHTAGS, "flume kafka spark"),
        entry(CREATED_AT, Long.toString(
            OffsetDateTime.of(2011, 4, 6, 19, 13, 37, 0, ZoneOffset.UTC).toInstant()
                .toEpochMilli())));
  }

  @Test
  void fallsBackToNumericIdWithoutIdStr() {
    assertThat(intercept("{\"id\":55709764298092545,\"text\":\"t\"," + USER + "}"))
        .containsEntry(TWEET_ID, "55709764298092545");
  }

  @Test
  void acceptsMongoExtendedJsonNumberLongId() {
    assertThat(intercept("{\"_id\":{\"$oid\":\"5637c49e0651ef2dda8b5dfd\"},"
        + "\"id\":{\"$numberLong\":\"661275583813431296\"},\"text\":\"t\"," + USER + "}"))
        .containsEntry(TWEET_ID, "661275583813431296");
  }

  @Test
  void acceptsFullTextInsteadOfText() {
    assertThat(intercept("{\"id_str\":\"7\",\"full_text\":\"extended mode\"," + USER + "}"))
        .containsEntry(TWEET_ID, "7")
        .doesNotContainKey(REJECT_REASON);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ",\"lang\":null", ",\"lang\":\"\"", ",\"lang\":\" \"",
      ",\"lang\":42"})
  void usesUndWhenLangIsMissingNullOrEmpty(String langMember) {
    assertThat(intercept("{\"id_str\":\"1\",\"text\":\"t\"," + USER + langMember + "}"))
        .containsEntry(LANG, "und");
  }

  @Test
  void usesExtendedTweetHashtagsWhenTruncated() {
    assertThat(intercept("{\"id_str\":\"1\",\"text\":\"t\",\"truncated\":true," + USER + ","
        + "\"entities\":{\"hashtags\":[{\"text\":\"Short\"}]},"
        + "\"extended_tweet\":{\"full_text\":\"long\",\"entities\":{\"hashtags\":"
        + "[{\"text\":\"Short\"},{\"text\":\"Hidden\"}]}}}"))
        .containsEntry(HASHTAGS, "short hidden");
  }

  @Test
  void ignoresExtendedTweetWhenNotTruncated() {
    assertThat(intercept("{\"id_str\":\"1\",\"text\":\"t\",\"truncated\":false," + USER + ","
        + "\"entities\":{\"hashtags\":[{\"text\":\"Top\"}]},"
        + "\"extended_tweet\":{\"entities\":{\"hashtags\":[{\"text\":\"Other\"}]}}}"))
        .containsEntry(HASHTAGS, "top");
  }

  @Test
  void usesTopLevelHashtagsWhenTruncatedWithoutExtendedTweet() {
    assertThat(intercept("{\"id_str\":\"1\",\"text\":\"t\",\"truncated\":true," + USER + ","
        + "\"entities\":{\"hashtags\":[{\"text\":\"Top\"}]}}"))
        .containsEntry(HASHTAGS, "top");
  }

  @Test
  void setsEmptyHashtagsHeaderWhenThereAreNone() {
    assertThat(intercept("{\"id_str\":\"1\",\"text\":\"t\"," + USER + "}"))
        .containsEntry(HASHTAGS, "");
    assertThat(intercept("{\"id_str\":\"1\",\"text\":\"t\"," + USER
        + ",\"entities\":{\"hashtags\":[]}}"))
        .containsEntry(HASHTAGS, "");
  }

  @Test
  void leavesCreatedAtOutWhenUnparseableWithoutRejecting() {
    assertThat(intercept("{\"id_str\":\"1\",\"text\":\"t\"," + USER
        + ",\"created_at\":\"2011-04-06T19:13:37Z\"}"))
        .doesNotContainKeys(CREATED_AT, REJECT_REASON)
        .containsEntry(TWEET_ID, "1");
  }

  // ---------------------------------------------------------------- rejected records

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
      "empty-record | ''",
      "empty-record | ' \t\r'",
      "invalid-json | '{'",
      "invalid-json | '{\"id_str\":\"1\"} trailing'",
      "invalid-json | '{\"id_str\":\"1\"}{\"id_str\":\"2\"}'",
      "invalid-json | 'not json'",
      "not-a-status | '[]'",
      "not-a-status | '42'",
      "not-a-status | '\"text\"'",
      "not-a-status | 'null'",
      "not-a-status | '{}'",
      "not-a-status | '{\"limit\":{\"track\":1234}}'",
      "not-a-status | '{\"id_str\":\"1\",\"text\":\"no user\"}'",
      "not-a-status | '{\"id_str\":\"1\",\"user\":{}}'",
      "not-a-status | '{\"id_str\":\"1\",\"text\":\"t\",\"user\":\"someone\"}'",
      "missing-id   | '{\"text\":\"t\",\"user\":{}}'",
      "missing-id   | '{\"id_str\":\"abc\",\"text\":\"t\",\"user\":{}}'",
      "missing-id   | '{\"id\":5.5e17,\"text\":\"t\",\"user\":{}}'",
      "missing-id   | '{\"id\":-1,\"text\":\"t\",\"user\":{}}'",
      "missing-id   | '{\"id\":{\"$oid\":\"5637\"},\"text\":\"t\",\"user\":{}}'",
  })
  void rejectsWithReason(String code, String body) {
    Event event = event(body);

    interceptor.intercept(event);

    assertThat(event.getHeaders())
        .containsEntry(REJECT_REASON, code)
        .containsEntry(REJECTED_BY, "tweet-normalizer")
        .containsEntry(EVENT_ID, "test:1")
        .doesNotContainKeys(TWEET_ID, LANG, HASHTAGS, CREATED_AT);
    assertThat(event.getBody()).isEqualTo(body.getBytes(UTF_8));
  }

  @Test
  void rejectsInvalidUtf8AsInvalidJson() {
    byte[] body = "{\"id_str\":\"1\",\"text\":\"caf?\",\"user\":{}}".getBytes(UTF_8);
    body[indexOf(body, (byte) '?')] = (byte) 0xE9; // Latin-1 'é': malformed UTF-8
    Event event = event(body.clone(), "latin1:1");

    interceptor.intercept(event);

    assertThat(event.getHeaders()).containsEntry(REJECT_REASON, "invalid-json");
    assertThat(event.getBody()).isEqualTo(body);
  }

  // ---------------------------------------------------------------- real fixtures

  @Test
  void userStreamControlMessagesAreNotStatusesAndTheStatusParses() {
    List<Event> events = interceptor.intercept(
        events(TestData.edgeCase("twitter-ruby_track_streaming_user.jsonl")));

    assertThat(events).extracting(e -> e.getHeaders().get(REJECT_REASON)).containsExactly(
        "not-a-status", null, "not-a-status", "not-a-status", "not-a-status", "not-a-status");
    assertThat(events.get(1).getHeaders())
        .containsEntry(TWEET_ID, "55709764298092545")
        .containsEntry(HASHTAGS, "");
  }

  @Test
  void controlMessageKeepsItsCarriageReturnWhenTheSourceDidNot() {
    byte[] raw = "{\"friends\":[488736931,311444249]}\r".getBytes(UTF_8);
    Event event = event(raw.clone(), "raw:1");

    interceptor.intercept(event);

    assertThat(event.getHeaders()).containsEntry(REJECT_REASON, "not-a-status");
    assertThat(event.getBody()).isEqualTo(raw);
  }

  @Test
  void trailingEmptyLineOfStreamIsAnEmptyRecord() {
    List<Event> events = interceptor.intercept(
        events(TestData.edgeCase("twitter-ruby_track_streaming.jsonl")));

    assertThat(events).extracting(e -> e.getHeaders().get(REJECT_REASON))
        .containsExactly(null, null, "empty-record");
    assertThat(events).extracting(e -> e.getHeaders().get(TWEET_ID))
        .containsExactly("55709764298092545", "55709764298092545", null);
  }

  @Test
  void parsesMongoExportedDirtyTweets() {
    List<Event> events = interceptor.intercept(
        events(TestData.edgeCase("smappdragon_dirty_tweets.json")));

    assertThat(events).hasSize(28); // 27 newlines + a last line without one
    assertThat(events).allSatisfy(e -> assertThat(e.getHeaders())
        .doesNotContainKey(REJECT_REASON)
        .containsKeys(TWEET_ID, LANG, HASHTAGS, CREATED_AT));
    assertThat(events.get(0).getHeaders())
        .containsEntry(TWEET_ID, "661275583813431296")
        .containsEntry(LANG, "de")
        .containsEntry(HASHTAGS, "jadehelm newworldorder usa tyranny threat");
    assertThat(events.get(9).getHeaders()).containsEntry(HASHTAGS,
        "cruz2016 cruz4america tcot tyranny dogs nobama jadehelm takebackourcountry ham "
            + "benghazi hillarylies outrage");
  }

  @Test
  void dirtyTweetIdsFromNumberLongEqualIdStr() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    List<Event> withoutIdStr = new ArrayList<>();
    List<String> idStrs = new ArrayList<>();
    for (Event original : events(TestData.edgeCase("smappdragon_dirty_tweets.json"))) {
      ObjectNode status = (ObjectNode) mapper.readTree(original.getBody());
      assertThat(status.get("id").has("$numberLong")).isTrue();
      idStrs.add(status.remove("id_str").asText());
      withoutIdStr.add(event(mapper.writeValueAsBytes(status), "no-id-str"));
    }

    assertThat(interceptor.intercept(withoutIdStr))
        .extracting(e -> e.getHeaders().get(TWEET_ID))
        .containsExactlyElementsOf(idStrs);
  }

  // ---------------------------------------------------------------- contract

  @Test
  void interceptListKeepsEveryEventInOrder() {
    List<Event> input = List.of(event("{}"), event(""), event("{\"id_str\":\"1\",\"text\":\"t\","
        + USER + "}"));

    assertThat(interceptor.intercept(new ArrayList<>(input))).containsExactlyElementsOf(input);
    assertThat(interceptor.intercept((List<Event>) null)).isNotNull().isEmpty();
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    throw new IllegalArgumentException("byte not found");
  }

  private Map<String, String> intercept(String json) {
    Event event = event(json);
    Event out = interceptor.intercept(event);
    assertThat(out).isSameAs(event);
    assertThat(out.getBody()).isEqualTo(json.getBytes(UTF_8));
    assertThat(out.getHeaders()).doesNotContainKey(REJECT_REASON);
    return out.getHeaders();
  }
}
