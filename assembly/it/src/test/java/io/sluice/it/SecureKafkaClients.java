package io.sluice.it;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Kafka clients for the tests against a {@code sluice kafka --tls --scram-user} broker, and what refuses them. */
final class SecureKafkaClients {

  private SecureKafkaClients() {}

  /** SASL_SSL with SCRAM-SHA-512 as {@code user}, trusting the broker's {@code ca.pem}. */
  static Properties client(String bootstrap, Path caPem, String user, String password) {
    Properties p = quick(new Properties());
    p.put("bootstrap.servers", bootstrap);
    p.put("security.protocol", "SASL_SSL");
    p.put("ssl.truststore.type", "PEM");
    p.put("ssl.truststore.location", caPem.toString());
    p.put("sasl.mechanism", "SCRAM-SHA-512");
    p.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
        + "\" password=\"" + password.replace("\\", "\\\\").replace("\"", "\\\"") + "\";");
    return p;
  }

  /** {@code p} with 10 s client timeouts, so a refused client fails within the test. */
  static Properties quick(Properties p) {
    p.put("max.block.ms", "10000");
    p.put("default.api.timeout.ms", "10000");
    p.put("request.timeout.ms", "10000");
    return p;
  }

  /** The end offset of partition 0 of {@code topic}, read with {@code client}'s settings. */
  static long endOffset(Properties client, String topic) {
    Properties p = new Properties();
    p.putAll(client);
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    TopicPartition tp = new TopicPartition(topic, 0);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      return consumer.endOffsets(List.of(tp)).get(tp);
    }
  }

  /** Sends one record to {@code sluice-logs} with {@code client}'s settings and waits for its ack. */
  static void produce(Properties client) throws Exception {
    Properties p = new Properties();
    p.putAll(client);
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      producer.send(new ProducerRecord<>("sluice-logs", "must-not-arrive")).get(30, TimeUnit.SECONDS);
    }
  }

  /** What {@code action} threw (the cause of an {@link ExecutionException}), or null. */
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
