package io.sluice.flume.source.jetstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.java_websocket.WebSocket;
import org.java_websocket.drafts.Draft;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.ServerHandshakeBuilder;
import org.java_websocket.server.WebSocketServer;

/**
 * A local stand-in for a Jetstream instance's v1 {@code /subscribe} endpoint that replays
 * recorded real events (one JSON message per line of a file, sent exactly as recorded).
 *
 * <p>Like Jetstream it sends events in {@code time_us} order, from {@code cursor} (inclusive)
 * when the client gives one, and applies {@code wantedCollections} (exact NSIDs and
 * {@code prefix.*}) to commits only: identity and account events are always sent. Each
 * connection follows a {@link Script} (the last one repeats): refuse the handshake, send extra
 * frames first, stop after a number of events and then close or go silent. Binds to an
 * ephemeral loopback port. Public, in this module's test-jar, for the distribution's tests
 * ({@code sluice demo --live bluesky} in assembly/it).
 */
public final class JetstreamReplayServer extends WebSocketServer implements AutoCloseable {

  /** What one connection does. */
  public static final class Script {
    boolean refuseHandshake;
    List<String> framesFirst = List.of();
    int maxEvents = Integer.MAX_VALUE;
    boolean closeAfterMax = true;

    public static Script sendAll() {
      return new Script();
    }

    static Script refuse() {
      Script script = new Script();
      script.refuseHandshake = true;
      return script;
    }

    /** Sends the first {@code n} events, then closes the connection (service restart). */
    static Script dropAfter(int n) {
      Script script = new Script();
      script.maxEvents = n;
      return script;
    }

    /** Sends the first {@code n} events, then keeps the connection open and says nothing. */
    static Script silentAfter(int n) {
      Script script = dropAfter(n);
      script.closeAfterMax = false;
      return script;
    }

    Script withFramesFirst(String... frames) {
      framesFirst = List.of(frames);
      return this;
    }
  }

  /** One recorded event: the raw line and the fields the server filters on. */
  static final class Recorded {
    final String line;
    final long timeUs;
    final String kind;
    final String collection;

    Recorded(String line, long timeUs, String kind, String collection) {
      this.line = line;
      this.timeUs = timeUs;
      this.kind = kind;
      this.collection = collection;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Recorded> events;
  private final List<Script> scripts;
  private final CountDownLatch started = new CountDownLatch(1);
  /** The request URI (path and query) of every handshake, refused ones included. */
  public final List<URI> requests = new CopyOnWriteArrayList<>();
  private final Map<WebSocket, Integer> connectionIndex = new ConcurrentHashMap<>();

  private JetstreamReplayServer(List<Recorded> events, List<Script> scripts) {
    super(new InetSocketAddress("127.0.0.1", 0));
    this.events = events;
    this.scripts = scripts;
    setReuseAddr(true);
  }

  /**
   * Starts a server replaying {@code file} with the given per-connection scripts.
   */
  public static JetstreamReplayServer start(Path file, Script... scripts) throws InterruptedException {
    JetstreamReplayServer server = new JetstreamReplayServer(read(file),
        scripts.length == 0 ? List.of(Script.sendAll()) : List.of(scripts));
    server.setDaemon(true);
    server.start();
    if (!server.started.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("WebSocket server did not start");
    }
    return server;
  }

  /** The subscribe URL of this server. */
  public String endpoint() {
    return "ws://127.0.0.1:" + getPort() + "/subscribe";
  }

  /** The events in the order the server replays them (time_us order). */
  List<Recorded> events() {
    return events;
  }

  /** The value of a query parameter of the {@code n}-th handshake (0-based), or null. */
  List<String> parameter(int n, String name) {
    String query = requests.get(n).getRawQuery();
    List<String> values = new ArrayList<>();
    if (query != null) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).equals(name)) {
          values.add(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return values;
  }

  private Script script(int connection) {
    return scripts.get(Math.min(connection, scripts.size() - 1));
  }

  @Override
  public ServerHandshakeBuilder onWebsocketHandshakeReceivedAsServer(WebSocket conn, Draft draft,
      ClientHandshake request) throws InvalidDataException {
    int index = requests.size();
    requests.add(URI.create(request.getResourceDescriptor()));
    connectionIndex.put(conn, index);
    if (script(index).refuseHandshake) {
      throw new InvalidDataException(CloseFrame.POLICY_VALIDATION, "refused by the test script");
    }
    return super.onWebsocketHandshakeReceivedAsServer(conn, draft, request);
  }

  @Override
  public void onOpen(WebSocket conn, ClientHandshake handshake) {
    int index = connectionIndex.getOrDefault(conn, 0);
    Script script = script(index);
    URI uri = requests.get(index);
    script.framesFirst.forEach(conn::send);
    List<String> collections = parameter(index, "wantedCollections");
    List<String> cursor = parameter(index, "cursor");
    long from = cursor.isEmpty() ? Long.MIN_VALUE : Long.parseLong(cursor.get(0));
    int sent = 0;
    for (Recorded event : events) {
      if (sent == script.maxEvents) {
        break;
      }
      if (event.timeUs >= from && wanted(event, collections)) {
        conn.send(event.line);
        sent++;
      }
    }
    if (sent == script.maxEvents && script.closeAfterMax) {
      conn.close(CloseFrame.SERVICE_RESTART, "test script: drop after " + sent + " events of "
          + uri);
    }
  }

  private static boolean wanted(Recorded event, List<String> collections) {
    if (!event.kind.equals("commit") || collections.isEmpty()) {
      return true;
    }
    for (String wanted : collections) {
      if (wanted.endsWith(".*")
          ? event.collection.startsWith(wanted.substring(0, wanted.length() - 1))
          : event.collection.equals(wanted)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void onClose(WebSocket conn, int code, String reason, boolean remote) {
  }

  @Override
  public void onMessage(WebSocket conn, String message) {
  }

  @Override
  public void onError(WebSocket conn, Exception ex) {
  }

  @Override
  public void onStart() {
    started.countDown();
  }

  @Override
  public void close() throws InterruptedException {
    stop(1000);
  }

  private static List<Recorded> read(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
          .filter(line -> !line.isEmpty())
          .map(JetstreamReplayServer::recorded)
          .sorted(Comparator.comparingLong(r -> r.timeUs))
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Recorded recorded(String line) {
    try {
      JsonNode node = JSON.readTree(line);
      return new Recorded(line, node.get("time_us").asLong(), node.get("kind").asText(),
          node.path("commit").path("collection").asText(""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
