package io.sluice.flume.interceptor.post;

import static io.sluice.contract.EventHeaders.CREATED_AT;
import static io.sluice.contract.EventHeaders.HASHTAGS;
import static io.sluice.contract.EventHeaders.LANG;
import static io.sluice.contract.EventHeaders.REJECT_REASON;
import static io.sluice.contract.EventHeaders.TWEET_ID;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.contract.EventHeaders;
import io.sluice.flume.interceptor.InterceptorTestSupport;
import io.sluice.flume.testing.TestData;
import java.text.ParseException;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.flume.Event;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The interceptor against the 950 real tweets, checked by an independent Jackson tree walk. */
class TweetSampleTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static List<Event> events;
  private static List<JsonNode> trees;

  @BeforeAll
  static void interceptWholeFile() throws Exception {
    var file = TestData.sample("tweets/ALL_shared_tweets.jsonl");
    trees = new ArrayList<>();
    for (byte[] line : TestData.lines(file)) {
      trees.add(MAPPER.readTree(line));
    }
    events = new TweetNormalizerInterceptor.Builder().build()
        .intercept(InterceptorTestSupport.events(file));
  }

  @Test
  void everyTweetParsesWithItsIdStr() {
    assertThat(events).hasSize(950);
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < events.size(); i++) {
      Map<String, String> headers = events.get(i).getHeaders();
      assertThat(headers).as("line %d", i + 1).doesNotContainKey(REJECT_REASON)
          .containsEntry(TWEET_ID, trees.get(i).get("id_str").asText());
      ids.add(headers.get(TWEET_ID));
    }
    assertThat(ids).as("ids are unique across the file").hasSize(950);
  }

  @Test
  void langAgreesWithTreeWalkAndDefaultsToUnd() {
    int und = 0;
    for (int i = 0; i < events.size(); i++) {
      JsonNode lang = trees.get(i).get("lang");
      String expected = lang == null || lang.isNull() || lang.asText().isEmpty()
          ? "und" : lang.asText();
      String actual = events.get(i).getHeaders().get(LANG);
      assertThat(actual).as("line %d", i + 1).isEqualTo(expected);
      und += actual.equals("und") ? 1 : 0;
    }
    assertThat(und).as("116 say und, 24 have no lang").isEqualTo(140);
  }

  @Test
  void hashtagsAgreeWithTreeWalkPreferringExtendedTweetWhenTruncated() {
    int fromExtended = 0;
    for (int i = 0; i < events.size(); i++) {
      JsonNode tweet = trees.get(i);
      boolean useExtended = tweet.path("truncated").asBoolean()
          && tweet.has("extended_tweet");
      JsonNode array = useExtended
          ? tweet.at("/extended_tweet/entities/hashtags")
          : tweet.at("/entities/hashtags");
      String expected = StreamSupport.stream(array.spliterator(), false)
          .map(h -> h.get("text").asText().toLowerCase(Locale.ROOT))
          .distinct()
          .collect(Collectors.joining(" "));
      assertThat(events.get(i).getHeaders()).as("line %d", i + 1)
          .containsEntry(HASHTAGS, expected);
      if (useExtended && !tweet.at("/entities/hashtags").equals(array)) {
        fromExtended++;
      }
    }
    assertThat(fromExtended).as("tweets whose extended hashtags differ from the truncated ones")
        .isEqualTo(28);
  }

  @Test
  void createdAtAgreesWithLegacyDateParser() throws ParseException {
    SimpleDateFormat format = new SimpleDateFormat("EEE MMM dd HH:mm:ss Z yyyy", Locale.ENGLISH);
    for (int i = 0; i < events.size(); i++) {
      long expected = format.parse(trees.get(i).get("created_at").asText()).getTime();
      assertThat(events.get(i).getHeaders()).as("line %d", i + 1)
          .containsEntry(CREATED_AT, Long.toString(expected));
    }
  }
}
