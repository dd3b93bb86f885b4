package io.sluice.flume.source.xapi;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.flume.metrics.XSourceCounter;
import io.sluice.flume.source.stream.FailureKind;
import io.sluice.flume.source.stream.StreamConnectException;
import io.sluice.flume.source.stream.StreamConnection;
import io.sluice.flume.source.stream.StreamListener;
import io.sluice.flume.source.stream.StreamRunner;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Opens X API v2 filtered streams ({@code GET /2/tweets/search/stream}) with the JDK's
 * {@link HttpClient}, after syncing the rules once per source start. The response body is read
 * line by line ({@code \r\n}, {@code \n} or {@code \r}), with demand from the runner, so a
 * keep-alive {@code \r\n} arrives as an empty line.
 *
 * <p>Failure classes: I/O errors and timeouts are {@link FailureKind#NETWORK}; HTTP 429 is
 * {@link FailureKind#RATE_LIMITED}; every other non-200 status is {@link FailureKind#HTTP}.
 */
final class XStreamConnector implements StreamRunner.Connector {

  static final String STREAM_PATH = "/2/tweets/search/stream";
  static final String USER_AGENT = "sluice-flume-x-source/1";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ERROR_BODY_LOG_CHARS = 500;

  private final HttpClient client;
  private final XStreamSourceConfig config;
  private final XRulesClient rules;
  private final XSourceCounter counter;
  private final URI streamUri;
  private final Duration timeout;
  private boolean rulesSynced;
  private boolean connectedBefore;

  XStreamConnector(HttpClient client, XStreamSourceConfig config, XRulesClient rules,
      XSourceCounter counter) {
    this.client = client;
    this.config = config;
    this.rules = rules;
    this.counter = counter;
    this.streamUri = streamUri(config, false);
    this.timeout = Duration.ofMillis(config.connectTimeoutMs);
  }

  @Override
  public StreamConnection connect(StreamListener listener)
      throws StreamConnectException, InterruptedException {
    if (config.syncRules && !rulesSynced) {
      rules.sync(config.rules);
      rulesSynced = true;
    }
    URI uri = connectedBefore && config.backfillMinutes > 0 ? streamUri(config, true) : streamUri;
    HttpRequest request = HttpRequest.newBuilder(uri)
        .header("Authorization", "Bearer " + config.bearerToken)
        .header("User-Agent", USER_AGENT)
        .GET()
        .build();
    Connection connection = new Connection(listener, uri);
    CompletableFuture<HttpResponse.ResponseInfo> head = new CompletableFuture<>();
    CompletableFuture<HttpResponse<String>> response = client.sendAsync(request, info -> {
      head.complete(info);
      return info.statusCode() == 200
          ? BodySubscribers.fromLineSubscriber(connection, subscriber -> null, UTF_8, null)
          : BodySubscribers.ofString(UTF_8);
    });
    response.whenComplete((result, error) -> {
      if (error != null) {
        head.completeExceptionally(error);
      }
    });
    connection.response = response;
    HttpResponse.ResponseInfo info;
    try {
      info = head.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      response.cancel(true);
      throw e;
    } catch (TimeoutException e) {
      response.cancel(true);
      throw new StreamConnectException(FailureKind.NETWORK, "GET " + uri
          + ": no response headers within " + timeout.toMillis() + " ms", e);
    } catch (ExecutionException e) {
      throw new StreamConnectException(FailureKind.NETWORK, "GET " + uri + ": " + e.getCause(),
          e.getCause());
    }
    if (info.statusCode() == 200) {
      connectedBefore = true;
      return connection;
    }
    String body;
    try {
      body = response.get(timeout.toMillis(), TimeUnit.MILLISECONDS).body();
    } catch (ExecutionException | TimeoutException e) {
      response.cancel(true);
      body = "";
    }
    throw httpError(counter, "GET " + uri, info.statusCode(), body);
  }

  /** The failure for an HTTP error status, with X's problem title and detail when present. */
  static StreamConnectException httpError(XSourceCounter counter, String what, int status,
      String body) {
    FailureKind kind = status == 429 ? FailureKind.RATE_LIMITED : FailureKind.HTTP;
    if (kind == FailureKind.RATE_LIMITED) {
      counter.incrementRateLimitedCount();
    }
    return new StreamConnectException(kind, what + ": HTTP " + status + problem(body), null);
  }

  private static String problem(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    try {
      JsonNode node = JSON.readTree(body);
      JsonNode problem = node.has("errors") ? node.path("errors").path(0) : node;
      String title = problem.path("title").asText("");
      String detail = problem.path("detail").asText("");
      if (!title.isEmpty() || !detail.isEmpty()) {
        return " (" + title + (detail.isEmpty() ? "" : ": " + detail) + ")";
      }
    } catch (IOException e) {
      // not JSON: show the start of the body
    }
    String text = body.strip();
    return " (" + (text.length() > ERROR_BODY_LOG_CHARS
        ? text.substring(0, ERROR_BODY_LOG_CHARS) + "..." : text) + ")";
  }

  /** The stream URL with the configured fields and, on reconnects, backfill. */
  static URI streamUri(XStreamSourceConfig config, boolean backfill) {
    StringBuilder url = new StringBuilder(config.baseUrl + STREAM_PATH);
    char separator = '?';
    separator = parameter(url, separator, "tweet.fields", config.tweetFields);
    separator = parameter(url, separator, "expansions", config.expansions);
    separator = parameter(url, separator, "user.fields", config.userFields);
    if (backfill) {
      url.append(separator).append("backfill_minutes=").append(config.backfillMinutes);
    }
    return URI.create(url.toString());
  }

  private static char parameter(StringBuilder url, char separator, String name,
      List<String> values) {
    if (values.isEmpty()) {
      return separator;
    }
    url.append(separator).append(name).append('=')
        .append(URLEncoder.encode(String.join(",", values), UTF_8));
    return '&';
  }

  /** One streaming response, as a {@link StreamConnection} and a line subscriber. */
  private static final class Connection implements StreamConnection, Flow.Subscriber<String> {
    private final StreamListener listener;
    private final URI uri;
    private volatile CompletableFuture<HttpResponse<String>> response;
    private Flow.Subscription subscription; // guarded by this
    private long pendingDemand; // guarded by this
    private boolean closed; // guarded by this

    Connection(StreamListener listener, URI uri) {
      this.listener = listener;
      this.uri = uri;
    }

    @Override
    public void request(long n) {
      Flow.Subscription current;
      synchronized (this) {
        if (subscription == null) {
          pendingDemand += n;
          return;
        }
        current = subscription;
      }
      current.request(n);
    }

    @Override
    public void close() {
      Flow.Subscription current;
      synchronized (this) {
        closed = true;
        current = subscription;
      }
      if (current != null) {
        current.cancel();
      }
      CompletableFuture<HttpResponse<String>> pending = response;
      if (pending != null) {
        pending.cancel(true);
      }
    }

    @Override
    public String describe() {
      return uri.toString();
    }

    @Override
    public void onSubscribe(Flow.Subscription newSubscription) {
      long demand;
      boolean cancel;
      synchronized (this) {
        subscription = newSubscription;
        demand = pendingDemand;
        pendingDemand = 0;
        cancel = closed;
      }
      if (cancel) {
        newSubscription.cancel();
      } else if (demand > 0) {
        newSubscription.request(demand);
      }
    }

    @Override
    public void onNext(String line) {
      listener.onMessage(this, line);
    }

    @Override
    public void onError(Throwable error) {
      listener.onError(this, error);
    }

    @Override
    public void onComplete() {
      listener.onClosed(this, "end of the HTTP response");
    }
  }
}
