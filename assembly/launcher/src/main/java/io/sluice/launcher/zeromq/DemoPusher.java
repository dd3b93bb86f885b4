package io.sluice.launcher.zeromq;

import io.sluice.launcher.LaunchException;
import io.sluice.launcher.process.ReplayLines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The ZeroMQ side of {@code sluice demo --via zeromq}: JeroMQ {@code PUSH} sockets connecting to
 * loopback endpoints, one per pipeline, that the agents' {@code ZeroMqSource}s ({@code PULL},
 * bind) read. PUSH/PULL loses nothing while both run: a PUSH socket whose peer's queue is full (or
 * that has no peer yet) blocks the sender instead of dropping ({@code zmq_socket(3)}), so the demo
 * can send whole files before and while the agents start. The PUSH sockets connect, rather than
 * bind, because a connecting socket keeps its queue when its connection breaks: JeroMQ 0.6.0 stalls
 * a few percent of fresh outgoing connections until the handshake timer closes them (see
 * {@code ZeroMqSourceConfig#HANDSHAKE_TIMEOUT_MS}), and a bound PUSH would drop what it had queued
 * on such a connection. Each message is two frames, the line's id
 * ({@code <file name>:<line>}, the replay's id) and the line; the sockets linger until every queued
 * message is sent or {@link #close()} gives up after {@value #LINGER_MS} ms. One thread per socket
 * (JeroMQ sockets are not thread-safe).
 */
public final class DemoPusher implements AutoCloseable {

  /** How long {@link #close()} lets queued messages go out, in milliseconds. */
  static final int LINGER_MS = 10_000;
  /** ZMQ_HANDSHAKE_IVL, milliseconds: a stalled connection is closed and made again after this. */
  static final int HANDSHAKE_TIMEOUT_MS = 5_000;

  private final ZContext context = new ZContext(1);

  /**
   * Connects a PUSH socket to {@code endpoint} and sends every line of {@code file} on it, in order,
   * each as [id, line]; returns the number of lines once all are queued in the socket or sent (it
   * blocks while nobody listens there and the queue is full). Lines are split as the replay source
   * splits them.
   *
   * @throws LaunchException when the endpoint is not one a socket can connect to
   */
  public long push(Path file, String endpoint) throws IOException {
    List<byte[]> lines = ReplayLines.split(Files.readAllBytes(file));
    ZMQ.Socket push;
    synchronized (context) {
      push = context.createSocket(SocketType.PUSH);
    }
    push.setLinger(LINGER_MS);
    push.setHandshakeIvl(HANDSHAKE_TIMEOUT_MS);
    try {
      push.connect(endpoint);
    } catch (ZMQException | IllegalArgumentException e) {
      throw new LaunchException("cannot connect a ZeroMQ PUSH socket to " + endpoint + ": " + e.getMessage());
    }
    String name = file.getFileName().toString();
    for (int i = 0; i < lines.size(); i++) {
      push.sendMore((name + ":" + (i + 1)).getBytes(StandardCharsets.UTF_8));
      if (!push.send(lines.get(i))) {
        throw new LaunchException("ZeroMQ PUSH to " + endpoint + " failed at line " + (i + 1) + " of " + file);
      }
    }
    return lines.size();
  }

  /** Closes the sockets, each lingering up to {@value #LINGER_MS} ms for what it still holds. */
  @Override
  public void close() {
    synchronized (context) {
      context.destroy();
    }
  }
}
