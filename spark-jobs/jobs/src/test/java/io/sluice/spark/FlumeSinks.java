package io.sluice.spark;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flume.Context;
import org.apache.flume.Transaction;
import org.apache.flume.channel.MemoryChannel;
import org.apache.flume.conf.Configurables;
import org.apache.flume.event.EventBuilder;
import org.apache.spark.streaming.flume.sink.SparkSink;

/**
 * Real Flume memory channels, each drained by a stock SparkSink bound to an ephemeral port on
 * loopback, in the test JVM.
 */
public final class FlumeSinks implements AutoCloseable {

  private final List<MemoryChannel> channels = new ArrayList<>();
  private final List<SparkSink> sinks = new ArrayList<>();

  public FlumeSinks(String... names) {
    for (String name : names) {
      MemoryChannel channel = new MemoryChannel();
      channel.setName(name + "-channel");
      // keep-alive 0: a take on an empty channel returns at once. With the default 3 s, events
      // trickling in faster than that keep the SparkSink filling one batch up to max-batch-size.
      Configurables.configure(channel, new Context(
          Map.of("capacity", "50000", "transactionCapacity", "5000", "keep-alive", "0")));
      channel.start();
      SparkSink sink = new SparkSink();
      sink.setName(name + "-spark-sink");
      Configurables.configure(sink, new Context(Map.of("hostname", "127.0.0.1", "port", "0", "threads", "1")));
      sink.setChannel(channel);
      sink.start();
      channels.add(channel);
      sinks.add(sink);
    }
  }

  /** {@code 127.0.0.1:port,...} of all sinks, for {@code --sinks}. */
  public String addresses() {
    return sinks.stream().map(s -> "127.0.0.1:" + s.getPort()).collect(Collectors.joining(","));
  }

  /** Puts events into channel {@code i} in transactions: headers as given, the body from {@link SampleEvents#BODY}. */
  public void put(int i, List<Map<String, String>> events) {
    MemoryChannel channel = channels.get(i);
    for (int from = 0; from < events.size(); from += 500) {
      Transaction tx = channel.getTransaction();
      tx.begin();
      try {
        for (Map<String, String> event : events.subList(from, Math.min(events.size(), from + 500))) {
          Map<String, String> headers = new HashMap<>(event);
          String body = headers.remove(SampleEvents.BODY);
          channel.put(EventBuilder.withBody((body == null ? "body" : body).getBytes(StandardCharsets.UTF_8), headers));
        }
        tx.commit();
      } catch (RuntimeException e) {
        tx.rollback();
        throw e;
      } finally {
        tx.close();
      }
    }
  }

  @Override
  public void close() {
    sinks.forEach(SparkSink::stop);
    channels.forEach(MemoryChannel::stop);
  }
}
