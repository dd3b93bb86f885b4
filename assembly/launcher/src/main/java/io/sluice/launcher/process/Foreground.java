package io.sluice.launcher.process;

import java.time.Duration;

/**
 * Runs a child process in the foreground, the way a service manager expects: waits for it, passes
 * its exit status on, and stops it (SIGTERM, then SIGKILL after a grace period) when the launcher
 * itself is stopped (SIGTERM from systemd, Ctrl-C).
 */
public final class Foreground {

  private Foreground() {}

  /** Waits for {@code process} to exit and returns its exit status. */
  public static int run(ManagedProcess process, Duration grace) throws InterruptedException {
    Thread hook = new Thread(() -> process.stop(grace), "sluice-stop-" + process.name().replace(' ', '-'));
    Runtime.getRuntime().addShutdownHook(hook);
    int rc = process.waitFor();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // Stopped by a signal: the hook is already stopping the child.
    }
    return rc;
  }
}
