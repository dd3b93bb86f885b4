package io.sluice.spark.analytics;

import java.io.Serializable;
import java.util.Objects;

/**
 * Key of one running total: a {@link Kind} and, for the breakdowns (status, endpoint, hashtag,
 * language, unrouted pipeline, syslog host, program and source address, event-time hour), the value broken down by; {@code ""} for plain counters.
 *
 * <p>{@link #hashCode()} is built from {@code kind.ordinal()}, never from the enum's identity hash:
 * Spark partitions keys by hash code, and an identity hash differs between executor JVMs.
 */
public final class Metric implements Serializable {

  private static final long serialVersionUID = 1L;

  /** What a running total counts. Each maps to one field of {@code summary.json}. */
  public enum Kind {
    /** Distinct log events without a rejection header ({@code logs.parsed}). */
    LOGS_PARSED,
    /** Distinct rejected log events ({@code logs.rejected}). */
    LOGS_REJECTED,
    /** Parsed log lines by HTTP status ({@code logs.statusCounts}). */
    LOGS_STATUS,
    /** Parsed log lines by path without query ({@code logs.topEndpoints}). */
    LOGS_ENDPOINT,
    /** Response sizes of parsed log lines: count, sum, min, max ({@code logs.contentSize}). */
    LOGS_CONTENT_SIZE,
    /** Distinct tweet records, parsed or rejected ({@code tweets.records}). */
    TWEETS_RECORDS,
    /** Distinct rejected tweet records ({@code tweets.rejected}). */
    TWEETS_REJECTED,
    /** Distinct tweet ids among parsed tweet records ({@code tweets.tweets}). */
    TWEETS_DISTINCT,
    /** Distinct tweets by hashtag ({@code tweets.topHashtags}). */
    TWEETS_HASHTAG,
    /** Distinct tweets by language ({@code tweets.languages}). */
    TWEETS_LANGUAGE,
    /** Distinct events whose pipeline header is none of logs, tweets, syslog, by that header. */
    UNROUTED,
    /** Parsed log lines with a 5xx status (error rate, alerts). */
    LOGS_SERVER_ERRORS,
    /** Parsed log lines by client address (heavy clients of a window). */
    LOGS_CLIENT,
    /** Closed sessions: a {@link Tally} of their durations in milliseconds (count = sessions). */
    LOGS_SESSION_DURATION,
    /** Closed sessions: a {@link Tally} of their request counts. */
    LOGS_SESSION_REQUESTS,
    /** Open sessions, from a state snapshot: a {@link Tally} of their durations so far, in milliseconds. */
    LOGS_OPEN_SESSION_DURATION,
    /** Open sessions, from a state snapshot: a {@link Tally} of their request counts so far. */
    LOGS_OPEN_SESSION_REQUESTS,
    /** Parsed log lines left out of sessions: no client address, no timestamp, or too late (see {@link Sessions}). */
    LOGS_UNSESSIONIZED,
    /** Distinct tweets by mentioned user (lower-cased screen name). */
    TWEETS_MENTION,
    /** Distinct valid tweet-pipeline events that are not posts, by kind ({@code tweets.notPosts}). */
    TWEETS_NOT_POST,
    /** Distinct tweets by platform ({@code tweets.platforms}). */
    TWEETS_PLATFORM,
    /** Distinct syslog lines without a rejection header ({@code syslog.parsed}). */
    SYSLOG_PARSED,
    /** Distinct rejected syslog lines ({@code syslog.rejected}). */
    SYSLOG_REJECTED,
    /** Parsed syslog lines by {@code host} header ({@code syslog.topHosts}). */
    SYSLOG_HOST,
    /** Parsed syslog lines by {@code program} header ({@code syslog.topPrograms}). */
    SYSLOG_PROGRAM,
    /** Authentication failures ({@code syslog.authFailures}, see {@link io.sluice.spark.input.AuthFailures}). */
    SYSLOG_AUTH_FAILURES,
    /** Authentication failures by source address ({@code syslog.topAuthFailureSources}, brute-force alerts). */
    SYSLOG_AUTH_SOURCE,
    /** Parsed log lines by the UTC hour of their request time, e.g. {@code 2015-05-17T10:00:00Z} ({@code logs.requestsPerHour}). */
    LOGS_HOUR,
    /** Distinct tweets by the UTC hour of their creation time ({@code tweets.postsPerHour}). */
    TWEETS_HOUR,
    /** Parsed syslog lines by the UTC hour of their message time ({@code syslog.linesPerHour}). */
    SYSLOG_HOUR,
    /** Parsed log lines older than the logs watermark when they arrived ({@code logs.late}, see {@link EventClock}). */
    LOGS_LATE,
    /** Distinct tweets older than the tweets watermark when they arrived ({@code tweets.late}). */
    TWEETS_LATE,
    /** Parsed syslog lines older than the syslog watermark when they arrived ({@code syslog.late}). */
    SYSLOG_LATE,
    /**
     * Parsed log lines whose request time is more than {@code --max-future-seconds} ahead of their
     * batch time ({@code logs.future}, see {@link EventWindows}).
     */
    LOGS_FUTURE,
    /** Distinct tweets created more than {@code --max-future-seconds} after their batch time ({@code tweets.future}). */
    TWEETS_FUTURE,
    /** Parsed syslog lines stamped more than {@code --max-future-seconds} after their batch time ({@code syslog.future}). */
    SYSLOG_FUTURE,
    /**
     * Arrival lag of a pipeline's events, one bucket of a log-spaced histogram per name (the bucket
     * index), a {@link Tally} of the lags in milliseconds; arrival-time windows only ({@link Lag}).
     */
    ARRIVAL_LAG,
    /**
     * Parsed log lines with a 4xx or 5xx status by client address: event-time logs windows only,
     * for the client features ({@link io.sluice.spark.analytics.ml.ClientFeatures}).
     */
    LOGS_CLIENT_ERRORS,
    /** Response sizes ({@code %b}) by client address: a {@link Tally} of bytes; event-time logs windows only. */
    LOGS_CLIENT_BYTES,
    /**
     * Lines with a {@code referrer} header by client address, a {@link Tally} of 1 per line without
     * a referrer ({@code -}) and 0 per line with one: count = lines with the header, sum = lines
     * without a referrer; event-time logs windows only.
     */
    LOGS_CLIENT_REFERRER,
    /**
     * Lines with a {@code userAgent} header by client address, a {@link Tally} of 1 per bot-like
     * agent and 0 per other: count = lines with the header, sum = bot-like ones; event-time logs
     * windows only.
     */
    LOGS_CLIENT_AGENT,
    /**
     * Parsed log lines by client address and request path without query, named
     * {@code "<client> <path>"} (an address has no space): the client's distinct paths are its
     * entries; event-time logs windows only.
     */
    LOGS_CLIENT_PATH
  }

  private final Kind kind;
  private final String name;

  private Metric(Kind kind, String name) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.name = Objects.requireNonNull(name, "name");
  }

  /** A plain counter. */
  public static Metric of(Kind kind) {
    return new Metric(kind, "");
  }

  /** One entry of a breakdown. */
  public static Metric of(Kind kind, String name) {
    return new Metric(kind, name);
  }

  public Kind kind() {
    return kind;
  }

  public String name() {
    return name;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Metric)) {
      return false;
    }
    Metric m = (Metric) o;
    return kind == m.kind && name.equals(m.name);
  }

  @Override
  public int hashCode() {
    return 31 * kind.ordinal() + name.hashCode();
  }

  @Override
  public String toString() {
    return name.isEmpty() ? kind.name() : kind + ":" + name;
  }
}
