package io.sluice.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/sluice}: the Sluice command line. Run {@code sluice --help} for the sub-commands.
 */
@Command(name = "sluice", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Sluice: log and social-stream ingestion on Flume, Kafka and Spark.",
    subcommands = {DemoCommand.class})
public final class Main implements Runnable {

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    int rc = new CommandLine(new Main()).execute(args);
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
