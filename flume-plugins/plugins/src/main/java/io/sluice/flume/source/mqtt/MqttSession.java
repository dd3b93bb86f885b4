package io.sluice.flume.source.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientBuilder;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientSslConfigBuilder;
import com.hivemq.client.mqtt.MqttClientTransportConfig;
import com.hivemq.client.mqtt.MqttClientTransportConfigBuilder;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientConnectedListener;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedListener;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.Mqtt3Subscribe;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.Mqtt3SubscribeBuilder;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.Mqtt3Subscription;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperty;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5SubscribeBuilder;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.TrustManagerFactory;

/**
 * One MQTT client (HiveMQ MQTT Client), speaking MQTT 5 or 3.1.1 as configured, with manual
 * acknowledgement: every QoS 1 or 2 message it hands over stays unacknowledged until
 * {@link Received#acknowledge()}. The two protocol versions differ only here.
 */
abstract class MqttSession {

  /** A message received from the broker. */
  static final class Received {
    final String topic;
    final byte[] payload;
    final int qos;
    /** The value of the event id user property (MQTT 5); null when absent. */
    final String eventId;
    private final Runnable acknowledge;

    Received(String topic, byte[] payload, int qos, String eventId, Runnable acknowledge) {
      this.topic = topic;
      this.payload = payload;
      this.qos = qos;
      this.eventId = eventId;
      this.acknowledge = acknowledge;
    }

    /**
     * Acknowledges the message to the broker: PUBACK for QoS 1, PUBREC for QoS 2, nothing for
     * QoS 0. Sent on the client's connection; if that connection is gone, the broker redelivers
     * the message on the next one and its acknowledgement is sent then.
     */
    void acknowledge() {
      if (qos > 0) {
        acknowledge.run();
      }
    }
  }

  /** Registers the consumer of every message (call once, before {@link #connect()}). */
  abstract void onMessage(Consumer<Received> consumer, Executor executor);

  /** Sends CONNECT; the future completes with the CONNACK (or fails). */
  abstract CompletableFuture<?> connect();

  /**
   * Subscribes to every topic filter; the future fails when the broker refuses one.
   *
   * @return the future of the SUBACK
   */
  abstract CompletableFuture<List<String>> subscribe();

  /** Sends DISCONNECT (normal disconnection; the session is kept as its expiry says). */
  abstract CompletableFuture<Void> disconnect();

  /**
   * Builds the client.
   *
   * @param config the source's configuration
   * @param connected told on each CONNACK
   * @param disconnected told on each lost connection or failed attempt; it decides the reconnect
   * @return the session, not yet connected
   * @throws IOException if the CA file cannot be read
   * @throws GeneralSecurityException if the CA file holds no usable certificate
   */
  static MqttSession create(MqttSourceConfig config, MqttClientConnectedListener connected,
      MqttClientDisconnectedListener disconnected) throws IOException, GeneralSecurityException {
    // One transport configuration holds address, timeouts and TLS (a later sslConfig() on the
    // client builder would not reach a transport configuration set as a whole).
    MqttClientTransportConfigBuilder transport = MqttClientTransportConfig.builder()
        .serverHost(config.host)
        .serverPort(config.port)
        .socketConnectTimeout(config.connectTimeoutMs, TimeUnit.MILLISECONDS)
        .mqttConnectTimeout(config.connectTimeoutMs, TimeUnit.MILLISECONDS);
    if (config.tls) {
      transport = transport.sslConfig(ssl(config));
    }
    MqttClientBuilder builder = MqttClient.builder()
        .identifier(config.clientId)
        .transportConfig(transport.build())
        .addConnectedListener(connected)
        .addDisconnectedListener(disconnected);
    return config.mqtt5 ? new Mqtt5(config, builder.useMqttVersion5())
        : new Mqtt3(config, builder.useMqttVersion3());
  }

  private static MqttClientSslConfig ssl(MqttSourceConfig config)
      throws IOException, GeneralSecurityException {
    MqttClientSslConfigBuilder ssl = MqttClientSslConfig.builder();
    if (config.tlsCaFile != null) {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      try (InputStream in = Files.newInputStream(config.tlsCaFile)) {
        int n = 0;
        for (Certificate certificate : CertificateFactory.getInstance("X.509")
            .generateCertificates(in)) {
          trusted.setCertificateEntry("ca-" + n++, certificate);
        }
        if (n == 0) {
          throw new GeneralSecurityException("no certificate in " + config.tlsCaFile);
        }
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trusted);
      ssl = ssl.trustManagerFactory(factory);
    }
    return ssl.handshakeTimeout(config.connectTimeoutMs, TimeUnit.MILLISECONDS).build();
  }

