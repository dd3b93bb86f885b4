package io.sluice.flume.source.mqtt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.Transaction;
import org.apache.flume.channel.AbstractChannel;

/**
 * Test channel for crash tests: keeps nothing; while {@code gateFile} exists, the commit of a
 * transaction that put an event whose body is the content of {@code holdOnFile} creates
 * {@code heldFile} and never returns. Listed after the real channel among a source's required
 * channels, it holds the source's thread after the real channel committed and before the source
 * acknowledges: the moment to {@code kill -9} the agent.
 */
public final class HoldingChannel extends AbstractChannel {

  private Path gateFile;
  private Path heldFile;
  private String holdOn;
  private final ThreadLocal<Boolean> holding = ThreadLocal.withInitial(() -> false);

  @Override
  public void configure(Context context) {
    super.configure(context);
    gateFile = Paths.get(context.getString("gateFile"));
    heldFile = Paths.get(context.getString("heldFile"));
    try {
      holdOn = Files.readString(Paths.get(context.getString("holdOnFile")), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void put(Event event) {
    if (holdOn.equals(new String(event.getBody(), StandardCharsets.UTF_8))) {
      holding.set(true);
    }
  }

  @Override
  public Event take() {
    return null;
  }

  @Override
  public Transaction getTransaction() {
    return new Transaction() {
      @Override
      public void begin() {
        holding.set(false);
      }

      @Override
      public void commit() {
        if (holding.get() && Files.exists(gateFile)) {
          try {
            Files.writeString(heldFile, holdOn, StandardCharsets.UTF_8);
            while (true) {
              Thread.sleep(1_000); // held until the JVM is killed
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while holding", e);
          }
        }
      }

      @Override
      public void rollback() {
      }

      @Override
      public void close() {
      }
    };
  }
}
