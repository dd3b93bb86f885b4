package io.sluice.flume.source.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.Shard;

class ShardAssignmentTest {

  private static Shard shard(String id, String parent, String adjacentParent) {
    return Shard.builder().shardId(id).parentShardId(parent)
        .adjacentParentShardId(adjacentParent).build();
  }

  private static String id(int n) {
    return String.format("shardId-%012d", n);
  }

  @Test
  void splitsEveryRootShardAmongTheAgentsByTheHashOfItsId() {
    Map<String, Shard> shards = new LinkedHashMap<>();
    for (int n = 0; n < 4; n++) {
      shards.put(id(n), shard(id(n), null, null));
    }
    List<String> first = ShardAssignment.parse("0/2").owned(shards);
    List<String> second = ShardAssignment.parse("1/2").owned(shards);
    // String.hashCode of ids that differ in their last digit alternates in parity.
    assertThat(first).containsExactly(id(0), id(2));
    assertThat(second).containsExactly(id(1), id(3));
    assertThat(ShardAssignment.parse("0/1").owned(shards)).containsExactlyElementsOf(
        shards.keySet());
  }

  @Test
  void keepsTheChildrenOfASplitWithTheAgentOfTheirParent() {
    Map<String, Shard> shards = new LinkedHashMap<>();
    shards.put(id(0), shard(id(0), null, null));
    shards.put(id(1), shard(id(1), null, null));
    // shardId-0 split into 2 and 3; 3 split again into 4 and 5.
    shards.put(id(2), shard(id(2), id(0), null));
    shards.put(id(3), shard(id(3), id(0), null));
    shards.put(id(4), shard(id(4), id(3), null));
    shards.put(id(5), shard(id(5), id(3), null));
    assertThat(ShardAssignment.parse("0/2").owned(shards))
        .containsExactly(id(0), id(2), id(3), id(4), id(5));
    assertThat(ShardAssignment.parse("1/2").owned(shards)).containsExactly(id(1));
    // Once the parent 0 is past retention (no longer listed), its children are roots again.
    shards.remove(id(0));
    assertThat(ShardAssignment.root(id(5), shards)).isEqualTo(id(3));
    assertThat(ShardAssignment.root(id(2), shards)).isEqualTo(id(2));
  }

  @Test
  void givesEveryShardToExactlyOneAgent() {
    Map<String, Shard> shards = new LinkedHashMap<>();
    for (int n = 0; n < 50; n++) {
      shards.put(id(n), shard(id(n), n >= 10 ? id(n / 5) : null, null));
    }
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      all.addAll(ShardAssignment.parse(i + "/3").owned(shards));
    }
    assertThat(all).hasSize(50).containsExactlyInAnyOrderElementsOf(shards.keySet());
  }

  @Test
  void rejectsAnIndexOutsideTheCount() {
    assertThatThrownBy(() -> ShardAssignment.parse("3/3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected i/n with 0 <= i < n, got 3/3");
  }
}
