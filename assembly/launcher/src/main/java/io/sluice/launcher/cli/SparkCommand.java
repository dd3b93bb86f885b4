package io.sluice.launcher.cli;

import io.sluice.launcher.SluiceHome;
import io.sluice.launcher.process.Foreground;
import io.sluice.launcher.process.Jvm;
import io.sluice.launcher.process.ManagedProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code sluice spark master|worker}: a Spark 2.4.7 standalone master or worker in the foreground,
 * from {@code lib/spark} (a SPARK_HOME of {@code jars/} only), with the JDK 17 module openings; with
 * {@code --spark 3} as the first argument, Spark 3.5's from {@code lib/spark3} with its few flags
 * (applications must then be submitted with {@code sluice submit --spark 3}: a standalone cluster
 * runs one Spark line). Other arguments go to Spark's {@code Master} / {@code Worker} unchanged.
 * Heap: {@code SPARK_DAEMON_MEMORY} (default 512m). Workers start executors from the same
 * {@code lib/spark*}{@code /jars}; the executors' JVM flags come from the application
 * ({@code sluice submit} adds them).
 */
@Command(name = "spark", mixinStandardHelpOptions = true,
    description = {"Run a Spark 2.4 standalone master or worker in the foreground (arguments as Spark's start-master/start-worker).",
        "--spark 3 (first argument of master or worker): Spark 3.5's (lib/spark3), for jobs submitted with sluice submit --spark 3."},
    subcommands = {SparkCommand.Master.class, SparkCommand.Worker.class})
public final class SparkCommand implements Runnable {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing sub-command: master or worker");
  }

  static int runDaemon(String mainClass, String name, List<String> args) throws InterruptedException, java.io.IOException {
    List<String> daemonArgs = new ArrayList<>(args);
    SluiceHome home = SubmitCommand.withSparkLine(SluiceHome.fromSystemProperty(), daemonArgs);
    String heap = System.getenv().getOrDefault("SPARK_DAEMON_MEMORY", "512m");
    List<String> cmd = new ArrayList<>(List.of(Jvm.javaBinary(), "-Xms" + heap, "-Xmx" + heap));
    cmd.addAll(home.jdk17Opens());
    cmd.add(home.sparkLogConfigFlag());
    cmd.addAll(List.of("-cp", home.sparkClasspath(), mainClass));
    cmd.addAll(daemonArgs);
    ManagedProcess p = ManagedProcess.start(name, cmd, SubmitCommand.sparkEnv(home), Path.of("").toAbsolutePath(), null);
    return Foreground.run(p, Duration.ofSeconds(20));
  }

  @Command(name = "master", mixinStandardHelpOptions = true,
      customSynopsis = "sluice spark master [-hV] [--spark 2|3] [MASTER-OPTIONS...]",
      description = "Spark standalone master (org.apache.spark.deploy.master.Master).",
      footer = {"", "Options: --host HOST, --port PORT (7077), --webui-port PORT (8080), --properties-file FILE.",
          "Example: sluice spark master --host 10.0.0.3 --port 7077"})
  static final class Master implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      return runDaemon("org.apache.spark.deploy.master.Master", "spark master", args);
    }
  }

  @Command(name = "worker", mixinStandardHelpOptions = true,
      customSynopsis = "sluice spark worker [-hV] [--spark 2|3] [WORKER-OPTIONS...] spark://HOST:PORT",
      description = "Spark standalone worker (org.apache.spark.deploy.worker.Worker) of the master at MASTER_URL.",
      footer = {"", "Options: --host HOST, --cores N, --memory MEM (e.g. 1g), --work-dir DIR, --webui-port PORT; then spark://HOST:PORT.",
          "Example: sluice spark worker --host 10.0.0.3 --cores 2 --memory 1g --work-dir /var/lib/sluice/spark-work spark://10.0.0.3:7077"})
  static final class Worker implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      return runDaemon("org.apache.spark.deploy.worker.Worker", "spark worker", args);
    }
  }
}
