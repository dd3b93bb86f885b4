package io.sluice.flume.source.jetstream;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.sluice.flume.source.stream.FailureKind;
import io.sluice.flume.source.stream.StreamConnectException;
import io.sluice.flume.source.stream.StreamConnection;
import io.sluice.flume.source.stream.StreamListener;
import io.sluice.flume.source.stream.StreamRunner;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Opens Jetstream v1 subscriptions with the JDK's {@link java.net.http.WebSocket}: builds the
 * {@code /subscribe} URL ({@code wantedCollections}, {@code wantedDids}, {@code cursor}), rotates
 * through the configured endpoints after a failed attempt, and adapts the WebSocket listener to
 * {@link StreamConnection} with explicit demand.
 */
final class JetstreamConnector implements StreamRunner.Connector {

  private final HttpClient client;
  private final List<URI> endpoints;
  private final List<String> wantedCollections;
  private final List<String> wantedDids;
  private final Supplier<OptionalLong> cursor;
  private final Duration connectTimeout;
  private int endpointIndex;

  /**
   * @param client the HTTP client (its executor runs the listener callbacks)
   * @param config the source's configuration
   * @param cursor the cursor to send on each connect ({@code time_us}); empty for the live tip
   */
  JetstreamConnector(HttpClient client, JetstreamSourceConfig config,
      Supplier<OptionalLong> cursor) {
    this.client = client;
    this.endpoints = List.copyOf(config.endpoints);
    this.wantedCollections = config.wantedCollections;
    this.wantedDids = config.wantedDids;
    this.cursor = cursor;
    this.connectTimeout = Duration.ofMillis(config.connectTimeoutMs);
  }

  @Override
  public StreamConnection connect(StreamListener listener)
      throws StreamConnectException, InterruptedException {
    URI uri = subscribeUri(endpoints.get(endpointIndex), cursor.get());
    Connection connection = new Connection(listener, uri);
    CompletableFuture<WebSocket> opening = client.newWebSocketBuilder()
        .connectTimeout(connectTimeout)
        .buildAsync(uri, connection);
    try {
      connection.webSocket = opening.get(connectTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
      return connection;
    } catch (InterruptedException e) {
      opening.cancel(true);
      throw e;
    } catch (TimeoutException e) {
      opening.cancel(true);
      throw failed(FailureKind.NETWORK, uri, "timed out", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof WebSocketHandshakeException) {
        int status = ((WebSocketHandshakeException) cause).getResponse().statusCode();
        throw failed(status == 429 ? FailureKind.RATE_LIMITED : FailureKind.HTTP, uri,
            "handshake refused with HTTP " + status, cause);
      }
      throw failed(FailureKind.NETWORK, uri, String.valueOf(cause), cause);
    }
  }

  private StreamConnectException failed(FailureKind kind, URI uri, String what, Throwable cause) {
    endpointIndex = (endpointIndex + 1) % endpoints.size();
    return new StreamConnectException(kind, uri + ": " + what, cause);
  }

  /** The subscribe URL: the endpoint plus Jetstream's query parameters. */
  static URI subscribeUri(URI endpoint, List<String> collections, List<String> dids,
      OptionalLong cursorUs) {
    StringBuilder url = new StringBuilder(endpoint.toString());
    char separator = endpoint.getRawQuery() == null ? '?' : '&';
    for (String collection : collections) {
      url.append(separator).append("wantedCollections=").append(encode(collection));
      separator = '&';
    }
    for (String did : dids) {
      url.append(separator).append("wantedDids=").append(encode(did));
      separator = '&';
    }
    if (cursorUs.isPresent()) {
      url.append(separator).append("cursor=").append(cursorUs.getAsLong());
    }
    return URI.create(url.toString());
  }

  private URI subscribeUri(URI endpoint, OptionalLong cursorUs) {
    return subscribeUri(endpoint, wantedCollections, wantedDids, cursorUs);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, UTF_8);
  }

  /** One WebSocket, as a {@link StreamConnection} and its own {@link WebSocket.Listener}. */
  private static final class Connection implements StreamConnection, WebSocket.Listener {
    private final StreamListener listener;
    private final URI uri;
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private volatile WebSocket webSocket;

    Connection(StreamListener listener, URI uri) {
      this.listener = listener;
      this.uri = uri;
    }

    // ------------------------------------------------------------ StreamConnection

    @Override
    public void request(long n) {
      webSocket.request(n);
    }

    @Override
    public void close() {
      WebSocket ws = webSocket;
      if (ws != null) {
        ws.abort();
      }
    }

    @Override
    public String describe() {
      return uri.toString();
    }

    // ------------------------------------------------------------ WebSocket.Listener

    @Override
    public void onOpen(WebSocket ws) {
      webSocket = ws; // no request(): the runner grants demand once connect() returned
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String message = text.toString();
        text.setLength(0);
        listener.onMessage(this, message);
      } else {
        ws.request(1); // the rest of this message; the runner's demand counts whole messages
      }
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      // Jetstream sends binary frames only to clients that ask for zstd compression, which this
      // source does not: pass the bytes on so they are rejected and routed, not lost.
      byte[] chunk = new byte[data.remaining()];
      data.get(chunk);
      binary.writeBytes(chunk);
      if (last) {
        String message = binary.toString(UTF_8);
        binary.reset();
        listener.onMessage(this, message);
      } else {
        ws.request(1);
      }
      return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
      listener.onActivity(this); // the JDK answers with a pong by itself
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
      listener.onActivity(this);
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      listener.onClosed(this, "WebSocket close " + statusCode
          + (reason == null || reason.isEmpty() ? "" : " (" + reason + ")"));
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      listener.onError(this, error);
    }
  }
}
