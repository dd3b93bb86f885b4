package io.sluice.launcher.process;

import io.sluice.launcher.LaunchException;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or a deadline passes. */
public final class Deadline {

  private Deadline() {}

  /**
   * Polls {@code condition} every {@code every} until it is true; fails with {@code failure} when
   * {@code timeout} passes first or when {@code stillAlive} turns false.
   */
  public static void await(BooleanSupplier condition, BooleanSupplier stillAlive, Duration timeout, Duration every,
      java.util.function.Supplier<String> failure) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (!stillAlive.getAsBoolean() || System.nanoTime() > end) {
        throw new LaunchException(failure.get());
      }
      Thread.sleep(every.toMillis());
    }
  }
}
