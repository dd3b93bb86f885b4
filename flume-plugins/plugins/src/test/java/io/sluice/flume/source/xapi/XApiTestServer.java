package io.sluice.flume.source.xapi;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local stand-in for the X API v2 filtered stream: the rules endpoint
 * ({@code GET}/{@code POST /2/tweets/search/stream/rules}, in the documented request and response
 * formats, with {@code next_token} pagination) and the stream endpoint
 * ({@code GET /2/tweets/search/stream}) whose connections follow {@link StreamScript}s (the last
 * one repeats). Stream lines end in {@code \r\n}; an empty line is a keep-alive. Binds to an
 * ephemeral loopback port.
 */
final class XApiTestServer implements AutoCloseable {

  /** What one stream connection does. */
  static final class StreamScript {
    int status = 200;
    String errorBody = "";
    List<String> lines = List.of();
    boolean stallAtEnd;

    static StreamScript lines(List<String> lines) {
      StreamScript script = new StreamScript();
      script.lines = lines;
      return script;
    }

    static StreamScript status(int status, String body) {
      StreamScript script = new StreamScript();
      script.status = status;
      script.errorBody = body;
      return script;
    }

    /** After the lines, keep the response open and send nothing. */
    StreamScript thenStall() {
      stallAtEnd = true;
      return this;
    }
  }

  /** One request the server received. */
  static final class Request {
    final String method;
    final URI uri;
    final String authorization;
    final String body;
    final long atNanos;

    Request(String method, URI uri, String authorization, String body) {
      this.method = method;
      this.uri = uri;
      this.authorization = authorization;
      this.body = body;
      this.atNanos = System.nanoTime();
    }

    String parameter(String name) {
      String query = uri.getRawQuery();
      if (query == null) {
        return null;
      }
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).equals(name)) {
          return URLDecoder.decode(pair.substring(eq + 1), UTF_8);
        }
      }
      return null;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RULES = "/2/tweets/search/stream/rules";
  private static final String STREAM = "/2/tweets/search/stream";

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(task -> {
    Thread thread = new Thread(task, "x-api-test-server");
    thread.setDaemon(true);
    return thread;
  });
  private final List<StreamScript> scripts;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final AtomicLong nextRuleId = new AtomicLong(1273026480692322304L);
  /** The app's rules: id to {value, tag}. */
  private final Map<String, String[]> rules = new LinkedHashMap<>();
  final List<Request> ruleRequests = new CopyOnWriteArrayList<>();
  final List<Request> streamRequests = new CopyOnWriteArrayList<>();
  private volatile int rulesPageSize = 1000;

  private XApiTestServer(List<StreamScript> scripts) throws IOException {
    this.scripts = scripts;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(RULES, this::rules);
    server.createContext(STREAM, this::stream);
    server.setExecutor(executor);
    server.start();
  }

  static XApiTestServer start(StreamScript... scripts) throws IOException {
    return new XApiTestServer(List.of(scripts));
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Adds a rule as if created earlier; returns its id. */
  synchronized String addRule(String value, String tag) {
    String id = Long.toString(nextRuleId.getAndIncrement());
    rules.put(id, new String[] {value, tag});
    return id;
  }

  /** The app's rules as {@code value|tag} strings. */
  synchronized List<String> rules() {
    List<String> list = new ArrayList<>();
    rules.values().forEach(rule -> list.add(rule[0] + "|" + rule[1]));
    return list;
  }

  void rulesPageSize(int size) {
    rulesPageSize = size;
  }

  private void rules(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), UTF_8);
    ruleRequests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI(),
        exchange.getRequestHeaders().getFirst("Authorization"), body));
    ObjectNode response = JSON.createObjectNode();
    ObjectNode meta = response.putObject("meta");
    meta.put("sent", Instant.now().toString());
    synchronized (this) {
      if (exchange.getRequestMethod().equals("GET")) {
        Request request = ruleRequests.get(ruleRequests.size() - 1);
        String token = request.parameter("pagination_token");
        int from = token == null ? 0 : Integer.parseInt(token);
        List<Map.Entry<String, String[]>> all = new ArrayList<>(rules.entrySet());
        int to = Math.min(all.size(), from + rulesPageSize);
        if (to > from) {
          ArrayNode data = response.putArray("data");
          for (Map.Entry<String, String[]> rule : all.subList(from, to)) {
            ObjectNode node = data.addObject().put("id", rule.getKey())
                .put("value", rule.getValue()[0]);
            if (rule.getValue()[1] != null) {
              node.put("tag", rule.getValue()[1]);
            }
          }
        }
        meta.put("result_count", to - from);
        if (to < all.size()) {
          meta.put("next_token", Integer.toString(to));
        }
      } else {
        JsonNode request = JSON.readTree(body);
        ObjectNode summary = meta.putObject("summary");
        if (request.has("delete")) {
          int deleted = 0;
          for (JsonNode id : request.at("/delete/ids")) {
            deleted += rules.remove(id.asText()) == null ? 0 : 1;
          }
          summary.put("deleted", deleted).put("not_deleted", 0);
        } else {
          ArrayNode data = response.putArray("data");
          for (JsonNode rule : request.get("add")) {
            String id = Long.toString(nextRuleId.getAndIncrement());
            rules.put(id, new String[] {rule.get("value").asText(), rule.path("tag").asText()});
            data.addObject().put("value", rule.get("value").asText())
                .put("tag", rule.path("tag").asText()).put("id", id);
          }
          summary.put("created", data.size()).put("not_created", 0).put("valid", data.size())
              .put("invalid", 0);
        }
      }
    }
    byte[] bytes = JSON.writeValueAsBytes(response);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(exchange.getRequestMethod().equals("POST") ? 201 : 200,
        bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private void stream(HttpExchange exchange) throws IOException {
    int index = streamRequests.size();
    streamRequests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI(),
        exchange.getRequestHeaders().getFirst("Authorization"), ""));
    StreamScript script = scripts.get(Math.min(index, scripts.size() - 1));
    if (script.status != 200) {
      byte[] body = script.errorBody.getBytes(UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
      exchange.sendResponseHeaders(script.status, body.length == 0 ? -1 : body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
      return;
    }
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, 0); // chunked: a long-lived stream
    try (OutputStream out = exchange.getResponseBody()) {
      for (String line : script.lines) {
        out.write((line + "\r\n").getBytes(UTF_8));
        out.flush();
      }
      if (script.stallAtEnd) {
        closing.await(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the client went away
    }
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
