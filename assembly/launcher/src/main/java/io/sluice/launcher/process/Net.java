package io.sluice.launcher.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback port helpers. */
public final class Net {

  public static final String LOOPBACK = "127.0.0.1";

  private Net() {}

  /**
   * A port that was free on the loopback interface a moment ago. Servers that cannot report the
   * port they bound (Flume's SparkSink, Kafka's listeners) are given one of these.
   */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A UDP port that was free on the loopback interface a moment ago (e.g. for Flume's syslogudp source). */
  public static int freeUdpPort() {
    try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, InetAddress.getByName(LOOPBACK))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether something accepts TCP connections on {@code host:port}. */
  public static boolean isOpen(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
