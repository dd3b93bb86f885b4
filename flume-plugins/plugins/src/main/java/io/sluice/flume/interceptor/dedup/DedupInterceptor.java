package io.sluice.flume.interceptor.dedup;

import io.sluice.contract.RejectReason;
import io.sluice.flume.interceptor.CountingInterceptor;
import io.sluice.flume.metrics.InterceptorCounter;
import java.lang.ref.WeakReference;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.interceptor.Interceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops an event whose identity header (default {@code eventId}) was already seen within a
 * bounded window, counting every drop.
 *
 * <h2>The window</h2>
 * A key is remembered from the first time it is seen until either {@code windowSeconds} have
 * passed since then or {@code maxEntries} newer distinct keys have been remembered, whichever
 * comes first (first-in first-out: a duplicate does not extend its key's life). Both bounds are
 * exact, not approximate, so memory stays at most {@code maxEntries} keys. Time is the JVM's
 * monotonic clock.
 *
 * <h2>Redelivered batches are not duplicates</h2>
 * Flume sources retry a batch the channel refused by offering the same {@link Event} objects
 * again (Sluice's {@code ReplaySource} does); the interceptor chain then sees the same keys a
 * second time. An event that is the very object that was remembered for its key is therefore
 * passed, not dropped (the interceptor keeps a weak reference, so it holds no bodies). A source
 * that rebuilds events on retry would see them dropped as duplicates: put this interceptor only
 * after sources that retry with the same objects, or deduplicate downstream.
 *
 * <h2>Counters</h2>
 * {@code INTERCEPTOR} group (default name {@value #NAME}, see {@link InterceptorCounter}):
 * {@code EventReceivedCount}, {@code EventAcceptedCount}, {@code EventDroppedCount} and
 * {@code EventDroppedCount.}{@link RejectReason#DUPLICATE}, plus {@value #EVENT_WITHOUT_KEY} for
 * events passed because they lack the header. Events are never rejected (no reject codes).
 *
 * <p>Configure as {@code io.sluice.flume.interceptor.dedup.DedupInterceptor$Builder}; keys in
 * {@link DedupInterceptorConfig} ({@code header}, {@code maxEntries}, {@code windowSeconds},
 * {@code counterGroup}). Thread-safe: batches are processed one at a time.
 */
public final class DedupInterceptor extends CountingInterceptor {

  /** Default counter group name. */
  public static final String NAME = "dedup-interceptor";
  /** Counter: events passed because they have no identity header. */
  public static final String EVENT_WITHOUT_KEY = "EventWithoutKeyCount";

  private static final Logger LOG = LoggerFactory.getLogger(DedupInterceptor.class);

  private final String header;
  private final int maxEntries;
  private final long windowNanos;
  private final LongSupplier nanoTime;
  /** Keys in first-seen order, so the head is always the oldest. */
  private final LinkedHashMap<String, Seen> seen = new LinkedHashMap<>();

  /** When a key was first seen, and by which event object. */
  private record Seen(long nanos, WeakReference<Event> event) {
  }

  /** Package-private seam: tests pass a clock they advance. */
  DedupInterceptor(DedupInterceptorConfig config, LongSupplier nanoTime) {
    super(new InterceptorCounter(config.counterGroup(), List.of(),
        List.of(RejectReason.DUPLICATE.code()),
        List.of(EVENT_WITHOUT_KEY)));
    this.header = config.header();
    this.maxEntries = config.maxEntries();
    this.windowNanos = TimeUnit.SECONDS.toNanos(config.windowSeconds());
    this.nanoTime = nanoTime;
  }

  /**
   * Keeps the event unless it is a duplicate within the window.
   *
   * @param event the event; never modified
   * @return the event, or null when it is a duplicate (or null)
   */
  @Override
  public synchronized Event intercept(Event event) {
    if (event == null) {
      return null;
    }
    counter.received();
    String key = event.getHeaders().get(header);
    if (key == null) {
      counter.incrementCounter(EVENT_WITHOUT_KEY);
      counter.accepted();
      return event;
    }
    long now = nanoTime.getAsLong();
    expire(now);
    Seen first = seen.get(key);
    if (first == null) {
      seen.put(key, new Seen(now, new WeakReference<>(event)));
      if (seen.size() > maxEntries) {
        Iterator<String> oldest = seen.keySet().iterator();
        oldest.next();
        oldest.remove();
      }
      counter.accepted();
      return event;
    }
    if (first.event().get() == event) { // the same object offered again: a retried batch
      counter.accepted();
      return event;
    }
    counter.dropped(RejectReason.DUPLICATE.code());
    LOG.debug("Dropping duplicate {}={}", header, key);
    return null;
  }

  @Override
  public synchronized List<Event> intercept(List<Event> events) {
    return super.intercept(events);
  }

  /** Forgets keys first seen a full window ago or earlier. */
  private void expire(long now) {
    Iterator<Seen> oldest = seen.values().iterator();
    while (oldest.hasNext() && now - oldest.next().nanos() >= windowNanos) {
      oldest.remove();
    }
  }

  /**
   * How many keys are remembered now (before expiring any).
   *
   * @return the window's size
   */
  synchronized int size() {
    return seen.size();
  }

  /**
   * Builds {@link DedupInterceptor}; keys in {@link DedupInterceptorConfig}. Configure as
   * {@code io.sluice.flume.interceptor.dedup.DedupInterceptor$Builder}.
   */
  public static class Builder implements Interceptor.Builder {

    private DedupInterceptorConfig config = DedupInterceptorConfig.defaults();

    @Override
    public Interceptor build() {
      return new DedupInterceptor(config, System::nanoTime);
    }

    /**
     * Reads the keys of {@link DedupInterceptorConfig}.
     *
     * @throws io.sluice.flume.config.InvalidConfigurationException naming a bad or unknown key
     */
    @Override
    public void configure(Context context) {
      config = DedupInterceptorConfig.parse(context);
    }
  }
}
