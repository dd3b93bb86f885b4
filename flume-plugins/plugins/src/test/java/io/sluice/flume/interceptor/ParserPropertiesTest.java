package io.sluice.flume.interceptor;

import static io.sluice.contract.EventHeaders.REJECT_REASON;
import static io.sluice.flume.interceptor.InterceptorTestSupport.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.contract.EventHeaders;
import io.sluice.flume.interceptor.accesslog.AccessLogInterceptor;
import io.sluice.flume.interceptor.post.TweetNormalizerInterceptor;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.flume.Context;
import org.apache.flume.Event;

/**
 * Property tests of every parser: any input is either parsed or rejected with a code of the
 * closed set, the body is never changed and nothing throws out of {@code intercept}; well-formed
 * generated inputs parse to exactly the fields they were built from. Try counts are modest to
 * keep the build fast.
 */
class ParserPropertiesTest {

  private static final Set<String> ACCESS_CODES = Set.copyOf(AccessLogInterceptor.rejectCodes());
  private static final Set<String> POST_CODES =
      Set.copyOf(TweetNormalizerInterceptor.rejectCodes());
  private static final DateTimeFormatter CLF =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss", Locale.ENGLISH);

  private final AccessLogInterceptor accessLog =
      (AccessLogInterceptor) new AccessLogInterceptor.Builder().build();
  private final TweetNormalizerInterceptor posts =
      (TweetNormalizerInterceptor) new TweetNormalizerInterceptor.Builder().build();

  // ---------------------------------------------------------------- access log: any input

  @Property(tries = 400)
  void accessLogAnyBytesParseOrRejectWithACode(@ForAll @Size(max = 400) byte[] body) {
    assertParsedOrRejected(accessLog, body, ACCESS_CODES, EventHeaders.STATUS);
  }

  @Property(tries = 600)
  void accessLogGrammarNoiseParsesOrRejectsWithACode(@ForAll("accessLogNoise") String line) {
    assertParsedOrRejected(accessLog, line.getBytes(StandardCharsets.UTF_8), ACCESS_CODES,
        EventHeaders.STATUS);
  }

  @Provide
  Arbitrary<String> accessLogNoise() {
    Arbitrary<String> fragments = Arbitraries.of("1.2.3.4", "2001:db8::1", ",", ", ", " ", "-",
        "[", "]", "\"", "\\", "\\\"", "17/May/2015:10:05:03 +0000", "GET", "/", "HTTP/1.1",
        "200", "404", "1234", "\r", "\t", "example.com:80", "\u00e9", "x");
    return fragments.list().ofMaxSize(30).map(parts -> String.join("", parts));
  }

  // ---------------------------------------------------------------- access log: valid lines

  @Property(tries = 300)
  void generatedCombinedLinesParseToTheirFields(@ForAll("requests") Request request) {
    Event event = event(request.line());

    accessLog.intercept(event);

    Map<String, String> headers = event.getHeaders();
    assertThat(headers).doesNotContainKey(REJECT_REASON)
        .containsEntry(EventHeaders.CLIENT_IP, request.clientIp())
        .containsEntry(EventHeaders.METHOD, request.method())
        .containsEntry(EventHeaders.PATH, request.path())
        .containsEntry(EventHeaders.STATUS, Integer.toString(request.status()))
        .containsEntry(EventHeaders.BYTES, Long.toString(request.bytes()))
        .containsEntry(EventHeaders.TIMESTAMP, Long.toString(request.epochMs()))
        .containsEntry(EventHeaders.USER_AGENT, request.userAgent());
    if (request.vhost() == null) {
      assertThat(headers).doesNotContainKey(EventHeaders.VHOST);
    } else {
      assertThat(headers).containsEntry(EventHeaders.VHOST, request.vhost());
    }
  }

  record Request(String vhost, String clientIp, String method, String path, int status,
      long bytes, long epochMs, String time, String userAgent) {
    String line() {
      return (vhost == null ? "" : vhost + " ") + clientIp + " - - [" + time + "] \"" + method
          + " " + path + " HTTP/1.1\" " + status + " " + bytes + " \"-\" \"" + userAgent + "\"";
    }
  }

