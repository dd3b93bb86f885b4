package io.sluice.flume.source.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RatePacerTest {

  private static final long MS = 1_000_000L;

  /** Manual clock: time only moves when the pacer sleeps or the test advances it. */
  static final class FakeClock implements RatePacer.Clock {
    long now = 42 * MS;
    final List<Long> sleeps = new ArrayList<>();

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void sleepNanos(long nanos) {
      sleeps.add(nanos);
      now += nanos;
    }
  }

  @Test
  void grantsEverythingWithoutWaitingWhenUnthrottled() throws InterruptedException {
    FakeClock clock = new FakeClock();
    RatePacer pacer = new RatePacer(0, clock);

    assertThat(pacer.acquire(100)).isEqualTo(100);
    assertThat(pacer.acquire(100)).isEqualTo(100);
    assertThat(clock.sleeps).isEmpty();
  }

  @Test
  void spacesEventsByTheInverseOfTheRate() throws InterruptedException {
    FakeClock clock = new FakeClock();
    RatePacer pacer = new RatePacer(4, clock);

    assertThat(pacer.acquire(10)).isEqualTo(1); // due at once
    assertThat(pacer.acquire(10)).isEqualTo(1);
    assertThat(pacer.acquire(10)).isEqualTo(1);

    assertThat(clock.sleeps).containsExactly(250 * MS, 250 * MS);
  }

  @Test
  void catchesUpAfterAStallInGrantsOfAtMostTheRequestedMaximum() throws InterruptedException {
    FakeClock clock = new FakeClock();
    RatePacer pacer = new RatePacer(10, clock);
    assertThat(pacer.acquire(4)).isEqualTo(1);

    clock.now += 1000 * MS; // stalled for a second: events 1..10 are due

    assertThat(pacer.acquire(4)).isEqualTo(4);
    assertThat(pacer.acquire(4)).isEqualTo(4);
    assertThat(pacer.acquire(4)).isEqualTo(2);
    assertThat(clock.sleeps).isEmpty();
    assertThat(pacer.acquire(4)).isEqualTo(1);
    assertThat(clock.sleeps).containsExactly(100 * MS);
  }

  @Test
  void refundedEventsStayDue() throws InterruptedException {
    FakeClock clock = new FakeClock();
    RatePacer pacer = new RatePacer(1, clock);
    assertThat(pacer.acquire(5)).isEqualTo(1);
    pacer.refund(1);

    assertThat(pacer.acquire(5)).isEqualTo(1);
    assertThat(clock.sleeps).isEmpty();
  }

  @Test
  void rejectsNegativeOrNonFiniteRates() {
    FakeClock clock = new FakeClock();
    assertThatThrownBy(() -> new RatePacer(-1, clock)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RatePacer(Double.NaN, clock))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RatePacer(Double.POSITIVE_INFINITY, clock))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
