package io.sluice.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the {@code summary.json} written by the Spark AnalyticsJob (its shape: README.md, "What
 * the demo prints") and prints it as tables, a section per pipeline ({@link DemoPipeline}).
 */
public final class Summary {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Summary() {}

  /** The summary, or null while the job has not written one (or is replacing it). */
  public static JsonNode read(Path file) {
    try {
      return Files.exists(file) ? JSON.readTree(file.toFile()) : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Prints each pipeline's section of {@code s} as a table, in the order of {@link DemoPipeline}. */
  static void print(JsonNode s, PrintStream out) {
    for (DemoPipeline p : DemoPipeline.values()) {
      if (s.has(p.id())) {
        out.println();
        out.println(p.title());
        p.printSummary(s.path(p.id()), out);
      }
    }
  }

  /** Each field of {@code object} as a {@code key count} row, keys padded to {@code width}. */
  static void printCounts(JsonNode object, int width, PrintStream out) {
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      out.printf(Locale.ROOT, "  %-" + width + "s %,7d%n", e.getKey(), e.getValue().asLong());
    }
  }

  /**
   * A top list ({@code [{"<keyField>": k, "count": n}, ...]}) as a table under a
   * {@code heading  count} line, keys cut to {@code width}.
   */
  static void printRanked(JsonNode array, String keyField, String heading, int width, PrintStream out) {
    out.printf(Locale.ROOT, "  %-" + width + "s   count%n", heading);
    for (JsonNode e : array) {
      out.printf(Locale.ROOT, "  %-" + width + "s %,7d%n", ellipsize(e.path(keyField).asText(), width),
          e.path("count").asLong());
    }
  }

  static String ellipsize(String s, int width) {
    return s.length() <= width ? s : s.substring(0, width - 1) + "…";
  }
}
