package io.sluice.launcher;

import io.sluice.launcher.cli.AgentCommand;
import io.sluice.launcher.cli.BenchCommand;
import io.sluice.launcher.cli.DemoCommand;
import io.sluice.launcher.cli.HdfsCommand;
import io.sluice.launcher.cli.KafkaCommand;
import io.sluice.launcher.cli.SparkCommand;
import io.sluice.launcher.cli.SubmitCommand;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * {@code bin/sluice}: the Sluice command line. Run {@code sluice --help} for the sub-commands.
 *
 * <p>Every sub-command that starts a part of the pipeline ({@code agent}, {@code kafka},
 * {@code spark}, {@code hdfs}, {@code submit}) runs it in the foreground from the distribution's
 * own jars, with its output on stdout, until it exits or is stopped: one command line per systemd
 * unit. {@code demo} starts all of them on one machine; {@code bench pipeline} measures them
 * stage by stage.
 */
@Command(name = "sluice", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Sluice: log and social-stream ingestion on Flume, Kafka and Spark.",
    subcommands = {DemoCommand.class, AgentCommand.class, KafkaCommand.class, SubmitCommand.class,
        SparkCommand.class, HdfsCommand.class, BenchCommand.class})
public final class Main implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    CommandLine cl = new CommandLine(new Main());
    // Pass-through commands: the first argument picocli does not know and all after it go to Spark / Hadoop.
    for (String passThrough : List.of("submit", "spark master", "spark worker", "hdfs namenode", "hdfs datanode",
        "hdfs dfs", "hdfs dfsadmin")) {
      CommandLine sub = cl;
      for (String name : passThrough.split(" ")) {
        sub = sub.getSubcommands().get(name);
      }
      sub.setStopAtUnmatched(true);
      sub.setPosixClusteredShortOptionsAllowed(false); // -help is Hadoop's, not -h -e -l -p
    }
    int rc = cl.execute(args);
    System.exit(rc);
  }

  /** Version from the launcher's build-time settings. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"sluice " + SluiceHome.loadSettings().getProperty("sluice.version")};
    }
  }
}