  /** MQTT 5.0. */
  private static final class Mqtt5 extends MqttSession {
    private final MqttSourceConfig config;
    private final Mqtt5AsyncClient client;

    Mqtt5(MqttSourceConfig config, Mqtt5ClientBuilder builder) {
      this.config = config;
      if (config.password != null) {
        builder = builder.simpleAuth().username(config.username).password(config.password)
            .applySimpleAuth();
      } else if (!config.username.isEmpty()) {
        builder = builder.simpleAuth().username(config.username).applySimpleAuth();
      }
      this.client = builder.buildAsync();
    }

    @Override
    void onMessage(Consumer<Received> consumer, Executor executor) {
      client.publishes(MqttGlobalPublishFilter.ALL,
          publish -> consumer.accept(received(publish)), executor, true);
    }

    private Received received(Mqtt5Publish publish) {
      String eventId = null;
      for (Mqtt5UserProperty property : publish.getUserProperties().asList()) {
        if (property.getName().toString().equals(config.eventIdProperty)) {
          eventId = property.getValue().toString();
          break;
        }
      }
      return new Received(publish.getTopic().toString(), publish.getPayloadAsBytes(),
          publish.getQos().getCode(), eventId, publish::acknowledge);
    }

    @Override
    CompletableFuture<?> connect() {
      return client.connectWith()
          .cleanStart(config.cleanStart)
          .sessionExpiryInterval(config.sessionExpirySeconds)
          .keepAlive(config.keepAliveSeconds)
          .restrictions().receiveMaximum(config.receiveMaximum).applyRestrictions()
          .send();
    }

    @Override
    CompletableFuture<List<String>> subscribe() {
      Mqtt5SubscribeBuilder.Complete subscribe = null;
      for (String filter : config.topicFilters) {
        Mqtt5Subscription subscription = Mqtt5Subscription.builder()
            .topicFilter(filter)
            .qos(MqttQos.fromCode(config.qos))
            // A re-subscription of a resumed session does not send the retained messages again.
            .retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST)
            .build();
        subscribe = subscribe == null ? Mqtt5Subscribe.builder().addSubscription(subscription)
            : subscribe.addSubscription(subscription);
      }
      return client.subscribe(subscribe.build()).thenApply(ack -> ack.getReasonCodes().stream()
          .map(code -> code.isError() ? code.toString() : null).toList());
    }

    @Override
    CompletableFuture<Void> disconnect() {
      return client.disconnect();
    }
  }

  /** MQTT 3.1.1. */
  private static final class Mqtt3 extends MqttSession {
    private final MqttSourceConfig config;
    private final Mqtt3AsyncClient client;

    Mqtt3(MqttSourceConfig config, Mqtt3ClientBuilder builder) {
      this.config = config;
      if (!config.username.isEmpty()) {
        builder = config.password == null
            ? builder.simpleAuth().username(config.username).applySimpleAuth()
            : builder.simpleAuth().username(config.username).password(config.password)
                .applySimpleAuth();
      }
      this.client = builder.buildAsync();
    }

    @Override
    void onMessage(Consumer<Received> consumer, Executor executor) {
      client.publishes(MqttGlobalPublishFilter.ALL,
          publish -> consumer.accept(received(publish)), executor, true);
    }

    private static Received received(Mqtt3Publish publish) {
      return new Received(publish.getTopic().toString(), publish.getPayloadAsBytes(),
          publish.getQos().getCode(), null, publish::acknowledge);
    }

    @Override
    CompletableFuture<?> connect() {
      return client.connectWith()
          .cleanSession(config.cleanStart)
          .keepAlive(config.keepAliveSeconds)
          .send();
    }

    @Override
    CompletableFuture<List<String>> subscribe() {
      Mqtt3SubscribeBuilder.Complete subscribe = null;
      for (String filter : config.topicFilters) {
        Mqtt3Subscription subscription = Mqtt3Subscription.builder()
            .topicFilter(filter)
            .qos(MqttQos.fromCode(config.qos))
            .build();
        subscribe = subscribe == null ? Mqtt3Subscribe.builder().addSubscription(subscription)
            : subscribe.addSubscription(subscription);
      }
      return client.subscribe(subscribe.build()).thenApply(ack -> ack.getReturnCodes().stream()
          .map(code -> code.isError() ? code.toString() : null).toList());
    }

    @Override
    CompletableFuture<Void> disconnect() {
      return client.disconnect();
    }
  }
}
