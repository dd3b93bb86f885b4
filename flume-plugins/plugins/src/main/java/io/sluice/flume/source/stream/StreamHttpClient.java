package io.sluice.flume.source.stream;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JDK HTTP client of a streaming source, on daemon threads named {@code <prefix>-<n>} so that
 * an agent never waits for them to exit. {@link #close()} stops the threads; a source hands the
 * client to its {@link StreamRunner} ({@link StreamRunner#closeOnStop(AutoCloseable)}), which
 * closes it once its reading thread has ended.
 */
public final class StreamHttpClient implements AutoCloseable {

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final ExecutorService executor;
  private final HttpClient client;

  /**
   * @param threadPrefix name prefix of the client's threads, e.g. {@code jetstream-<source>}
   * @param connectTimeoutMs TCP and TLS connect timeout, milliseconds
   * @param version the HTTP version to use, or null for the JDK's default (HTTP/2 when offered)
   */
  public StreamHttpClient(String threadPrefix, long connectTimeoutMs, HttpClient.Version version) {
    executor = Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, threadPrefix + "-" + THREADS.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    HttpClient.Builder builder = HttpClient.newBuilder()
        .connectTimeout(Duration.ofMillis(connectTimeoutMs))
        .executor(executor);
    if (version != null) {
      builder.version(version);
    }
    client = builder.build();
  }

  /** The client; it runs its work on this object's threads. */
  public HttpClient client() {
    return client;
  }

  /** Stops the client's threads; requests still in flight fail. */
  @Override
  public void close() {
    executor.shutdownNow();
  }
}
