package io.sluice.spark.input;

import io.sluice.spark.input.flume.SluiceFlumeUtils;
import io.sluice.spark.job.AnalyticsJobConfig;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.api.java.JavaInputDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.apache.spark.streaming.kafka010.CanCommitOffsets;
import org.apache.spark.streaming.kafka010.ConsumerStrategies;
import org.apache.spark.streaming.kafka010.HasOffsetRanges;
import org.apache.spark.streaming.kafka010.KafkaUtils;
import org.apache.spark.streaming.kafka010.LocationStrategies;
import org.apache.spark.streaming.kafka010.OffsetRange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's input: a stream of {@link EventRecord}s from Flume SparkSinks or from the Flume Kafka
 * channel topics.
 *
 * <p><b>Flume</b> ({@link SluiceFlumeUtils#createPollingStream}, Sluice's
 * {@link io.sluice.spark.input.flume.ReliablePollingReceiver}, at-least-once; Spark 2.4.7's own receiver
 * can stop fetching for good after an agent restart): one polling receiver for all sinks, or one
 * per sink unioned ({@link AnalyticsJobConfig#receiverPerSink}). Each receiver occupies an
 * executor core for the life of the job, so {@code local[2]} runs one receiver and one core of
 * processing; per-sink receivers need {@code local[N]} with N above the number of sinks. A
 * receiver needs one request thread ({@code --parallelism}) per sink it polls, as a SparkSink
 * holds a request open while its channel is empty; it gets exactly one per sink, as a SparkSink on
 * a Kafka channel runs one transaction at a time ({@code threads = 1}).
 * With the receiver write-ahead log (default), blocks are stored once, serialized, in memory and
 * on disk and logged to the checkpoint; without it, replicated twice.
 *
 * <p><b>Kafka</b> (the direct approach, {@code KafkaUtils.createDirectStream}): no receiver; each
 * batch reads an offset range per partition, recorded in the checkpoint, so a restarted job reads
 * exactly the ranges it had not finished. Offsets are also committed to the consumer group after
 * each batch's outputs, for lag monitoring only. The consumers take the security settings of
 * {@code --kafka-properties} ({@link KafkaClientProperties}); their passwords are resolved on the
 * driver and on each executor when a consumer is created, never written to the checkpoint.
 */
public final class EventSources {

  private static final Logger LOG = LoggerFactory.getLogger(EventSources.class);

  private EventSources() {}

  /** Records from the SparkSinks of {@code config}; {@code master} decides {@code auto} receivers. */
  public static JavaDStream<EventRecord> flume(JavaStreamingContext ssc, AnalyticsJobConfig config, String master) {
    config.checkReceivers(master);
    StorageLevel level = config.receiverWal() ? StorageLevel.MEMORY_AND_DISK_SER() : StorageLevel.MEMORY_AND_DISK_SER_2();
    List<InetSocketAddress> sinks = new ArrayList<>();
    for (InetSocketAddress a : config.sinks()) {
      sinks.add(new InetSocketAddress(a.getHostString(), a.getPort()));
    }
    List<List<InetSocketAddress>> groups = new ArrayList<>();
    if (config.receiverPerSink(master)) {
      sinks.forEach(s -> groups.add(List.of(s)));
    } else {
      groups.add(sinks);
    }
    JavaDStream<EventRecord> all = null;
    for (List<InetSocketAddress> group : groups) {
      JavaDStream<EventRecord> records = SluiceFlumeUtils
          .createPollingStream(ssc, group.toArray(new InetSocketAddress[0]), level,
              config.maxBatchSize(), Math.min(config.parallelism(), group.size()))
          .map(e -> FlumeEvents.fromAvro(e.event()));
      all = all == null ? records : all.union(records);
    }
    return all;
  }

  /**
   * Records from the Kafka topics of {@code config}, and registers the offset commit: call it
   * after every other output operation is registered, so offsets are committed last. The
   * consumers add {@link AnalyticsJobConfig#kafkaProperties()} to the job's own settings.
   *
   * @throws IllegalArgumentException when a secret of {@code --kafka-properties} no longer resolves
   */
  public static KafkaInput kafka(JavaStreamingContext ssc, AnalyticsJobConfig config) {
    Map<String, Object> params = new HashMap<>(config.kafkaProperties().clientSettings());
    config.kafkaProperties().addressCaveats(config.kafkaBootstrap()).forEach(LOG::warn);
    params.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
    params.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    params.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    params.put(ConsumerConfig.GROUP_ID_CONFIG, config.kafkaGroupId());
    params.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, config.kafkaStartingOffsets());
    params.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    JavaInputDStream<ConsumerRecord<byte[], byte[]>> stream = KafkaUtils.createDirectStream(ssc,
        LocationStrategies.PreferConsistent(),
        ConsumerStrategies.<byte[], byte[]>Subscribe(config.topics(), params));
    return new KafkaInput(stream);
  }

  /** A direct Kafka stream and its records. */
  public static final class KafkaInput {
    private final JavaInputDStream<ConsumerRecord<byte[], byte[]>> stream;

    KafkaInput(JavaInputDStream<ConsumerRecord<byte[], byte[]>> stream) {
      this.stream = stream;
    }

    public JavaDStream<EventRecord> records() {
      return stream.mapPartitions(FlumeEvents::fromKafka);
    }

    /** Registers the output operation that commits each batch's offsets to the consumer group. */
    public void commitOffsetsAfterOutputs() {
      JavaInputDStream<ConsumerRecord<byte[], byte[]>> s = stream;
      s.foreachRDD(rdd -> {
        OffsetRange[] ranges = ((HasOffsetRanges) rdd.rdd()).offsetRanges();
        ((CanCommitOffsets) s.inputDStream()).commitAsync(ranges);
      });
    }
  }
}
