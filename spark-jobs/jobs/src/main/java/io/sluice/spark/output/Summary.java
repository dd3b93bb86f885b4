package io.sluice.spark.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spark.analytics.Analytics;
import io.sluice.spark.analytics.Metric;
import io.sluice.spark.analytics.PipelineAnalytics;
import io.sluice.spark.analytics.Sessions;
import io.sluice.spark.analytics.Tally;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The running totals as written to {@code summary.json}. Immutable.
 *
 * <p>The JSON shape is a contract read by other tools (each section written by
 * {@link PipelineAnalytics#summarySection}; with more fields, the per-batch totals files,
 * {@link PipelineAnalytics#totalsJson}):
 * <pre>
 * {"logs":   {"lines": N, "parsed": P, "rejected": R,
 *             "statusCounts": {"200": n, "404": n, ...},
 *             "topEndpoints": [{"endpoint": "/path", "count": n}, ...],
 *             "contentSize": {"min": a, "max": b, "avg": c},
 *             "requestsPerHour": {"2015-05-17T10:00:00Z": n, ...}, "late": L, "future": F},
 *  "tweets": {"records": N, "posts": P, "notPosts": {"delete": n, "like": n, ...}, "rejected": R,
 *             "tweets": T, "platforms": {"BLUESKY_JETSTREAM": n, "TWITTER_V1_1": n, "X_API_V2": n},
 *             "topHashtags": [{"hashtag": "tag", "count": n}, ...],
 *             "languages": {"en": n, "und": n, ...},
 *             "postsPerHour": {"2013-...T..:00:00Z": n, ...}, "late": L, "future": F},
 *  "syslog": {"lines": N, "parsed": P, "rejected": R,
 *             "topHosts": [{"host": "h", "count": n}, ...],
 *             "topPrograms": [{"program": "sshd", "count": n}, ...],
 *             "authFailures": F,
 *             "topAuthFailureSources": [{"ip": "a.b.c.d", "count": n}, ...],
 *             "linesPerHour": {"2017-03-29T23:00:00Z": n, ...}, "late": L, "future": F}}
 * </pre>
 * <ul>
 *   <li>All counts are over distinct events (by {@code eventId}); {@code lines = parsed + rejected}.</li>
 *   <li>{@code statusCounts}, {@code topEndpoints} and {@code contentSize} cover parsed lines only;
 *       an endpoint is the {@code path} header cut at the first {@code '?'}; {@code contentSize}
 *       is over the {@code bytes} header, {@code min}/{@code max} integers, {@code avg} a double,
 *       all {@code 0} before the first parsed line.</li>
 *   <li>The tweets section covers social posts of any platform. {@code records} counts distinct
 *       records of the pipeline, {@code rejected} the rejected ones, {@code notPosts} the valid
 *       events that are not posts (header {@code notPost}: a Bluesky like, follow, deletion, ...)
 *       by kind, and {@code posts} the others, the parsed posts: {@code records = posts +
 *       sum(notPosts) + rejected}. {@code tweets} counts distinct tweet ids among the posts
 *       ({@code tweets <= posts}: a post delivered under two eventIds counts once);
 *       {@code platforms} (the {@code platform} header, {@code unknown} when absent),
 *       {@code topHashtags} and {@code languages} count each distinct tweet once, so
 *       {@code sum(platforms) = sum(languages) = tweets}.</li>
 *   <li>Syslog: {@code topHosts} and {@code topPrograms} count parsed lines by their {@code host}
 *       (HOSTNAME) and {@code program} (TAG without {@code [pid]}, RFC 5424 APP-NAME) headers;
 *       {@code authFailures} counts the parsed lines that are an authentication failure and
 *       {@code topAuthFailureSources} those by source address
 *       ({@link io.sluice.spark.input.AuthFailures}). These three breakdowns are running counts
 *       per key that expire: a host, program or address not seen for
 *       {@code --syslog-key-idle-seconds} (default a day) leaves them and counts from zero when
 *       seen again; {@code lines}, {@code parsed}, {@code rejected} and {@code authFailures} never
 *       expire.</li>
 *   <li>Hourly series on event time, UTC: {@code requestsPerHour} counts parsed log lines by the
 *       hour of their request time ({@code timestamp} header), {@code postsPerHour} distinct tweets
 *       by the hour of their creation time ({@code createdAt} header: v1.1 and X v2
 *       {@code created_at}, Bluesky {@code record.createdAt}), {@code linesPerHour} parsed syslog
 *       lines by the hour of their message time ({@code timestamp}); a key is the hour's start as an
 *       ISO-8601 instant ({@code 2015-05-17T10:00:00Z}), only hours with events appear, and lines
 *       or posts without an event time are in no hour. These are running totals that never expire
 *       (bounded by the hours covered, 24 per day of event time), so a replay of old data lands in
 *       its own hours, exactly.</li>
 *   <li>{@code late} counts what the hourly series counts that arrived behind the pipeline's
 *       watermark (max event time seen in earlier batches minus {@code --allowed-lateness}, see
 *       {@link io.sluice.spark.analytics.EventClock}); a late event is still in every other total
 *       and in its hour.</li>
 *   <li>{@code future} counts what the hourly series would count whose event time is more than
 *       {@code --max-future-seconds} (default a day) ahead of its batch time (a wrong clock, a bogus
 *       year): such an event is in every other running total but in no hour of the series (so bogus
 *       times cannot grow it without bound), moves no watermark and is in no event-time window
 *       ({@link io.sluice.spark.analytics.EventWindows}).</li>
 *   <li>Top lists hold at most {@link Analytics#TOP_N} entries, by count descending then key
 *       ascending; map keys are sorted. Every field is present even before any event arrived.</li>
 * </ul>
 */
public final class Summary {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final long logsParsed;
  private final long logsRejected;
  private final SortedMap<String, Long> statusCounts;
  private final List<Ranked> topEndpoints;
  private final long contentSizeCount;
  private final long contentSizeMin;
  private final long contentSizeMax;
  private final long contentSizeSum;
  private final long tweetRecords;
  private final long tweets;
  private final long tweetsRejected;
  private final List<Ranked> topHashtags;
  private final SortedMap<String, Long> languages;
  private final SortedMap<String, Long> notPosts;
  private final SortedMap<String, Long> platforms;
  private final SortedMap<String, Long> unrouted;
  private final long serverErrors;
  private final List<Ranked> topMentions;
  private final Tally closedSessionDurations;
  private final Tally closedSessionRequests;
  private final Tally openSessionDurations;
  private final Tally openSessionRequests;
  private final long unsessionized;
  private final long syslogParsed;
  private final long syslogRejected;
  private final long authFailures;
  private final List<Ranked> topHosts;
  private final List<Ranked> topPrograms;
  private final List<Ranked> topAuthFailureSources;
  private final SortedMap<String, Long> requestsPerHour;
  private final SortedMap<String, Long> postsPerHour;
  private final SortedMap<String, Long> linesPerHour;
  private final long logsLate;
  private final long tweetsLate;
  private final long syslogLate;
  private final long logsFuture;
  private final long tweetsFuture;
  private final long syslogFuture;

  private Summary(Builder b) {
    logsParsed = b.logsParsed;
    logsRejected = b.logsRejected;
    statusCounts = Collections.unmodifiableSortedMap(new TreeMap<>(b.statusCounts));
    topEndpoints = List.copyOf(b.topEndpoints);
    contentSizeCount = b.contentSize == null ? 0 : b.contentSize.count();
    contentSizeMin = b.contentSize == null ? 0 : b.contentSize.min();
    contentSizeMax = b.contentSize == null ? 0 : b.contentSize.max();
    contentSizeSum = b.contentSize == null ? 0 : b.contentSize.sum();
    tweetRecords = b.tweetRecords;
    tweets = b.tweets;
    tweetsRejected = b.tweetsRejected;
    topHashtags = List.copyOf(b.topHashtags);
    languages = Collections.unmodifiableSortedMap(new TreeMap<>(b.languages));
    notPosts = Collections.unmodifiableSortedMap(new TreeMap<>(b.notPosts));
    platforms = Collections.unmodifiableSortedMap(new TreeMap<>(b.platforms));
    unrouted = Collections.unmodifiableSortedMap(new TreeMap<>(b.unrouted));
    serverErrors = b.serverErrors;
    topMentions = List.copyOf(b.topMentions);
    closedSessionDurations = b.closedSessionDurations;
    closedSessionRequests = b.closedSessionRequests;
    openSessionDurations = b.openSessionDurations;
    openSessionRequests = b.openSessionRequests;
    unsessionized = b.unsessionized;
    syslogParsed = b.syslogParsed;
    syslogRejected = b.syslogRejected;
    authFailures = b.authFailures;
    topHosts = List.copyOf(b.topHosts);
    topPrograms = List.copyOf(b.topPrograms);
    topAuthFailureSources = List.copyOf(b.topAuthFailureSources);
    requestsPerHour = Collections.unmodifiableSortedMap(new TreeMap<>(b.requestsPerHour));
    postsPerHour = Collections.unmodifiableSortedMap(new TreeMap<>(b.postsPerHour));
    linesPerHour = Collections.unmodifiableSortedMap(new TreeMap<>(b.linesPerHour));
    logsLate = b.logsLate;
    tweetsLate = b.tweetsLate;
    syslogLate = b.syslogLate;
    logsFuture = b.logsFuture;
    tweetsFuture = b.tweetsFuture;
    syslogFuture = b.syslogFuture;
  }

  /** All zeros, empty lists and maps: the summary before the first event. */
  public static Summary empty() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public long logLines() {
    return logsParsed + logsRejected;
  }

  public long logsParsed() {
    return logsParsed;
  }

  public long logsRejected() {
    return logsRejected;
  }

  public SortedMap<String, Long> statusCounts() {
    return statusCounts;
  }

  public List<Ranked> topEndpoints() {
    return topEndpoints;
  }

  /** Smallest response size of a parsed line, 0 when none. */
  public long contentSizeMin() {
    return contentSizeMin;
  }

  /** Largest response size of a parsed line, 0 when none. */
  public long contentSizeMax() {
    return contentSizeMax;
  }

  /** Mean response size of parsed lines, 0 when none. */
  public double contentSizeAvg() {
    return contentSizeCount == 0 ? 0.0 : (double) contentSizeSum / contentSizeCount;
  }

  public long tweetRecords() {
    return tweetRecords;
  }

  public long tweets() {
    return tweets;
  }

  public long tweetsRejected() {
    return tweetsRejected;
  }

  public List<Ranked> topHashtags() {
    return topHashtags;
  }

  public SortedMap<String, Long> languages() {
    return languages;
  }

  /** Distinct valid tweet-pipeline events that are not posts, by kind ({@code like}, ...). */
  public SortedMap<String, Long> notPosts() {
    return notPosts;
  }

  /** Distinct parsed posts: {@code records - rejected - sum(notPosts)}. */
  public long tweetPosts() {
    long notPostCount = 0;
    for (long n : notPosts.values()) {
      notPostCount += n;
    }
    return tweetRecords - tweetsRejected - notPostCount;
  }

  /** Distinct tweets by platform ({@code TWITTER_V1_1}, {@code X_API_V2}, {@code BLUESKY_JETSTREAM}). */
  public SortedMap<String, Long> platforms() {
    return platforms;
  }

  /**
   * Distinct events whose {@code pipeline} header is none of {@code logs}, {@code tweets}, {@code syslog}, by
   * that header ({@code ""} when absent). Not part of {@code summary.json}; the job logs it.
   */
  public SortedMap<String, Long> unrouted() {
    return unrouted;
  }

  /** Parsed log lines with a 5xx status. */
  public long serverErrors() {
    return serverErrors;
  }

  /** 5xx lines over parsed lines, 0 when none. */
  public double errorRate() {
    return logsParsed == 0 ? 0.0 : (double) serverErrors / logsParsed;
  }

  /** Most mentioned users (lower-cased screen names), counting each distinct tweet once. */
  public List<Ranked> topMentions() {
    return topMentions;
  }

  /** Sessions so far, closed and open (see {@link Sessions}). */
  public long sessions() {
    return count(closedSessionDurations) + count(openSessionDurations);
  }

  /** Sessions still open: their client's last request is within the gap of the latest data. */
  public long openSessions() {
    return count(openSessionDurations);
  }

  /** Mean requests per session, closed and open; 0 when none. */
  public double sessionMeanRequests() {
    long n = sessions();
    return n == 0 ? 0.0 : (double) (sum(closedSessionRequests) + sum(openSessionRequests)) / n;
  }

  /** Mean session duration (last minus first request time) in seconds, closed and open; 0 when none. */
  public double sessionMeanDurationSeconds() {
    long n = sessions();
    return n == 0 ? 0.0 : (sum(closedSessionDurations) + sum(openSessionDurations)) / 1000.0 / n;
  }

  /** Parsed lines not assigned to a session (no client address, no timestamp, or late). */
  public long unsessionized() {
    return unsessionized;
  }

  /** Syslog lines, parsed and rejected. */
  public long syslogLines() {
    return syslogParsed + syslogRejected;
  }

  public long syslogParsed() {
    return syslogParsed;
  }

  public long syslogRejected() {
    return syslogRejected;
  }

  /** Parsed syslog lines that are an authentication failure. */
  public long authFailures() {
    return authFailures;
  }

  /** Hosts with the most parsed syslog lines. */
  public List<Ranked> topHosts() {
    return topHosts;
  }

  /** Programs with the most parsed syslog lines. */
  public List<Ranked> topPrograms() {
    return topPrograms;
  }

  /** Source addresses with the most authentication failures. */
  public List<Ranked> topAuthFailureSources() {
    return topAuthFailureSources;
  }

  /** Parsed log lines with a request time by its UTC hour ({@code 2015-05-17T10:00:00Z}), hours ascending. */
  public SortedMap<String, Long> requestsPerHour() {
    return requestsPerHour;
  }

  /** Distinct tweets with a creation time by its UTC hour, hours ascending. */
  public SortedMap<String, Long> postsPerHour() {
    return postsPerHour;
  }

  /** Parsed syslog lines with a message time by its UTC hour, hours ascending. */
  public SortedMap<String, Long> linesPerHour() {
    return linesPerHour;
  }

  /** Parsed log lines that arrived behind the logs watermark ({@link io.sluice.spark.analytics.EventClock}). */
  public long logsLate() {
    return logsLate;
  }

  /** Distinct tweets that arrived behind the tweets watermark. */
  public long tweetsLate() {
    return tweetsLate;
  }

  /** Parsed syslog lines that arrived behind the syslog watermark. */
  public long syslogLate() {
    return syslogLate;
  }

  /** Parsed log lines too far ahead of their batch time ({@code logs.future}). */
  public long logsFuture() {
    return logsFuture;
  }

  /** Distinct tweets too far ahead of their batch time ({@code tweets.future}). */
  public long tweetsFuture() {
    return tweetsFuture;
  }

  /** Parsed syslog lines too far ahead of their batch time ({@code syslog.future}). */
  public long syslogFuture() {
    return syslogFuture;
  }

  private static long count(Tally t) {
    return t == null ? 0 : t.count();
  }

  private static long sum(Tally t) {
    return t == null ? 0 : t.sum();
  }

  /**
   * The {@code summary.json} document: a section per pipeline, every pipeline even when a job
   * analyses one ({@link PipelineAnalytics#summarySection}).
   */
  public ObjectNode toJsonTree() {
    ObjectNode root = JSON.createObjectNode();
    for (PipelineAnalytics p : PipelineAnalytics.values()) {
      root.set(p.id(), p.summarySection(this));
    }
    return root;
  }

  /** {@link #toJsonTree()} as indented UTF-8 text. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(toJsonTree());
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void putCounts(ObjectNode node, Map<String, Long> counts) {
    counts.forEach(node::put);
  }

  public static void putRanked(ArrayNode array, String keyField, List<Ranked> ranked, int limit) {
    for (Ranked r : ranked.subList(0, Math.min(limit, ranked.size()))) {
      array.addObject().put(keyField, r.key()).put("count", r.count());
    }
  }

  @Override
  public String toString() {
    return toJsonTree().toString();
  }

  /** One entry of a top list. */
  public static final class Ranked implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final long count;

    public Ranked(String key, long count) {
      this.key = Objects.requireNonNull(key, "key");
      this.count = count;
    }

    public String key() {
      return key;
    }

    public long count() {
      return count;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Ranked && ((Ranked) o).key.equals(key) && ((Ranked) o).count == count;
    }

    @Override
    public int hashCode() {
      return key.hashCode() * 31 + Long.hashCode(count);
    }

    @Override
    public String toString() {
      return key + "=" + count;
    }
  }

  /** Collects the totals; used by {@link Analytics#summarize}. */
  public static final class Builder {
    private long logsParsed;
    private long logsRejected;
    private final Map<String, Long> statusCounts = new TreeMap<>();
    private List<Ranked> topEndpoints = List.of();
    private Tally contentSize;
    private long tweetRecords;
    private long tweets;
    private long tweetsRejected;
    private List<Ranked> topHashtags = List.of();
    private final Map<String, Long> languages = new TreeMap<>();
    private final Map<String, Long> notPosts = new TreeMap<>();
    private final Map<String, Long> platforms = new TreeMap<>();
    private final Map<String, Long> unrouted = new TreeMap<>();
    private long serverErrors;
    private List<Ranked> topMentions = List.of();
    private Tally closedSessionDurations;
    private Tally closedSessionRequests;
    private Tally openSessionDurations;
    private Tally openSessionRequests;
    private long unsessionized;
    private long syslogParsed;
    private long syslogRejected;
    private long authFailures;
    private List<Ranked> topHosts = List.of();
    private List<Ranked> topPrograms = List.of();
    private List<Ranked> topAuthFailureSources = List.of();
    private final Map<String, Long> requestsPerHour = new TreeMap<>();
    private final Map<String, Long> postsPerHour = new TreeMap<>();
    private final Map<String, Long> linesPerHour = new TreeMap<>();
    private long logsLate;
    private long tweetsLate;
    private long syslogLate;
    private long logsFuture;
    private long tweetsFuture;
    private long syslogFuture;

    /** Adds one running total; breakdown entries and counters alike. */
    public Builder add(Metric metric, Tally tally) {
      long n = tally.count();
      switch (metric.kind()) {
        case LOGS_PARSED: logsParsed += n; break;
        case LOGS_REJECTED: logsRejected += n; break;
        case LOGS_STATUS: statusCounts.merge(metric.name(), n, Long::sum); break;
        case LOGS_CONTENT_SIZE: contentSize = contentSize == null ? tally : contentSize.plus(tally); break;
        case TWEETS_RECORDS: tweetRecords += n; break;
        case TWEETS_REJECTED: tweetsRejected += n; break;
        case TWEETS_DISTINCT: tweets += n; break;
        case TWEETS_LANGUAGE: languages.merge(metric.name(), n, Long::sum); break;
        case UNROUTED: unrouted.merge(metric.name(), n, Long::sum); break;
        case TWEETS_NOT_POST: notPosts.merge(metric.name(), n, Long::sum); break;
        case TWEETS_PLATFORM: platforms.merge(metric.name(), n, Long::sum); break;
        case LOGS_SERVER_ERRORS: serverErrors += n; break;
        case LOGS_SESSION_DURATION: closedSessionDurations = merge(closedSessionDurations, tally); break;
        case LOGS_SESSION_REQUESTS: closedSessionRequests = merge(closedSessionRequests, tally); break;
        case LOGS_OPEN_SESSION_DURATION: openSessionDurations = merge(openSessionDurations, tally); break;
        case LOGS_OPEN_SESSION_REQUESTS: openSessionRequests = merge(openSessionRequests, tally); break;
        case LOGS_UNSESSIONIZED: unsessionized += n; break;
        case SYSLOG_PARSED: syslogParsed += n; break;
        case SYSLOG_REJECTED: syslogRejected += n; break;
        case SYSLOG_AUTH_FAILURES: authFailures += n; break;
        case LOGS_HOUR: requestsPerHour.merge(metric.name(), n, Long::sum); break;
        case TWEETS_HOUR: postsPerHour.merge(metric.name(), n, Long::sum); break;
        case SYSLOG_HOUR: linesPerHour.merge(metric.name(), n, Long::sum); break;
        case LOGS_LATE: logsLate += n; break;
        case TWEETS_LATE: tweetsLate += n; break;
        case SYSLOG_LATE: syslogLate += n; break;
        case LOGS_FUTURE: logsFuture += n; break;
        case TWEETS_FUTURE: tweetsFuture += n; break;
        case SYSLOG_FUTURE: syslogFuture += n; break;
        case LOGS_CLIENT:
        case ARRIVAL_LAG:
        case LOGS_CLIENT_ERRORS:
        case LOGS_CLIENT_BYTES:
        case LOGS_CLIENT_REFERRER:
        case LOGS_CLIENT_AGENT:
        case LOGS_CLIENT_PATH:
          break; // per-window only (heavy clients, client features); not part of the totals
        case LOGS_ENDPOINT:
        case TWEETS_HASHTAG:
        case TWEETS_MENTION:
        case SYSLOG_HOST:
        case SYSLOG_PROGRAM:
        case SYSLOG_AUTH_SOURCE:
          throw new IllegalArgumentException("top-N metric " + metric.kind() + " is set as a list");
        default:
          throw new IllegalArgumentException("unknown metric " + metric.kind());
      }
      return this;
    }

    public Builder topEndpoints(List<Ranked> ranked) {
      topEndpoints = ranked;
      return this;
    }

    public Builder topHashtags(List<Ranked> ranked) {
      topHashtags = ranked;
      return this;
    }

    public Builder topMentions(List<Ranked> ranked) {
      topMentions = ranked;
      return this;
    }

    public Builder topHosts(List<Ranked> ranked) {
      topHosts = ranked;
      return this;
    }

    public Builder topPrograms(List<Ranked> ranked) {
      topPrograms = ranked;
      return this;
    }

    public Builder topAuthFailureSources(List<Ranked> ranked) {
      topAuthFailureSources = ranked;
      return this;
    }

    private static Tally merge(Tally a, Tally b) {
      return a == null ? b : a.plus(b);
    }

    public Summary build() {
      return new Summary(this);
    }
  }
}
