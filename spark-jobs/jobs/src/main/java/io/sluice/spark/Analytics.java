package io.sluice.spark;

import io.sluice.spark.Metric.Kind;
import io.sluice.spark.Summary.Ranked;
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
 * streaming job, which applies them to every micro-batch through {@code transform} /
 * {@code transformToPair} (see {@link AnalyticsStreams}).
 *
 * <p>The computation, per distinct event (by {@code eventId}, see {@link EventRecord}):
 * <ul>
 *   <li>{@link #eventMetrics}: log lines (parsed/rejected, status, endpoint, content size) and
 *       tweet records (records/rejected), keyed by {@link Metric}, pre-summed per key;</li>
 *   <li>{@link #tweetMetrics}: per distinct parsed tweet (by {@code tweetId}): count, language,
 *       each hashtag;</li>
 *   <li>{@link #summarize}: turns totals into a {@link Summary}, collecting only the small
 *       breakdowns and {@code takeOrdered} top-N lists to the driver.</li>
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

  /** Projects header maps (see {@link EventHeaders}) to records. */
  public static JavaRDD<EventRecord> toRecords(JavaRDD<Map<String, String>> headers) {
    return headers.map(EventRecord::fromHeaders);
  }

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
   * {@code LOGS_STATUS}, {@code LOGS_ENDPOINT}, {@code LOGS_CONTENT_SIZE}, {@code TWEETS_RECORDS},
   * {@code TWEETS_REJECTED} and {@code UNROUTED}, summed per key.
   */
  public static JavaPairRDD<Metric, Tally> eventMetrics(JavaRDD<EventRecord> distinctEvents) {
    return distinctEvents.flatMapToPair(Analytics::eventContributions).reduceByKey(Tally::plus);
  }

  /**
   * Per-tweet totals of already deduplicated tweets: {@code TWEETS_DISTINCT},
   * {@code TWEETS_LANGUAGE} and one {@code TWEETS_HASHTAG} per distinct hashtag, summed per key.
   */
  public static JavaPairRDD<Metric, Tally> tweetMetrics(JavaRDD<EventRecord> distinctTweets) {
    return distinctTweets.flatMapToPair(Analytics::tweetContributions).reduceByKey(Tally::plus);
  }

  /** All totals of one self-contained set of events, deduplicated within it. */
  public static JavaPairRDD<Metric, Tally> metrics(JavaRDD<EventRecord> events) {
    // Used twice; the second use re-reads the dedup shuffle's output instead of recomputing it.
    JavaRDD<EventRecord> distinct = distinctEvents(events);
    return eventMetrics(distinct).union(tweetMetrics(distinctTweets(distinct))).reduceByKey(Tally::plus);
  }

  /**
   * The summary of a set of totals. Runs three small jobs on {@code totals} (breakdowns, top
   * endpoints, top hashtags): persist it first unless it is cheap to recompute.
   */
  public static Summary summarize(JavaPairRDD<Metric, Tally> totals, int topN) {
    Summary.Builder summary = Summary.builder();
    for (Tuple2<Metric, Tally> t : totals.filter(t -> !isRanked(t._1().kind())).collect()) {
      summary.add(t._1(), t._2());
    }
    return summary
        .topEndpoints(top(totals, Kind.LOGS_ENDPOINT, topN))
        .topHashtags(top(totals, Kind.TWEETS_HASHTAG, topN))
        .build();
  }

  private static List<Ranked> top(JavaPairRDD<Metric, Tally> totals, Kind kind, int n) {
    return totals.filter(t -> t._1().kind() == kind)
        .map(t -> new Ranked(t._1().name(), t._2().count()))
        .takeOrdered(n, RANKING);
  }

  private static boolean isRanked(Kind kind) {
    return kind == Kind.LOGS_ENDPOINT || kind == Kind.TWEETS_HASHTAG;
  }

  static Iterator<Tuple2<Metric, Tally>> eventContributions(EventRecord e) {
    List<Tuple2<Metric, Tally>> out = new ArrayList<>(4);
    if (e.isLog()) {
      if (e.isRejected()) {
        out.add(count(Metric.of(Kind.LOGS_REJECTED)));
      } else {
        out.add(count(Metric.of(Kind.LOGS_PARSED)));
        if (e.status() != null) {
          out.add(count(Metric.of(Kind.LOGS_STATUS, e.status())));
        }
        if (e.endpoint() != null) {
          out.add(count(Metric.of(Kind.LOGS_ENDPOINT, e.endpoint())));
        }
        if (e.bytes() != EventRecord.NO_BYTES) {
          out.add(new Tuple2<>(Metric.of(Kind.LOGS_CONTENT_SIZE), Tally.of(e.bytes())));
        }
      }
    } else if (e.isTweet()) {
      out.add(count(Metric.of(Kind.TWEETS_RECORDS)));
      if (e.isRejected()) {
        out.add(count(Metric.of(Kind.TWEETS_REJECTED)));
      }
    } else {
      out.add(count(Metric.of(Kind.UNROUTED, e.pipeline() == null ? "" : e.pipeline())));
    }
    return out.iterator();
  }

  static Iterator<Tuple2<Metric, Tally>> tweetContributions(EventRecord tweet) {
    List<Tuple2<Metric, Tally>> out = new ArrayList<>(2 + tweet.hashtagCount());
    out.add(count(Metric.of(Kind.TWEETS_DISTINCT)));
    out.add(count(Metric.of(Kind.TWEETS_LANGUAGE, tweet.lang())));
    for (int i = 0; i < tweet.hashtagCount(); i++) {
      out.add(count(Metric.of(Kind.TWEETS_HASHTAG, tweet.hashtag(i))));
    }
    return out.iterator();
  }

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
