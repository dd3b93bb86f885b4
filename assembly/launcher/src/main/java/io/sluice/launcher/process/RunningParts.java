package io.sluice.launcher.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.stream.Stream;

/**
 * The parts a command started (broker, agents, Spark jobs), stopped last-started first: at the end
 * of the command, on failure and from its shutdown hook on Ctrl-C. Safe to call from both.
 */
public final class RunningParts {

  private final Deque<AutoCloseable> parts = new ArrayDeque<>();

  /** Remembers {@code part} for {@link #stopAll()}; returns it. */
  public synchronized <T extends AutoCloseable> T add(T part) {
    parts.push(part);
    return part;
  }

  /** Closes every part, the last started first; a part that fails to stop is reported on stderr. */
  public synchronized void stopAll() {
    while (!parts.isEmpty()) {
      try {
        parts.pop().close();
      } catch (Exception e) {
        System.err.println("while stopping: " + e);
      }
    }
  }

  /** Deletes {@code p} and everything below it; nothing when it does not exist. */
  public static void deleteTree(Path p) throws IOException {
    if (Files.exists(p)) {
      try (Stream<Path> walk = Files.walk(p)) {
        for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(q);
        }
      }
    }
  }
}
