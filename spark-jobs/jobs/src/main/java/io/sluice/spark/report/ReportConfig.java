package io.sluice.spark.report;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Command line of {@link ReportBuilder}. Immutable; built only by {@link #parse}; a malformed,
 * unknown, repeated or missing option fails with an {@link IllegalArgumentException} naming it.
 */
public final class ReportConfig {

  public static final String DEFAULT_TITLE = "Sluice analytics report";
  public static final int DEFAULT_MAX_WINDOWS = 720;
  public static final String DEFAULT_SCREENSHOT_SIZE = "1280x3300";

  enum Option {
    IN("--in", "URI[,URI...]", null,
        "output locations of analytics jobs (local path, file: or hdfs: URI), e.g. one per pipeline (required)"),
    OUT("--out", "FILE", null, "the HTML file to write, self-contained (required)"),
    TITLE("--title", "TEXT", DEFAULT_TITLE, "title of the report"),
    MAX_WINDOWS("--max-windows", "N", String.valueOf(DEFAULT_MAX_WINDOWS), "latest windows per pipeline in the charts"),
    SCREENSHOT("--screenshot", "FILE", "none",
        "also render the report in headless Chromium to this PNG (skipped, with a note, when no browser is installed)"),
    SCREENSHOT_SIZE("--screenshot-size", "WIDTHxHEIGHT", DEFAULT_SCREENSHOT_SIZE, "screenshot size in CSS pixels"),
    HELP("--help", null, null, "print this help and exit");

    final String flag;
    final String valueName;
    final String defaultValue;
    final String doc;

    Option(String flag, String valueName, String defaultValue, String doc) {
      this.flag = flag;
      this.valueName = valueName;
      this.defaultValue = defaultValue;
      this.doc = doc;
    }
  }

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

  public static ReportConfig parse(String... args) {
    for (String a : args) {
      if (a.equals(Option.HELP.flag)) {
        return new ReportConfig(true, List.of(), null, DEFAULT_TITLE, DEFAULT_MAX_WINDOWS, null, 0, 0);
      }
    }
    Map<Option, String> given = new EnumMap<>(Option.class);
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      String value = null;
      int eq = flag.indexOf('=');
      if (flag.startsWith("--") && eq > 0) {
        value = flag.substring(eq + 1);
        flag = flag.substring(0, eq);
      }
      Option option = null;
      for (Option o : Option.values()) {
        if (o.flag.equals(flag) && o != Option.HELP) {
          option = o;
        }
      }
      if (option == null) {
        throw new IllegalArgumentException(flag.startsWith("-") ? "Unknown option " + flag : "Unexpected argument '" + flag + "'");
      }
      if (value == null) {
        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
          throw new IllegalArgumentException("Option " + flag + " needs a value: " + option.valueName);
        }
        value = args[++i];
      }
      if (given.put(option, value) != null) {
        throw new IllegalArgumentException("Option " + flag + " is given more than once");
      }
    }
    String in = given.get(Option.IN);
    if (in == null || in.isBlank()) {
      throw new IllegalArgumentException("Missing required option --in URI[,URI...]");
    }
    List<String> inputs = new ArrayList<>();
    for (String part : in.split(",")) {
      inputs.add(location(part.trim()));
    }
    String out = given.get(Option.OUT);
    if (out == null || out.isBlank()) {
      throw new IllegalArgumentException("Missing required option --out FILE");
    }
    int maxWindows = 0;
    try {
      maxWindows = Integer.parseInt(given.getOrDefault(Option.MAX_WINDOWS, String.valueOf(DEFAULT_MAX_WINDOWS)).trim());
    } catch (NumberFormatException e) {
      // reported below
    }
    if (maxWindows < 1) {
      throw new IllegalArgumentException("Invalid value for --max-windows: '" + given.get(Option.MAX_WINDOWS)
          + "' (expected a positive integer)");
    }
    String size = given.getOrDefault(Option.SCREENSHOT_SIZE, DEFAULT_SCREENSHOT_SIZE).trim();
    if (!size.matches("[1-9]\\d{1,4}x[1-9]\\d{1,4}")) {
      throw new IllegalArgumentException("Invalid value for --screenshot-size: '" + size + "' (expected e.g. 1280x3300)");
    }
    String[] wh = size.split("x");
    String screenshot = given.get(Option.SCREENSHOT);
    return new ReportConfig(false, List.copyOf(inputs), Paths.get(out).toAbsolutePath(),
        given.getOrDefault(Option.TITLE, DEFAULT_TITLE), maxWindows,
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
    for (Option o : Option.values()) {
      String left = o.flag + (o.valueName == null ? "" : " " + o.valueName);
      b.append(String.format("  %-32s %s", left, o.doc));
      if (o.defaultValue != null) {
        b.append(" (default: ").append(o.defaultValue).append(')');
      }
      b.append('\n');
    }
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
