package io.sluice.spark.input;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * What the analytics read from a tweet's body: the users it mentions. Upstream interceptors put
 * hashtags, language and ids into headers but not the mentions, so they come from the Twitter v1.1
 * status JSON unless a {@value io.sluice.contract.EventHeaders#MENTIONS} header is present.
 *
 * <p>The v1.1 rule mirrors how the interceptor picks hashtags: the entities of
 * {@code extended_tweet} when the status is {@code truncated} and has them, else the status's own
 * {@code entities}; each {@code user_mentions[].screen_name} lower-cased, distinct, in order. A body
 * that is absent, not JSON or not a v1.1 status gives no mentions; it never fails the event.
 */
public final class TweetBodies {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] NONE = new String[0];

  private TweetBodies() {}

  /**
   * Mentions of one tweet.
   *
   * @param header the {@code mentions} header, or null when absent (an empty header means none)
   * @param body the event body, or null
   */
  public static String[] mentions(String header, byte[] body) {
    if (header != null) {
      return EventRecord.splitWords(header.toLowerCase(Locale.ROOT));
    }
    if (body == null || body.length == 0 || body[0] != '{') {
      return NONE;
    }
    JsonNode status;
    try {
      status = JSON.readTree(body);
    } catch (JsonParseException e) {
      return NONE;
    } catch (IOException e) {
      return NONE;
    }
    if (status == null || !status.isObject()) {
      return NONE;
    }
    JsonNode entities = status.path("entities");
    JsonNode extended = status.path("extended_tweet");
    if (status.path("truncated").asBoolean(false)
        && extended.path("entities").path("user_mentions").isArray()) {
      entities = extended.path("entities");
    }
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode mention : entities.path("user_mentions")) {
      JsonNode name = mention.path("screen_name");
      if (name.isTextual() && !name.asText().isBlank()) {
        names.add(name.asText().trim().toLowerCase(Locale.ROOT));
      }
    }
    return names.isEmpty() ? NONE : names.toArray(new String[0]);
  }
}
