package io.sluice.launcher;

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
 * Reads the {@code summary.json} written by the Spark AnalyticsJob and prints it as tables.
 *
 * <p>The file's contract:
 * <pre>
 * {"logs":   {"lines": N, "parsed": P, "rejected": R, "statusCounts": {"200": n, ...},
 *             "topEndpoints": [{"endpoint": "/path", "count": n}, ...],
 *             "contentSize": {"min": a, "max": b, "avg": c}},
 *  "tweets": {"records": N, "tweets": T, "rejected": R,
 *             "topHashtags": [{"hashtag": "tag", "count": n}, ...], "languages": {"en": n, ...}}}
 * </pre>
 */
final class Summary {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Summary() {}

  /** The summary, or null while the job has not written one (or is replacing it). */
  static JsonNode read(Path file) {
    try {
      return Files.exists(file) ? JSON.readTree(file.toFile()) : null;
    } catch (IOException e) {
      return null;
    }
  }

  static void print(JsonNode s, PrintStream out) {
    JsonNode logs = s.path("logs");
    out.println();
    out.println("Access logs");
    out.printf(Locale.ROOT, "  lines %,d   parsed %,d   rejected %,d%n",
        logs.path("lines").asLong(), logs.path("parsed").asLong(), logs.path("rejected").asLong());
    JsonNode size = logs.path("contentSize");
    out.printf(Locale.ROOT, "  content size (bytes): min %,d   max %,d   avg %,.1f%n",
        size.path("min").asLong(), size.path("max").asLong(), size.path("avg").asDouble());
    out.println("  status   count");
    for (Iterator<Map.Entry<String, JsonNode>> it = logs.path("statusCounts").fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      out.printf(Locale.ROOT, "  %-6s %,7d%n", e.getKey(), e.getValue().asLong());
    }
    out.println("  top endpoints                                                      count");
    for (JsonNode e : logs.path("topEndpoints")) {
      out.printf(Locale.ROOT, "  %-64s %,7d%n", ellipsize(e.path("endpoint").asText(), 64), e.path("count").asLong());
    }

    JsonNode tweets = s.path("tweets");
    out.println();
    out.println("Tweets");
    out.printf(Locale.ROOT, "  records %,d   tweets %,d   rejected %,d%n",
        tweets.path("records").asLong(), tweets.path("tweets").asLong(), tweets.path("rejected").asLong());
    out.println("  top hashtags                     count");
    for (JsonNode e : tweets.path("topHashtags")) {
      out.printf(Locale.ROOT, "  #%-31s %,7d%n", ellipsize(e.path("hashtag").asText(), 31), e.path("count").asLong());
    }
    out.println("  language   count");
    for (Iterator<Map.Entry<String, JsonNode>> it = tweets.path("languages").fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      out.printf(Locale.ROOT, "  %-8s %,7d%n", e.getKey(), e.getValue().asLong());
    }
  }

  private static String ellipsize(String s, int width) {
    return s.length() <= width ? s : s.substring(0, width - 1) + "…";
  }
}
