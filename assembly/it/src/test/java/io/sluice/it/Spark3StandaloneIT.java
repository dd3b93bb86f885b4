package io.sluice.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Spark 3.5 standalone cluster from the unpacked tarball, as a user starts one: {@code sluice
 * spark master --spark 3}, {@code sluice spark worker --spark 3} registered with it, and the Spark 3
 * build of the AnalyticsJob submitted to it with {@code sluice submit --spark 3}. The worker starts
 * an executor, and in it Sluice's polling receiver (the receiver runs on an executor, not the
 * driver) starts polling the SparkSink the job was given; with no agent there it keeps retrying.
 */
class Spark3StandaloneIT {

  @TempDir
  Path unpacked;

  @TempDir
  Path tmp;

  @RegisterExtension
  final SluiceProcesses sluice = new SluiceProcesses();

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void masterWorkerAndSubmitRunTheJobsReceiverInAnExecutor() throws Exception {
    Path home = Distribution.unpack(unpacked);
    sluice.in(home, tmp);
    int masterPort = SluiceProcesses.freePort();
    String masterUrl = "spark://127.0.0.1:" + masterPort;

    Path masterOut = tmp.resolve("master.out");
    Process master = sluice.start(masterOut, Map.of(), "spark", "master", "--spark", "3",
        "--host", "127.0.0.1", "--port", Integer.toString(masterPort),
        "--webui-port", Integer.toString(SluiceProcesses.freePort()));
    sluice.awaitLine(master, masterOut, Pattern.compile("Running Spark version (3\\.5\\.\\d+)"), Duration.ofMinutes(2));
    sluice.awaitLine(master, masterOut, Pattern.compile("(I have been elected leader)"), Duration.ofMinutes(2));

    Path workDir = Files.createDirectories(tmp.resolve("spark-work"));
    Path workerOut = tmp.resolve("worker.out");
    Process worker = sluice.start(workerOut, Map.of(), "spark", "worker", "--spark", "3", "--host", "127.0.0.1",
        "--cores", "2", "--memory", "1g", "--work-dir", workDir.toString(),
        "--webui-port", Integer.toString(SluiceProcesses.freePort()), masterUrl);
    sluice.awaitLine(worker, workerOut, Pattern.compile("Successfully registered with master (spark://\\S+)"),
        Duration.ofMinutes(2));

    int sinkPort = SluiceProcesses.freePort();
    String sink = "127.0.0.1:" + sinkPort;
    Path submitOut = tmp.resolve("submit.out");
    Process job = sluice.start(submitOut, Map.of(), "submit", "--spark", "3", "--master", masterUrl,
        "--deploy-mode", "client", "--driver-memory", "512m", "--executor-memory", "512m",
        "--total-executor-cores", "2", "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.ui.enabled=false",
        "--class", "io.sluice.spark.job.AnalyticsJob", home.resolve("jobs/sluice-spark3-jobs.jar").toString(),
        "--sinks", sink, "--out", tmp.resolve("analytics").toString(),
        "--checkpoint", tmp.resolve("checkpoint").toString(), "--batch-seconds", "2");
    String executor = "an executor of the worker polling " + sink;
    Pattern polling = Pattern.compile("Polling 1 SparkSink\\(s\\) \\[\\S*127\\.0\\.0\\.1:" + sinkPort + "\\]");
    sluice.await(executor, Duration.ofMinutes(3), () -> polling.matcher(executorLogs(workDir, "stderr")).find(), job, submitOut);
    assertThat(worker.isAlive()).as("worker alive; output:%n%s", SluiceProcesses.tail(workerOut)).isTrue();
    // The executors log through conf/spark3-log4j2.properties (to standard error), not through the
    // agents' conf/log4j2.xml that the worker's conf directory on their classpath would offer.
    assertThat(executorLogs(workDir, "stdout")).as("the executors' standard output").isEmpty();
    assertThat(Files.readString(submitOut, StandardCharsets.ISO_8859_1)).as("the driver ran Spark 3.5")
        .contains("Running Spark version 3.5");
  }

  /** {@code name} (stderr or stdout) of every executor the worker started ({@code WORK_DIR/APP/N/name}). */
  private static String executorLogs(Path workDir, String name) {
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> files = Files.walk(workDir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().equals(name)).toList()) {
        sb.append(Files.readString(f, StandardCharsets.ISO_8859_1));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sb.toString();
  }
}
