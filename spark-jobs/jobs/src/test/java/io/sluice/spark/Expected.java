package io.sluice.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Window, session and mention figures computed with plain Java collections straight from the test's
 * header maps, written from the documented shapes and not from the production code.
 */
public final class Expected {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Expected() {}

  /** First event per eventId, in order. */
  public static List<Map<String, String>> distinct(Collection<Map<String, String>> events) {
    Map<String, Map<String, String>> byId = new LinkedHashMap<>();
    events.forEach(e -> byId.putIfAbsent(e.get("eventId"), e));
    return new ArrayList<>(byId.values());
  }

  public static boolean parsedLog(Map<String, String> e) {
    return "logs".equals(e.get("pipeline")) && !e.containsKey("rejectReason");
  }

  /** The window fields of logs-window.json (without times and rates) for distinct {@code events}. */
  public static JsonNode logWindow(Collection<Map<String, String>> events, int topN, long heavyThreshold) {
    long requests = 0;
    long rejected = 0;
    long errors = 0;
    Map<String, Long> statuses = new TreeMap<>();
    Map<String, Long> endpoints = new HashMap<>();
    Map<String, Long> clients = new HashMap<>();
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    long sum = 0;
    for (Map<String, String> e : distinct(events)) {
      if (!"logs".equals(e.get("pipeline"))) {
        continue;
      }
      if (e.containsKey("rejectReason")) {
        rejected++;
        continue;
      }
      requests++;
      String status = e.get("status");
      statuses.merge(status, 1L, Long::sum);
      if (status.startsWith("5")) {
        errors++;
      }
      String path = e.get("path");
      endpoints.merge(path.contains("?") ? path.substring(0, path.indexOf('?')) : path, 1L, Long::sum);
      clients.merge(e.get("clientIp"), 1L, Long::sum);
      long bytes = Long.parseLong(e.get("bytes"));
      min = Math.min(min, bytes);
      max = Math.max(max, bytes);
      sum += bytes;
    }
    Map<String, Object> w = new LinkedHashMap<>();
    w.put("requests", requests);
    w.put("rejected", rejected);
    w.put("serverErrors", errors);
    w.put("errorRate", requests == 0 ? 0.0 : (double) errors / requests);
    w.put("statusCounts", statuses);
    w.put("topEndpoints", top(endpoints, "endpoint", "count", topN));
    Map<String, Object> size = new LinkedHashMap<>();
    size.put("min", requests == 0 ? 0 : min);
    size.put("max", requests == 0 ? 0 : max);
    size.put("avg", requests == 0 ? 0.0 : (double) sum / requests);
    w.put("contentSize", size);
    Map<String, Long> heavy = new HashMap<>();
    clients.forEach((ip, n) -> {
      if (n > heavyThreshold) {
        heavy.put(ip, n);
      }
    });
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("threshold", heavyThreshold);
    h.put("count", (long) heavy.size());
    h.put("clients", top(heavy, "clientIp", "requests", 100));
    w.put("heavyClients", h);
    return tree(w);
  }

  /** The window fields of tweets-window.json (without times and rates) for {@code events}. */
  public static JsonNode tweetWindow(Collection<Map<String, String>> events, int topN) {
    Map<String, Map<String, String>> tweets = distinctTweets(events);
    Map<String, Long> hashtags = new HashMap<>();
    Map<String, Long> languages = new TreeMap<>();
    Map<String, Long> platforms = new TreeMap<>();
    Map<String, Long> mentions = new HashMap<>();
    for (Map<String, String> t : tweets.values()) {
      languages.merge(t.get("lang"), 1L, Long::sum);
      platforms.merge(t.getOrDefault("platform", "unknown"), 1L, Long::sum);
      String tags = t.get("hashtags");
      if (!tags.isEmpty()) {
        for (String tag : tags.split(" ")) {
          hashtags.merge(tag, 1L, Long::sum);
        }
      }
      for (String user : mentionsOf(t.get(SampleEvents.BODY))) {
        mentions.merge(user, 1L, Long::sum);
      }
    }
    Map<String, Object> w = new LinkedHashMap<>();
    w.put("tweets", (long) tweets.size());
    w.put("platforms", platforms);
    w.put("topHashtags", top(hashtags, "hashtag", "count", topN));
    w.put("languages", languages);
    w.put("topMentions", top(mentions, "user", "count", topN));
    return tree(w);
  }

