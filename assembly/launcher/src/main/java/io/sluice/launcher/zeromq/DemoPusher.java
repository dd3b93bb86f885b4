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
 * The ZeroMQ side of {@code sluice demo --via zeromq}: JeroMQ {@code PUSH} sockets bound to loopback
 * endpoints, one per pipeline, that the agents' {@code ZeroMqSource}s ({@code PULL}, connect)
 * read. PUSH/PULL loses nothing while both run: a PUSH socket whose peer's queue is full (or that has
 * no peer yet) blocks the sender instead of dropping ({@code zmq_socket(3)}), so the demo can send
 * whole files before and while the agents connect. Each message is two frames, the line's id
 * ({@code <file name>:<line>}, the replay's id) and the line; the sockets linger until every queued
 * message is sent or {@link #close()} gives up after {@value #LINGER_MS} ms. One thread per socket
 * (JeroMQ sockets are not thread-safe).
 */
public final class DemoPusher implements AutoCloseable {

  /** How long {@link #close()} lets queued messages go out, in milliseconds. */
  static final int LINGER_MS = 10_000;

  private final ZContext context = new ZContext(1);

  /**
   * Binds a PUSH socket to {@code endpoint} and sends every line of {@code file} on it, in order,
   * each as [id, line]; returns the number of lines once all are queued in the socket or sent. Lines
   * are split as the replay source splits them.
   *
   * @throws LaunchException when the endpoint cannot be bound
   */
  public long push(Path file, String endpoint) throws IOException {
    List<byte[]> lines = ReplayLines.split(Files.readAllBytes(file));
    ZMQ.Socket push;
    synchronized (context) {
      push = context.createSocket(SocketType.PUSH);
    }
    push.setLinger(LINGER_MS);
    try {
      push.bind(endpoint);
    } catch (ZMQException e) {
      throw new LaunchException("cannot bind ZeroMQ PUSH socket to " + endpoint + ": " + e.getMessage());
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
