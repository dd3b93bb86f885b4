package io.sluice.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.contract.EventHeaders;
import io.sluice.contract.Pipeline;
import io.sluice.spark.input.EventRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bundled real sample files turned into event header maps the way the Flume interceptors do
 * upstream, by a deliberately simple parser of the test's own (not the production code).
 */
public final class SampleEvents {

  public static final String LOG_FILE = "elastic-examples_apache_logs.log";
  public static final String TWEET_FILE = "ALL_shared_tweets.jsonl";
  public static final String SYSLOG_FILE = "elastic-examples_auth.log";

  /**
   * An RFC 3164-style line as {@code /var/log/auth.log} holds it (no PRI): {@code Mmm dd hh:mm:ss
   * HOSTNAME TAG[pid]: MSG}, TAG being the program.
   */
  private static final Pattern SYSLOG_LINE = Pattern.compile(
      "^([A-Z][a-z]{2} [ \\d]\\d \\d{2}:\\d{2}:\\d{2}) (\\S+) ([^\\s\\[:]+)(?:\\[(\\d+)\\])?: ?(.*)$");
  private static final DateTimeFormatter SYSLOG_TIME =
      DateTimeFormatter.ofPattern("yyyy MMM ppd HH:mm:ss", Locale.ENGLISH);

  /** Combined log format: ip ident user [time] "method target protocol" status bytes "referrer" "agent". */
  private static final Pattern COMBINED = Pattern.compile(
      "^(\\S+) \\S+ \\S+ \\[([^\\]]+)\\] \"(\\S+) (\\S+) (\\S+)\" (\\d{3}) (\\d+|-) \"((?:[^\"\\\\]|\\\\.)*)\" \"((?:[^\"\\\\]|\\\\.)*)\"\\s*$");

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Test-only key holding an event's body in these header maps; {@link #record} moves it to the body. */
  public static final String BODY = "__body";

