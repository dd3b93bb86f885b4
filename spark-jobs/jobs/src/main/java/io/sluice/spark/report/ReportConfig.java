package io.sluice.spark.report;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Command line of {@link ReportBuilder}: the checked value of {@link ReportOptions}. Immutable;
 * built only by {@link #parse}; a malformed,
 * unknown, repeated or missing option fails with an {@link IllegalArgumentException} naming it.
 */
public final class ReportConfig {

  public static final String DEFAULT_TITLE = "Sluice analytics report";
  public static final int DEFAULT_MAX_WINDOWS = 720;
  /** Width x height of the screenshot, CSS pixels: the whole report of the three pipelines, arrival charts and alert tables included. */
  public static final String DEFAULT_SCREENSHOT_SIZE = "1280x6200";

  private final boolean help;
  private final List<String> inputs;
  private final Path out;
  private final String title;
  private final int maxWindows;
  private final Path screenshot;
  private final int screenshotWidth;
  private final int screenshotHeight;

  private ReportConfig(boolean help, List<String> inputs, Path out, String title, int maxWindows, Path screenshot,
      int screenshotWidth, int screenshotHeight) {
    this.help = help;
    this.inputs = inputs;
    this.out = out;
    this.title = title;
    this.maxWindows = maxWindows;
    this.screenshot = screenshot;
    this.screenshotWidth = screenshotWidth;
    this.screenshotHeight = screenshotHeight;
  }

  /**
   * Parses the command line ({@link ReportOptions}) and checks it. With {@code --help} anywhere,
   * returns a config whose {@link #isHelpRequested()} is true.
   *
   * @throws IllegalArgumentException naming the offending option
   */
  public static ReportConfig parse(String... args) {
    for (String a : args) {
      if (a.equals(ReportOptions.HELP)) {
        return new ReportConfig(true, List.of(), null, DEFAULT_TITLE, DEFAULT_MAX_WINDOWS, null, 0, 0);
      }
    }
    ReportOptions given = ReportOptions.parse(args);
    String in = given.in;
    if (in == null || in.isBlank()) {
      throw new IllegalArgumentException("Missing required option --in URI[,URI...]");
    }
    List<String> inputs = new ArrayList<>();
    for (String part : in.split(",")) {
      inputs.add(location(part.trim()));
    }
    String out = given.out;
    if (out == null || out.isBlank()) {
      throw new IllegalArgumentException("Missing required option --out FILE");
    }
    int maxWindows = 0;
    try {
      maxWindows = Integer.parseInt(given.maxWindows.trim());
    } catch (NumberFormatException e) {
      // reported below
    }
    if (maxWindows < 1) {
      throw new IllegalArgumentException("Invalid value for --max-windows: '" + given.maxWindows
          + "' (expected a positive integer)");
    }
    String size = given.screenshotSize.trim();
    if (!size.matches("[1-9]\\d{1,4}x[1-9]\\d{1,4}")) {
      throw new IllegalArgumentException("Invalid value for --screenshot-size: '" + size + "' (expected e.g. 1280x3300)");
    }
    String[] wh = size.split("x");
    String screenshot = given.screenshot;
    return new ReportConfig(false, List.copyOf(inputs), Paths.get(out).toAbsolutePath(), given.title, maxWindows,
        screenshot == null ? null : Paths.get(screenshot).toAbsolutePath(),
        Integer.parseInt(wh[0]), Integer.parseInt(wh[1]));
  }

  private static String location(String value) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException("Invalid value for --in: an empty location");
    }
    if (value.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
      try {
        return new URI(value).toString();
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("Invalid value for --in: '" + value + "' (" + e.getMessage() + ")", e);
      }
    }
    return Paths.get(value).toAbsolutePath().normalize().toUri().toString();
  }

  public static String usage() {
    StringBuilder b = new StringBuilder("Usage: java -cp '<spark jars>:sluice-spark-jobs.jar' ")
        .append(ReportBuilder.class.getName()).append(" --in URI[,URI...] --out FILE [options]\n\n")
        .append("Builds a self-contained HTML report (Chart.js inlined) from the outputs of Sluice analytics jobs.\n\n")
        .append("Options:\n");
    ReportOptions.documented().forEach((left, doc) -> b.append(String.format("  %-32s %s", left, doc)).append('\n'));
    return b.toString();
  }

  public boolean isHelpRequested() {
    return help;
  }

  public List<String> inputs() {
    return inputs;
  }

  public Path out() {
    return out;
  }

  public String title() {
    return title;
  }

  public int maxWindows() {
    return maxWindows;
  }

  /** The PNG to render, or null. */
  public Path screenshot() {
    return screenshot;
  }

  public int screenshotWidth() {
    return screenshotWidth;
  }

  public int screenshotHeight() {
    return screenshotHeight;
  }
}
