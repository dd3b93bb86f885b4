package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI variant of {@code sluice bench faults}, from the unpacked tarball: one trial per process
 * (Spark driver, Flume agent, Kafka broker, all three), each a {@code kill -9} mid-stream and a
 * restart, on a short paced replay of the bundled real log. Nothing may be lost or counted twice,
 * and no process may be left behind.
 */
class FaultsIT {

  @TempDir
  Path unpacked;

  @TempDir
  Path tmp;

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void oneKillOfEachProcessLosesNothingAndCountsNothingTwice() throws Exception {
    Path home = Distribution.unpack(unpacked);
    Path out = tmp.resolve("faults-out");
    Map<String, String> env = new HashMap<>();
    env.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
    Commands.Result bench = Commands.run(Duration.ofMinutes(18), tmp, env, List.of(
        home.resolve("bin/sluice").toString(), "bench", "faults", "--trials", "1", "--events", "30000",
        "--events-per-second", "1000", "--max-restart-delay", "5", "--out", out.toString()));

    assertThat(bench.exitCode()).as("exit status; output:%n%s", bench.output()).isZero();
    List<String> lines = bench.output().lines().toList();
    List<String> last = lines.subList(Math.max(0, lines.size() - 4), lines.size());
    assertThat(last.subList(0, 3)).as("last lines; output:%n%s", bench.output())
        .containsExactly("fault-trials: 4", "events-lost: 0", "events-double-counted: 0");
    assertThat(last.get(3)).matches("max-recovery-seconds: \\d+");
    for (String process : List.of("spark", "agent", "broker", "all")) {
      assertThat(lines).as("table row of %s", process)
          .anyMatch(l -> l.matches(process + "\\s+1\\s+0\\s+0\\s+0\\s+.*"));
    }
    assertThat(processesUsing(out)).as("processes left running").isEmpty();
  }

  /** Command lines of running processes that mention {@code dir}. */
  private static List<String> processesUsing(Path dir) throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String cmd = Files.readString(p.resolve("cmdline"), StandardCharsets.UTF_8).replace('\0', ' ');
          if (cmd.contains(dir.toString())) {
            found.add(p.getFileName() + " " + cmd);
          }
        } catch (IOException gone) {
          // exited while listed
        }
      }
    }
    return found;
  }
}
