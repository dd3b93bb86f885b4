package io.sluice.flume.source.xapi;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.flume.metrics.XSourceCounter;
import io.sluice.flume.source.stream.FailureKind;
import io.sluice.flume.source.stream.StreamConnectException;
import io.sluice.flume.source.xapi.XStreamSourceConfig.Rule;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the app's filtered-stream rules equal to the declared ones through X's rules endpoint:
 * {@code GET /2/tweets/search/stream/rules} (following {@code meta.next_token}), then
 * {@code POST} with {@code {"delete": {"ids": [...]}}} for rules whose value and tag are not
 * declared, then {@code POST} with {@code {"add": [{"value", "tag"}, ...]}} for declared rules that
 * are missing. Deleting first lets a rule whose tag changed be re-added (X refuses two rules with
 * the same value).
 */
final class XRulesClient {

  static final String RULES_PATH = "/2/tweets/search/stream/rules";
  private static final Logger LOG = LoggerFactory.getLogger(XRulesClient.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A rule as X stores it. */
  static final class StoredRule {
    final String id;
    final Rule rule;

    StoredRule(String id, Rule rule) {
      this.id = id;
      this.rule = rule;
    }
  }

  private final HttpClient client;
  private final URI rulesUri;
  private final String bearerToken;
  private final Duration timeout;
  private final XSourceCounter counter;
  private final String sourceName;

  XRulesClient(HttpClient client, XStreamSourceConfig config, XSourceCounter counter,
      String sourceName) {
    this.client = client;
    this.rulesUri = URI.create(config.baseUrl + RULES_PATH);
    this.bearerToken = config.bearerToken;
    this.timeout = Duration.ofMillis(config.connectTimeoutMs);
    this.counter = counter;
    this.sourceName = sourceName;
  }

  /**
   * Adds the missing declared rules and deletes the others.
   *
   * @param declared the rules from the configuration
   * @throws StreamConnectException when an endpoint cannot be reached or answers with an error
   *     status (the caller retries with back-off)
   * @throws InterruptedException if interrupted
   */
  void sync(List<Rule> declared) throws StreamConnectException, InterruptedException {
    List<StoredRule> stored = list();
    Set<Rule> wanted = new LinkedHashSet<>(declared);
    List<String> staleIds = new ArrayList<>();
    for (StoredRule rule : stored) {
      if (!wanted.remove(rule.rule)) {
        staleIds.add(rule.id);
      }
    }
    if (!staleIds.isEmpty()) {
      ObjectNode body = JSON.createObjectNode();
      ArrayNode ids = body.putObject("delete").putArray("ids");
      staleIds.forEach(ids::add);
      JsonNode response = post(body);
      long deleted = response.path("meta").path("summary").path("deleted").asLong(staleIds.size());
      counter.addToRulesDeletedCount(deleted);
      LOG.info("{}: deleted {} stream rules not in the configuration: {}", sourceName, deleted,
          staleIds);
    }
    if (!wanted.isEmpty()) {
      ObjectNode body = JSON.createObjectNode();
      ArrayNode add = body.putArray("add");
      for (Rule rule : wanted) {
        add.addObject().put("value", rule.value).put("tag", rule.tag);
      }
      JsonNode response = post(body);
      JsonNode summary = response.path("meta").path("summary");
      long created = summary.path("created").asLong(response.path("data").size());
      long notCreated = summary.path("not_created").asLong(0);
      counter.addToRulesAddedCount(created);
      LOG.info("{}: added {} stream rules: {}", sourceName, created, wanted);
      if (notCreated > 0 || response.has("errors")) {
        counter.addToRulesRejectedCount(Math.max(notCreated, response.path("errors").size()));
        LOG.error("{}: X refused {} declared rules; the stream runs without them: {}",
            sourceName, notCreated, response.path("errors"));
      }
    }
    if (staleIds.isEmpty() && wanted.isEmpty()) {
      LOG.info("{}: stream rules already match the configuration ({} rules)", sourceName,
          declared.size());
    }
  }

  /** All rules of the app, following pagination. */
  List<StoredRule> list() throws StreamConnectException, InterruptedException {
    List<StoredRule> rules = new ArrayList<>();
    String next = null;
    do {
      URI uri = URI.create(rulesUri + "?max_results=1000"
          + (next == null ? "" : "&pagination_token=" + URLEncoder.encode(next, UTF_8)));
      JsonNode page = send(request(uri).GET().build());
      for (JsonNode rule : page.path("data")) {
        String tag = rule.path("tag").isTextual() ? rule.get("tag").asText() : null;
        rules.add(new StoredRule(rule.path("id").asText(),
            new Rule(rule.path("value").asText(), tag)));
      }
      JsonNode token = page.path("meta").path("next_token");
      next = token.isTextual() && !token.asText().isEmpty() ? token.asText() : null;
    } while (next != null);
    return rules;
  }

  private JsonNode post(ObjectNode body) throws StreamConnectException, InterruptedException {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return send(request(rulesUri)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
        .build());
  }

  private HttpRequest.Builder request(URI uri) {
    return HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("Authorization", "Bearer " + bearerToken)
        .header("User-Agent", XStreamConnector.USER_AGENT);
  }

  private JsonNode send(HttpRequest request) throws StreamConnectException, InterruptedException {
    HttpResponse<String> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofString(UTF_8));
    } catch (IOException e) {
      throw new StreamConnectException(FailureKind.NETWORK,
          request.method() + " " + request.uri() + ": " + e, e);
    }
    int status = response.statusCode();
    if (status / 100 != 2) {
      throw XStreamConnector.httpError(counter, request.method() + " " + request.uri(), status,
          response.body());
    }
    try {
      return JSON.readTree(response.body());
    } catch (JsonProcessingException e) {
      throw new StreamConnectException(FailureKind.HTTP, request.method() + " " + request.uri()
          + ": HTTP " + status + " with a body that is not JSON", e);
    }
  }
}
