package io.sluice.flume.interceptor.post;

import java.util.List;

/**
 * A post as {@link PostParser} reads it; the fields of the Avro {@code Post} record (see
 * {@code Post.avsc} for each field's source per platform).
 *
 * @param platform which API the post came from
 * @param id the tweet id, or the Bluesky AT URI
 * @param createdAtMs creation time in epoch milliseconds, or null
 * @param authorId the author's id or DID, or null
 * @param authorHandle the author's handle, or null
 * @param text the full text
 * @param lang the language, {@code und} when unknown
 * @param hashtags distinct lower-case hashtags in first-seen order
 */
record NormalizedPost(
    Platform platform,
    String id,
    Long createdAtMs,
    String authorId,
    String authorHandle,
    String text,
    String lang,
    List<String> hashtags) {

  /** The input formats, named as the Avro enum's symbols. */
  enum Platform {
    /** Twitter API v1.1 status object. */
    TWITTER_V1_1,
    /** X API v2 Post object. */
    X_API_V2,
    /** Bluesky Jetstream v1 commit event of an {@code app.bsky.feed.post} record. */
    BLUESKY_JETSTREAM
  }
}
