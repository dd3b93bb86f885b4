package io.sluice.flume.source.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TimestampPacerTest {

  private static final long MS = 1_000_000L;

  @Test
  void anchorsTheFirstStampNowAndSchedulesTheOthersByTheirOffsetOverTheSpeedup() {
    RatePacerTest.FakeClock clock = new RatePacerTest.FakeClock();
    TimestampPacer pacer = new TimestampPacer(4, clock);
    long start = clock.now;

    assertThat(pacer.dueNanos(10_000)).isEqualTo(start);
    assertThat(pacer.dueNanos(10_400)).isEqualTo(start + 100 * MS);
    assertThat(pacer.dueNanos(9_000)).as("earlier stamps are due in the past")
        .isEqualTo(start - 250 * MS);
  }

  @Test
  void resetStartsANewScheduleAtTheNextStamp() {
    RatePacerTest.FakeClock clock = new RatePacerTest.FakeClock();
    TimestampPacer pacer = new TimestampPacer(1, clock);
    pacer.dueNanos(0);
    clock.now += 5_000 * MS;

    pacer.reset();

    assertThat(pacer.dueNanos(1_000_000)).isEqualTo(clock.now);
  }

  @Test
  void rejectsASpeedupThatIsNotAPositiveNumber() {
    RatePacerTest.FakeClock clock = new RatePacerTest.FakeClock();
    assertThatThrownBy(() -> new TimestampPacer(0, clock))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TimestampPacer(Double.NaN, clock))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
