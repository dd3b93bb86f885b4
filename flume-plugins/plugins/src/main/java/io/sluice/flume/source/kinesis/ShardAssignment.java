package io.sluice.flume.source.kinesis;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The static shard assignment of {@link KinesisSource} ({@code shardAssignment = i/n}): which
 * shards of a stream agent {@code i} of {@code n} reads.
 *
 * <p>A shard belongs to agent {@code Math.floorMod(root.hashCode(), n)}, where {@code root} is the
 * shard id of its oldest ancestor still in the shard list (following {@code ParentShardId}; a shard
 * without a listed parent is its own root) and {@code hashCode} is {@link String#hashCode()}, whose
 * value the Java language specification fixes, so every agent computes the same owner. Following
 * the lineage keeps the two children of a split with the agent that read their parent, so that
 * agent reads the parent to its end before the children without coordination. The children of a
 * merge follow {@code ParentShardId}; their {@code AdjacentParentShardId} may belong to another
 * agent, which is why agents that share a stream should share the checkpoint directory: the child
 * waits until the other agent's checkpoint of that parent says {@code SHARD_END}.
 *
 * <p>When a parent leaves the shard list (its records are past the stream's retention) a child
 * becomes a root and may change agent; with a shared checkpoint directory the new owner resumes at
 * the child's checkpoint (a few records may be read twice while both agents hold it until their
 * next shard sync). Amazon's Kinesis Client Library (KCL) balances shards with leases in a DynamoDB
 * table instead; this simple scheme needs no table, does not rebalance, and suits a fixed set of
 * agents.
 */
final class ShardAssignment {

  private final int index;
  private final int count;

  private ShardAssignment(int index, int count) {
    this.index = index;
    this.count = count;
  }

  /**
   * Parses {@code i/n}.
   *
   * @param value e.g. {@code 0/1} or {@code 2/3}
   * @return the assignment
   * @throws IllegalArgumentException unless {@code 0 <= i < n}
   */
  static ShardAssignment parse(String value) {
    String[] parts = value.trim().split("/", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException("expected i/n, e.g. 0/2");
    }
    int i;
    int n;
    try {
      i = Integer.parseInt(parts[0].trim());
      n = Integer.parseInt(parts[1].trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected i/n with integers, e.g. 0/2");
    }
    if (n < 1 || i < 0 || i >= n) {
      throw new IllegalArgumentException("expected i/n with 0 <= i < n, got " + i + "/" + n);
    }
    return new ShardAssignment(i, n);
  }

  /** The agent index {@code i}. */
  int index() {
    return index;
  }

  /** The number of agents {@code n}. */
  int count() {
    return count;
  }

  /**
   * The shards of this agent, in the order of the list.
   *
   * @param shards the stream's shard list, by shard id
   * @return the ids of the shards this agent reads
   */
  List<String> owned(Map<String, Shard> shards) {
    List<String> owned = new ArrayList<>();
    for (String id : shards.keySet()) {
      if (owner(root(id, shards)) == index) {
        owned.add(id);
      }
    }
    return owned;
  }

  /** The agent index of a lineage root. */
  int owner(String rootShardId) {
    return Math.floorMod(rootShardId.hashCode(), count);
  }

  /** The oldest listed ancestor of a shard through {@code ParentShardId} (itself if none). */
  static String root(String shardId, Map<String, Shard> shards) {
    String current = shardId;
    Set<String> seen = new HashSet<>();
    while (seen.add(current)) {
      Shard shard = shards.get(current);
      String parent = shard == null ? null : shard.parentShardId();
      if (parent == null || !shards.containsKey(parent)) {
        return current;
      }
      current = parent;
    }
    return current;
  }

  @Override
  public String toString() {
    return index + "/" + count;
  }
}
