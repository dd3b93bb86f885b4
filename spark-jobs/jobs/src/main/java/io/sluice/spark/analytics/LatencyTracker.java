package io.sluice.spark.analytics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spark.input.EventRecord;
import io.sluice.spark.output.OutputStore;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Event-to-result latency: for every distinct event carrying {@link io.sluice.contract.EventHeaders#READ_TIME}, the
 * time from the moment its source read it to the end of the batch that counted it (this output
 * operation runs after the summary of the batch was written). Kept on the driver since the job
 * started (not checkpointed) as exact counts per millisecond of latency, and written after every
 * batch that had such events to {@value #FILE_NAME} under the output location:
 *
 * <pre>
 * {"events": n, "p50Ms": a, "p99Ms": b, "maxMs": c, "histogram": {"<latency ms>": events, ...}}
 * </pre>
 *
 * <p>Percentiles are nearest-rank over all events so far; {@code histogram} holds the exact counts
 * per millisecond, so a reader can take the difference of two readings (a benchmark leaving out its
 * warm-up). Clocks: the source's and the driver's
 * wall clocks; on one machine (the benchmark, the demo) they are the same clock. Memory is one
 * entry per distinct latency in milliseconds seen, bounded by the largest latency.
 */
public final class LatencyTracker implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(LatencyTracker.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** File name of the latency figures under the job's output location. */
  public static final String FILE_NAME = "latency.json";

  private final OutputStore store;
  private transient TreeMap<Long, Long> counts;
  private transient long events;

  public LatencyTracker(OutputStore store) {
    this.store = store;
  }

  /** Counts the read times of one batch's distinct events, then records them as of now. */
  void record(JavaRDD<EventRecord> distinct) {
    List<Tuple2<Long, Long>> readTimes = distinct.mapPartitions(LatencyTracker::readTimes).collect();
    if (!readTimes.isEmpty()) {
      record(readTimes, System.currentTimeMillis());
    }
  }

  /** Adds {@code (readTimeMs, events)} pairs as latencies up to {@code endMs}; writes the file. */
  synchronized void record(List<Tuple2<Long, Long>> readTimes, long endMs) {
    if (counts == null) {
      counts = new TreeMap<>();
      events = 0;
    }
    for (Tuple2<Long, Long> t : readTimes) {
      counts.merge(Math.max(0, endMs - t._1()), t._2(), Long::sum);
      events += t._2();
    }
    try {
      store.replace(FILE_NAME, JSON.writeValueAsBytes(toJsonTree()));
    } catch (IOException | RuntimeException e) {
      LOG.warn("Could not write {}; the next batch will try again", store.uri(FILE_NAME), e);
    }
  }

  /** The figures so far, {@code {"events": 0}} before any. */
  synchronized ObjectNode toJsonTree() {
    ObjectNode json = JSON.createObjectNode();
    json.put("events", events);
    if (events > 0) {
      json.put("p50Ms", percentile(0.50));
      json.put("p99Ms", percentile(0.99));
      json.put("maxMs", counts.lastKey());
      ObjectNode histogram = json.putObject("histogram");
      counts.forEach((ms, n) -> histogram.put(Long.toString(ms), n));
    }
    return json;
  }

  /** Nearest-rank percentile: the smallest latency at or below which {@code q} of the events are. */
  private long percentile(double q) {
    long rank = Math.max(1, (long) Math.ceil(q * events));
    long seen = 0;
    for (Map.Entry<Long, Long> e : counts.entrySet()) {
      seen += e.getValue();
      if (seen >= rank) {
        return e.getKey();
      }
    }
    return counts.lastKey();
  }

  private static java.util.Iterator<Tuple2<Long, Long>> readTimes(java.util.Iterator<EventRecord> records) {
    Map<Long, long[]> byTime = new HashMap<>();
    while (records.hasNext()) {
      long t = records.next().readTimeMs();
      if (t != EventRecord.NO_TIME) {
        byTime.computeIfAbsent(t, k -> new long[1])[0]++;
      }
    }
    return byTime.entrySet().stream().map(e -> new Tuple2<>(e.getKey(), e.getValue()[0])).iterator();
  }
}
