package io.sluice.flume.metrics;

/**
 * JMX view of {@link MqttSourceCounter}: the stream counters of {@link StreamSourceCounterMBean}
 * as {@code io.sluice.flume.source.mqtt.MqttSource} uses them ({@code ConnectCount} CONNACKs
 * received, {@code ConnectFailCount} failed connection attempts, {@code DisconnectCount} lost or
 * closed connections, {@code EventReceivedCount} PUBLISH messages received, redeliveries
 * included), plus the acknowledgements and what the source could not take.
 */
public interface MqttSourceCounterMBean extends StreamSourceCounterMBean {

  /** QoS 1 and 2 messages acknowledged to the broker (PUBACK / PUBREC), each after its commit. */
  long getAckCount();

  /**
   * QoS 0 messages dropped because {@code receiveMaximum} messages were already waiting for the
   * channel (QoS 0 has no flow control; QoS 1 and 2 are never dropped).
   */
  long getQos0DroppedCount();

  /** SUBSCRIBE requests the broker refused or that failed (per topic filter). */
  long getSubscribeFailCount();
}
