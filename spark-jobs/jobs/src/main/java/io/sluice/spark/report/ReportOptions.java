package io.sluice.spark.report;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The command line of {@link ReportBuilder}, declared once: each option's name, value, default and
 * doc. picocli fills these fields (defaults applied); {@link ReportConfig} checks them and holds
 * the result.
 */
@Command(name = "ReportBuilder")
final class ReportOptions {

  static final String HELP = "--help";

  @Option(names = "--in", paramLabel = "URI[,URI...]",
      description = "output locations of analytics jobs (local path, file: or hdfs: URI), e.g. one per pipeline (required)")
  String in;

  @Option(names = "--out", paramLabel = "FILE", description = "the HTML file to write, self-contained (required)")
  String out;

  @Option(names = "--title", paramLabel = "TEXT", defaultValue = ReportConfig.DEFAULT_TITLE,
      description = "title of the report")
  String title;

  @Option(names = "--max-windows", paramLabel = "N", defaultValue = "" + ReportConfig.DEFAULT_MAX_WINDOWS,
      description = "latest windows per pipeline in the charts")
  String maxWindows;

  @Option(names = "--screenshot", paramLabel = "FILE",
      description = "also render the report in headless Chromium to this PNG (skipped, with a note, when no browser is "
          + "installed) (default: none)")
  String screenshot;

  @Option(names = "--screenshot-size", paramLabel = "WIDTHxHEIGHT", defaultValue = ReportConfig.DEFAULT_SCREENSHOT_SIZE,
      description = "screenshot size in CSS pixels")
  String screenshotSize;

  @Option(names = HELP, usageHelp = true, description = "print this help and exit")
  boolean help;

  private static CommandLine commandLine(ReportOptions options) {
    CommandLine cl = new CommandLine(options);
    cl.setExpandAtFiles(false);
    cl.setUnmatchedOptionsAllowedAsOptionParameters(false);
    cl.setInterpolateVariables(false);
    return cl;
  }

  /**
   * Parses {@code args} into the fields.
   *
   * @throws IllegalArgumentException naming a malformed, unknown or repeated option
   */
  static ReportOptions parse(String... args) {
    ReportOptions options = new ReportOptions();
    try {
      commandLine(options).parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return options;
  }

  /** Every option, in declaration order: {@code name [VALUE]} to its doc, default included. */
  static Map<String, String> documented() {
    Map<String, String> docs = new LinkedHashMap<>();
    for (OptionSpec o : commandLine(new ReportOptions()).getCommandSpec().options()) {
      String left = o.longestName() + (o.arity().max() > 0 ? " " + o.paramLabel() : "");
      docs.put(left, String.join(" ", o.description())
          + (o.defaultValue() == null ? "" : " (default: " + o.defaultValue() + ")"));
    }
    return docs;
  }
}
