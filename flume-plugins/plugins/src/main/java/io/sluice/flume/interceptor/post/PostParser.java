package io.sluice.flume.interceptor.post;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.sluice.contract.EventHeaders;
import io.sluice.contract.NotPostKind;
import io.sluice.contract.RejectReason;
import io.sluice.flume.interceptor.post.NormalizedPost.Platform;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads one JSON document as a Twitter v1.1 status, an X API v2 Post or a Bluesky Jetstream post
 * commit, or as a Jetstream event that is not a post ({@link NotPostKind}); see
 * {@link TweetNormalizerInterceptor} for the rules. Never throws for any input.
 */
final class PostParser {

  /** Outcome: exactly one of {@code post}, {@code notPost} and {@code reason} is non-null. */
  record Result(NormalizedPost post, NotPostKind notPost, RejectReason reason) {
    static Result parsed(NormalizedPost post) {
      return new Result(post, null, null);
    }

    /** A valid Jetstream event that is not a post. */
    static Result notPost(NotPostKind kind) {
      return new Result(null, kind, null);
    }

    static Result rejected(RejectReason reason) {
      return new Result(null, null, reason);
    }
  }

  static final String BLUESKY_POST = "app.bsky.feed.post";
  static final String BLUESKY_TAG_FEATURE = "app.bsky.richtext.facet#tag";
  /** The collections of {@link NotPostKind}s other than delete, identity, account and other. */
  private static final Map<String, NotPostKind> BLUESKY_COLLECTIONS = Map.of(
      "app.bsky.feed.like", NotPostKind.LIKE,
      "app.bsky.feed.repost", NotPostKind.REPOST,
      "app.bsky.graph.follow", NotPostKind.FOLLOW,
      "app.bsky.graph.block", NotPostKind.BLOCK,
      "app.bsky.actor.profile", NotPostKind.PROFILE);

  private static final ObjectReader JSON =
      new ObjectMapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final DateTimeFormatter V1_CREATED_AT =
      DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss Z yyyy", Locale.ENGLISH);
  private static final int MAX_ID_DIGITS = 20;

  private PostParser() {
  }

  static Result parse(byte[] body) {
    if (isBlank(body)) {
      return Result.rejected(RejectReason.EMPTY_RECORD);
    }
    if (!isUtf8WithoutNul(body)) {
      // A record that is not UTF-8 is invalid-json, but Jackson would read UTF-16 and UTF-32
      // (detected from the NUL bytes of their ASCII characters) and decode overlong forms,
      // surrogates and code points above U+10FFFF as characters.
      return Result.rejected(RejectReason.INVALID_JSON);
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      return Result.rejected(RejectReason.INVALID_JSON);
    }
    if (root == null || root.isMissingNode()) {
      return Result.rejected(RejectReason.EMPTY_RECORD);
    }
    if (!root.isObject()) {
      return Result.rejected(RejectReason.NOT_A_STATUS);
    }
    if (root.path("kind").isTextual() && root.path("did").isTextual()) {
      return jetstream(root);
    }
    if (root.has("data")) {
      return v2Envelope(root);
    }
    if (isV1Status(root)) {
      return v1(root);
    }
    if (isV2Post(root)) {
      return v2(root, null);
    }
    return Result.rejected(RejectReason.NOT_A_STATUS);
  }

  // ---------------------------------------------------------------- Twitter v1.1

  private static boolean isV1Status(JsonNode node) {
    return (node.path("text").isTextual() || node.path("full_text").isTextual())
        && node.path("user").isObject();
  }

  private static Result v1(JsonNode status) {
    String id = v1Id(status);
    if (id == null) {
      return Result.rejected(RejectReason.MISSING_ID);
    }
    JsonNode entities = status.path("entities");
    JsonNode extended = status.path("extended_tweet");
    JsonNode truncated = status.path("truncated");
    boolean useExtended = truncated.isBoolean() && truncated.booleanValue() && extended.isObject();
    String text = textOf(status.path("full_text"), textOf(status.path("text"), ""));
    if (useExtended) {
      text = textOf(extended.path("full_text"), text);
      if (extended.path("entities").path("hashtags").isArray()) {
        entities = extended.path("entities");
      }
    }
    Set<String> hashtags = new LinkedHashSet<>();
    addTags(hashtags, entities.path("hashtags"), "text");
    JsonNode user = status.path("user");
    String authorId = textOf(user.path("id_str"), null);
    if (authorId == null && user.path("id").isIntegralNumber()) {
      authorId = user.path("id").asText();
    }
    return Result.parsed(new NormalizedPost(Platform.TWITTER_V1_1, id,
        v1CreatedAt(status.path("created_at")), authorId,
        textOf(user.path("screen_name"), null), text, lang(status.path("lang")),
        List.copyOf(hashtags)));
  }

