package io.sluice.flume.source.replay;

import static io.sluice.flume.source.replay.ReplaySourceConfig.DEFAULT_MAX_LINE_BYTES;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.contract.EventHeaders;
import io.sluice.contract.RejectReason;
import io.sluice.contract.Rejecters;
import io.sluice.flume.interceptor.accesslog.AccessLogInterceptor;
import io.sluice.flume.interceptor.post.TweetNormalizerInterceptor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.event.EventBuilder;
import org.apache.flume.interceptor.Interceptor;
import org.apache.flume.source.avro.AvroFlumeEvent;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.junit.jupiter.api.Test;

/**
 * Why {@code maxLineBytes} defaults to 128 KiB: a line of that length, whatever the parsing
 * interceptors copy of it into headers, still fits one Kafka record under the producer's default
 * {@code max.request.size}, measured as Flume's KafkaChannel ({@code parseAsFlumeEvent = true})
 * serializes an event and as the Kafka producer sizes a record before refusing it. The worst lines
 * are access-log lines whose copied field is all invalid UTF-8 (each byte becomes the 3-byte
 * U+FFFD in a header), the X-Forwarded-For client field being copied twice.
 */
class MaxLineBytesRecordSizeTest {

  private static final int MAX_REQUEST_SIZE = (Integer) ProducerConfig.configDef().defaultValues()
      .get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
  private static final String TIME = "[17/May/2015:10:05:03 +0000]";

  @Test
  void everyWorstCaseAccessLogLineOfTheDefaultLengthFitsOneRecord() throws IOException {
    Map<String, Integer> sizes = accessLogWorstCases(DEFAULT_MAX_LINE_BYTES);

    assertThat(MAX_REQUEST_SIZE).isEqualTo(1_048_576);
    assertThat(sizes).allSatisfy((kind, size) ->
        assertThat(size).as("%s: a Kafka record's size", kind).isLessThanOrEqualTo(
            MAX_REQUEST_SIZE));
    // The documented worst case: about 7 bytes per byte of line.
    assertThat(sizes.get("invalid-utf8-forwarded-for")).isGreaterThan(6 * DEFAULT_MAX_LINE_BYTES)
        .isLessThan(7 * DEFAULT_MAX_LINE_BYTES + 2048);
  }

  @Test
  void twiceTheDefaultWouldNotFit() throws IOException {
    Map<String, Integer> sizes = accessLogWorstCases(2 * DEFAULT_MAX_LINE_BYTES);

    assertThat(sizes.get("invalid-utf8-forwarded-for")).isGreaterThan(MAX_REQUEST_SIZE);
  }

  @Test
  void aCutLineAndTheWorstTweetOfTheDefaultLengthFitOneRecord() throws IOException {
    byte[] cut = new byte[DEFAULT_MAX_LINE_BYTES];
    Arrays.fill(cut, (byte) 0xFF);
    Map<String, String> cutHeaders = new HashMap<>(Map.of(
        EventHeaders.REJECT_REASON, RejectReason.LINE_TOO_LONG.code(),
        EventHeaders.REJECTED_BY, Rejecters.REPLAY_SOURCE,
        EventHeaders.ORIGINAL_LENGTH_BYTES, "2147483647"));
    Event cutEvent = intercept(accessLog(), cut, cutHeaders);
    assertThat(cutEvent.getHeaders()).doesNotContainKey(EventHeaders.USER_AGENT);
    assertThat(recordSize(cutEvent)).isLessThan(DEFAULT_MAX_LINE_BYTES + 1024);

    for (String body : new String[] {"keep", "json", "avro"}) {
      Event tweet = intercept(tweets(body), hashtagTweet(DEFAULT_MAX_LINE_BYTES), new HashMap<>());
      assertThat(tweet.getHeaders()).as(body).containsKey(EventHeaders.TWEET_ID)
          .doesNotContainKey(EventHeaders.REJECT_REASON);
      assertThat(recordSize(tweet)).as("tweet, body = %s", body)
          .isLessThan(3 * DEFAULT_MAX_LINE_BYTES);
    }
  }

