package io.sluice.spark.input;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spark.analytics.Metric;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

class EventRecordTest {

  @Test
  void convertsAvroUtf8HeadersToStrings() {
    Map<CharSequence, CharSequence> avro = new HashMap<>();
    avro.put(new Utf8("eventId"), new Utf8("f.log:1"));
    avro.put(new Utf8("pipeline"), new Utf8("logs"));
    assertThat(avro.get("pipeline")).as("a String key finds nothing in an Avro map").isNull();

    Map<String, String> headers = FlumeEvents.toStringMap(avro);

    assertThat(headers).containsExactlyInAnyOrderEntriesOf(Map.of("eventId", "f.log:1", "pipeline", "logs"));
    assertThat(EventRecord.fromHeaders(headers).isLog()).isTrue();
  }

  @Test
  void projectsParsedLogLine() {
    EventRecord r = EventRecord.fromHeaders(Map.of("eventId", "f.log:2", "pipeline", "logs",
        "status", "404", "path", "/a/b.php?x=1?y", "bytes", "512"));

    assertThat(r.isLog()).isTrue();
    assertThat(r.isRejected()).isFalse();
    assertThat(r.status()).isEqualTo("404");
    assertThat(r.endpoint()).isEqualTo("/a/b.php");
    assertThat(r.bytes()).isEqualTo(512);
  }

  @Test
  void projectsSyslogLinesAndTheirAuthenticationFailure() {
    EventRecord failure = EventRecord.fromHeaders(Map.of("eventId", "auth.log:2302", "pipeline", "syslog",
        "host", "ip-10-77-20-248", "program", "sshd", "pid", "6402", "timestamp", "1490829513000",
        "message", "message repeated 5 times: [ Failed password for root from 218.60.136.106 port 56338 ssh2]"));
    EventRecord cron = EventRecord.fromHeaders(Map.of("eventId", "auth.log:40", "pipeline", "syslog",
        "host", "ip-10-77-20-248", "program", "CRON", "message", "pam_unix(cron:session): session opened for user root"));
    EventRecord rejected = EventRecord.fromHeaders(Map.of("eventId", "auth.log:9", "pipeline", "syslog",
        "rejectReason", "missing-field", "rejectedBy", "syslog-interceptor", "program", "sshd",
        "message", "Invalid user a from 1.2.3.4"));

    assertThat(failure.isSyslog()).isTrue();
    assertThat(failure.isLog()).isFalse();
    assertThat(failure.host()).isEqualTo("ip-10-77-20-248");
    assertThat(failure.program()).isEqualTo("sshd");
    assertThat(failure.authFailureSource()).isEqualTo("218.60.136.106");
    assertThat(failure.timestampMs()).isEqualTo(1490829513000L);
    assertThat(cron.program()).isEqualTo("CRON");
    assertThat(cron.authFailureSource()).isNull();
    assertThat(rejected.isRejected()).isTrue();
    assertThat(rejected.program()).as("a rejected line has no parsed fields").isNull();
    assertThat(rejected.authFailureSource()).isNull();
  }

  @Test
  void leavesMalformedBytesOutOfContentSize() {
    EventRecord r = EventRecord.fromHeaders(Map.of("eventId", "1", "pipeline", "logs", "path", "/", "bytes", "-"));

    assertThat(r.bytes()).isEqualTo(EventRecord.NO_BYTES);
  }

  @Test
  void marksEitherRejectionHeaderAsRejected() {
    assertThat(EventRecord.fromHeaders(Map.of("eventId", "1", "pipeline", "tweets", "rejectReason", "bad json"))
        .isRejected()).isTrue();
    assertThat(EventRecord.fromHeaders(Map.of("eventId", "1", "pipeline", "logs", "rejectedBy", "regex"))
        .isRejected()).isTrue();
  }

  @Test
  void projectsTweetWithDefaultsForMissingLanguageAndHashtags() {
    EventRecord tagged = EventRecord.fromHeaders(Map.of("eventId", "t:1", "pipeline", "tweets",
        "tweetId", "42", "lang", "en", "hashtags", "java spark"));
    EventRecord bare = EventRecord.fromHeaders(Map.of("eventId", "t:2", "pipeline", "tweets",
        "tweetId", "43", "hashtags", ""));

    assertThat(tagged.isParsedTweet()).isTrue();
    assertThat(tagged.hashtags()).containsExactly("java", "spark");
    assertThat(bare.lang()).isEqualTo("und");
    assertThat(bare.hashtags()).isEmpty();
  }