  private static final DateTimeFormatter LOG_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);

  private SampleEvents() {}

  public static Path samples() {
    String dir = System.getProperty("sluice.samples");
    if (dir == null) {
      throw new IllegalStateException("system property sluice.samples is not set (surefire sets it)");
    }
    return Paths.get(dir);
  }

  public static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Map<String, String>> logEvents;
  private static List<Map<String, String>> tweetEvents;
  private static List<Map<String, String>> syslogEvents;

  /**
   * Every line of the real auth log ({@code samples/syslog/elastic-examples_auth.log}), as syslog
   * events with the headers the syslog interceptor sets (host, program, pid, timestamp in 2017,
   * message; no PRI, so no severity or facility); lines the regex does not take are rejected
   * events. Parsed once per JVM: callers copy before changing an event.
   */
  public static synchronized List<Map<String, String>> syslogEvents() {
    if (syslogEvents == null) {
      List<String> lines = lines(samples().resolve("syslog").resolve(SYSLOG_FILE));
      List<Map<String, String>> events = new ArrayList<>(lines.size());
      for (int i = 0; i < lines.size(); i++) {
        events.add(Map.copyOf(syslogEvent(SYSLOG_FILE + ":" + (i + 1), lines.get(i))));
      }
      syslogEvents = List.copyOf(events);
    }
    return syslogEvents;
  }

  public static Map<String, String> syslogEvent(String eventId, String line) {
    Map<String, String> h = base(eventId, Pipeline.SYSLOG.id());
    Matcher m = SYSLOG_LINE.matcher(line);
    if (!m.matches()) {
      return reject(h, "not an RFC 3164 line");
    }
    h.put(EventHeaders.TIMESTAMP, Long.toString(java.time.LocalDateTime.parse("2017 " + m.group(1), SYSLOG_TIME)
        .toInstant(java.time.ZoneOffset.UTC).toEpochMilli()));
    h.put(EventHeaders.HOST, m.group(2));
    h.put(EventHeaders.PROGRAM, m.group(3));
    if (m.group(4) != null) {
      h.put(EventHeaders.PID, m.group(4));
    }
    h.put(EventHeaders.MESSAGE, m.group(5));
    return h;
  }

  /**
   * Every line of the real access log, as log events; lines the regex rejects are rejected events.
   * Parsed once per JVM: callers copy before changing an event.
   */
  public static synchronized List<Map<String, String>> logEvents() {
    if (logEvents == null) {
      logEvents = parseLogEvents().stream().map(Map::copyOf).collect(java.util.stream.Collectors.toUnmodifiableList());
    }
    return logEvents;
  }

  /** Every record of the real tweet file, as tweet events; parsed once per JVM. */
  public static synchronized List<Map<String, String>> tweetEvents() {
    if (tweetEvents == null) {
      tweetEvents = parseTweetEvents().stream().map(Map::copyOf).collect(java.util.stream.Collectors.toUnmodifiableList());
    }
    return tweetEvents;
  }

  private static List<Map<String, String>> parseLogEvents() {
    List<String> lines = lines(samples().resolve("access_logs").resolve(LOG_FILE));
    List<Map<String, String>> events = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      events.add(logEvent(LOG_FILE + ":" + (i + 1), lines.get(i)));
    }
    return events;
  }

  public static Map<String, String> logEvent(String eventId, String line) {
    Map<String, String> h = base(eventId, Pipeline.LOGS.id());
    Matcher m = COMBINED.matcher(line);
    if (!m.matches()) {
      return reject(h, "not in combined log format");
    }
    h.put(EventHeaders.CLIENT_IP, m.group(1));
    h.put(EventHeaders.TIMESTAMP, Long.toString(ZonedDateTime.parse(m.group(2), LOG_TIME).toInstant().toEpochMilli()));
    h.put(EventHeaders.METHOD, m.group(3));
    h.put(EventHeaders.PATH, m.group(4));
    h.put(EventHeaders.PROTOCOL, m.group(5));
    h.put(EventHeaders.STATUS, m.group(6));
    h.put(EventHeaders.BYTES, "-".equals(m.group(7)) ? "0" : m.group(7));
    h.put(EventHeaders.REFERRER, m.group(8));
    h.put(EventHeaders.USER_AGENT, m.group(9));
    return h;
  }

  private static List<Map<String, String>> parseTweetEvents() {
    List<String> lines = lines(samples().resolve("tweets").resolve(TWEET_FILE));
    List<Map<String, String>> events = new ArrayList<>(lines.size());
    for (int i = 0; i < lines.size(); i++) {
      events.add(tweetEvent(TWEET_FILE + ":" + (i + 1), lines.get(i)));
    }
    return events;
  }

  public static Map<String, String> tweetEvent(String eventId, String json) {
    Map<String, String> h = base(eventId, Pipeline.TWEETS.id());
    h.put(BODY, json);
    JsonNode tweet;
    try {
      tweet = JSON.readTree(json);
    } catch (IOException e) {
      return reject(h, "not JSON");
    }
    if (tweet == null || !tweet.path("id_str").isTextual()) {
      return reject(h, "no id_str");
    }
    h.put(EventHeaders.TWEET_ID, tweet.get("id_str").asText());
    h.put(EventHeaders.PLATFORM, "TWITTER_V1_1");
    JsonNode lang = tweet.get("lang");
    h.put(EventHeaders.LANG, lang == null || lang.isNull() ? "und" : lang.asText());
    JsonNode tags = tweet.path("entities").path("hashtags");
    if (tweet.path("truncated").asBoolean(false) && tweet.has("extended_tweet")) {
      tags = tweet.path("extended_tweet").path("entities").path("hashtags");
    }
    Set<String> distinct = new LinkedHashSet<>();
    for (JsonNode tag : tags) {
      distinct.add(tag.path("text").asText().toLowerCase(Locale.ROOT));
    }
    h.put(EventHeaders.HASHTAGS, String.join(" ", distinct));
    // v1.1 created_at, "Mon Oct 03 01:58:36 +0000 2016", as the contract's epoch milliseconds.
    h.put(EventHeaders.CREATED_AT, Long.toString(ZonedDateTime.parse(tweet.path("created_at").asText(),
        DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss Z yyyy", Locale.ENGLISH)).toInstant().toEpochMilli()));
    return h;
  }

  /**
   * The 10 real Jetstream events of the Flume plugins' golden file
   * ({@code flume-plugins/plugins/src/test/resources/bluesky/jetstream_golden_v1.jsonl}, from
   * github.com/bluesky-social/jetstream), as the bluesky agent's source and post normaliser turn
   * them into events: 1 post and 9 events that are not posts (header {@code notPost}: like,
   * repost, follow, profile, delete, other, identity, account, block, in file order).
   */
  public static List<Map<String, String>> jetstreamEvents() {
    Path golden = samples().getParent()
        .resolve("flume-plugins/plugins/src/test/resources/bluesky/jetstream_golden_v1.jsonl");
    List<Map<String, String>> events = new ArrayList<>();
    for (String line : lines(golden)) {
      events.add(jetstreamEvent(line));
    }
    return events;
  }

  /** One Jetstream v1 event: eventId and notPost kind as documented in the contract (NotPostKind). */
  public static Map<String, String> jetstreamEvent(String json) {
    JsonNode e;
    try {
      e = JSON.readTree(json);
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
    String did = e.path("did").asText();
    String kind = e.path("kind").asText();
    JsonNode commit = e.path("commit");
    String eventId = kind.equals("commit")
        ? did + "/" + commit.path("collection").asText() + "/" + commit.path("rkey").asText() + "@"
            + commit.path("rev").asText()
        : did + "#" + kind + "@" + e.path(kind).path("seq").asText();
    Map<String, String> h = base(eventId, Pipeline.TWEETS.id());
    h.put(BODY, json);
    h.put(EventHeaders.PLATFORM, "BLUESKY_JETSTREAM");
    String collection = commit.path("collection").asText();
    String notPost;
    if (!kind.equals("commit")) {
      notPost = kind.equals("identity") || kind.equals("account") ? kind : "other";
    } else if (commit.path("operation").asText().equals("delete")) {
      notPost = "delete";
    } else {
      notPost = Map.of("app.bsky.feed.like", "like", "app.bsky.feed.repost", "repost",
          "app.bsky.graph.follow", "follow", "app.bsky.graph.block", "block",
          "app.bsky.actor.profile", "profile", "app.bsky.feed.post", "").getOrDefault(collection, "other");
    }
    if (!notPost.isEmpty()) {
      h.put(EventHeaders.NOT_POST, notPost);
      return h;
    }
    h.put(EventHeaders.TWEET_ID, "at://" + did + "/app.bsky.feed.post/" + commit.path("rkey").asText());
    JsonNode lang = commit.path("record").path("langs").path(0);
    h.put(EventHeaders.LANG, lang.isTextual() ? lang.asText() : "und");
    h.put(EventHeaders.HASHTAGS, "");
    h.put(EventHeaders.CREATED_AT, Long.toString(
        java.time.Instant.parse(commit.path("record").path("createdAt").asText()).toEpochMilli()));
    return h;
  }

  /** The record the job makes of one of these events (headers, and the body kept under {@link #BODY}). */
  public static EventRecord record(Map<String, String> event) {
    Map<String, String> headers = new HashMap<>(event);
    String body = headers.remove(BODY);
    return EventRecord.fromEvent(headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }

  public static List<EventRecord> records(List<Map<String, String>> events) {
    List<EventRecord> out = new ArrayList<>(events.size());
    events.forEach(e -> out.add(record(e)));
    return out;
  }

  /** A copy of {@code event} with another event id: a different record of the same content. */
  public static Map<String, String> withEventId(Map<String, String> event, String eventId) {
    Map<String, String> copy = new HashMap<>(event);
    copy.put(EventHeaders.EVENT_ID, eventId);
    return copy;
  }

  private static Map<String, String> base(String eventId, String pipeline) {
    Map<String, String> h = new HashMap<>();
    h.put(EventHeaders.EVENT_ID, eventId);
    h.put(EventHeaders.TIMESTAMP, "1700000000000");
    h.put(EventHeaders.PIPELINE, pipeline);
    return h;
  }

  private static Map<String, String> reject(Map<String, String> h, String reason) {
    h.put(EventHeaders.REJECT_REASON, reason);
    h.put(EventHeaders.REJECTED_BY, "test-parser");
    return h;
  }
}
