package io.sluice.flume.source.mqtt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.interceptor.Interceptor;

/**
 * Test interceptor for crash tests, run by the source's channel processor before the channel
 * transaction: appends the body of every event it sees to {@code seenFile} (one line each,
 * synced), and while {@code gateFile} exists holds forever the batch that contains an event
 * whose body is the content of {@code holdOnFile}, after creating {@code heldFile}: its events
 * are received and not committed, the moment to {@code kill -9} the agent.
 */
public final class HoldingInterceptor implements Interceptor {

  private final Path seenFile;
  private final Path gateFile;
  private final Path heldFile;
  private final String holdOn;

  private HoldingInterceptor(Path seenFile, Path gateFile, Path heldFile, String holdOn) {
    this.seenFile = seenFile;
    this.gateFile = gateFile;
    this.heldFile = heldFile;
    this.holdOn = holdOn;
  }

  @Override
  public void initialize() {
  }

  @Override
  public Event intercept(Event event) {
    intercept(List.of(event));
    return event;
  }

  @Override
  public List<Event> intercept(List<Event> events) {
    StringBuilder seen = new StringBuilder();
    boolean hold = false;
    for (Event event : events) {
      String body = new String(event.getBody(), StandardCharsets.UTF_8);
      seen.append(body).append('\n');
      hold |= holdOn.equals(body);
    }
    try {
      Files.writeString(seenFile, seen, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND, StandardOpenOption.SYNC);
      if (hold && Files.exists(gateFile)) {
        Files.writeString(heldFile, holdOn, StandardCharsets.UTF_8);
        while (true) {
          Thread.sleep(1_000); // held until the JVM is killed
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while holding " + holdOn, e);
    }
    return events;
  }

  @Override
  public void close() {
  }

  /** Keys: seenFile, gateFile, heldFile, holdOnFile. */
  public static final class Builder implements Interceptor.Builder {
    private Context context;

    @Override
    public void configure(Context context) {
      this.context = context;
    }

    @Override
    public Interceptor build() {
      try {
        return new HoldingInterceptor(Paths.get(context.getString("seenFile")),
            Paths.get(context.getString("gateFile")), Paths.get(context.getString("heldFile")),
            Files.readString(Paths.get(context.getString("holdOnFile")), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
