package io.sluice.spark.analytics.ml;

import io.sluice.spark.analytics.Metric;
import io.sluice.spark.analytics.Tally;
import io.sluice.spark.input.EventRecord;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import scala.Tuple2;

/**
 * The behaviour of one client in one tumbling event-time window of the access log, as a
 * {@value #DIMENSIONS}-dimensional vector for {@link AnomalousClients}. A pure function of the
 * window's events: no running statistics, so a vector depends only on its own client and window.
 *
 * <p>Two ways to the same vectors: from the window's records ({@link #of(JavaRDD, long)}), or from
 * the window's aggregated metrics ({@link #ofWindow}), which the streaming job uses: each parsed
 * line adds its {@link #contribute} to the panes of its event-time windows, and a closed
 * window's metrics give its clients' vectors without reading a record again.
 *
 * <p>Input: parsed log records ({@link EventRecord#isParsedLog()}) with a client address and a
 * timestamp (the request time, {@code [%t]} of the combined log format); other records are
 * ignored. A record falls in the window {@code [floor(t / windowMs) * windowMs, + windowMs)}.
 *
 * <p>Features, in this order ({@link #NAMES}); counts are heavy-tailed, so they enter as
 * {@code log10(1 + x)} divided by a fixed scale that maps the usual range onto about [0, 1], the
 * range of the shares. A share is {@code k / (n + 1)} for k of n lines: shrunk towards 0 by one
 * pseudo-line (additive smoothing), so that a single line does not make a share of 1 (one missing
 * favicon is no evidence of a scanner; 100 404s out of 100 are, 0.99). Fixed scales (not a running mean and variance) keep
 * the vectors comparable across windows and the function pure; drift is the model's business
 * (the k-means decay factor).
 * <ol start="0">
 *   <li>{@code requests}: {@code log10(1 + n) / 3}, n the client's parsed lines (1000 requests: 1.0);</li>
 *   <li>{@code errorShare}: smoothed share of responses with a 4xx or 5xx status (RFC 9110, section 15);</li>
 *   <li>{@code distinctPaths}: {@code log10(1 + p) / 3}, p the distinct request paths without query
 *       string ({@link EventRecord#endpoint()});</li>
 *   <li>{@code bytesPerRequest}: {@code log10(1 + b / n) / 6}, b the sum of {@code %b} (a
 *       megabyte per response: 1.0). The mean, not the total: the total is {@code n} times the
 *       mean, and {@code n} already has its feature;</li>
 *   <li>{@code noReferrerShare}: smoothed share of the lines with a {@code referrer} header whose referrer
 *       is {@code -} ({@link EventRecord#hasReferrer()}); 0 when none has the header (common
 *       format);</li>
 *   <li>{@code botAgentShare}: smoothed share of the lines with a {@code userAgent} header whose agent is
 *       bot-like ({@link EventRecord#botAgent()}, {@link io.sluice.spark.input.UserAgents}); 0 when
 *       none has the header.</li>
 * </ol>
 */
public final class ClientFeatures {

  /** Length of every feature vector. */
  public static final int DIMENSIONS = 6;

  /** The features' names, in vector order. */
  public static final List<String> NAMES = List.of(
      "requests", "errorShare", "distinctPaths", "bytesPerRequest", "noReferrerShare", "botAgentShare");

  private ClientFeatures() {}

  /**
   * One feature vector per (client, window) of {@code records}; nothing for a window in which the
   * client sent no parsed line.
   *
   * @param windowMs the tumbling window's length, milliseconds, positive
   * @throws IllegalArgumentException when {@code windowMs} is not positive
   */
  public static JavaPairRDD<ClientWindow, Vector> of(JavaRDD<EventRecord> records, long windowMs) {
    checkWindow(windowMs);
    return records.filter(ClientFeatures::counts)
        .mapToPair(r -> new Tuple2<>(keyOf(r, windowMs), r))
        .aggregateByKey(new Counts(), Counts::add, Counts::merge)
        .mapValues(Counts::vector);
  }

