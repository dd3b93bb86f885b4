package io.sluice.contract;

import java.util.Locale;

/**
 * The analytics pipelines: the value of the {@link EventHeaders#PIPELINE} header, and the Kafka
 * topics of the packaged agent for that pipeline ({@code agents/<id>-agent.properties}): the Kafka
 * channel of its events and the one of its dead letter.
 */
public enum Pipeline {
  /** Web-server access logs (Apache combined log format). */
  LOGS("logs", "lines"),
  /**
   * Social posts, whatever the platform: Twitter v1.1 statuses, X API v2 Posts, Bluesky posts
   * (live or replayed); {@link EventHeaders#PLATFORM} tells them apart.
   */
  TWEETS("tweets", "records"),
  /** Syslog messages (RFC 3164 and RFC 5424), e.g. {@code /var/log/auth.log}. */
  SYSLOG("syslog", "lines");

  private final String id;
  private final String countField;

  Pipeline(String id, String countField) {
    this.id = id;
    this.countField = countField;
  }

  /**
   * The pipeline's name in headers, options, agent file names and output files.
   *
   * @return e.g. {@code logs}
   */
  public String id() {
    return id;
  }

  /**
   * The Kafka channel topic of the pipeline's parsed events.
   *
   * @return {@code sluice-<id>}
   */
  public String eventsTopic() {
    return "sluice-" + id;
  }

  /**
   * The Kafka channel topic of the pipeline's dead letter (rejected events, with their reasons).
   *
   * @return {@code sluice-<id>-rejects}
   */
  public String rejectsTopic() {
    return eventsTopic() + "-rejects";
  }

  /**
   * The field of the pipeline's section of the Spark job's {@code summary.json}, and of its
   * per-batch {@link #totalsFile()}, that counts every event the job read: parsed plus rejected.
   *
   * @return {@code lines} (logs, syslog) or {@code records} (tweets)
   */
  public String countField() {
    return countField;
  }

  /**
   * The Spark job's per-batch running totals file, under {@code OUT/batches/<batch time>/}.
   *
   * @return {@code <id>-totals.json}
   */
  public String totalsFile() {
    return id + "-totals.json";
  }

  /**
   * The packaged agent configuration of the pipeline.
   *
   * @return {@code <id>-agent.properties}
   */
  public String agentFile() {
    return id + "-agent.properties";
  }

  /**
   * The pipeline with this {@link #id()}.
   *
   * @param id a pipeline id, case-insensitive
   * @return the pipeline
   * @throws IllegalArgumentException when no pipeline has this id
   */
  public static Pipeline of(String id) {
    for (Pipeline p : values()) {
      if (p.id.equals(id.toLowerCase(Locale.ROOT))) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown pipeline '" + id + "' (expected logs, tweets or syslog)");
  }

  @Override
  public String toString() {
    return id;
  }
}
