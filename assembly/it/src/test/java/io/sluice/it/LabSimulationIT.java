package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Vagrant lab, simulated on this machine (no hypervisor in CI): {@code vagrant/sim/lab-sim.sh}
 * gives each VM of the Vagrantfile a network namespace with the VM's address on one bridge, and runs
 * the lab's own role scripts ({@code vagrant/provision.sh ROLE}) and systemd units in them, from the
 * distribution tarball. The pipeline then runs across the machines: the Flume agents in {@code flume}
 * put into the broker in {@code kafka}, the AnalyticsJob on the standalone cluster in {@code spark}
 * pulls from {@code flume}'s address and checkpoints to HDFS in {@code hdfs}, where its summary is
 * published. The summary read back from HDFS must equal {@link IndependentCounts} of the replayed
 * files; a second provisioning must change nothing; everything is torn down, also on failure.
 */
class LabSimulationIT {

  private static final Path REPO = Path.of(System.getProperty("sluice.repo")).toAbsolutePath().normalize();
  private static final Path LAB_SIM = REPO.resolve("vagrant/sim/lab-sim.sh");
  private static final Path TARBALL = Path.of(System.getProperty("sluice.tarball"));
  private static final List<String> MACHINES = List.of("hdfs", "kafka", "flume", "spark");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path work;

