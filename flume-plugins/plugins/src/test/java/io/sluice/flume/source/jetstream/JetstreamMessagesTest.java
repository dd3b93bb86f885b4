package io.sluice.flume.source.jetstream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.contract.EventHeaders;
import io.sluice.contract.RejectReason;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Message parsing on the real recorded Jetstream events (in file order). */
class JetstreamMessagesTest {

  private static List<String> golden;
  private final JetstreamMessages all = new JetstreamMessages(Set.of("commit", "identity",
      "account"));

  @BeforeAll
  static void read() throws Exception {
    golden = Files.readAllLines(JetstreamSourceTest.golden(), UTF_8);
  }

  @Test
  void identifiesACommitByRepositoryCollectionKeyAndRevision() {
    JetstreamMessages.Result post = all.parse(golden.get(1), 0);

    assertThat(post.rejected).isNull();
    assertThat(post.timeUs).isEqualTo(1779719009157119L);
    assertThat(post.event.getBody()).isEqualTo(golden.get(1).getBytes(UTF_8));
    assertThat(post.event.getHeaders())
        .containsEntry("eventId",
            "did:plc:q235v55g5unth4zjjdpacfdr/app.bsky.feed.post/3mmoojp4cd223@3mmoojpaqkn2z")
        .containsEntry("collection", "app.bsky.feed.post")
        .containsEntry("operation", "create")
        .containsEntry("timestamp", "1779719009157");
  }

  @Test
  void identifiesIdentityAndAccountEventsByTheirSequenceNumbers() {
    assertThat(all.parse(golden.get(7), 0).event.getHeaders())
        .containsEntry("eventId", "did:plc:g4ut2w5755qxi3fe7mfs72p4#identity@30340180350")
        .doesNotContainKey("collection");
    assertThat(all.parse(golden.get(8), 0).event.getHeaders())
        .containsEntry("eventId", "did:plc:g4ut2w5755qxi3fe7mfs72p4#account@30340180351");
  }

  @Test
  void distinguishesADeleteFromTheCreateOfTheSameRecord() {
    JetstreamMessages.Result delete = all.parse(golden.get(5), 0);

    assertThat(delete.event.getHeaders())
        .containsEntry("operation", "delete")
        .containsEntry("eventId", "did:plc:3xnadku4kemqnycbweqnvgzx/org.hypercerts.claim.activity/"
            + "3mmontn3gnc2e@3mmoojpae7c2e");
  }

  @Test
  void filtersKindsNotAskedForButKeepsTheirTime() {
    JetstreamMessages commitsOnly = new JetstreamMessages(Set.of("commit"));

    JetstreamMessages.Result identity = commitsOnly.parse(golden.get(7), 0);

    assertThat(identity.event).isNull();
    assertThat(identity.rejected).isNull();
    assertThat(identity.timeUs).isEqualTo(1779719010267528L);
  }

  @Test
  void rejectsTrailingContentAfterTheObject() {
    JetstreamMessages.Result result = all.parse(golden.get(0) + " {}", 42);

    assertThat(result.event.getHeaders())
        .containsEntry(EventHeaders.REJECT_REASON, "invalid-json")
        .containsEntry("timestamp", "42");
  }

  @Test
  void rejectsACommitWithoutItsRevision() {
    String withoutRev = golden.get(1).replace("\"rev\":\"3mmoojpaqkn2z\",", "");

    JetstreamMessages.Result result = all.parse(withoutRev, 0);

    assertThat(result.rejected).isEqualTo(RejectReason.MISSING_FIELD);
    assertThat(result.event.getHeaders()).containsEntry("timeUs", "1779719009157119");
  }
}
