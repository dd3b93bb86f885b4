package io.sluice.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The summary.json numbers computed straight from the input files, with code that shares nothing
 * with the pipeline: a regular expression for the Apache combined log format and a Jackson tree
 * walk for Twitter v1.1 statuses.
 */
final class IndependentCounts {

  /** Apache combined log format, with optional extra trailing quoted fields (nginx). */
  private static final Pattern COMBINED = Pattern.compile(
      "^(\\S+) (\\S+) (\\S+) \\[(\\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4})\\] "
          + "\"(\\S+) (\\S+) (\\S+)\" (\\d{3}) (\\d+|-) \"((?:[^\"\\\\]|\\\\.)*)\" \"((?:[^\"\\\\]|\\\\.)*)\"( \"[^\"]*\")*$");

  /** The {@code [time]} of the combined log format: {@code 17/May/2015:10:05:03 +0000}. */
  private static final java.time.format.DateTimeFormatter LOG_TIME =
      java.time.format.DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);
  /** Twitter v1.1 {@code created_at}: {@code Mon Oct 03 01:58:36 +0000 2016}. */
  private static final java.time.format.DateTimeFormatter CREATED_AT =
      java.time.format.DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss Z yyyy", Locale.ENGLISH);

  private IndependentCounts() {}

  /** The UTC hour of {@code t} as summary.json keys it: {@code 2015-05-17T10:00:00Z}. */
  static String hour(java.time.Instant t) {
    return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH':00:00Z'")
        .format(t.atOffset(java.time.ZoneOffset.UTC));
  }

  /** An RFC 3164 {@code Mmm dd hh:mm:ss} in UTC, in the year that puts it at most a day after {@code clock}. */
  private static java.time.Instant syslogTime(String stamp, java.time.Instant clock) {
    int year = clock.atOffset(java.time.ZoneOffset.UTC).getYear();
    java.time.format.DateTimeFormatter f =
        java.time.format.DateTimeFormatter.ofPattern("yyyy MMM ppd HH:mm:ss", Locale.ENGLISH);
    java.time.Instant t = java.time.LocalDateTime.parse(year + " " + stamp, f).toInstant(java.time.ZoneOffset.UTC);
    if (t.isAfter(clock.plus(java.time.Duration.ofDays(1)))) {
      t = java.time.LocalDateTime.parse((year - 1) + " " + stamp, f).toInstant(java.time.ZoneOffset.UTC);
    }
    return t;
  }

  /**
   * The request time (epoch milliseconds) and status code of a combined-log line, or null when the
   * line does not parse (what the access-log interceptor rejects).
   */
  static Map.Entry<Long, String> requestTimeAndStatus(String line) {
    Matcher m = COMBINED.matcher(line);
    if (!m.matches()) {
      return null;
    }
    return Map.entry(java.time.OffsetDateTime.parse(m.group(4), LOG_TIME).toInstant().toEpochMilli(), m.group(8));
  }

  static Map<String, Object> logs(Path file) throws IOException {
    List<String> lines = lines(file);
    long parsed = 0;
    Map<String, Long> status = new TreeMap<>();
    Map<String, Long> endpoints = new HashMap<>();
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    long sum = 0;
    Map<String, Long> perHour = new TreeMap<>();
    for (String line : lines) {
      Matcher m = COMBINED.matcher(line);
      if (!m.matches()) {
        continue;
      }
      parsed++;
      status.merge(m.group(8), 1L, Long::sum);
      String target = m.group(6);
      int q = target.indexOf('?');
      endpoints.merge(q < 0 ? target : target.substring(0, q), 1L, Long::sum);
      perHour.merge(hour(java.time.OffsetDateTime.parse(m.group(4), LOG_TIME).toInstant()), 1L, Long::sum);
      long bytes = m.group(9).equals("-") ? 0 : Long.parseLong(m.group(9));
      min = Math.min(min, bytes);
      max = Math.max(max, bytes);
      sum += bytes;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("lines", (long) lines.size());
    out.put("parsed", parsed);
    out.put("rejected", lines.size() - parsed);
    out.put("statusCounts", status);
    out.put("topEndpoints", top(endpoints, "endpoint"));
    out.put("contentSizeMin", parsed == 0 ? 0 : min);
    out.put("contentSizeMax", parsed == 0 ? 0 : max);
    out.put("contentSizeAvg", parsed == 0 ? 0.0 : (double) sum / parsed);
    out.put("requestsPerHour", perHour);
    return out;
  }

  static Map<String, Object> tweets(Path file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<String> lines = lines(file);
    Map<String, JsonNode> byId = new LinkedHashMap<>();
    long rejected = 0;
    for (String line : lines) {
      JsonNode t;
      try {
        t = json.readTree(line);
      } catch (IOException e) {
        rejected++;
        continue;
      }
      if (t == null || !t.isObject() || !t.hasNonNull("id_str") || !t.has("user")
          || !(t.hasNonNull("text") || t.hasNonNull("full_text"))) {
        rejected++;
        continue;
      }
      byId.putIfAbsent(t.get("id_str").asText(), t);
    }
    Map<String, Long> languages = new TreeMap<>();
    Map<String, Long> hashtags = new HashMap<>();
    Map<String, Long> perHour = new TreeMap<>();
    for (JsonNode t : byId.values()) {
      perHour.merge(hour(java.time.OffsetDateTime.parse(t.path("created_at").asText(), CREATED_AT).toInstant()),
          1L, Long::sum);
      String lang = t.path("lang").isTextual() && !t.path("lang").asText().isEmpty() ? t.path("lang").asText() : "und";
      languages.merge(lang, 1L, Long::sum);
      JsonNode entities = t.path("truncated").asBoolean(false) && t.has("extended_tweet")
          ? t.path("extended_tweet").path("entities") : t.path("entities");
      Set<String> tags = new LinkedHashSet<>();
      for (JsonNode h : entities.path("hashtags")) {
        tags.add(h.path("text").asText().toLowerCase(Locale.ROOT));
      }
      tags.forEach(tag -> hashtags.merge(tag, 1L, Long::sum));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("records", (long) lines.size());
    out.put("tweets", (long) byId.size());
    out.put("rejected", rejected);
    out.put("topHashtags", top(hashtags, "hashtag"));
    out.put("languages", languages);
    out.put("postsPerHour", perHour);
    return out;
  }

  /**
   * An auth.log line split by hand: {@code Mmm dd hh:mm:ss} (15 characters), a space, the HOSTNAME,
   * a space, the TAG up to {@code ':'} (the program, without a trailing {@code [pid]}), then the
   * message after {@code ": "}. Null when the line does not have that shape.
   */
  static String[] syslogFields(String line) {
    if (line.length() < 17 || line.charAt(15) != ' ' || line.charAt(3) != ' ' || line.charAt(6) != ' ') {
      return null;
    }
    int hostEnd = line.indexOf(' ', 16);
    if (hostEnd < 0) {
      return null;
    }
    int colon = line.indexOf(':', hostEnd + 1);
    if (colon < 0) {
      return null;
    }
    String tag = line.substring(hostEnd + 1, colon);
    if (tag.isEmpty() || tag.contains(" ")) {
      return null;
    }
    int bracket = tag.indexOf('[');
    String program = bracket < 0 ? tag : tag.substring(0, bracket);
    String message = line.substring(colon + 1);
    return new String[] {line.substring(16, hostEnd), program, message.startsWith(" ") ? message.substring(1) : message};
  }

  /**
   * The syslog section of summary.json for an auth.log file: hosts, programs, and the
   * authentication failures of README.md (an sshd line whose message holds {@code Failed <method>
   * for [invalid user ]<user> from <ip>} or {@code Invalid user [<user>] from <ip>}; once per line),
   * found by walking the message's words.
   */
  static Map<String, Object> syslog(Path file) throws IOException {
    return syslog(file, java.time.Instant.now());
  }

  /**
   * As {@link #syslog(Path)}, with {@code linesPerHour}: the hours of the lines' times, which have
   * no year and no zone, read in UTC in the year of {@code receivedAt} (the receiving clock), or the
   * year before when that would put a line more than a day after the clock (README.md's rule for
   * RFC 3164 timestamps).
   */
  static Map<String, Object> syslog(Path file, java.time.Instant receivedAt) throws IOException {
    List<String> lines = lines(file);
    Map<String, Long> perHour = new TreeMap<>();
    long parsed = 0;
    long failures = 0;
    Map<String, Long> hosts = new HashMap<>();
    Map<String, Long> programs = new HashMap<>();
    Map<String, Long> sources = new HashMap<>();
    for (String line : lines) {
      String[] f = syslogFields(line);
      if (f == null) {
        continue;
      }
      parsed++;
      perHour.merge(hour(syslogTime(line.substring(0, 15), receivedAt)), 1L, Long::sum);
      hosts.merge(f[0], 1L, Long::sum);
      programs.merge(f[1], 1L, Long::sum);
      String source = "sshd".equals(f[1]) ? failureSource(f[2]) : null;
      if (source != null) {
        failures++;
        sources.merge(source, 1L, Long::sum);
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("lines", (long) lines.size());
    out.put("parsed", parsed);
    out.put("rejected", lines.size() - parsed);
    out.put("topHosts", top(hosts, "host"));
    out.put("topPrograms", top(programs, "program"));
    out.put("authFailures", failures);
    out.put("topAuthFailureSources", top(sources, "ip"));
    out.put("linesPerHour", perHour);
    return out;
  }

  /** The address of a failure phrase among the message's words (split on single spaces), else null. */
  private static String failureSource(String message) {
    String[] w = message.split(" ", -1);
    for (int i = 0; i < w.length; i++) {
      // Failed <method> for [invalid user ]<user> from <ip>
      if (w[i].equals("Failed") && i + 4 < w.length && w[i + 2].equals("for")) {
        int from = w[i + 3].equals("invalid") && w[i + 4].equals("user") ? i + 6 : i + 4;
        if (from + 1 < w.length && w[from].equals("from")) {
          return w[from + 1];
        }
      }
      // Invalid user [<user>] from <ip>
      if (w[i].equals("Invalid") && i + 3 < w.length && w[i + 1].equals("user")) {
        int from = w[i + 2].equals("from") ? i + 2 : i + 3;
        if (from + 1 < w.length && w[from].equals("from")) {
          return w[from + 1];
        }
      }
    }
    return null;
  }

  /** Top 10 by count desc, then key asc, as {key: count} pairs in order. */
  private static List<Map.Entry<String, Long>> top(Map<String, Long> counts, String what) {
    List<Map.Entry<String, Long>> all = new ArrayList<>(counts.entrySet());
    all.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()));
    return all.subList(0, Math.min(10, all.size()));
  }

  /** Lines as split on '\n' (a final line without newline counts; one trailing '\r' dropped). */
  static List<String> lines(Path file) throws IOException {
    String all = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>(List.of(all.split("\n", -1)));
    if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
      out.remove(out.size() - 1);
    }
    out.replaceAll(l -> l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
    return out;
  }
}
