package io.sluice.contract;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The kinds of events of the {@link Pipeline#TWEETS} pipeline that are valid but not posts, values
 * of the {@link EventHeaders#NOT_POST} header. The post normaliser sets it instead of a reject
 * reason: such an event is not an error, it is counted by kind (the normaliser's
 * {@code EventNotPostCount.<kind>} counters, the Spark job's {@code tweets.notPosts}) and goes on
 * with the posts, never to the dead letter. The set is closed (counters and summaries are keyed
 * on it), so a code is never renamed.
 *
 * <p>Bluesky Jetstream v1 events (github.com/bluesky-social/jetstream, lexicons under
 * {@code app.bsky.*}) map as follows: a commit whose {@code operation} is {@code delete}, of any
 * collection, is {@link #DELETE}; other commits go by {@code collection}; events of kind
 * {@code identity} and {@code account} are {@link #IDENTITY} and {@link #ACCOUNT}; anything else
 * (another collection, a future event kind) is {@link #OTHER}.
 */
public enum NotPostKind {
  /** A commit creating or updating an {@code app.bsky.feed.like} record. */
  LIKE("like"),
  /** A commit creating or updating an {@code app.bsky.feed.repost} record. */
  REPOST("repost"),
  /** A commit creating or updating an {@code app.bsky.graph.follow} record. */
  FOLLOW("follow"),
  /** A commit creating or updating an {@code app.bsky.graph.block} record. */
  BLOCK("block"),
  /** A commit creating or updating an {@code app.bsky.actor.profile} record. */
  PROFILE("profile"),
  /** A commit deleting a record of any collection (a post, a like, ...). */
  DELETE("delete"),
  /** A Jetstream {@code identity} event (handle or DID document change). */
  IDENTITY("identity"),
  /** A Jetstream {@code account} event (account status change). */
  ACCOUNT("account"),
  /** A commit of another collection, or an event of another kind. */
  OTHER("other");

  private final String code;

  NotPostKind(String code) {
    this.code = code;
  }

  /**
   * The value of the {@link EventHeaders#NOT_POST} header.
   *
   * @return e.g. {@code like}
   */
  public String code() {
    return code;
  }

  /**
   * Every code, in declaration order.
   *
   * @return {@code [like, repost, follow, block, profile, delete, identity, account, other]}
   */
  public static List<String> codes() {
    List<String> codes = new ArrayList<>();
    for (NotPostKind k : values()) {
      codes.add(k.code);
    }
    return Collections.unmodifiableList(codes);
  }

  @Override
  public String toString() {
    return code;
  }
}
