package io.sluice.launcher.process;

import io.sluice.launcher.SluiceHome;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Spark 2.4.7 application started through {@code org.apache.spark.deploy.SparkSubmit} from the jars
 * in {@code lib/spark}, in its own JVM with the JDK 17 module openings and
 * {@code spark.driver.host=127.0.0.1}.
 */
public final class SparkJob implements AutoCloseable {

  /** Main class of the analytics job in {@code jobs/sluice-spark-jobs.jar}. */
  public static final String ANALYTICS_JOB = "io.sluice.spark.job.AnalyticsJob";
  /** Main class of the HTML report builder in {@code jobs/sluice-spark-jobs.jar}. */
  public static final String REPORT_BUILDER = "io.sluice.spark.report.ReportBuilder";

  private final ManagedProcess process;

  private SparkJob(ManagedProcess process) {
    this.process = process;
  }

  /**
   * Submits {@code mainClass} of {@code jobs/sluice-spark-jobs.jar} to {@code master} with
   * {@code jobArgs}.
   */
  public static SparkJob submit(SluiceHome home, String master, String mainClass, List<String> jobArgs,
      Path workDir, Path log) throws IOException {
    return submit("spark job", home, master, mainClass, jobArgs, workDir, log);
  }

  /** As {@link #submit(SluiceHome, String, String, List, Path, Path)}, named {@code name} in messages. */
  public static SparkJob submit(String name, SluiceHome home, String master, String mainClass, List<String> jobArgs,
      Path workDir, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Jvm.javaBinary());
    cmd.add("-Xms256m");
    // Throughput collector: in local mode this JVM is the driver and the executor, and G1's
    // concurrent marking took about 15% of its CPU on two cores (./sluice bench pipeline: driver CPU
    // 73 s -> 64 s, 18,394 -> 20,197 events/s with ParallelGC).
    cmd.add("-XX:+UseParallelGC");
    cmd.add("-Xmx1g");
    cmd.addAll(home.jdk17Opens());
    cmd.add("-Dspark.driver.host=" + Net.LOOPBACK);
    cmd.add(home.sparkLogConfigFlag());
    cmd.addAll(List.of("-cp", home.sparkClasspath(), "org.apache.spark.deploy.SparkSubmit",
        "--master", master,
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.driver.host=" + Net.LOOPBACK,
        "--conf", "spark.executor.extraJavaOptions=" + String.join(" ", home.jdk17Opens()),
        "--class", mainClass,
        home.jobsJar().toString()));
    cmd.addAll(jobArgs);
    return new SparkJob(ManagedProcess.start(name, cmd, Map.of("SPARK_LOCAL_IP", Net.LOOPBACK), workDir, log));
  }

  /**
   * Runs {@code mainClass} of the jobs jar as a plain JVM on the Spark classpath (no SparkSubmit),
   * e.g. the report builder; returns its exit status.
   */
  public static int run(SluiceHome home, String mainClass, List<String> args, Path workDir, Path log, Duration timeout)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Jvm.javaBinary(), "-Xmx512m",
        home.sparkLogConfigFlag(),
        "-cp", home.sparkClasspath() + java.io.File.pathSeparator + home.jobsJar(), mainClass));
    cmd.addAll(args);
    return ManagedProcess.run(mainClass.substring(mainClass.lastIndexOf('.') + 1), cmd, workDir, log, timeout);
  }

  public ManagedProcess process() {
    return process;
  }

  /**
   * Stops the job: SIGTERM (its shutdown hook stops the StreamingContext; Sluice's polling receiver
   * abandons open polls within a second), then SIGKILL after 5 s: the results are already written
   * (summary.json is replaced atomically after every batch).
   */
  @Override
  public void close() {
    process.stop(Duration.ofSeconds(5));
  }
}