  /** Parsed tweets by tweet id, first record (by eventId order of arrival) of each. */
  public static Map<String, Map<String, String>> distinctTweets(Collection<Map<String, String>> events) {
    Map<String, Map<String, String>> byTweet = new TreeMap<>();
    for (Map<String, String> e : distinct(events)) {
      if ("tweets".equals(e.get("pipeline")) && !e.containsKey("rejectReason") && !e.containsKey("notPost")
          && e.get("tweetId") != null) {
        byTweet.putIfAbsent(e.get("tweetId"), e);
      }
    }
    return byTweet;
  }

  /** Users a v1.1 status mentions: user_mentions of extended_tweet when truncated, else of the status. */
  public static Set<String> mentionsOf(String json) {
    Set<String> users = new LinkedHashSet<>();
    if (json == null) {
      return users;
    }
    JsonNode status;
    try {
      status = JSON.readTree(json);
    } catch (IOException e) {
      return users;
    }
    JsonNode list = status.path("entities").path("user_mentions");
    if (status.path("truncated").asBoolean() && status.path("extended_tweet").path("entities").has("user_mentions")) {
      list = status.path("extended_tweet").path("entities").path("user_mentions");
    }
    for (JsonNode m : list) {
      users.add(m.path("screen_name").asText().toLowerCase(Locale.ROOT));
    }
    return users;
  }

  /**
   * Sessions of the parsed, distinct log lines: per client, request times sorted, a new session
   * after a gap of more than {@code gapMs}. Returns {count, meanRequests, meanDurationSeconds}.
   */
  public static double[] sessions(Collection<Map<String, String>> events, long gapMs) {
    Map<String, List<Long>> times = new HashMap<>();
    for (Map<String, String> e : distinct(events)) {
      if (parsedLog(e)) {
        times.computeIfAbsent(e.get("clientIp"), k -> new ArrayList<>()).add(Long.parseLong(e.get("timestamp")));
      }
    }
    long sessions = 0;
    long requests = 0;
    long durationMs = 0;
    for (List<Long> ts : times.values()) {
      ts.sort(Comparator.naturalOrder());
      long first = ts.get(0);
      long prev = first;
      for (long t : ts.subList(1, ts.size())) {
        if (t - prev > gapMs) {
          sessions++;
          durationMs += prev - first;
          first = t;
        }
        prev = t;
      }
      sessions++;
      durationMs += prev - first;
      requests += ts.size();
    }
    return new double[] {sessions, sessions == 0 ? 0 : (double) requests / sessions,
        sessions == 0 ? 0 : durationMs / 1000.0 / sessions};
  }

  public static List<Map<String, Object>> top(Map<String, Long> counts, String keyName, String countName, int n) {
    List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
    entries.sort(Comparator.comparing((Map.Entry<String, Long> e) -> -e.getValue()).thenComparing(Map.Entry::getKey));
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map.Entry<String, Long> e : entries.subList(0, Math.min(n, entries.size()))) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put(keyName, e.getKey());
      entry.put(countName, e.getValue());
      out.add(entry);
    }
    return out;
  }

  public static JsonNode tree(Object value) {
    try {
      return JSON.readTree(JSON.writeValueAsString(value));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code actual} with only the fields {@code expected} has (a projection for comparisons). */
  public static JsonNode project(JsonNode actual, JsonNode expected) {
    Map<String, Object> out = new LinkedHashMap<>();
    expected.fieldNames().forEachRemaining(f -> out.put(f, actual.get(f)));
    return tree(out);
  }
}
