package io.sluice.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends alerts to a Kafka topic: one record per alert, key {@link Alert#id()}, value its JSON
 * ({@link Alert#toJsonTree()}), {@code acks=all}. Waits for every send of a batch; a failed send
 * fails the batch. Delivery is at-least-once (a batch re-run after a restart sends its alerts
 * again, with the same ids).
 *
 * <p>Serializable (part of the checkpointed graph); the producer is created on the driver at the
 * first alert and lives as long as the JVM (its I/O thread is a daemon).
 */
public final class AlertPublisher implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final long SEND_TIMEOUT_SECONDS = 60;

  private final String bootstrap;
  private final String topic;
  private transient KafkaProducer<String, String> producer;

  public AlertPublisher(String bootstrap, String topic) {
    this.bootstrap = bootstrap;
    this.topic = topic;
  }

  public String topic() {
    return topic;
  }

  public synchronized void publish(List<Alert> alerts) {
    if (alerts.isEmpty()) {
      return;
    }
    if (producer == null) {
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      producer = new KafkaProducer<>(p);
    }
    List<Future<RecordMetadata>> sends = new ArrayList<>();
    for (Alert a : alerts) {
      sends.add(producer.send(new ProducerRecord<>(topic, a.id(), a.toJsonTree().toString())));
    }
    try {
      for (Future<RecordMetadata> f : sends) {
        f.get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Could not send alerts to Kafka topic " + topic + " at " + bootstrap, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted sending alerts to " + topic, e);
    }
  }
}
