package io.sluice.spark.input.flume;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting for the answer of one SparkFlumeProtocol request, shared by both Spark lines' connections
 * (Avro 1.8 on Spark 2.4.7, Avro 1.11 on Spark 3.5: their {@code CallFuture}s are both a
 * {@link Future}).
 */
final class SinkRequests {

  private SinkRequests() {}

  /**
   * The answer, waiting {@code stepMillis} at a time while the connection is up and the caller has
   * not stopped.
   *
   * @param answer the request's pending answer
   * @param stopped whether the caller (the receiver) is stopping
   * @param connected whether the connection to the sink is still up
   * @param remote the sink's address, for messages
   * @param timeoutMillis how long to wait in all, milliseconds
   * @param stepMillis how long one wait lasts before the checks, milliseconds
   * @param request the request, for messages ({@code getEventBatch(1000)}, ...)
   * @throws IOException the request failed, the connection closed, it timed out or the caller stopped
   */
  static <T> T await(Future<T> answer, BooleanSupplier stopped, BooleanSupplier connected, Supplier<String> remote,
      long timeoutMillis, long stepMillis, String request) throws IOException {
    long start = System.nanoTime();
    while (true) {
      try {
        return answer.get(stepMillis, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        if (stopped.getAsBoolean()) {
          throw new IOException(request + " abandoned: the receiver is stopping");
        }
        if (!connected.getAsBoolean()) {
          throw new IOException(request + " failed: the connection to " + remote.get() + " closed");
        }
        if (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) >= timeoutMillis) {
          throw new IOException(request + " got no answer from " + remote.get() + " within " + timeoutMillis + " ms");
        }
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        throw cause instanceof IOException ? (IOException) cause
            : new IOException(request + " failed on " + remote.get() + ": " + cause, cause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(request + " interrupted", e);
      }
    }
  }
}