  /** The record size of each worst-case access-log line of {@code length} bytes, parsed. */
  private static Map<String, Integer> accessLogWorstCases(int length) throws IOException {
    String request = "\"GET / HTTP/1.1\" 200 1";
    Map<String, byte[]> lines = new LinkedHashMap<>();
    lines.put("invalid-utf8-user-agent", fill(length,
        "10.0.0.1 - - " + TIME + " " + request + " \"-\" \"", "\""));
    lines.put("invalid-utf8-path", fill(length,
        "10.0.0.1 - - " + TIME + " \"GET /", " HTTP/1.1\" 200 1 \"-\" \"-\""));
    lines.put("invalid-utf8-referrer", fill(length,
        "10.0.0.1 - - " + TIME + " " + request + " \"", "\" \"-\""));
    lines.put("invalid-utf8-vhost", fill(length,
        "", ":80 10.0.0.1 - - " + TIME + " " + request + " \"-\" \"-\""));
    lines.put("invalid-utf8-forwarded-for", fill(length,
        "", ", 10.0.0.1 - - " + TIME + " " + request + " \"-\" \"-\""));
    Map<String, Integer> sizes = new LinkedHashMap<>();
    Interceptor interceptor = accessLog();
    for (Map.Entry<String, byte[]> line : lines.entrySet()) {
      assertThat(line.getValue()).hasSize(length);
      Event event = intercept(interceptor, line.getValue(), new HashMap<>());
      assertThat(event.getHeaders()).as(line.getKey() + " parses")
          .containsKey(EventHeaders.STATUS)
          .doesNotContainKey(EventHeaders.REJECT_REASON);
      sizes.put(line.getKey(), recordSize(event));
    }
    return sizes;
  }

  /** The event after the interceptor, with the headers the logs agent's source and static set. */
  private static Event intercept(Interceptor interceptor, byte[] body,
      Map<String, String> headers) {
    headers.put("eventId", "SYNTHETIC-fuzz-access-seed-20260417.log:100000#12");
    headers.put("timestamp", "1700000000000");
    headers.put("readTime", "1700000000000");
    headers.put("pipeline", "logs");
    return interceptor.intercept(EventBuilder.withBody(body, headers));
  }

  /**
   * The size the Kafka producer checks against {@code max.request.size}: the record's upper-bound
   * size in a batch, its value the event as Flume's KafkaChannel writes it (an
   * {@link AvroFlumeEvent}, binary encoded), no key, no Kafka headers.
   */
  private static int recordSize(Event event) throws IOException {
    Map<CharSequence, CharSequence> headers = new HashMap<>();
    event.getHeaders().forEach(headers::put);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    new SpecificDatumWriter<>(AvroFlumeEvent.class)
        .write(new AvroFlumeEvent(headers, ByteBuffer.wrap(event.getBody())), encoder);
    encoder.flush();
    return AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE,
        CompressionType.NONE, null, out.toByteArray(), Record.EMPTY_HEADERS);
  }

  /** {@code before} + bytes 0xFF + {@code after}, {@code length} bytes in all. */
  private static byte[] fill(int length, String before, String after) {
    byte[] line = new byte[length];
    Arrays.fill(line, (byte) 0xFF);
    byte[] head = before.getBytes(US_ASCII);
    byte[] tail = after.getBytes(US_ASCII);
    System.arraycopy(head, 0, line, 0, head.length);
    System.arraycopy(tail, 0, line, length - tail.length, tail.length);
    return line;
  }

  /** A v1.1 status of {@code length} bytes whose text is one hashtag, also in its entities. */
  private static byte[] hashtagTweet(int length) {
    String head = "{\"id_str\":\"1\",\"user\":{\"id_str\":\"2\",\"screen_name\":\"s\"},\"text\":\"#";
    String middle = "\",\"entities\":{\"hashtags\":[{\"text\":\"";
    String tail = "\"}]}}";
    int tag = (length - head.length() - middle.length() - tail.length()) / 2;
    String json = head + "a".repeat(tag) + middle + "a".repeat(tag) + tail;
    return (json + " ".repeat(length - json.length())).getBytes(US_ASCII);
  }

  private static Interceptor accessLog() {
    AccessLogInterceptor.Builder builder = new AccessLogInterceptor.Builder();
    builder.configure(new Context());
    return builder.build();
  }

  private static Interceptor tweets(String body) {
    TweetNormalizerInterceptor.Builder builder = new TweetNormalizerInterceptor.Builder();
    builder.configure(new Context(Map.of("body", body)));
    return builder.build();
  }
}
