package io.sluice.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ContractTest {

  @Test
  void pipelinesNameTheirTopicsAndAgentFiles() {
    assertThat(Pipeline.LOGS.eventsTopic()).isEqualTo("sluice-logs");
    assertThat(Pipeline.LOGS.rejectsTopic()).isEqualTo("sluice-logs-rejects");
    assertThat(Pipeline.TWEETS.agentFile()).isEqualTo("tweets-agent.properties");
    assertThat(Pipeline.LOGS.countField()).isEqualTo("lines");
    assertThat(Pipeline.TWEETS.countField()).isEqualTo("records");
    assertThat(Pipeline.TWEETS.totalsFile()).isEqualTo("tweets-totals.json");
    assertThat(Pipeline.of("Tweets")).isSameAs(Pipeline.TWEETS);
    assertThat(Pipeline.SYSLOG.agentFile()).isEqualTo("syslog-agent.properties");
    assertThat(Pipeline.SYSLOG.countField()).isEqualTo("lines");
    assertThatThrownBy(() -> Pipeline.of("posts")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown pipeline 'posts' (expected logs, tweets or syslog)");
  }

  @Test
  void rejectCodesAreDistinctAndEachSetIsTheDocumentedOne() {
    assertThat(Arrays.stream(RejectReason.values()).map(RejectReason::code).distinct().count())
        .isEqualTo(RejectReason.values().length);
    assertThat(RejectReason.ACCESS_LOG.stream().map(RejectReason::code).collect(Collectors.joining(",")))
        .isEqualTo("empty-line,missing-field,unterminated-quote,unterminated-bracket,bad-timestamp,"
            + "bad-request,bad-status,bad-bytes,trailing-garbage");
    assertThat(RejectReason.POST.stream().map(RejectReason::code).collect(Collectors.joining(",")))
        .isEqualTo("empty-record,invalid-json,not-a-status,missing-id,multiple-posts");
    assertThat(RejectReason.codes(RejectReason.X_STREAM)).containsExactly("invalid-json", "missing-id",
        "unexpected-message");
    assertThat(RejectReason.codes(RejectReason.ZEROMQ)).containsExactly("line-too-long", "unexpected-message");
    assertThat(RejectReason.JETSTREAM).containsExactly(RejectReason.MISSING_FIELD, RejectReason.INVALID_JSON);
    assertThat(RejectReason.codes(RejectReason.SYSLOG)).containsExactly("empty-line", "missing-field",
        "bad-timestamp", "bad-priority");
    assertThat(RejectReason.X_STREAM).containsExactly(RejectReason.INVALID_JSON, RejectReason.MISSING_ID,
        RejectReason.UNEXPECTED_MESSAGE);
  }

  @Test
  void notPostKindsAreTheDocumentedClosedSet() {
    assertThat(NotPostKind.codes()).containsExactly("like", "repost", "follow", "block", "profile",
        "delete", "identity", "account", "other");
    assertThat(EventHeaders.NOT_POST).isEqualTo("notPost");
    assertThat(EventHeaders.PLATFORM).isEqualTo("platform");
  }
}