  /** {@link #of(JavaRDD, long)} over a collection, in the driver; ordered by window, then client. */
  public static Map<ClientWindow, Vector> of(Collection<EventRecord> records, long windowMs) {
    checkWindow(windowMs);
    Map<ClientWindow, Counts> counts = new TreeMap<>();
    for (EventRecord r : records) {
      if (counts(r)) {
        counts.computeIfAbsent(keyOf(r, windowMs), k -> new Counts()).add(r);
      }
    }
    Map<ClientWindow, Vector> vectors = new TreeMap<>();
    counts.forEach((k, c) -> vectors.put(k, c.vector()));
    return vectors;
  }

  /**
   * What one record adds to its windows' metrics for the features, besides the
   * {@code LOGS_CLIENT} count (requests per client) that every logs window has: one
   * {@code LOGS_CLIENT_PATH} (client and path), and as they apply {@code LOGS_CLIENT_ERRORS},
   * {@code LOGS_CLIENT_BYTES}, {@code LOGS_CLIENT_REFERRER} and {@code LOGS_CLIENT_AGENT}, all
   * named by the client address (see {@link Metric.Kind}), each given to {@code out} in that
   * order as it is made (no list: the streaming job calls this for every parsed line). Nothing for
   * a record that has no vector (not a parsed line, no client address or no time).
   */
  public static void contribute(EventRecord r, BiConsumer<Metric, Tally> out) {
    if (!counts(r)) {
      return;
    }
    String ip = r.clientIp();
    if (isError(r.status())) {
      out.accept(Metric.of(Metric.Kind.LOGS_CLIENT_ERRORS, ip), Tally.one());
    }
    if (r.bytes() != EventRecord.NO_BYTES) {
      out.accept(Metric.of(Metric.Kind.LOGS_CLIENT_BYTES, ip), Tally.of(r.bytes()));
    }
    if (r.endpoint() != null) {
      out.accept(Metric.of(Metric.Kind.LOGS_CLIENT_PATH, ip + ' ' + r.endpoint()), Tally.one());
    }
    if (r.hasReferrer() != null) {
      out.accept(Metric.of(Metric.Kind.LOGS_CLIENT_REFERRER, ip), Tally.of(r.hasReferrer() ? 0 : 1));
    }
    if (r.botAgent() != null) {
      out.accept(Metric.of(Metric.Kind.LOGS_CLIENT_AGENT, ip), Tally.of(r.botAgent() ? 1 : 0));
    }
  }

  /** {@link #contribute}'s metrics of one record as (metric, tally) pairs, in the same order. */
  public static java.util.Iterator<Tuple2<Metric, Tally>> contributions(EventRecord r) {
    List<Tuple2<Metric, Tally>> out = new ArrayList<>(5);
    contribute(r, (m, t) -> out.add(new Tuple2<>(m, t)));
    return out.iterator();
  }

