package io.sluice.spark.input.flume;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flume.Context;
import org.apache.flume.Transaction;
import org.apache.flume.channel.MemoryChannel;
import org.apache.flume.conf.Configurables;
import org.apache.flume.event.EventBuilder;
import org.apache.spark.streaming.flume.sink.SparkSink;

/**
 * A minimal Flume "agent" for a child JVM, to be killed with {@code kill -9}: a real memory channel
 * drained by the stock SparkSink on {@code 127.0.0.1:<port>}, fed with {@code count} events with
 * header {@code eventId = <prefix>-<i>}, {@code perSecond} per second in transactions of 100.
 * Prints {@code PORT <port>} once the sink listens, {@code FED} when every event is in the channel.
 *
 * <p>Arguments: {@code port prefix count perSecond [timeoutSeconds]} (the sink's transaction {@code timeout}).
 */
public final class SinkAgentProcess {

  private SinkAgentProcess() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String prefix = args[1];
    int count = Integer.parseInt(args[2]);
    int perSecond = Integer.parseInt(args[3]);
    String transactionTimeout = args.length > 4 ? args[4] : "60";
    MemoryChannel channel = new MemoryChannel();
    channel.setName("channel");
    Configurables.configure(channel, new Context(
        Map.of("capacity", "200000", "transactionCapacity", "5000", "keep-alive", "0")));
    channel.start();
    SparkSink sink = new SparkSink();
    sink.setName("spark");
    Configurables.configure(sink, new Context(Map.of("hostname", "127.0.0.1", "port", String.valueOf(port),
        "threads", "1", "timeout", transactionTimeout)));
    sink.setChannel(channel);
    sink.start();
    System.out.println("PORT " + sink.getPort());
    System.out.flush();
    long start = System.nanoTime();
    for (int from = 0; from < count; from += 100) {
      Transaction tx = channel.getTransaction();
      tx.begin();
      for (int i = from; i < Math.min(count, from + 100); i++) {
        channel.put(EventBuilder.withBody(("body " + i).getBytes(StandardCharsets.UTF_8),
            Map.of("eventId", prefix + "-" + i)));
      }
      tx.commit();
      tx.close();
      long due = start + TimeUnit.SECONDS.toNanos(from + 100) / perSecond;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
    }
    System.out.println("FED");
    System.out.flush();
    Thread.currentThread().join();
  }
}
