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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI variant of {@code sluice bench faults}, from the unpacked tarball: one trial per process
 * (Spark driver, Flume agent, Kafka broker, all three), each a {@code kill -9} mid-stream and a
 * restart, on a short paced replay of the bundled real log. Nothing may be lost or counted twice,
 * and no process may be left behind. The Spark driver's trial runs on both Spark lines.
 */
class FaultsIT {

  @TempDir
  static Path unpacked;

  private static Path home;

  @TempDir
  Path tmp;

  @BeforeAll
  static void unpackTheTarball() throws Exception {
    home = Distribution.unpack(unpacked);
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  void oneKillOfEachProcessLosesNothingAndCountsNothingTwice() throws Exception {
    List<String> lines = faults(List.of(), List.of("spark", "agent", "broker", "all"));
    assertThat(lines).as("the job ran on Spark 2.4.7").anyMatch(l -> l.contains("(Spark line 2)"));
  }

  /**
   * The same on Spark 3.5 ({@code --spark 3}): the driver of the Spark 3 build of the job, pulling
   * with Sluice's own receiver, killed mid-stream and restarted from its checkpoint.
   */
  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void aKilledSpark3DriverRestartedFromItsCheckpointLosesNothingAndCountsNothingTwice() throws Exception {
    List<String> lines = faults(List.of("--spark", "3"), List.of("spark"));
    assertThat(lines).as("the job ran on Spark 3.5").anyMatch(l -> l.contains("(Spark line 3)"));
  }

  /** Runs one trial per process of {@code processes}; returns the printed lines once all passed. */
  private List<String> faults(List<String> options, List<String> processes) throws Exception {
    Path out = tmp.resolve("faults-out");
    Map<String, String> env = new HashMap<>();
    env.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
    List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/sluice").toString(), "bench", "faults"));
    cmd.addAll(options);
    cmd.addAll(List.of("--processes", String.join(",", processes), "--trials", "1", "--events", "20000",
        "--events-per-second", "1000", "--max-restart-delay", "3", "--out", out.toString()));
    Commands.Result bench = Commands.run(Duration.ofMinutes(18), tmp, env, cmd);

    assertThat(bench.exitCode()).as("exit status; output:%n%s", bench.output()).isZero();
    List<String> lines = bench.output().lines().toList();
    List<String> last = lines.subList(Math.max(0, lines.size() - 4), lines.size());
    assertThat(last.subList(0, 3)).as("last lines; output:%n%s", bench.output())
        .containsExactly("fault-trials: " + processes.size(), "events-lost: 0", "events-double-counted: 0");
    assertThat(last.get(3)).matches("max-recovery-seconds: \\d+");
    for (String process : processes) {
      assertThat(lines).as("table row of %s", process)
          .anyMatch(l -> l.matches(process + "\\s+1\\s+0\\s+0\\s+0\\s+.*"));
    }
    assertThat(processesUsing(out)).as("processes left running").isEmpty();
    return lines;
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