  /**
   * The vectors of one window from its metrics: the {@code LOGS_CLIENT} counts and the
   * {@link #contribute} of its records, summed per metric (as an event-time window holds them);
   * other metrics are ignored. Equal to {@link #of(Collection, long)} over the window's records.
   * Ordered by client.
   *
   * @param windowStartMs the window's start, epoch milliseconds: the key's
   */
  public static Map<ClientWindow, Vector> ofWindow(Iterable<Tuple2<Metric, Tally>> metrics, long windowStartMs) {
    // requests, errors, paths, bytes, referrerKnown, noReferrer, agentKnown, botAgent
    Map<String, long[]> byClient = new TreeMap<>();
    for (Tuple2<Metric, Tally> t : metrics) {
      Metric m = t._1();
      Tally v = t._2();
      switch (m.kind()) {
        case LOGS_CLIENT:
          byClient.computeIfAbsent(m.name(), k -> new long[8])[0] += v.count();
          break;
        case LOGS_CLIENT_ERRORS:
          byClient.computeIfAbsent(m.name(), k -> new long[8])[1] += v.count();
          break;
        case LOGS_CLIENT_PATH:
          byClient.computeIfAbsent(m.name().substring(0, m.name().indexOf(' ')), k -> new long[8])[2]++;
          break;
        case LOGS_CLIENT_BYTES:
          byClient.computeIfAbsent(m.name(), k -> new long[8])[3] += v.sum();
          break;
        case LOGS_CLIENT_REFERRER: {
          long[] c = byClient.computeIfAbsent(m.name(), k -> new long[8]);
          c[4] += v.count();
          c[5] += v.sum();
          break;
        }
        case LOGS_CLIENT_AGENT: {
          long[] c = byClient.computeIfAbsent(m.name(), k -> new long[8]);
          c[6] += v.count();
          c[7] += v.sum();
          break;
        }
        default:
          break;
      }
    }
    Map<ClientWindow, Vector> vectors = new TreeMap<>();
    byClient.forEach((ip, c) -> {
      if (c[0] > 0) {
        vectors.put(new ClientWindow(ip, windowStartMs), vector(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]));
      }
    });
    return vectors;
  }

  /** The feature vector of counts (see the class comment). */
  static Vector vector(long requests, long errors, long paths, long bytes, long referrerKnown, long noReferrer,
      long agentKnown, long botAgent) {
    double n = Math.max(requests, 1);
    return Vectors.dense(
        Math.log10(1 + requests) / 3,
        share(errors, requests),
        Math.log10(1 + paths) / 3,
        Math.log10(1 + bytes / n) / 6,
        share(noReferrer, referrerKnown),
        share(botAgent, agentKnown));
  }

  /** {@code k / (n + 1)}: 0 for n = 0. */
  private static double share(long k, long n) {
    return k / (n + 1.0);
  }

  /** The window start of {@code timestampMs}: {@code floorDiv(t, windowMs) * windowMs}. */
  public static long windowStart(long timestampMs, long windowMs) {
    return Math.floorDiv(timestampMs, windowMs) * windowMs;
  }

  private static boolean counts(EventRecord r) {
    return r.isParsedLog() && r.clientIp() != null && r.timestampMs() != EventRecord.NO_TIME;
  }

  private static ClientWindow keyOf(EventRecord r, long windowMs) {
    return new ClientWindow(r.clientIp(), windowStart(r.timestampMs(), windowMs));
  }

  private static void checkWindow(long windowMs) {
    if (windowMs <= 0) {
      throw new IllegalArgumentException("ClientFeatures: windowMs must be positive, got " + windowMs);
    }
  }

  /** True for a status 400-599. */
  static boolean isError(String status) {
    return status != null && status.length() == 3 && (status.charAt(0) == '4' || status.charAt(0) == '5');
  }

  /** The running counts of one client in one window; mutable, merged by {@link #of}. */
  static final class Counts implements Serializable {

    private static final long serialVersionUID = 1L;

    long requests;
    long errors;
    long bytes;
    Set<String> paths = new HashSet<>();
    long referrerKnown;
    long noReferrer;
    long agentKnown;
    long botAgent;

    Counts add(EventRecord r) {
      requests++;
      if (isError(r.status())) {
        errors++;
      }
      if (r.bytes() != EventRecord.NO_BYTES) {
        bytes += r.bytes();
      }
      if (r.endpoint() != null) {
        paths.add(r.endpoint());
      }
      if (r.hasReferrer() != null) {
        referrerKnown++;
        if (!r.hasReferrer()) {
          noReferrer++;
        }
      }
      if (r.botAgent() != null) {
        agentKnown++;
        if (r.botAgent()) {
          botAgent++;
        }
      }
      return this;
    }

    Counts merge(Counts o) {
      requests += o.requests;
      errors += o.errors;
      bytes += o.bytes;
      paths.addAll(o.paths);
      referrerKnown += o.referrerKnown;
      noReferrer += o.noReferrer;
      agentKnown += o.agentKnown;
      botAgent += o.botAgent;
      return this;
    }

    Vector vector() {
      return ClientFeatures.vector(requests, errors, paths.size(), bytes, referrerKnown, noReferrer, agentKnown,
          botAgent);
    }
  }
}
