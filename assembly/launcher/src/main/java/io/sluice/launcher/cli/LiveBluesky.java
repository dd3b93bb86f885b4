package io.sluice.launcher.cli;

import io.sluice.launcher.LaunchException;
import io.sluice.launcher.process.AgentFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code sluice demo --live bluesky}: which Jetstream instances the {@code bluesky} agent will read
 * (its file's {@code endpoints}, {@code ${env:SLUICE_JETSTREAM_ENDPOINTS:-<Bluesky's public
 * instances>}}, resolved from the demo's environment) and a check, before any part starts, that one
 * of them accepts a WebSocket handshake (RFC 6455), so that a machine without a route to them fails
 * within seconds with the reason instead of running a pipeline that never gets an event.
 */
final class LiveBluesky {

  /** Jetstream subscribe URLs, comma-separated, tried in order (the agent file's default otherwise). */
  static final String ENDPOINTS = "SLUICE_JETSTREAM_ENDPOINTS";
  /** The collections the agent asks Jetstream for (the agent file's default otherwise). */
  static final String COLLECTIONS = "SLUICE_JETSTREAM_COLLECTIONS";
  /** Time each endpoint gets to complete the TCP, TLS and WebSocket handshakes. */
  static final Duration CHECK_TIMEOUT = Duration.ofSeconds(5);

  private static final Pattern ENV_LOOKUP =
      Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

  private LiveBluesky() {}

  /**
   * The endpoints the agent's Jetstream source will use: its {@code endpoints} key with
   * {@code ${env:NAME}} and {@code ${env:NAME:-default}} resolved from {@code env}.
   *
   * @throws LaunchException when the file has no Jetstream source or the value resolves to nothing
   */
  static List<String> endpoints(AgentFile file, Map<String, String> env) {
    String source = file.sourceOfType("JetstreamSource").substring("SOURCE.".length());
    String key = "sources." + source + ".endpoints";
    String resolved = resolve(file.property(key), env);
    List<String> endpoints = Arrays.stream(resolved.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (endpoints.isEmpty()) {
      throw new LaunchException("no Jetstream endpoint: the bluesky agent's " + key + " is empty (" + ENDPOINTS + ")");
    }
    return endpoints;
  }

  /** The demo's {@value #ENDPOINTS} and {@value #COLLECTIONS}, when set, for the agent. */
  static Map<String, String> agentEnv(Map<String, String> env) {
    Map<String, String> out = new HashMap<>();
    for (String name : List.of(ENDPOINTS, COLLECTIONS)) {
      String v = env.get(name);
      if (v != null && !v.isBlank()) {
        out.put(name, v);
      }
    }
    return out;
  }

  /**
   * Returns once one of {@code endpoints} completes a WebSocket handshake within {@code timeout}
   * (the connection is then closed at once).
   *
   * @throws LaunchException naming each endpoint and why it failed, when none does
   */
  static void checkReachable(List<String> endpoints, Duration timeout) throws InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
    List<String> failures = new ArrayList<>();
    for (String endpoint : endpoints) {
      try {
        WebSocket ws = client.newWebSocketBuilder().connectTimeout(timeout)
            .buildAsync(URI.create(endpoint), new WebSocket.Listener() { })
            .get(2 * timeout.toMillis(), TimeUnit.MILLISECONDS);
        ws.abort();
        return;
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        failures.add(endpoint + " (" + describe(cause) + ")");
      } catch (TimeoutException e) {
        failures.add(endpoint + " (no handshake within " + 2 * timeout.toSeconds() + " s)");
      } catch (IllegalArgumentException e) {
        failures.add(endpoint + " (" + e.getMessage() + ")");
      }
    }
    throw new LaunchException("cannot reach Bluesky Jetstream: " + String.join(", ", failures)
        + ". --live bluesky needs a route to one of these WebSocket endpoints; set " + ENDPOINTS
        + " to a reachable Jetstream instance (ws:// or wss:// URLs, comma-separated).");
  }

  /** The failure's class and the first message found along its causes, e.g. {@code ConnectException}. */
  private static String describe(Throwable t) {
    String message = null;
    for (Throwable c = t; c != null && message == null; c = c.getCause() == c ? null : c.getCause()) {
      message = c.getMessage() == null || c.getMessage().isBlank() ? null : c.getMessage();
    }
    return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /** {@code value} with every {@code ${env:NAME}} / {@code ${env:NAME:-default}} replaced. */
  static String resolve(String value, Map<String, String> env) {
    Matcher m = ENV_LOOKUP.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = env.get(m.group(1));
      if (v == null || v.isEmpty()) {
        v = m.group(2) == null ? "" : m.group(2);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(v));
    }
    m.appendTail(out);
    return out.toString();
  }
}
