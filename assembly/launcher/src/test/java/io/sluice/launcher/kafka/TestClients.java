package io.sluice.launcher.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Real Kafka clients (kafka-clients 3.9) for the broker tests: produce with acks=all, read a partition whole. */
public final class TestClients {

  private TestClients() {}

  static Properties props(String bootstrap, Map<String, String> security) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.putAll(security);
    return p;
  }

  /** {@code record-0} ... {@code record-(n-1)}. */
  static List<String> values(int n) {
    List<String> v = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      v.add("record-" + i);
    }
    return v;
  }

  /** Sends {@code values} to partition 0 of {@code topic} with acks=all and idempotence; returns once all are acknowledged. */
  static void produce(Properties client, String topic, List<String> values) throws Exception {
    Properties p = new Properties();
    p.putAll(client);
    p.put("acks", "all");
    p.put("enable.idempotence", "true");
    p.put("max.block.ms", "30000");
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (String v : values) {
        sent.add(producer.send(new ProducerRecord<>(topic, 0, null, v)));
      }
      for (Future<RecordMetadata> f : sent) {
        f.get(60, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Every value in partition 0 of {@code topic}, from offset 0 to its end offset at the time of the
   * call, read with a consumer that commits nothing; fails when they are not all read within
   * {@code timeout}.
   */
  static List<String> readAll(Properties client, String topic, Duration timeout) {
    Properties p = new Properties();
    p.putAll(client);
    p.put("group.id", "test-" + UUID.randomUUID());
    p.put("enable.auto.commit", "false");
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", StringDeserializer.class.getName());
    TopicPartition tp = new TopicPartition(topic, 0);
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      consumer.assign(List.of(tp));
      long endOffset = consumer.endOffsets(List.of(tp), timeout).get(tp);
      consumer.seekToBeginning(List.of(tp));
      List<String> values = new ArrayList<>();
      long end = System.nanoTime() + timeout.toNanos();
      while (consumer.position(tp, timeout) < endOffset) {
        if (System.nanoTime() > end) {
          throw new AssertionError("read " + values.size() + " of " + topic + "'s " + endOffset + " records within "
              + timeout.toSeconds() + " s");
        }
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          values.add(r.value());
        }
      }
      return values;
    }
  }

  /** The cluster id the broker reports. */
  static String clusterId(Properties client) throws Exception {
    try (Admin admin = Admin.create(client)) {
      return admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
    }
  }

  /** What {@code action} threw, unwrapped from {@link ExecutionException}; null when it did not throw. */
  static Throwable failure(ThrowingRunnable action) {
    try {
      action.run();
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Throwable t) {
      return t;
    }
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