  @Test
  void projectsPlatformAndNotPostKindOfTweetPipelineEvents() {
    EventRecord post = EventRecord.fromHeaders(Map.of("eventId", "b:1", "pipeline", "tweets",
        "tweetId", "at://did:plc:a/app.bsky.feed.post/3k", "platform", "BLUESKY_JETSTREAM"));
    EventRecord like = EventRecord.fromHeaders(Map.of("eventId", "b:2", "pipeline", "tweets",
        "notPost", "like", "platform", "BLUESKY_JETSTREAM"));
    EventRecord rejectedLike = EventRecord.fromHeaders(Map.of("eventId", "b:3", "pipeline", "tweets",
        "notPost", "like", "rejectReason", "missing-field"));
    EventRecord noPlatform = EventRecord.fromHeaders(Map.of("eventId", "t:1", "pipeline", "tweets", "tweetId", "1"));

    assertThat(post.isParsedTweet()).isTrue();
    assertThat(post.platform()).isEqualTo("BLUESKY_JETSTREAM");
    assertThat(post.notPost()).isNull();
    assertThat(like.isParsedTweet()).isFalse();
    assertThat(like.isRejected()).isFalse();
    assertThat(like.notPost()).isEqualTo("like");
    assertThat(like.tweetId()).isNull();
    assertThat(rejectedLike.isRejected()).isTrue();
    assertThat(rejectedLike.notPost()).as("a reject is never a not-post").isNull();
    assertThat(noPlatform.platform()).isEqualTo(EventRecord.UNKNOWN_PLATFORM);
    assertThat(EventRecord.fromHeaders(Map.of("eventId", "l:1", "pipeline", "logs")).platform()).isNull();
  }

  @Test
  void derivesTheSameIdForIdenticalEventsWithoutEventId() {
    Map<String, String> headers = Map.of("pipeline", "logs", "path", "/x", "timestamp", "5");

    assertThat(EventRecord.fromHeaders(headers).eventId())
        .startsWith("noid:")
        .isEqualTo(EventRecord.fromHeaders(new HashMap<>(headers)).eventId())
        .isNotEqualTo(EventRecord.fromHeaders(Map.of("pipeline", "logs", "path", "/y", "timestamp", "5")).eventId());
  }

  @Test
  void readsRequestTimeClientAndServerErrorOfALogLine() {
    EventRecord r = EventRecord.fromHeaders(Map.of("eventId", "f.log:3", "pipeline", "logs", "status", "503",
        "path", "/", "bytes", "0", "clientIp", "10.0.0.7", "timestamp", "1431857103000"));
    EventRecord noTime = EventRecord.fromHeaders(Map.of("eventId", "f.log:4", "pipeline", "logs", "status", "5xx",
        "timestamp", "17/May/2015:10:05:03 +0000"));

    assertThat(r.timestampMs()).isEqualTo(1431857103000L);
    assertThat(r.clientIp()).isEqualTo("10.0.0.7");
    assertThat(r.isServerError()).isTrue();
    assertThat(noTime.timestampMs()).isEqualTo(EventRecord.NO_TIME);
    assertThat(noTime.isServerError()).as("not a numeric status").isFalse();
  }

  @Test
  void prefersAMentionsHeaderOverTheBodyAndIgnoresBodiesThatAreNotStatuses() {
    byte[] body = "{\"entities\":{\"user_mentions\":[{\"screen_name\":\"Alice\"},{\"screen_name\":\"alice\"}]}}"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Map<String, String> tweet = Map.of("eventId", "t:9", "pipeline", "tweets", "tweetId", "9");

    assertThat(EventRecord.fromEvent(tweet, body).mentions()).containsExactly("alice");
    Map<String, String> withHeader = new HashMap<>(tweet);
    withHeader.put("mentions", "Bob carol");
    assertThat(EventRecord.fromEvent(withHeader, body).mentions()).containsExactly("bob", "carol");
    assertThat(EventRecord.fromEvent(tweet, "not json".getBytes(java.nio.charset.StandardCharsets.UTF_8)).mentions()).isEmpty();
    assertThat(EventRecord.fromEvent(tweet, null).mentions()).isEmpty();
  }

  @Test
  void metricHashDoesNotDependOnEnumIdentity() {
    assertThat(Metric.of(Metric.Kind.LOGS_STATUS, "200").hashCode())
        .isEqualTo(31 * Metric.Kind.LOGS_STATUS.ordinal() + "200".hashCode());
  }
}
