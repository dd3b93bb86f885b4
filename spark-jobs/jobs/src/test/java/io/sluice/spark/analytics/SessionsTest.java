package io.sluice.spark.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spark.analytics.Sessions.Session;
import io.sluice.spark.analytics.Sessions.Step;
import org.junit.jupiter.api.Test;

class SessionsTest {

  private static final long GAP = 1_000;

  @Test
  void requestsWithinTheGapExtendOneSession() {
    Step step = Sessions.advance(null, new long[] {0, 1_000, 2_000}, GAP);

    assertThat(step.closed()).isEmpty();
    assertThat(step.open()).isEqualTo(new Session(0, 2_000, 3));
    assertThat(step.open().durationMs()).isEqualTo(2_000);
  }

  @Test
  void aRequestMoreThanTheGapAfterTheLastStartsANewSession() {
    Step step = Sessions.advance(null, new long[] {0, 500, 1_501, 1_600}, GAP);

    assertThat(step.closed()).containsExactly(new Session(0, 500, 2));
    assertThat(step.open()).isEqualTo(new Session(1_501, 1_600, 2));
  }

  @Test
  void continuesTheOpenSessionOfAnEarlierBatch() {
    Step first = Sessions.advance(null, new long[] {0, 800}, GAP);
    Step second = Sessions.advance(first.open(), new long[] {1_700, 5_000}, GAP);

    assertThat(second.closed()).containsExactly(new Session(0, 1_700, 3));
    assertThat(second.open()).isEqualTo(new Session(5_000, 5_000, 1));
  }

  @Test
  void mergesAnOutOfOrderRequestWithinTheGapOfTheOpenSessionsStart() {
    Step step = Sessions.advance(new Session(10_000, 10_500, 2), new long[] {9_200}, GAP);

    assertThat(step.open()).isEqualTo(new Session(9_200, 10_500, 3));
    assertThat(step.late()).isZero();
  }

  @Test
  void countsARequestOlderThanTheOpenSessionByMoreThanTheGapAsLate() {
    Step step = Sessions.advance(new Session(10_000, 10_500, 2), new long[] {8_999, 10_900}, GAP);

    assertThat(step.late()).isEqualTo(1);
    assertThat(step.open()).isEqualTo(new Session(10_000, 10_900, 3));
    assertThat(step.closed()).isEmpty();
  }
}
