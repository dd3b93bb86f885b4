package io.sluice.spark.output;

import io.sluice.spark.analytics.Alert;
import io.sluice.spark.input.KafkaClientProperties;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends alerts to a Kafka topic: one record per alert, key {@link Alert#id()}, value its JSON
 * ({@link Alert#toJsonTree()}), {@code acks=all}. Waits for every send of a batch; a failed send
 * fails the batch. Delivery is at-least-once (a batch re-run after a restart sends its alerts
 * again, with the same ids).
 *
 * <p>Serializable (part of the checkpointed graph); the producer is created on the driver at the
 * first alert and lives as long as the JVM (its I/O thread is a daemon). It takes the security
 * settings of {@code --kafka-properties} ({@link KafkaClientProperties}); their secrets are
 * resolved when the producer is created, so a job restarted on its checkpoint uses the current
 * ones, and are never serialized.
 */
public final class AlertPublisher implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(AlertPublisher.class);
  private static final long SEND_TIMEOUT_SECONDS = 60;

  private final String bootstrap;
  private final String topic;
  /** Null in a publisher read from a checkpoint written before the field existed: no settings. */
  private final KafkaClientProperties clientProperties;
  private transient KafkaProducer<String, String> producer;

  /** A publisher with Kafka's default client security (PLAINTEXT). */
  public AlertPublisher(String bootstrap, String topic) {
    this(bootstrap, topic, KafkaClientProperties.NONE);
  }

  /** A publisher whose producer adds {@code clientProperties} ({@code --kafka-properties}) to its settings. */
  public AlertPublisher(String bootstrap, String topic, KafkaClientProperties clientProperties) {
    this.bootstrap = bootstrap;
    this.topic = topic;
    this.clientProperties = clientProperties;
  }

  public String topic() {
    return topic;
  }

  public synchronized void publish(List<? extends Alert> alerts) {
    if (alerts.isEmpty()) {
      return;
    }
    if (producer == null) {
      Properties p = new Properties();
      if (clientProperties != null) {
        p.putAll(clientProperties.clientSettings());
        clientProperties.addressCaveats(bootstrap).forEach(LOG::warn);
      }
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
