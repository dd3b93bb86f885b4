package io.sluice.flume.interceptor;

import static io.sluice.flume.interceptor.InterceptorTestSupport.event;
import static io.sluice.flume.metrics.InterceptorCounter.EVENT_ACCEPTED;
import static io.sluice.flume.metrics.InterceptorCounter.EVENT_RECEIVED;
import static io.sluice.flume.metrics.InterceptorCounter.EVENT_REJECTED;
import static io.sluice.flume.metrics.InterceptorCounter.rejectedCounter;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.contract.EventHeaders;
import io.sluice.contract.RejectReason;
import io.sluice.contract.Rejecters;
import io.sluice.flume.interceptor.accesslog.AccessLogInterceptor;
import io.sluice.flume.interceptor.post.TweetNormalizerInterceptor;
import io.sluice.flume.metrics.InterceptorCounter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.junit.jupiter.api.Test;

/**
 * The parsing interceptors and an event an earlier stage already rejected (the replay source's
 * {@code line-too-long} for a cut line, a stream source's malformed message): passed on untouched,
 * not parsed, its reason kept, counted as rejected with that reason.
 */
class PreRejectedEventTest {

  /** A complete combined-format line: the interceptor would parse it, were it not rejected. */
  private static final String ACCESS_LINE = "83.149.9.216 - - [17/May/2015:10:05:03 +0000] "
      + "\"GET /presentations/logstash-monitorama-2013/images/kibana-search.png HTTP/1.1\" 200 "
      + "203023 \"http://semicomplete.com/presentations/logstash-monitorama-2013/\" "
      + "\"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.36\"";
  /** A complete v1.1 status, likewise. */
  private static final String TWEET = "{\"id_str\":\"55709764298092545\",\"text\":\"cut #here\","
      + "\"lang\":\"en\",\"user\":{\"id_str\":\"1\",\"screen_name\":\"someone\"},"
      + "\"entities\":{\"hashtags\":[{\"text\":\"here\"}]}}";

  @Test
  void accessLogInterceptorPassesACutLineOnUntouchedAndCountsItAsLineTooLong() {
    AccessLogInterceptor interceptor = accessLog();
    Event cut = cutLine(ACCESS_LINE);
    Map<String, String> before = new HashMap<>(cut.getHeaders());

    Event out = interceptor.intercept(cut);

    assertThat(out).isSameAs(cut);
    assertThat(out.getHeaders()).as("no parse header, reason and rejectedBy kept")
        .isEqualTo(before);
    assertThat(new String(out.getBody(), UTF_8)).isEqualTo(ACCESS_LINE);
    InterceptorCounter counter = interceptor.counter();
    assertThat(counter.value(EVENT_RECEIVED)).isEqualTo(1);
    assertThat(counter.value(EVENT_ACCEPTED)).isZero();
    assertThat(counter.value(EVENT_REJECTED)).isEqualTo(1);
    assertThat(counter.value(rejectedCounter(RejectReason.LINE_TOO_LONG.code()))).isEqualTo(1);
  }

  @Test
  void tweetNormalizerPassesACutRecordOnUntouchedEvenWhenItReplacesBodies() {
    TweetNormalizerInterceptor interceptor = tweets("avro");
    Event cut = cutLine(TWEET);
    Map<String, String> before = new HashMap<>(cut.getHeaders());

    Event out = interceptor.intercept(cut);

    assertThat(out.getHeaders()).isEqualTo(before);
    assertThat(new String(out.getBody(), UTF_8)).as("not replaced by an Avro record")
        .isEqualTo(TWEET);
    InterceptorCounter counter = interceptor.counter();
    assertThat(counter.value(EVENT_RECEIVED)).isEqualTo(1);
    assertThat(counter.value(EVENT_ACCEPTED)).isZero();
    assertThat(counter.value(EVENT_REJECTED)).isEqualTo(1);
    assertThat(counter.value(rejectedCounter(RejectReason.LINE_TOO_LONG.code()))).isEqualTo(1);
  }