  @Test
  void pipelineRunsAcrossTheSimulatedMachinesAndReprovisioningChangesNothing() throws Exception {
    assertThat(TARBALL).as("the distribution tarball (mvn package builds it)").isRegularFile();
    Commands.ensureDebianPackages(REPO, "iproute2");
    assertThat(runningAsRoot()).as("network namespaces need root: run the lab simulation as root").isTrue();
    Properties lab = labEnv();
    // Unique per run: concurrent or leftover simulations never share a namespace, link or bridge.
    // Labs of earlier runs that were killed before their cleanup are removed first.
    Commands.Result gc = labSim(Duration.ofMinutes(2), "gc", "slit");
    assertThat(gc.exitCode()).as("lab-sim.sh gc: %s", gc.output()).isZero();
    String prefix = "slit" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 5);
    try {
      long t0 = System.nanoTime();
      Commands.Result up = labSim(Duration.ofMinutes(6), "up", prefix, work.toString(), TARBALL.toString());
      assertThat(up.exitCode()).as("lab-sim.sh up:%n%s", up.output()).isZero();
      long tUp = System.nanoTime();

      Path flumeHome = vm("flume").resolve("opt/sluice/current");
      Path logs = flumeHome.resolve("samples/access_logs/elastic-examples_apache_logs.log");
      Path tweets = flumeHome.resolve("samples/tweets/ALL_shared_tweets.jsonl");
      long lines = (Long) IndependentCounts.logs(logs).get("lines");
      long records = (Long) IndependentCounts.tweets(tweets).get("records");
      awaitSummaryCounting(vm("spark").resolve("var/lib/sluice/analytics/summary.json"), lines, records,
          Duration.ofMinutes(4));
      long tDone = System.nanoTime();
      System.out.printf(Locale.ROOT, "Lab simulation %s: machines up in %.1f s, every event counted %.1f s later: "
          + "%.1f s end to end%n", prefix, (tUp - t0) / 1e9, (tDone - tUp) / 1e9, (tDone - t0) / 1e9);

      // The logs agent's Prometheus endpoint, scraped over the lab network from the spark machine: its
      // replay source accepted exactly the lines of the file.
      String scrapeUrl = "http://" + lab.getProperty("SLUICE_LAB_FLUME_IP") + ":"
          + lab.getProperty("SLUICE_LAB_LOGS_METRICS_PORT") + "/metrics";
      Commands.Result scrape = labSim(Duration.ofMinutes(1), "exec", prefix, work.toString(), "spark",
          "curl", "-sS", "--max-time", "10", scrapeUrl);
      assertThat(scrape.exitCode()).as("curl %s: %s", scrapeUrl, scrape.output()).isZero();
      assertThat(sample(scrape.output(), "flume_event_accepted_total", "source", "replay"))
          .as("flume_event_accepted_total of the logs agent's replay source, from %s", scrapeUrl).isEqualTo(lines);

      // Results and checkpoints are in HDFS on the hdfs machine; read them back from there.
      Commands.Result publish = labSim(Duration.ofMinutes(2), "exec", prefix, work.toString(), "spark",
          "systemctl", "start", "sluice-publish-results.service");
      assertThat(publish.exitCode()).as("publishing the summary to HDFS: %s%n%s", publish.output(),
          tail(vm("spark").resolve("var/log/sluice-sim/sluice-publish-results.service.log"))).isZero();
      Commands.Result cat = hdfsShell(prefix, "-cat", "/sluice/results/summary.json");
      assertThat(cat.exitCode()).as("hdfs dfs -cat: %s", cat.output()).isZero();
      JsonNode summary = JSON.readTree(cat.output().substring(cat.output().indexOf('{')));
      SummaryChecks.assertMatchesIndependentCounts(summary, logs, tweets);
      Commands.Result checkpoints = hdfsShell(prefix, "-ls", "-R", "/sluice/checkpoints/analytics");
      assertThat(checkpoints.exitCode()).as("hdfs dfs -ls: %s", checkpoints.output()).isZero();
      assertThat(checkpoints.output()).as("Spark's checkpoints in HDFS").contains("/sluice/checkpoints/analytics/checkpoint-");

      // Each part ran on its machine and talked over the lab network.
      String flumeIp = lab.getProperty("SLUICE_LAB_FLUME_IP");
      String sparkIp = lab.getProperty("SLUICE_LAB_SPARK_IP");
      assertThat(Files.readString(vm("flume").resolve("var/log/sluice-sim/sluice-agent-logs.service.log")))
          .as("Spark's receiver (on spark) connected to the logs agent's SparkSink (on flume)")
          .contains("/" + sparkIp + ":").contains("=> /" + flumeIp + ":" + lab.getProperty("SLUICE_LAB_LOGS_SINK_PORT"));
      assertThat(sizeOfFiles(vm("kafka").resolve("var/lib/sluice/kafka/data/sluice-logs-0"), ".log"))
          .as("the logs channel's topic on the broker (on kafka)").isPositive();
      assertThat(executorLogs(vm("spark").resolve("var/lib/sluice/spark-work")))
          .as("executors started by the standalone worker (on spark)").isNotEmpty();

      // A second provisioning of every machine changes nothing: no file, no service restarted.
      Map<String, String> before = manifest();
      Commands.Result again = labSim(Duration.ofMinutes(4), "provision", prefix, work.toString(), TARBALL.toString(),
          "hdfs", "kafka", "flume", "spark");
      assertThat(again.exitCode()).as("second provisioning:%n%s", again.output()).isZero();
      for (String m : MACHINES) {
        assertThat(again.output()).as("second provisioning:%n%s", again.output())
            .contains("sluice-lab[" + m + "]: nothing changed");
      }
      assertThat(manifest()).as("files, units and service processes after a second provisioning").isEqualTo(before);
    } finally {
      Commands.Result down = labSim(Duration.ofMinutes(2), "down", prefix);
      assertThat(down.exitCode()).as("lab-sim.sh down: %s", down.output()).isZero();
      Commands.Result netns = Commands.run(Duration.ofSeconds(30), work, "ip", "netns", "list");
      assertThat(netns.output()).as("namespaces left").doesNotContain(prefix + "-");
      Commands.Result links = Commands.run(Duration.ofSeconds(30), work, "ip", "-o", "link", "show");
      assertThat(links.output()).as("links left").doesNotContain(prefix + "-");
      assertThat(processesUnder(work)).as("processes left running").isEmpty();
    }
  }

  /** A sample's value in a Prometheus exposition, by its component labels; fails when absent. */
  private static long sample(String exposition, String name, String componentType, String component) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^" + java.util.regex.Pattern.quote(name)
        + "\\{component_type=\"" + java.util.regex.Pattern.quote(componentType) + "\",component=\""
        + java.util.regex.Pattern.quote(component) + "\",?} (\\S+)$", java.util.regex.Pattern.MULTILINE).matcher(exposition);
    assertThat(m.find()).as("%s{component_type=%s,component=%s} in:%n%s", name, componentType, component, exposition).isTrue();
    return (long) Double.parseDouble(m.group(1));
  }

  private Path vm(String name) {
    return work.resolve(name);
  }

  private static Commands.Result labSim(Duration timeout, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("bash", LAB_SIM.toString()));
    cmd.addAll(List.of(args));
    return Commands.run(timeout, REPO, Map.of(), cmd);
  }

  /** {@code sluice hdfs dfs ARGS} on the hdfs machine, with its configuration. */
  private Commands.Result hdfsShell(String prefix, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("exec", prefix, work.toString(), "hdfs",
        vm("hdfs").resolve("opt/sluice/current/bin/sluice").toString(), "hdfs",
        "--conf", vm("hdfs").resolve("etc/sluice/hadoop").toString(), "dfs"));
    cmd.addAll(List.of(args));
    return labSim(Duration.ofMinutes(2), cmd.toArray(String[]::new));
  }

  /** Polls the AnalyticsJob's summary.json until it has counted {@code lines} log lines and {@code records} tweets. */
  private void awaitSummaryCounting(Path summaryFile, long lines, long records, Duration timeout) throws Exception {
    long end = System.nanoTime() + timeout.toNanos();
    String last = "(no summary.json yet)";
    while (System.nanoTime() < end) {
      if (Files.isRegularFile(summaryFile)) {
        try {
          JsonNode s = JSON.readTree(summaryFile.toFile());
          last = "logs.lines=" + s.path("logs").path("lines") + " tweets.records=" + s.path("tweets").path("records");
          if (s.path("logs").path("lines").asLong() >= lines && s.path("tweets").path("records").asLong() >= records) {
            return;
          }
        } catch (IOException beingReplaced) {
          // summary.json is replaced atomically; a read can still race a rename: poll again.
        }
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("the lab's AnalyticsJob did not count " + lines + " log lines and " + records
        + " tweet records within " + timeout.toSeconds() + " s (last: " + last + ")" + System.lineSeparator()
        + "analytics: " + tail(vm("spark").resolve("var/log/sluice-sim/sluice-analytics.service.log")) + System.lineSeparator()
        + "logs agent: " + tail(vm("flume").resolve("var/log/sluice-sim/sluice-agent-logs.service.log")) + System.lineSeparator()
        + "tweets agent: " + tail(vm("flume").resolve("var/log/sluice-sim/sluice-agent-tweets.service.log")));
  }

  /**
   * What provisioning manages on every machine: each file, directory and link under etc/ and opt/
   * (type, mode, size, modification time, link target) and the process of each running service.
   */
  private Map<String, String> manifest() throws IOException {
    Map<String, String> m = new TreeMap<>();
    for (String machine : MACHINES) {
      for (String top : List.of("etc", "opt", "run/sluice-sim")) {
        Path root = vm(machine).resolve(top);
        if (!Files.exists(root)) {
          continue;
        }
        try (Stream<Path> all = Files.walk(root)) {
          for (Path p : all.toList()) {
            String key = machine + "/" + vm(machine).relativize(p);
            if (Files.isSymbolicLink(p)) {
              m.put(key, "link " + Files.readSymbolicLink(p));
            } else if (Files.isDirectory(p)) {
              m.put(key, "dir " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
            } else {
              m.put(key, "file " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS))
                  + " " + Files.size(p) + " " + Files.getLastModifiedTime(p).toMillis()
                  + (p.toString().endsWith(".pid") ? " pid " + Files.readString(p).trim() : ""));
            }
          }
        }
      }
    }
    return m;
  }

  private static Properties labEnv() throws IOException {
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(REPO.resolve("vagrant/lab.env"), StandardCharsets.UTF_8)) {
      p.load(in);
    }
    return p;
  }

  private static long sizeOfFiles(Path dir, String suffix) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      long total = 0;
      for (Path f : files.filter(f -> f.toString().endsWith(suffix)).toList()) {
        total += Files.size(f);
      }
      return total;
    }
  }

  private static List<Path> executorLogs(Path workerDir) throws IOException {
    if (!Files.isDirectory(workerDir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(workerDir)) {
      return files.filter(f -> f.getFileName().toString().equals("stderr") && f.toString().contains("/app-")).toList();
    }
  }

  private static String tail(Path log) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - 30), all.size()));
    } catch (IOException e) {
      return "(no " + log + ")";
    }
  }

  private static boolean runningAsRoot() throws IOException, InterruptedException {
    return Commands.run(Duration.ofSeconds(30), Path.of("/"), "id", "-u").output().trim().equals("0");
  }

  /** Processes whose command line names {@code dir} (every lab process runs from a machine's root there). */
  private static List<String> processesUnder(Path dir) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    List<String> left;
    do {
      left = ProcessHandle.allProcesses()
          .filter(h -> h.pid() != ProcessHandle.current().pid())
          .map(h -> h.pid() + " " + h.info().commandLine().orElse(""))
          .filter(c -> c.contains(dir.toString()))
          .toList();
      if (left.isEmpty()) {
        return left;
      }
      Thread.sleep(500);
    } while (System.nanoTime() < end);
    return left;
  }
}