  @Provide
  Arbitrary<Request> requests() {
    Arbitrary<String> vhost = Arbitraries.of("www.example.com:443", "example.org").injectNull(0.5);
    Arbitrary<String> ip = Arbitraries.oneOf(
        Arbitraries.integers().between(0, 255).list().ofSize(4)
            .map(o -> o.get(0) + "." + o.get(1) + "." + o.get(2) + "." + o.get(3)),
        Arbitraries.integers().between(0, 0xffff).list().ofMinSize(1).ofMaxSize(8)
            .map(g -> "2001:db8::" + Integer.toHexString(g.get(0))));
    Arbitrary<String> method = Arbitraries.of("GET", "POST", "HEAD", "PUT", "DELETE", "PATCH");
    Arbitrary<String> path = Arbitraries.strings().withChars("abcXYZ019/._-?=&%~")
        .ofMinLength(0).ofMaxLength(40).map(p -> "/" + p);
    Arbitrary<Integer> status = Arbitraries.integers().between(100, 599);
    Arbitrary<Long> bytes = Arbitraries.longs().between(0, 999_999_999_999L);
    Arbitrary<LocalDateTime> time = Arbitraries.longs().between(0, 4_102_444_800L)
        .map(s -> LocalDateTime.ofEpochSecond(s, 0, ZoneOffset.UTC));
    Arbitrary<String> agent = Arbitraries.strings().withChars("Mozilla/5.0 (X11; Linux) abc;")
        .ofMaxLength(60);
    return Combinators.combine(vhost, ip, method, path, status, bytes, time, agent)
        .as((v, i, m, p, s, b, t, a) -> new Request(v, i, m, p, s, b,
            t.toInstant(ZoneOffset.UTC).toEpochMilli(), CLF.format(t) + " +0000", a));
  }

  // ---------------------------------------------------------------- posts

  @Property(tries = 300)
  void postAnyBytesParseOrRejectWithACode(@ForAll @Size(max = 300) byte[] body) {
    assertParsedOrRejected(posts, body, POST_CODES, EventHeaders.TWEET_ID);
  }

  @Property(tries = 500)
  void postJsonNoiseParsesOrRejectsWithACode(@ForAll("jsonNoise") String json) {
    assertParsedOrRejected(posts, json.getBytes(StandardCharsets.UTF_8), POST_CODES,
        EventHeaders.TWEET_ID);
  }

  @Provide
  Arbitrary<String> jsonNoise() {
    Arbitrary<String> fragments = Arbitraries.of("{", "}", "[", "]", ":", ",", "\"", "\"text\"",
        "\"user\"", "\"id\"", "\"id_str\"", "\"data\"", "\"kind\"", "\"did\"", "\"commit\"",
        "\"record\"", "\"collection\"", "\"app.bsky.feed.post\"", "\"commit\"", "\"entities\"",
        "\"hashtags\"", "\"tag\"", "\"facets\"", "\"features\"", "\"12\"", "12", "-1", "null",
        "true", "\"edit_history_tweet_ids\"", "{}", "[]", " ", "\"x\"", "1e400");
    return fragments.list().ofMaxSize(40).map(parts -> String.join("", parts));
  }

  @Property(tries = 200)
  void generatedV1StatusesGiveTheirIdLangAndHashtags(
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int id,
      @ForAll("langs") String lang,
      @ForAll @Size(max = 6) List<@net.jqwik.api.constraints.AlphaChars
          @net.jqwik.api.constraints.StringLength(min = 1, max = 8) String> tags) {
    StringBuilder json = new StringBuilder("{\"id_str\":\"" + id + "\",\"text\":\"t\","
        + "\"user\":{\"id_str\":\"9\"},\"lang\":\"" + lang + "\",\"entities\":{\"hashtags\":[");
    for (int i = 0; i < tags.size(); i++) {
      json.append(i == 0 ? "" : ",").append("{\"text\":\"").append(tags.get(i)).append("\"}");
    }
    json.append("]}}");
    Event event = event(json.toString());

    posts.intercept(event);

    Set<String> expected = new LinkedHashSet<>();
    tags.forEach(t -> expected.add(t.toLowerCase(Locale.ROOT)));
    assertThat(event.getHeaders()).doesNotContainKey(REJECT_REASON)
        .containsEntry(EventHeaders.TWEET_ID, Integer.toString(id))
        .containsEntry(EventHeaders.LANG, lang)
        .containsEntry(EventHeaders.HASHTAGS, String.join(" ", expected));
  }

  @Provide
  Arbitrary<String> langs() {
    return Arbitraries.of("en", "fr", "ja", "und", "pt-BR");
  }

  // ---------------------------------------------------------------- dedup

  // ---------------------------------------------------------------- helpers

  private static void assertParsedOrRejected(CountingInterceptor interceptor, byte[] body,
      Set<String> codes, String parsedHeader) {
    Event event = event(body.clone(), "prop:1");

    Event out = interceptor.intercept(event);

    assertThat(out).isSameAs(event);
    assertThat(out.getBody()).isEqualTo(body);
    Map<String, String> headers = out.getHeaders();
    if (headers.containsKey(REJECT_REASON)) {
      assertThat(codes).contains(headers.get(REJECT_REASON));
      assertThat(headers).doesNotContainKey(parsedHeader);
    } else {
      assertThat(headers).containsKey(parsedHeader);
    }
  }
}
