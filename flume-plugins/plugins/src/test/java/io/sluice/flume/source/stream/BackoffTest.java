package io.sluice.flume.source.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The schedules of X's "Handling disconnections" guide. */
class BackoffTest {

  @Test
  void linearAdds250MillisecondsPerFailureUpTo16Seconds() {
    Backoff backoff = Backoff.linear(250, 16_000);

    List<Long> delays = delays(backoff, 66);

    assertThat(delays.subList(0, 4)).containsExactly(250L, 500L, 750L, 1_000L);
    assertThat(delays.get(63)).isEqualTo(16_000L);
    assertThat(delays.get(65)).isEqualTo(16_000L);
  }

  @Test
  void exponentialDoublesFromFiveSecondsUpTo320Seconds() {
    assertThat(delays(Backoff.exponential(5_000, 320_000), 9))
        .containsExactly(5_000L, 10_000L, 20_000L, 40_000L, 80_000L, 160_000L, 320_000L,
            320_000L, 320_000L);
  }

  @Test
  void exponentialFromOneMinuteForRateLimits() {
    assertThat(delays(Backoff.exponential(60_000, 960_000), 6))
        .containsExactly(60_000L, 120_000L, 240_000L, 480_000L, 960_000L, 960_000L);
  }

  @Test
  void staysAtTheCapForeverWithoutOverflowing() {
    Backoff backoff = Backoff.exponential(1, Long.MAX_VALUE / 2);
    List<Long> delays = delays(backoff, 200);
    assertThat(delays).allSatisfy(delay -> assertThat(delay).isPositive());
    assertThat(delays.get(199)).isEqualTo(Long.MAX_VALUE / 2);
  }

  @Test
  void resetStartsOverFromTheFirstDelay() {
    Backoff backoff = Backoff.exponential(100, 1_000);
    delays(backoff, 3);

    backoff.reset();

    assertThat(backoff.nextDelayMs()).isEqualTo(100);
    assertThat(backoff.failures()).isEqualTo(1);
  }

  @Test
  void rejectsACapBelowTheFirstDelay() {
    assertThatThrownBy(() -> Backoff.linear(500, 100))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static List<Long> delays(Backoff backoff, int count) {
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      delays.add(backoff.nextDelayMs());
    }
    return delays;
  }
}
