package io.sluice.flume.source.xapi;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.sluice.contract.EventHeaders;
import io.sluice.contract.RejectReason;
import io.sluice.contract.Rejecters;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Pattern;
import org.apache.flume.Event;
import org.apache.flume.event.EventBuilder;

/**
 * Classifies one line of an X API v2 filtered stream and turns Posts into Flume events (see
 * {@link XFilteredStreamSource} for the headers). Stateless and thread-safe.
 */
final class XStreamMessages {

  /** What a line is. */
  enum Kind {
    /** An empty line: X's keep-alive. */
    KEEP_ALIVE,
    /** A Post ({@code data} object with an id): {@link Result#event} holds it. */
    POST,
    /** An error object ({@code errors} without {@code data}), e.g. operational-disconnect. */
    STREAM_ERROR,
    /** Anything else: {@link Result#event} holds it with a reject reason. */
    MALFORMED
  }

  /** The classification of a line. */
  static final class Result {
    final Kind kind;
    final Event event;
    final RejectReason rejected;
    final String errorSummary;

    private Result(Kind kind, Event event, RejectReason rejected, String errorSummary) {
      this.kind = kind;
      this.event = event;
      this.rejected = rejected;
      this.errorSummary = errorSummary;
    }
  }

  private static final ObjectReader READER = new ObjectMapper().reader()
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,20}");
  private static final Result KEEP_ALIVE = new Result(Kind.KEEP_ALIVE, null, null, null);

  /**
   * @param line one line of the stream, without its terminator
   * @param receivedAtMs receive time, for the timestamp of Posts without {@code created_at}
   * @return the classification
   */
  Result parse(String line, long receivedAtMs) {
    if (line.isBlank()) {
      return KEEP_ALIVE;
    }
    byte[] body = line.getBytes(UTF_8);
    JsonNode root;
    try {
      root = READER.readTree(line);
    } catch (JsonProcessingException e) {
      root = null;
    }
    if (root == null || !root.isObject()) {
      return reject(body, RejectReason.INVALID_JSON, receivedAtMs);
    }
    JsonNode data = root.get("data");
    if (data == null && root.has("errors")) {
      StringJoiner summary = new StringJoiner("; ");
      for (JsonNode error : root.get("errors")) {
        summary.add(error.path("title").asText("?") + ": " + error.path("detail").asText(""));
      }
      return new Result(Kind.STREAM_ERROR, null, null, summary.toString());
    }
    if (data == null) {
      return reject(body, RejectReason.UNEXPECTED_MESSAGE, receivedAtMs);
    }
    JsonNode id = data.get("id");
    if (id == null || !id.isTextual() || !DECIMAL.matcher(id.asText()).matches()) {
      return reject(body, RejectReason.MISSING_ID, receivedAtMs);
    }
    Map<String, String> headers = new HashMap<>(8);
    headers.put(EventHeaders.EVENT_ID, id.asText());
    headers.put(EventHeaders.TWEET_ID, id.asText());
    headers.put(EventHeaders.TIMESTAMP,
        Long.toString(createdAt(data.get("created_at"), receivedAtMs)));
    JsonNode rules = root.get("matching_rules");
    if (rules != null && rules.isArray() && rules.size() > 0) {
      StringJoiner tags = new StringJoiner(",");
      for (JsonNode rule : rules) {
        tags.add(rule.hasNonNull("tag") ? rule.get("tag").asText() : rule.path("id").asText());
      }
      headers.put(EventHeaders.MATCHING_RULES, tags.toString());
    }
    return new Result(Kind.POST, EventBuilder.withBody(body, headers), null, null);
  }

  private static long createdAt(JsonNode createdAt, long fallbackMs) {
    if (createdAt != null && createdAt.isTextual()) {
      try {
        return Instant.parse(createdAt.asText()).toEpochMilli();
      } catch (DateTimeException e) {
        // not ISO-8601: the receive time stands in
      }
    }
    return fallbackMs;
  }

  private static Result reject(byte[] body, RejectReason reason, long receivedAtMs) {
    Map<String, String> headers = new HashMap<>(4);
    headers.put(EventHeaders.REJECT_REASON, reason.code());
    headers.put(EventHeaders.REJECTED_BY, Rejecters.X_FILTERED_STREAM_SOURCE);
    headers.put(EventHeaders.TIMESTAMP, Long.toString(receivedAtMs));
    return new Result(Kind.MALFORMED, EventBuilder.withBody(body, headers), reason, null);
  }
}
