package io.sluice.flume.source.jetstream;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.sluice.contract.EventHeaders;
import io.sluice.contract.RejectReason;
import io.sluice.contract.Rejecters;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.flume.Event;
import org.apache.flume.event.EventBuilder;

/**
 * Turns one Jetstream v1 JSON message into a Flume event (see {@link JetstreamSource} for the
 * headers). Stateless and thread-safe.
 */
final class JetstreamMessages {

  /** What became of a message. */
  static final class Result {
    /** The event to deliver; null when the message is filtered out. */
    final Event event;
    /** The reject reason when {@link #event} is a malformed message, else null. */
    final RejectReason rejected;
    /** The message's {@code time_us}, or -1 when it has none. */
    final long timeUs;

    private Result(Event event, RejectReason rejected, long timeUs) {
      this.event = event;
      this.rejected = rejected;
      this.timeUs = timeUs;
    }
  }

  private static final ObjectReader READER = new ObjectMapper().reader()
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final Set<String> kinds;

  /**
   * @param kinds event kinds to deliver; others are filtered out
   */
  JetstreamMessages(Set<String> kinds) {
    this.kinds = Set.copyOf(kinds);
  }

  /**
   * @param message the message as received
   * @param receivedAtMs the receive time, for the {@code timestamp} header of rejects
   * @return the event, a reject, or a filtered message
   */
  Result parse(String message, long receivedAtMs) {
    byte[] body = message.getBytes(UTF_8);
    JsonNode root;
    try {
      root = READER.readTree(message);
    } catch (JsonProcessingException e) {
      root = null;
    }
    if (root == null || !root.isObject()) {
      return reject(body, RejectReason.INVALID_JSON, receivedAtMs, -1);
    }
    String did = text(root, "did");
    String kind = text(root, "kind");
    JsonNode time = root.get("time_us");
    long timeUs = time != null && time.isIntegralNumber() && time.canConvertToLong()
        && time.longValue() > 0 ? time.longValue() : -1;
    if (did == null || kind == null || timeUs < 0) {
      return reject(body, RejectReason.MISSING_FIELD, receivedAtMs, timeUs);
    }
    if (!kinds.contains(kind)) {
      return new Result(null, null, timeUs);
    }
    Map<String, String> headers = new HashMap<>(16);
    headers.put(EventHeaders.DID, did);
    headers.put(EventHeaders.KIND, kind);
    headers.put(EventHeaders.TIME_US, Long.toString(timeUs));
    headers.put(EventHeaders.TIMESTAMP, Long.toString(timeUs / 1000));
    if (kind.equals("commit")) {
      JsonNode commit = root.get("commit");
      String collection = text(commit, "collection");
      String operation = text(commit, "operation");
      String rkey = text(commit, "rkey");
      String rev = text(commit, "rev");
      if (collection == null || operation == null || rkey == null || rev == null) {
        return reject(body, RejectReason.MISSING_FIELD, receivedAtMs, timeUs);
      }
      headers.put(EventHeaders.COLLECTION, collection);
      headers.put(EventHeaders.OPERATION, operation);
      headers.put(EventHeaders.EVENT_ID,
          did + '/' + collection + '/' + rkey + '@' + rev);
    } else {
      JsonNode seq = root.path(kind).get("seq");
      String version = seq != null && seq.isIntegralNumber() ? seq.asText() : Long.toString(timeUs);
      headers.put(EventHeaders.EVENT_ID, did + '#' + kind + '@' + version);
    }
    return new Result(EventBuilder.withBody(body, headers), null, timeUs);
  }

  private static Result reject(byte[] body, RejectReason reason, long receivedAtMs, long timeUs) {
    Map<String, String> headers = new HashMap<>(8);
    headers.put(EventHeaders.REJECT_REASON, reason.code());
    headers.put(EventHeaders.REJECTED_BY, Rejecters.JETSTREAM_SOURCE);
    headers.put(EventHeaders.TIMESTAMP, Long.toString(receivedAtMs));
    if (timeUs > 0) {
      headers.put(EventHeaders.TIME_US, Long.toString(timeUs));
    }
    return new Result(EventBuilder.withBody(body, headers), reason, timeUs);
  }

  /** The member as a non-empty string, else null. */
  private static String text(JsonNode node, String field) {
    if (node == null) {
      return null;
    }
    JsonNode value = node.get(field);
    return value != null && value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
  }
}
