package io.sluice.spark.analytics;

import io.sluice.spark.analytics.Metric.Kind;
import io.sluice.spark.input.EventRecord;
import io.sluice.spark.output.Summary.Ranked;
import io.sluice.spark.output.Summary;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * The analytics as pure functions from RDD to RDD, shared by batch use (tests, replays) and the
 * streaming job, which applies them to every micro-batch or window through {@code transform} /
 * {@code transformToPair} (see {@link AnalyticsStreams}).
 *
 * <p>The computation, per distinct event (by {@code eventId}, see {@link EventRecord}):
 * <ul>
 *   <li>{@link #eventMetrics}: log lines (parsed/rejected, status, 5xx, endpoint, content size),
 *       tweet records (records/rejected/not-posts by kind) and syslog lines (parsed/rejected, host,
 *       program, authentication failures and their source addresses), keyed by {@link Metric}, pre-summed
 *       per key;</li>
 *   <li>{@link #tweetMetrics}: per distinct parsed tweet (by {@code tweetId}): count, language,
 *       platform, each hashtag, each mentioned user;</li>
 *   <li>{@link #logWindowMetrics}: {@link #eventMetrics} of log lines plus requests per client,
 *       for one window; {@link Window} (heavy clients) and {@link #errorRateAlerts} read it;</li>
 *   <li>{@link #requestTimesByClient} and {@link #sessionMetrics}: sessions per client address
 *       (see {@link Sessions});</li>
 *   <li>{@link #summarize}: turns totals into a {@link Summary} in one pass, collecting only the
 *       small breakdowns and per-partition top-N lists to the driver.</li>
 * </ul>
 * Deduplication differs by mode: {@link #distinctEvents} and {@link #distinctTweets} dedupe
 * within one RDD; the streaming job dedupes across batches with {@code mapWithState} instead.
 */
public final class Analytics {

  /** Length of the top lists in the summary. */
  public static final int TOP_N = 10;

  /** Top-list order: count descending, then key ascending, so ties are deterministic. */
  public static final Comparator<Ranked> RANKING = new Ranking();

  private Analytics() {}

  /** One record per {@code eventId} within this RDD (redelivered copies are identical). */
  public static JavaRDD<EventRecord> distinctEvents(JavaRDD<EventRecord> events) {
    return events.mapToPair(e -> new Tuple2<>(e.eventId(), e)).reduceByKey((a, b) -> a).values();
  }

  /** Parsed tweets (not rejected, with a tweet id), keyed by tweet id. */
  public static JavaPairRDD<String, EventRecord> parsedTweetsById(JavaRDD<EventRecord> events) {
    return events.filter(EventRecord::isParsedTweet).mapToPair(e -> new Tuple2<>(e.tweetId(), e));
  }

  /**
   * One record per tweet id among the parsed tweets of {@code distinctEvents}; of several records
   * of the same tweet, the one with the smallest {@code eventId} is kept.
   */
  public static JavaRDD<EventRecord> distinctTweets(JavaRDD<EventRecord> distinctEvents) {
    return parsedTweetsById(distinctEvents)
        .reduceByKey((a, b) -> a.eventId().compareTo(b.eventId()) <= 0 ? a : b)
        .values();
  }

  /**
   * Per-event totals of already deduplicated events: {@code LOGS_PARSED}, {@code LOGS_REJECTED},
   * {@code LOGS_STATUS}, {@code LOGS_SERVER_ERRORS}, {@code LOGS_ENDPOINT},
   * {@code LOGS_CONTENT_SIZE}, {@code LOGS_UNSESSIONIZED} (parsed lines without client address or
   * timestamp), {@code TWEETS_RECORDS}, {@code TWEETS_REJECTED}, {@code TWEETS_NOT_POST},
   * {@code SYSLOG_PARSED}, {@code SYSLOG_REJECTED}, {@code SYSLOG_HOST}, {@code SYSLOG_PROGRAM},
   * {@code SYSLOG_AUTH_FAILURES}, {@code SYSLOG_AUTH_SOURCE}, {@code UNROUTED} and the hourly series
   * {@code LOGS_HOUR} and {@code SYSLOG_HOUR} (parsed lines with an event time, by its UTC hour,
   * {@link #hourOf}), summed per key.
   */
  public static JavaPairRDD<Metric, Tally> eventMetrics(JavaRDD<EventRecord> distinctEvents) {
    return distinctEvents.flatMapToPair(Analytics::eventContributions).reduceByKey(Tally::plus);
  }

  /**
   * Per-tweet totals of already deduplicated tweets: {@code TWEETS_DISTINCT},
   * {@code TWEETS_LANGUAGE}, {@code TWEETS_PLATFORM}, one {@code TWEETS_HASHTAG} per distinct
   * hashtag, one {@code TWEETS_MENTION} per distinct mentioned user and {@code TWEETS_HOUR}, the
   * UTC hour of the tweet's creation time ({@link #hourOf}), summed per key.
   */
  public static JavaPairRDD<Metric, Tally> tweetMetrics(JavaRDD<EventRecord> distinctTweets) {
    return distinctTweets.flatMapToPair(Analytics::tweetContributions).reduceByKey(Tally::plus);
  }

  /**
   * The metrics of one window of already deduplicated events: {@link #eventMetrics} of its log
   * lines plus {@code LOGS_CLIENT}, parsed lines per client address.
   */
  public static JavaPairRDD<Metric, Tally> logWindowMetrics(JavaRDD<EventRecord> distinctEvents) {
    return distinctEvents.filter(EventRecord::isLog)
        .flatMapToPair(Analytics::logWindowContributions)
        .reduceByKey(Tally::plus);
  }

  /**
   * The metrics of one batch's distinct events, each event turned into metrics once: those of
   * {@link #eventMetrics} plus, for parsed log lines with a client address, {@code LOGS_CLIENT}
   * (what {@link #logWindowMetrics} adds for windows). The running totals take all but
   * {@code LOGS_CLIENT}; the logs window takes the kinds of {@link #isLogsWindowKind}.
   */
  public static JavaPairRDD<Metric, Tally> batchMetrics(JavaRDD<EventRecord> distinctEvents) {
    return distinctEvents.flatMapToPair(Analytics::logWindowContributions).reduceByKey(Tally::plus);
  }

  /** Whether metrics of {@code kind} belong to the logs window ({@link #logWindowMetrics} makes only these). */
  public static boolean isLogsWindowKind(Kind kind) {
    switch (kind) {
      case LOGS_PARSED:
      case LOGS_REJECTED:
      case LOGS_STATUS:
      case LOGS_ENDPOINT:
      case LOGS_CONTENT_SIZE:
      case LOGS_SERVER_ERRORS:
      case LOGS_UNSESSIONIZED:
      case LOGS_CLIENT:
        return true;
      default:
        return false;
    }
  }

  /** Whether metrics of {@code kind} belong to the syslog window (every syslog kind). */
  public static boolean isSyslogWindowKind(Kind kind) {
    switch (kind) {
      case SYSLOG_PARSED:
      case SYSLOG_REJECTED:
      case SYSLOG_HOST:
      case SYSLOG_PROGRAM:
      case SYSLOG_AUTH_FAILURES:
      case SYSLOG_AUTH_SOURCE:
        return true;
      default:
        return false;
    }
  }

  /**
   * Whether the running totals keep metrics of {@code kind} for good ({@code updateStateByKey}):
   * the counters and the breakdowns of logs and tweets. Not {@code LOGS_CLIENT} (windows only) nor
   * the syslog breakdowns by host, program and source address, whose running counts are keyed
   * state that expires ({@link #isExpiringTotalKind}).
   */
  public static boolean isRunningTotalKind(Kind kind) {
    return kind != Kind.LOGS_CLIENT && !isExpiringTotalKind(kind) && !isClientFeatureKind(kind);
  }

  /**
   * Whether metrics of {@code kind} are the per-client contributions of the client features
   * ({@link io.sluice.spark.analytics.ml.ClientFeatures#contribute}): {@code LOGS_CLIENT_ERRORS},
   * {@code LOGS_CLIENT_BYTES}, {@code LOGS_CLIENT_REFERRER}, {@code LOGS_CLIENT_AGENT},
   * {@code LOGS_CLIENT_PATH}. Only the event-time logs windows hold them (with the anomaly models
   * on); never the running totals nor the arrival-time windows.
   */
  public static boolean isClientFeatureKind(Kind kind) {
    switch (kind) {
      case LOGS_CLIENT_ERRORS:
      case LOGS_CLIENT_BYTES:
      case LOGS_CLIENT_REFERRER:
      case LOGS_CLIENT_AGENT:
      case LOGS_CLIENT_PATH:
        return true;
      default:
        return false;
    }
  }

  /**
   * Whether the running count of each key of {@code kind} is state that expires once the key has
   * not been seen for {@code --syslog-key-idle-seconds}: syslog hosts, programs and source addresses,
   * whose number grows with the hosts and attackers seen.
   */
  public static boolean isExpiringTotalKind(Kind kind) {
    return kind == Kind.SYSLOG_HOST || kind == Kind.SYSLOG_PROGRAM || kind == Kind.SYSLOG_AUTH_SOURCE;
  }

  /**
   * Request times of parsed log lines with a client address and a timestamp, per client address,
   * sorted ascending: the input of {@link Sessions}.
   */
  public static JavaPairRDD<String, long[]> requestTimesByClient(JavaRDD<EventRecord> distinctEvents) {
    return distinctEvents
        .filter(e -> e.isParsedLog() && e.clientIp() != null && e.timestampMs() != EventRecord.NO_TIME)
        .mapToPair(e -> new Tuple2<>(e.clientIp(), e.timestampMs()))
        .groupByKey()
        .mapValues(Analytics::sortedTimes);
  }

  /**
   * Sessions of a self-contained set of request times ({@link #requestTimesByClient}): each
   * client's last session is reported open ({@code LOGS_OPEN_SESSION_*}), earlier ones closed
   * ({@code LOGS_SESSION_*}), as the streaming job reports them when no state has timed out.
   */
  public static JavaPairRDD<Metric, Tally> sessionMetrics(JavaPairRDD<String, long[]> timesByClient, long gapMs) {
    return timesByClient
        .flatMapToPair(t -> sessionStepContributions(Sessions.advance(null, t._2(), gapMs), true))
        .reduceByKey(Tally::plus);
  }

  /** Metrics of the open sessions in a {@code mapWithState} snapshot: {@code LOGS_OPEN_SESSION_*}. */
  public static JavaPairRDD<Metric, Tally> openSessionMetrics(JavaPairRDD<String, Sessions.Session> openSessions) {
    return openSessions.flatMapToPair(t -> openSessionContributions(t._2()).iterator()).reduceByKey(Tally::plus);
  }

  /** All totals of one self-contained set of events, deduplicated within it, sessions included. */
  public static JavaPairRDD<Metric, Tally> metrics(JavaRDD<EventRecord> events, long sessionGapMs) {
    // Used three times; later uses re-read the dedup shuffle's output instead of recomputing it.
    JavaRDD<EventRecord> distinct = distinctEvents(events);
    return eventMetrics(distinct)
        .union(tweetMetrics(distinctTweets(distinct)))
        .union(sessionMetrics(requestTimesByClient(distinct), sessionGapMs))
        .reduceByKey(Tally::plus);
  }

  /**
   * The summary of a set of totals, with top lists of up to {@code topN} entries. One Spark job:
   * each partition sends its small breakdowns and its own top lists to the driver, which merges them.
   */
  public static Summary summarize(JavaPairRDD<Metric, Tally> totals, int topN) {
    return collect(totals, topN, null, Long.MAX_VALUE).summary();
  }

  /**
   * One pass over {@code metrics}: the summary with top lists of {@code topN}, and the keys of
   * {@code flagged} (logs: {@code LOGS_CLIENT}, syslog: {@code SYSLOG_AUTH_SOURCE}; null: none)
   * counted more than {@code threshold} times (how many, and the {@link Window#LISTED} biggest).
   * One Spark job collecting a small partial result per partition.
   */
  static Collected collect(JavaPairRDD<Metric, Tally> metrics, int topN, Kind flagged, long threshold) {
    Collected all = new Collected(topN, flagged, threshold);
    for (Collected part : metrics.mapPartitions(it -> {
      Collected c = new Collected(topN, flagged, threshold);
      it.forEachRemaining(c::add);
      return List.of(c).iterator();
    }).collect()) {
      all.merge(part);
    }
    return all;
  }

  /** A partial, then merged, one-pass reading of metrics: small breakdowns kept whole, ranked ones as top lists. */
  public static final class Collected implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int topN;
    private final Kind flaggedKind;
    private final long threshold;
    private final List<Tuple2<Metric, Tally>> small = new ArrayList<>();
    private final Map<Kind, java.util.PriorityQueue<Ranked>> top = new java.util.EnumMap<>(Kind.class);
    private final java.util.PriorityQueue<Ranked> flagged = new java.util.PriorityQueue<>(RANKING.reversed());
    private long flaggedCount;
    private final Lag.Histogram lag = new Lag.Histogram();

    Collected(int topN, Kind flaggedKind, long threshold) {
      this.topN = topN;
      this.flaggedKind = flaggedKind;
      this.threshold = threshold;
    }

    void add(Tuple2<Metric, Tally> t) {
      Kind kind = t._1().kind();
      if (kind == Kind.ARRIVAL_LAG) {
        lag.add(t._1(), t._2());
        return;
      }
      if (kind == flaggedKind && t._2().count() > threshold) {
        flaggedCount++;
        offer(flagged, new Ranked(t._1().name(), t._2().count()), Window.LISTED);
      }
      if (isRanked(kind)) {
        offer(top.computeIfAbsent(kind, k -> new java.util.PriorityQueue<>(RANKING.reversed())),
            new Ranked(t._1().name(), t._2().count()), topN);
      } else if (kind != Kind.LOGS_CLIENT && !isClientFeatureKind(kind)) {
        small.add(t);
      }
    }

    void merge(Collected other) {
      small.addAll(other.small);
      other.top.forEach((kind, queue) -> queue.forEach(r ->
          offer(top.computeIfAbsent(kind, k -> new java.util.PriorityQueue<>(RANKING.reversed())), r, topN)));
      other.flagged.forEach(r -> offer(flagged, r, Window.LISTED));
      flaggedCount += other.flaggedCount;
      lag.merge(other.lag);
    }

    /** The arrival lag of the metrics read ({@link Lag}; no events when they hold none). */
    Lag.Histogram lag() {
      return lag;
    }

    /** Keeps the best {@code limit} in {@code q}; the queue's head is the worst kept. */
    private static void offer(java.util.PriorityQueue<Ranked> q, Ranked r, int limit) {
      q.add(r);
      if (q.size() > limit) {
        q.poll();
      }
    }

    List<Ranked> top(Kind kind) {
      return sorted(top.getOrDefault(kind, new java.util.PriorityQueue<>()));
    }

    /** The keys of the flagged kind above the threshold, at most {@link Window#LISTED}, biggest first. */
    List<Ranked> flagged() {
      return sorted(flagged);
    }

    /** How many keys of the flagged kind are above the threshold, listed or not. */
    long flaggedCount() {
      return flaggedCount;
    }

    private static List<Ranked> sorted(java.util.Collection<Ranked> ranked) {
      List<Ranked> list = new ArrayList<>(ranked);
      list.sort(RANKING);
      return list;
    }

    Summary summary() {
      Summary.Builder summary = Summary.builder();
      small.forEach(t -> summary.add(t._1(), t._2()));
      return summary.topEndpoints(top(Kind.LOGS_ENDPOINT)).topHashtags(top(Kind.TWEETS_HASHTAG))
          .topMentions(top(Kind.TWEETS_MENTION)).topHosts(top(Kind.SYSLOG_HOST))
          .topPrograms(top(Kind.SYSLOG_PROGRAM)).topAuthFailureSources(top(Kind.SYSLOG_AUTH_SOURCE)).build();
    }
  }

  /**
   * The error-rate alert of one window: an RDD of one {@link ErrorRateAlert} when the window's parsed
   * requests and 5xx responses in {@code windowMetrics} ({@link #logWindowMetrics}) meet
   * {@code rule}, else an empty RDD.
   */
  public static JavaRDD<ErrorRateAlert> errorRateAlerts(JavaPairRDD<Metric, Tally> windowMetrics, ErrorRateRule rule,
      long windowStartMs, long windowEndMs) {
    return windowMetrics
        .filter(t -> t._1().kind() == Kind.LOGS_PARSED || t._1().kind() == Kind.LOGS_SERVER_ERRORS)
        .mapToPair(t -> new Tuple2<>(0, t._1().kind() == Kind.LOGS_PARSED
            ? new long[] {t._2().count(), 0} : new long[] {0, t._2().count()}))
        .reduceByKey((a, b) -> new long[] {a[0] + b[0], a[1] + b[1]}, 1)
        .flatMap(t -> {
          long requests = t._2()[0];
          long errors = t._2()[1];
          return (rule.fires(requests, errors)
              ? List.of(new ErrorRateAlert(windowStartMs, windowEndMs, requests, errors, rule))
              : List.<ErrorRateAlert>of()).iterator();
        });
  }

  private static boolean isRanked(Kind kind) {
    return kind == Kind.LOGS_ENDPOINT || kind == Kind.TWEETS_HASHTAG || kind == Kind.TWEETS_MENTION
        || kind == Kind.SYSLOG_HOST || kind == Kind.SYSLOG_PROGRAM || kind == Kind.SYSLOG_AUTH_SOURCE;
  }

  private static long[] sortedTimes(Iterable<Long> times) {
    List<Long> list = new ArrayList<>();
    times.forEach(list::add);
    long[] out = new long[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = list.get(i);
    }
    java.util.Arrays.sort(out);
    return out;
  }

  /**
   * Metrics of one session step: closed sessions, late requests and, when {@code openToo}, the
   * session left open.
   */
  static Iterator<Tuple2<Metric, Tally>> sessionStepContributions(Sessions.Step step, boolean openToo) {
    List<Tuple2<Metric, Tally>> out = new ArrayList<>(2 * step.closed().size() + 3);
    for (Sessions.Session s : step.closed()) {
      out.add(new Tuple2<>(Metric.of(Kind.LOGS_SESSION_DURATION), Tally.of(s.durationMs())));
      out.add(new Tuple2<>(Metric.of(Kind.LOGS_SESSION_REQUESTS), Tally.of(s.requests())));
    }
    if (step.late() > 0) {
      out.add(new Tuple2<>(Metric.of(Kind.LOGS_UNSESSIONIZED), Tally.count(step.late())));
    }
    if (openToo && step.open() != null) {
      out.addAll(openSessionContributions(step.open()));
    }
    return out.iterator();
  }

  private static List<Tuple2<Metric, Tally>> openSessionContributions(Sessions.Session open) {
    return List.of(
        new Tuple2<>(Metric.of(Kind.LOGS_OPEN_SESSION_DURATION), Tally.of(open.durationMs())),
        new Tuple2<>(Metric.of(Kind.LOGS_OPEN_SESSION_REQUESTS), Tally.of(open.requests())));
  }

  static Iterator<Tuple2<Metric, Tally>> eventContributions(EventRecord e) {
    List<Tuple2<Metric, Tally>> out = new ArrayList<>(6);
    if (e.isLog()) {
      if (e.isRejected()) {
        out.add(count(Metric.of(Kind.LOGS_REJECTED)));
      } else {
        out.add(count(Metric.of(Kind.LOGS_PARSED)));
        if (e.status() != null) {
          out.add(count(Metric.of(Kind.LOGS_STATUS, e.status())));
        }
        if (e.isServerError()) {
          out.add(count(Metric.of(Kind.LOGS_SERVER_ERRORS)));
        }
        if (e.clientIp() == null || e.timestampMs() == EventRecord.NO_TIME) {
          out.add(count(Metric.of(Kind.LOGS_UNSESSIONIZED)));
        }
        if (e.endpoint() != null) {
          out.add(count(Metric.of(Kind.LOGS_ENDPOINT, e.endpoint())));
        }
        if (e.bytes() != EventRecord.NO_BYTES) {
          out.add(new Tuple2<>(Metric.of(Kind.LOGS_CONTENT_SIZE), Tally.of(e.bytes())));
        }
        if (e.timestampMs() != EventRecord.NO_TIME) {
          out.add(count(Metric.of(Kind.LOGS_HOUR, hourOf(e.timestampMs()))));
        }
      }
    } else if (e.isTweet()) {
      out.add(count(Metric.of(Kind.TWEETS_RECORDS)));
      if (e.isRejected()) {
        out.add(count(Metric.of(Kind.TWEETS_REJECTED)));
      } else if (e.notPost() != null) {
        out.add(count(Metric.of(Kind.TWEETS_NOT_POST, e.notPost())));
      }
    } else if (e.isSyslog()) {
      if (e.isRejected()) {
        out.add(count(Metric.of(Kind.SYSLOG_REJECTED)));
      } else {
        out.add(count(Metric.of(Kind.SYSLOG_PARSED)));
        if (e.host() != null) {
          out.add(count(Metric.of(Kind.SYSLOG_HOST, e.host())));
        }
        if (e.program() != null) {
          out.add(count(Metric.of(Kind.SYSLOG_PROGRAM, e.program())));
        }
        if (e.authFailureSource() != null) {
          out.add(count(Metric.of(Kind.SYSLOG_AUTH_FAILURES)));
          out.add(count(Metric.of(Kind.SYSLOG_AUTH_SOURCE, e.authFailureSource())));
        }
        if (e.timestampMs() != EventRecord.NO_TIME) {
          out.add(count(Metric.of(Kind.SYSLOG_HOUR, hourOf(e.timestampMs()))));
        }
      }
    } else {
      out.add(count(Metric.of(Kind.UNROUTED, e.pipeline() == null ? "" : e.pipeline())));
    }
    return out.iterator();
  }

  static Iterator<Tuple2<Metric, Tally>> tweetContributions(EventRecord tweet) {
    List<Tuple2<Metric, Tally>> out = new ArrayList<>(2 + tweet.hashtagCount() + tweet.mentionCount());
    out.add(count(Metric.of(Kind.TWEETS_DISTINCT)));
    out.add(count(Metric.of(Kind.TWEETS_LANGUAGE, tweet.lang())));
    out.add(count(Metric.of(Kind.TWEETS_PLATFORM, tweet.platform())));
    for (int i = 0; i < tweet.hashtagCount(); i++) {
      out.add(count(Metric.of(Kind.TWEETS_HASHTAG, tweet.hashtag(i))));
    }
    for (int i = 0; i < tweet.mentionCount(); i++) {
      out.add(count(Metric.of(Kind.TWEETS_MENTION, tweet.mention(i))));
    }
    if (tweet.timestampMs() != EventRecord.NO_TIME) {
      out.add(count(Metric.of(Kind.TWEETS_HOUR, hourOf(tweet.timestampMs()))));
    }
    return out.iterator();
  }

  static Iterator<Tuple2<Metric, Tally>> logWindowContributions(EventRecord e) {
    Iterator<Tuple2<Metric, Tally>> base = eventContributions(e);
    if (!e.isParsedLog() || e.clientIp() == null) {
      return base;
    }
    List<Tuple2<Metric, Tally>> out = new ArrayList<>(7);
    base.forEachRemaining(out::add);
    out.add(count(Metric.of(Kind.LOGS_CLIENT, e.clientIp())));
    return out.iterator();
  }

  /**
   * The UTC hour an event time falls in, as an ISO-8601 instant: {@code 2015-05-17T10:00:00Z}. The
   * key of the hourly series ({@code LOGS_HOUR}, {@code TWEETS_HOUR}, {@code SYSLOG_HOUR}); in
   * years 1000 to 9999 these keys sort as their hours do.
   */
  public static String hourOf(long epochMs) {
    return java.time.Instant.ofEpochMilli(Math.floorDiv(epochMs, HOUR_MS) * HOUR_MS).toString();
  }

  private static final long HOUR_MS = 3_600_000L;

  private static Tuple2<Metric, Tally> count(Metric metric) {
    return new Tuple2<>(metric, Tally.one());
  }

  private static final class Ranking implements Comparator<Ranked>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(Ranked a, Ranked b) {
      int byCount = Long.compare(b.count(), a.count());
      return byCount != 0 ? byCount : a.key().compareTo(b.key());
    }
  }
}