  @Test
  void keepsASourceReasonItDoesNotKnowAndCountsItAsOther() {
    TweetNormalizerInterceptor interceptor = tweets("keep");
    Event unexpected = event("{\"errors\":[{\"title\":\"operational-disconnect\"}]}");
    unexpected.getHeaders().put(EventHeaders.REJECT_REASON, "unexpected-message");
    unexpected.getHeaders().put(EventHeaders.REJECTED_BY, "x-filtered-stream");
    Event invalid = event("{\"did\":");
    invalid.getHeaders().put(EventHeaders.REJECT_REASON, "invalid-json");
    invalid.getHeaders().put(EventHeaders.REJECTED_BY, "jetstream");

    interceptor.intercept(List.of(unexpected, invalid));

    assertThat(unexpected.getHeaders())
        .containsEntry(EventHeaders.REJECT_REASON, "unexpected-message")
        .containsEntry(EventHeaders.REJECTED_BY, "x-filtered-stream");
    assertThat(invalid.getHeaders()).containsEntry(EventHeaders.REJECTED_BY, "jetstream");
    InterceptorCounter counter = interceptor.counter();
    assertThat(counter.value(EVENT_REJECTED)).isEqualTo(2);
    assertThat(counter.value(rejectedCounter("other"))).isEqualTo(1);
    assertThat(counter.value(rejectedCounter("invalid-json"))).isEqualTo(1);
  }

  @Test
  void aBatchMixingCutAndWholeLinesKeepsEveryCounterInvariant() {
    AccessLogInterceptor interceptor = accessLog();
    List<Event> batch = List.of(event(ACCESS_LINE), cutLine(ACCESS_LINE), event("garbage"));

    List<Event> out = interceptor.intercept(batch);

    assertThat(out).containsExactlyElementsOf(batch);
    assertThat(out.get(0).getHeaders()).containsKey(EventHeaders.STATUS)
        .doesNotContainKey(EventHeaders.REJECT_REASON);
    assertThat(out.get(2).getHeaders())
        .containsEntry(EventHeaders.REJECT_REASON, "missing-field")
        .containsEntry(EventHeaders.REJECTED_BY, Rejecters.ACCESS_LOG_INTERCEPTOR);
    InterceptorCounter counter = interceptor.counter();
    long perReason = counter.counterNames().stream()
        .filter(name -> name.startsWith(EVENT_REJECTED + "."))
        .mapToLong(counter::value).sum();
    assertThat(counter.value(EVENT_RECEIVED)).isEqualTo(3)
        .isEqualTo(counter.value(EVENT_ACCEPTED) + counter.value(EVENT_REJECTED));
    assertThat(perReason).isEqualTo(counter.value(EVENT_REJECTED)).isEqualTo(2);
  }

  /** The event ReplaySource makes of a line it cut: its first bytes and the reject headers. */
  private static Event cutLine(String firstBytes) {
    Event event = event(firstBytes.getBytes(UTF_8), "huge.log:7");
    event.getHeaders().put(EventHeaders.REJECT_REASON, RejectReason.LINE_TOO_LONG.code());
    event.getHeaders().put(EventHeaders.REJECTED_BY, "replay-source");
    event.getHeaders().put(EventHeaders.ORIGINAL_LENGTH_BYTES, "3145728");
    event.getHeaders().put("timestamp", "1700000000000");
    return event;
  }

  private static AccessLogInterceptor accessLog() {
    AccessLogInterceptor.Builder builder = new AccessLogInterceptor.Builder();
    builder.configure(new Context());
    AccessLogInterceptor interceptor = (AccessLogInterceptor) builder.build();
    interceptor.initialize();
    return interceptor;
  }

  private static TweetNormalizerInterceptor tweets(String body) {
    TweetNormalizerInterceptor.Builder builder = new TweetNormalizerInterceptor.Builder();
    builder.configure(new Context(Map.of("body", body)));
    TweetNormalizerInterceptor interceptor = (TweetNormalizerInterceptor) builder.build();
    interceptor.initialize();
    return interceptor;
  }
}
