package io.sluice.launcher.cli;

import io.sluice.launcher.SluiceHome;
import io.sluice.launcher.process.Foreground;
import io.sluice.launcher.process.Jvm;
import io.sluice.launcher.process.ManagedProcess;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code sluice submit}: {@code spark-submit} of the bundled Spark 2.4.7 ({@code lib/spark}) on JDK 17,
 * or with {@code --spark 3} as its first argument of the bundled Spark 3.5 ({@code lib/spark3}).
 *
 * <p>Every argument goes to {@code org.apache.spark.deploy.SparkSubmit} unchanged, except that the
 * JDK 17 module openings are added where a Spark JVM starts: to this JVM (the driver in client
 * mode) and to {@code spark.driver.extraJavaOptions} and {@code spark.executor.extraJavaOptions}
 * (merged in front of values given with {@code --conf}). As the {@code spark-submit} script does,
 * {@code --driver-memory}, {@code --driver-java-options} and {@code --driver-class-path} also apply
 * to this JVM. {@code SPARK_CONF_DIR} defaults to {@code SLUICE_HOME/conf} (spark-defaults.conf).
 */
@Command(name = "submit", mixinStandardHelpOptions = true,
    customSynopsis = "sluice submit [-hV] [--spark 2|3] [SPARK-SUBMIT-OPTIONS...] APP_JAR [APP_ARGS...]",
    description = {"Submit a Spark 2.4 application with the bundled Spark: spark-submit's arguments, passed on unchanged; "
        + "the JDK 17 flags are added to the driver and executors.",
        "--spark 3 (first): the bundled Spark 3.5 (lib/spark3) and its few flags; jobs/sluice-spark3-jobs.jar is the Sluice job for it.",
        "SPARK_CONF_DIR defaults to SLUICE_HOME/conf (spark-defaults.conf); without --master, spark.master from there, else local[*]."},
    footer = {"", "Example (the Sluice analytics job on a standalone cluster):",
        "  sluice submit --master spark://10.0.0.3:7077 --class io.sluice.spark.job.AnalyticsJob \\",
        "      jobs/sluice-spark-jobs.jar --sinks 10.0.0.2:4141,10.0.0.2:4142 --out /var/lib/sluice/analytics",
        "Run the job's own --help: sluice submit --master local[1] --class io.sluice.spark.job.AnalyticsJob jobs/sluice-spark-jobs.jar --help"})
public final class SubmitCommand implements Callable<Integer> {

  static final String SUBMIT_CLASS = "org.apache.spark.deploy.SparkSubmit";
  static final String DEFAULT_DRIVER_MEMORY = "1g";

