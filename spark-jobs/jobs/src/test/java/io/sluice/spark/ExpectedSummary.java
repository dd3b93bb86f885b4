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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The summary.json a list of events should produce, computed with plain Java collections straight
 * from the header maps, written from the contract and not from the production code.
 *
 * <p>The hourly series count by the UTC hour of each event's own time (logs and syslog: the
 * {@code timestamp} header; posts: {@code createdAt}, else {@code timestamp}). Every {@code late}
 * counter is 0: the expectation of events none of which arrives behind its pipeline's watermark, as
 * when a test runs the job with an allowed lateness wider than its input's spread of event times
 * ({@link #NOTHING_LATE_SECONDS}); a test of late data states its late counts itself.
 */
public final class ExpectedSummary {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * An {@code --allowed-lateness} under which none of the bundled samples is late: about 20 years
   * (the sample posts' creation times span 2006 to 2018).
   */
  public static final int NOTHING_LATE_SECONDS = 20 * 366 * 86_400;

  private ExpectedSummary() {}

  /** Expected summary.json of {@code events} (in any order, duplicates allowed) as a JSON tree. */
  public static JsonNode of(Collection<Map<String, String>> events) {
    Map<String, Map<String, String>> byEventId = new LinkedHashMap<>();
    for (Map<String, String> e : events) {
      byEventId.putIfAbsent(e.get("eventId"), e);
    }
    long logParsed = 0;
    long logRejected = 0;
    Map<String, Long> statuses = new TreeMap<>();
    Map<String, Long> endpoints = new HashMap<>();
    long sizeCount = 0;
    long sizeSum = 0;
    long sizeMin = Long.MAX_VALUE;
    long sizeMax = Long.MIN_VALUE;
    long tweetRecords = 0;
    long tweetRejected = 0;
    long tweetPosts = 0;
    Map<String, Long> notPosts = new TreeMap<>();
    long syslogParsed = 0;
    long syslogRejected = 0;
    long authFailures = 0;
    Map<String, Long> hosts = new HashMap<>();
    Map<String, Long> programs = new HashMap<>();
    Map<String, Long> sources = new HashMap<>();
    Map<String, Map<String, String>> tweetsById = new TreeMap<>();
    Map<String, Long> requestsPerHour = new TreeMap<>();
    Map<String, Long> linesPerHour = new TreeMap<>();
    for (Map<String, String> e : byEventId.values()) {
      boolean rejected = e.containsKey("rejectReason");
      if ("logs".equals(e.get("pipeline"))) {
        if (rejected) {
          logRejected++;
          continue;
        }
        logParsed++;
        statuses.merge(e.get("status"), 1L, Long::sum);
        String path = e.get("path");
        endpoints.merge(path.contains("?") ? path.substring(0, path.indexOf('?')) : path, 1L, Long::sum);
        long bytes = Long.parseLong(e.get("bytes"));
        sizeCount++;
        sizeSum += bytes;
        sizeMin = Math.min(sizeMin, bytes);
        sizeMax = Math.max(sizeMax, bytes);
        countHour(requestsPerHour, e.get("timestamp"));
      } else if ("tweets".equals(e.get("pipeline"))) {
        tweetRecords++;
        if (rejected) {
          tweetRejected++;
        } else if (e.get("notPost") != null) {
          notPosts.merge(e.get("notPost"), 1L, Long::sum);
        } else {
          tweetPosts++;
          tweetsById.putIfAbsent(e.get("tweetId"), e);
        }
      } else if ("syslog".equals(e.get("pipeline"))) {
        if (rejected) {
          syslogRejected++;
          continue;
        }
        syslogParsed++;
        countHour(linesPerHour, e.get("timestamp"));
        hosts.merge(e.get("host"), 1L, Long::sum);
        programs.merge(e.get("program"), 1L, Long::sum);
        String source = authFailureSource(e.get("program"), e.get("message"));
        if (source != null) {
          authFailures++;
          sources.merge(source, 1L, Long::sum);
        }
      }
    }
    Map<String, Long> languages = new TreeMap<>();
    Map<String, Long> platforms = new TreeMap<>();
    Map<String, Long> hashtags = new HashMap<>();
    Map<String, Long> postsPerHour = new TreeMap<>();
    for (Map<String, String> t : tweetsById.values()) {
      countHour(postsPerHour, t.get("createdAt") != null ? t.get("createdAt") : t.get("timestamp"));
      languages.merge(t.get("lang"), 1L, Long::sum);
      platforms.merge(t.getOrDefault("platform", "unknown"), 1L, Long::sum);
      String tags = t.get("hashtags");
      if (!tags.isEmpty()) {
        for (String tag : tags.split(" ")) {
          hashtags.merge(tag, 1L, Long::sum);
        }
      }
    }

    Map<String, Object> logs = new LinkedHashMap<>();
    logs.put("lines", logParsed + logRejected);
    logs.put("parsed", logParsed);
    logs.put("rejected", logRejected);
    logs.put("statusCounts", statuses);
    logs.put("topEndpoints", top(endpoints, "endpoint"));
    Map<String, Object> size = new LinkedHashMap<>();
    size.put("min", sizeCount == 0 ? 0 : sizeMin);
    size.put("max", sizeCount == 0 ? 0 : sizeMax);
    size.put("avg", sizeCount == 0 ? 0.0 : (double) sizeSum / sizeCount);
    logs.put("contentSize", size);
    logs.put("requestsPerHour", requestsPerHour);
    logs.put("late", 0L);
    logs.put("future", 0L);
    Map<String, Object> tweets = new LinkedHashMap<>();
    tweets.put("records", tweetRecords);
    tweets.put("posts", tweetPosts);
    tweets.put("notPosts", notPosts);
    tweets.put("rejected", tweetRejected);
    tweets.put("tweets", (long) tweetsById.size());
    tweets.put("platforms", platforms);
    tweets.put("topHashtags", top(hashtags, "hashtag"));
    tweets.put("languages", languages);
    tweets.put("postsPerHour", postsPerHour);
    tweets.put("late", 0L);
    tweets.put("future", 0L);
    Map<String, Object> syslog = new LinkedHashMap<>();
    syslog.put("lines", syslogParsed + syslogRejected);
    syslog.put("parsed", syslogParsed);
    syslog.put("rejected", syslogRejected);
    syslog.put("topHosts", top(hosts, "host"));
    syslog.put("topPrograms", top(programs, "program"));
    syslog.put("authFailures", authFailures);
    syslog.put("topAuthFailureSources", top(sources, "ip"));
    syslog.put("linesPerHour", linesPerHour);
    syslog.put("late", 0L);
    syslog.put("future", 0L);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("logs", logs);
    root.put("tweets", tweets);
    root.put("syslog", syslog);
    return normalized(root);
  }

  /**
   * The {@code late} counter of each pipeline when {@code batches} arrive one after the other, each
   * a batch of the job, under README.md's rule: an event is late when its time is before the
   * maximum time of the pipeline's events of earlier batches minus {@code latenessMs}; judged are
   * the parsed log lines and syslog lines (first delivery of each eventId) and the posts (first
   * delivery of each tweetId), by their {@code timestamp} (posts: {@code createdAt}) header.
   */
  public static Map<String, Long> late(List<List<Map<String, String>>> batches, long latenessMs) {
    java.util.Set<String> eventIds = new java.util.HashSet<>();
    java.util.Set<String> tweetIds = new java.util.HashSet<>();
    Map<String, Long> max = new HashMap<>();
    Map<String, Long> late = new TreeMap<>(Map.of("logs", 0L, "tweets", 0L, "syslog", 0L));
    for (List<Map<String, String>> batch : batches) {
      Map<String, Long> batchMax = new HashMap<>();
      for (Map<String, String> e : batch) {
        if (!eventIds.add(e.get("eventId")) || e.containsKey("rejectReason")) {
          continue;
        }
        String pipeline = e.get("pipeline");
        String time = e.get("timestamp");
        if ("tweets".equals(pipeline)) {
          if (e.get("notPost") != null || !tweetIds.add(e.get("tweetId"))) {
            continue;
          }
          time = e.get("createdAt") != null ? e.get("createdAt") : time;
        } else if (!"logs".equals(pipeline) && !"syslog".equals(pipeline)) {
          continue;
        }
        if (time == null) {
          continue;
        }
        long t = Long.parseLong(time);
        Long before = max.get(pipeline);
        if (before != null && t < before - latenessMs) {
          late.merge(pipeline, 1L, Long::sum);
        }
        batchMax.merge(pipeline, t, Math::max);
      }
      batchMax.forEach((p, t) -> max.merge(p, t, Math::max));
    }
    return late;
  }

  /** Adds one to the UTC hour of {@code epochMs} (decimal milliseconds; nothing when absent), as 2015-05-17T10:00:00Z. */
  private static void countHour(Map<String, Long> series, String epochMs) {
    if (epochMs == null) {
      return;
    }
    long ms;
    try {
      ms = Long.parseLong(epochMs.trim());
    } catch (NumberFormatException e) {
      return;
    }
    String hour = java.time.Instant.ofEpochMilli(ms).atOffset(java.time.ZoneOffset.UTC)
        .truncatedTo(java.time.temporal.ChronoUnit.HOURS)
        .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:00:00'Z'"));
    series.merge(hour, 1L, Long::sum);
  }

  private static final java.util.regex.Pattern FAILED =
      java.util.regex.Pattern.compile("Failed [^ ]+ for (invalid user )?[^ ]* from ([^ ]+)");
  private static final java.util.regex.Pattern INVALID =
      java.util.regex.Pattern.compile("Invalid user ([^ ]* )?from ([^ ]+)");

  /**
   * The source address when an sshd message is an authentication failure as README.md defines it
   * ({@code Failed <method> for [invalid user ]<user> from <ip>} or {@code Invalid user [<user>]
   * from <ip>}, anywhere in the message; one per line), else null.
   */
  public static String authFailureSource(String program, String message) {
    if (!"sshd".equals(program) || message == null) {
      return null;
    }
    for (java.util.regex.Pattern p : List.of(FAILED, INVALID)) {
      java.util.regex.Matcher m = p.matcher(message);
      if (m.find()) {
        return m.group(2);
      }
    }
    return null;
  }

  /** A JSON tree as it reads back from text, so numbers compare by value. */
  public static JsonNode normalized(Object value) {
    try {
      return JSON.readTree(value instanceof String ? (String) value : JSON.writeValueAsString(value));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Map<String, Object>> top(Map<String, Long> counts, String keyName) {
    List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
    entries.sort(Comparator.comparing((Map.Entry<String, Long> e) -> -e.getValue())
        .thenComparing(Map.Entry::getKey));
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map.Entry<String, Long> e : entries.subList(0, Math.min(10, entries.size()))) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put(keyName, e.getKey());
      entry.put("count", e.getValue());
      out.add(entry);
    }
    return out;
  }
}