  private static String v1Id(JsonNode status) {
    JsonNode idStr = status.path("id_str");
    if (idStr.isTextual() && isDecimal(idStr.textValue())) {
      return idStr.textValue();
    }
    JsonNode id = status.path("id");
    if (id.isIntegralNumber()) {
      return id.bigIntegerValue().signum() >= 0 ? id.bigIntegerValue().toString() : null;
    }
    if (id.isTextual()) {
      return isDecimal(id.textValue()) ? id.textValue() : null;
    }
    JsonNode numberLong = id.path("$numberLong"); // MongoDB extended JSON export
    if (numberLong.isTextual() && isDecimal(numberLong.textValue())) {
      return numberLong.textValue();
    }
    return null;
  }

  private static Long v1CreatedAt(JsonNode createdAt) {
    if (!createdAt.isTextual()) {
      return null;
    }
    try {
      return V1_CREATED_AT.parse(createdAt.textValue(), OffsetDateTime::from).toInstant()
          .toEpochMilli();
    } catch (DateTimeException e) {
      return null;
    }
  }

  // ---------------------------------------------------------------- X API v2

  /** {@code {"data": {...}, "includes": {...}}}, or a one-element {@code data} array. */
  private static Result v2Envelope(JsonNode root) {
    JsonNode data = root.path("data");
    if (data.isArray()) {
      if (data.size() > 1) {
        return Result.rejected(RejectReason.MULTIPLE_POSTS);
      }
      data = data.path(0);
    }
    if (!isV2Post(data)) {
      return Result.rejected(RejectReason.NOT_A_STATUS);
    }
    return v2(data, root.path("includes").path("users"));
  }

  /**
   * A v2 Post: {@code text} is a string and it has no v1.1 {@code user} object; its {@code id}
   * is checked by {@link #v2}. It needs {@code edit_history_tweet_ids} (a default field of every
   * v2 Post) or {@code author_id}, which v1.1 statuses never have.
   */
  private static boolean isV2Post(JsonNode node) {
    return node.isObject() && node.path("text").isTextual() && !node.has("user")
        && node.has("id")
        && (node.has("edit_history_tweet_ids") || node.has("author_id"));
  }

  private static Result v2(JsonNode post, JsonNode users) {
    JsonNode idNode = post.path("id");
    if (!idNode.isTextual() || !isDecimal(idNode.textValue())) {
      return Result.rejected(RejectReason.MISSING_ID);
    }
    JsonNode note = post.path("note_tweet");
    String text = post.path("text").textValue();
    JsonNode hashtagArray = post.path("entities").path("hashtags");
    if (note.isObject()) {
      text = textOf(note.path("text"), text);
      if (note.path("entities").path("hashtags").isArray()) {
        hashtagArray = note.path("entities").path("hashtags");
      }
    }
    Set<String> hashtags = new LinkedHashSet<>();
    addTags(hashtags, hashtagArray, "tag");
    String authorId = textOf(post.path("author_id"), null);
    String handle = null;
    if (authorId != null && users != null && users.isArray()) {
      for (JsonNode user : users) {
        if (authorId.equals(user.path("id").asText(null))) {
          handle = textOf(user.path("username"), null);
          break;
        }
      }
    }
    return Result.parsed(new NormalizedPost(Platform.X_API_V2, idNode.textValue(),
        isoMillis(post.path("created_at")), authorId, handle, text, lang(post.path("lang")),
        List.copyOf(hashtags)));
  }

  // ---------------------------------------------------------------- Bluesky Jetstream

