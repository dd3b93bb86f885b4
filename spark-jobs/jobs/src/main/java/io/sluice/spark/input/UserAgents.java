package io.sluice.spark.input;

import java.util.List;
import java.util.Locale;

/**
 * A deliberately simple heuristic for automated HTTP clients, read from the {@code User-Agent}
 * request header as an access log records it (RFC 9110, section 10.1.5: a product token list; no
 * standard says which agents are robots).
 *
 * <p>An agent is bot-like when it is empty or {@code -} (browsers always send one), or when,
 * lower-cased, it contains one of {@link #MARKERS}: the words crawlers and feed readers name
 * themselves with ({@code bot}, {@code crawl}, {@code spider}, {@code slurp}, {@code fetch},
 * {@code feed}), the libraries and tools scripts and scanners send by default ({@code curl},
 * {@code wget}, {@code python}, {@code java/}, {@code libwww}, {@code go-http-client},
 * {@code httpclient}, {@code okhttp}, {@code scrapy}, {@code headless}, {@code nikto},
 * {@code sqlmap}, {@code nmap}, {@code masscan}, {@code zgrab}, {@code dirbuster}, {@code gobuster}),
 * or a contact address ({@code http://}, {@code https://}, {@code @}), which well-behaved robots
 * put in their agent and browsers do not. A client that spoofs a browser's agent is not caught.
 */
public final class UserAgents {

  /** The lower-case substrings that make an agent bot-like. */
  public static final List<String> MARKERS = List.of(
      "bot", "crawl", "spider", "slurp", "fetch", "feed",
      "curl", "wget", "python", "java/", "libwww", "go-http-client", "httpclient", "okhttp", "scrapy",
      "headless", "nikto", "sqlmap", "nmap", "masscan", "zgrab", "dirbuster", "gobuster",
      "http://", "https://", "@");

  private UserAgents() {}

  /** True when {@code userAgent} is null, blank, {@code -} or contains one of {@link #MARKERS} (any case). */
  public static boolean isBotLike(String userAgent) {
    if (userAgent == null) {
      return true;
    }
    String agent = userAgent.trim().toLowerCase(Locale.ROOT);
    if (agent.isEmpty() || agent.equals("-")) {
      return true;
    }
    for (String marker : MARKERS) {
      if (agent.contains(marker)) {
        return true;
      }
    }
    return false;
  }
}