  @Unmatched
  List<String> sparkSubmitArgs = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    List<String> args = new ArrayList<>(sparkSubmitArgs);
    SluiceHome home = withSparkLine(SluiceHome.fromSystemProperty(), args);
    List<String> cmd = command(home, args);
    ManagedProcess p = ManagedProcess.start("spark-submit", cmd, sparkEnv(home), Path.of("").toAbsolutePath(), null);
    return Foreground.run(p, Duration.ofSeconds(20));
  }

  /**
   * {@code home} with the Spark line of Sluice's own option {@code --spark 2|3} (or
   * {@code --spark=2|3}) when it is the first of {@code args}, which it is removed from; else
   * {@code home} (Spark 2.4.7).
   *
   * @throws IllegalArgumentException for a line that is not bundled
   */
  static SluiceHome withSparkLine(SluiceHome home, List<String> args) {
    if (!args.isEmpty() && args.get(0).startsWith("--spark=")) {
      return home.withSpark(args.remove(0).substring("--spark=".length()));
    } else if (args.size() > 1 && args.get(0).equals("--spark")) {
      args.remove(0);
      return home.withSpark(args.remove(0));
    }
    return home;
  }

  /** Environment of a Spark JVM started from the distribution: SPARK_HOME, SPARK_CONF_DIR, JAVA_HOME. */
  static Map<String, String> sparkEnv(SluiceHome home) {
    Map<String, String> env = new HashMap<>();
    env.put("SPARK_HOME", home.sparkHome().toString());
    env.put("SPARK_SCALA_VERSION", home.sparkScalaVersion());
    env.put("JAVA_HOME", System.getProperty("java.home"));
    String confDir = System.getenv("SPARK_CONF_DIR");
    env.put("SPARK_CONF_DIR", confDir == null || confDir.isBlank() ? home.conf().toString() : confDir);
    return env;
  }

  /** The SparkSubmit JVM's command line for {@code args} (spark-submit's arguments). */
  static List<String> command(SluiceHome home, List<String> args) {
    String opens = String.join(" ", home.clusterJvmFlags());
    List<String> submitArgs = new ArrayList<>();
    String driverMemory = DEFAULT_DRIVER_MEMORY;
    List<String> driverJavaOptions = new ArrayList<>();
    String driverClassPath = null;
    boolean driverOpts = false;
    boolean executorOpts = false;
    int i = 0;
    while (i < args.size()) {
      String option = args.get(i);
      if (!option.startsWith("-")) {
        break; // the application jar: it and what follows (the application's arguments) pass unchanged
      }
      String value = null;
      int eq = option.indexOf('=');
      if (option.startsWith("--") && eq > 0) {
        value = option.substring(eq + 1);
        option = option.substring(0, eq);
        i++;
      } else if (!NO_VALUE.contains(option) && i + 1 < args.size()) {
        value = args.get(i + 1);
        i += 2;
      } else {
        i++;
      }
      if (value == null) {
        submitArgs.add(option);
        continue;
      }
      switch (option) {
        case "--conf", "-c" -> {
          driverOpts |= value.startsWith("spark.driver.extraJavaOptions=");
          executorOpts |= value.startsWith("spark.executor.extraJavaOptions=");
          if (value.startsWith("spark.driver.memory=")) {
            driverMemory = value.substring(value.indexOf('=') + 1);
          }
          value = mergeOpens(value, opens);
        }
        case "--driver-memory" -> driverMemory = value;
        case "--driver-java-options" -> driverJavaOptions.addAll(AgentCommand.splitOptions(value));
        case "--driver-class-path" -> driverClassPath = value;
        default -> { }
      }
      submitArgs.add(option);
      submitArgs.add(value);
    }
    submitArgs.addAll(args.subList(i, args.size()));

    List<String> cmd = new ArrayList<>();
    cmd.add(Jvm.javaBinary());
    cmd.add("-Xmx" + driverMemory);
    cmd.addAll(home.jdk17Opens());
    cmd.add(home.sparkLogConfigFlag());
    cmd.addAll(driverJavaOptions);
    String cp = home.sparkClasspath();
    cmd.addAll(List.of("-cp", driverClassPath == null ? cp : driverClassPath + File.pathSeparator + cp, SUBMIT_CLASS));
    if (!driverOpts) {
      cmd.addAll(List.of("--conf", "spark.driver.extraJavaOptions=" + opens));
    }
    if (!executorOpts) {
      cmd.addAll(List.of("--conf", "spark.executor.extraJavaOptions=" + opens));
    }
    cmd.addAll(submitArgs);
    return cmd;
  }

  /** {@code key=value} of a Spark JVM options key with the JDK 17 openings in front; others unchanged. */
  static String mergeOpens(String conf, String opens) {
    for (String key : List.of("spark.driver.extraJavaOptions=", "spark.executor.extraJavaOptions=")) {
      if (conf.startsWith(key)) {
        String given = conf.substring(key.length()).trim();
        return key + opens + (given.isEmpty() ? "" : " " + given);
      }
    }
    return conf;
  }

  /** spark-submit's options that take no value; every other option takes one. */
  private static final java.util.Set<String> NO_VALUE =
      java.util.Set.of("--verbose", "-v", "--supervise", "--help", "-h", "--version", "--usage-error");
}