  private static Result jetstream(JsonNode event) {
    String kind = event.path("kind").textValue();
    if (kind.equals("identity")) {
      return Result.notPost(NotPostKind.IDENTITY);
    }
    if (kind.equals("account")) {
      return Result.notPost(NotPostKind.ACCOUNT);
    }
    if (!kind.equals("commit")) {
      return Result.notPost(NotPostKind.OTHER);
    }
    JsonNode commit = event.path("commit");
    String operation = commit.path("operation").asText("");
    String collection = commit.path("collection").asText("");
    if (!commit.isObject() || operation.isEmpty() || collection.isEmpty()) {
      return Result.rejected(RejectReason.NOT_A_STATUS); // a commit without what makes it one
    }
    if (operation.equals("delete")) {
      return Result.notPost(NotPostKind.DELETE);
    }
    if (!collection.equals(BLUESKY_POST)) {
      return Result.notPost(BLUESKY_COLLECTIONS.getOrDefault(collection, NotPostKind.OTHER));
    }
    JsonNode record = commit.path("record");
    if (!(operation.equals("create") || operation.equals("update"))
        || !record.isObject() || !record.path("text").isTextual()) {
      return Result.rejected(RejectReason.NOT_A_STATUS);
    }
    String did = event.path("did").textValue();
    String rkey = textOf(commit.path("rkey"), "");
    if (did.isBlank() || rkey.isBlank()) {
      return Result.rejected(RejectReason.MISSING_ID);
    }
    Set<String> hashtags = new LinkedHashSet<>();
    for (JsonNode facet : record.path("facets")) {
      for (JsonNode feature : facet.path("features")) {
        if (BLUESKY_TAG_FEATURE.equals(feature.path("$type").textValue())) {
          addTag(hashtags, feature.path("tag"));
        }
      }
    }
    for (JsonNode tag : record.path("tags")) {
      addTag(hashtags, tag);
    }
    return Result.parsed(new NormalizedPost(Platform.BLUESKY_JETSTREAM,
        "at://" + did + "/" + BLUESKY_POST + "/" + rkey, isoMillis(record.path("createdAt")),
        did, null, record.path("text").textValue(), lang(record.path("langs").path(0)),
        List.copyOf(hashtags)));
  }

  // ---------------------------------------------------------------- shared

  private static void addTags(Set<String> into, JsonNode array, String field) {
    if (array.isArray()) {
      for (JsonNode hashtag : array) {
        addTag(into, hashtag.path(field));
      }
    }
  }

  private static void addTag(Set<String> into, JsonNode tag) {
    if (tag.isTextual() && !tag.textValue().isBlank()) {
      into.add(tag.textValue().toLowerCase(Locale.ROOT));
    }
  }

  private static String lang(JsonNode lang) {
    return lang.isTextual() && !lang.textValue().isBlank() ? lang.textValue()
        : EventHeaders.LANG_UNDEFINED;
  }

  /** RFC 3339 / ISO-8601 instant with offset, e.g. {@code 2020-09-18T18:36:15.000Z}. */
  private static Long isoMillis(JsonNode time) {
    if (!time.isTextual()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(time.textValue()).toInstant().toEpochMilli();
    } catch (DateTimeException | ArithmeticException e) {
      try {
        return Instant.parse(time.textValue()).toEpochMilli();
      } catch (DateTimeException | ArithmeticException e2) {
        return null;
      }
    }
  }

  private static String textOf(JsonNode node, String fallback) {
    return node.isTextual() ? node.textValue() : fallback;
  }

  private static boolean isDecimal(String s) {
    if (s == null || s.isEmpty() || s.length() > MAX_ID_DIGITS) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code bytes} is well-formed UTF-8 (Unicode 15, table 3-7: no overlong form, no UTF-16
   * surrogate, nothing above U+10FFFF, no stray or missing continuation byte) without a NUL byte,
   * which JSON text never holds (a NUL in a string must be escaped) and which UTF-16 or UTF-32
   * text always does.
   */
  static boolean isUtf8WithoutNul(byte[] bytes) {
    int i = 0;
    int n = bytes.length;
    while (i < n) {
      int b = bytes[i] & 0xFF;
      if (b < 0x80) {
        if (b == 0) {
          return false;
        }
        i++;
        continue;
      }
      int length;
      int min = 0x80; // bounds of the second byte
      int max = 0xBF;
      if (b >= 0xC2 && b <= 0xDF) {
        length = 2;
      } else if (b >= 0xE0 && b <= 0xEF) {
        length = 3;
        if (b == 0xE0) {
          min = 0xA0; // overlong below U+0800
        } else if (b == 0xED) {
          max = 0x9F; // U+D800..U+DFFF, surrogates
        }
      } else if (b >= 0xF0 && b <= 0xF4) {
        length = 4;
        if (b == 0xF0) {
          min = 0x90; // overlong below U+10000
        } else if (b == 0xF4) {
          max = 0x8F; // above U+10FFFF
        }
      } else {
        return false; // continuation byte, C0/C1 (overlong) or F5..FF
      }
      if (i + length > n) {
        return false;
      }
      int second = bytes[i + 1] & 0xFF;
      if (second < min || second > max) {
        return false;
      }
      for (int k = 2; k < length; k++) {
        if ((bytes[i + k] & 0xC0) != 0x80) {
          return false;
        }
      }
      i += length;
    }
    return true;
  }

  private static boolean isBlank(byte[] body) {
    if (body == null) {
      return true;
    }
    for (byte b : body) {
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return false;
      }
    }
    return true;
  }

  /** For tests: the hashtags header value of a post. */
  static String joinHashtags(List<String> hashtags) {
    return String.join(" ", new ArrayList<>(hashtags));
  }
}
