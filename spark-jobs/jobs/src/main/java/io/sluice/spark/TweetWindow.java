package io.sluice.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.api.java.JavaPairRDD;

/**
 * The tweet analytics of one window: the distinct tweets (by tweet id) first seen in the window's
 * interval of batch times. Immutable.
 *
 * <p>JSON shape ({@code tweets-window.json} in a batch directory):
 * <pre>
 * {"windowStart": ms, "windowEnd": ms, "windowSeconds": 60,
 *  "tweets": n, "tweetsPerSecond": x,
 *  "topHashtags": [{"hashtag": "tag", "count": n}, ...],
 *  "languages": {"en": n, ...},
 *  "topMentions": [{"user": "screen_name", "count": n}, ...]}
 * </pre>
 * Hashtags and mentions are lower-cased; each tweet counts once per distinct hashtag / user.
 */
public final class TweetWindow {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final long startMs;
  private final long endMs;
  private final Summary totals;
  private final int topN;

  private TweetWindow(long startMs, long endMs, Summary totals, int topN) {
    this.startMs = startMs;
    this.endMs = endMs;
    this.totals = totals;
    this.topN = topN;
  }

  /** Collects one window from its metrics ({@link Analytics#tweetMetrics} of its distinct tweets). */
  public static TweetWindow of(JavaPairRDD<Metric, Tally> windowMetrics, long startMs, long endMs, int topN) {
    return new TweetWindow(startMs, endMs, Analytics.summarize(windowMetrics, topN), topN);
  }

  public long startMs() {
    return startMs;
  }

  public long endMs() {
    return endMs;
  }

  /** The window's counts, in the shape of running totals. */
  public Summary totals() {
    return totals;
  }

  public ObjectNode toJsonTree() {
    ObjectNode w = JSON.createObjectNode();
    w.put("windowStart", startMs);
    w.put("windowEnd", endMs);
    double seconds = (endMs - startMs) / 1000.0;
    w.put("windowSeconds", seconds);
    w.put("tweets", totals.tweets());
    w.put("tweetsPerSecond", seconds > 0 ? totals.tweets() / seconds : 0.0);
    ObjectNode full = totals.tweetsTotalsJson(topN);
    w.set("topHashtags", full.get("topHashtags"));
    w.set("languages", full.get("languages"));
    w.set("topMentions", full.get("topMentions"));
    return w;
  }
}
