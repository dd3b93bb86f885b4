package io.sluice.flume.metrics;

/** Counters of {@code io.sluice.flume.source.mqtt.MqttSource}; see {@link MqttSourceCounterMBean}. */
public class MqttSourceCounter extends StreamSourceCounter implements MqttSourceCounterMBean {

  static final String ACK = "src.mqtt.ack";
  static final String QOS0_DROPPED = "src.mqtt.qos0.dropped";
  static final String SUBSCRIBE_FAIL = "src.mqtt.subscribe.fail";

  /**
   * @param name the source's name (JMX {@code org.apache.flume.source:type=<name>})
   */
  public MqttSourceCounter(String name) {
    super(name, ACK, QOS0_DROPPED, SUBSCRIBE_FAIL);
  }

  @Override
  public long getAckCount() {
    return get(ACK);
  }

  public long addToAckCount(long delta) {
    return addAndGet(ACK, delta);
  }

  @Override
  public long getQos0DroppedCount() {
    return get(QOS0_DROPPED);
  }

  public long incrementQos0DroppedCount() {
    return increment(QOS0_DROPPED);
  }

  @Override
  public long getSubscribeFailCount() {
    return get(SUBSCRIBE_FAIL);
  }

  public long incrementSubscribeFailCount() {
    return increment(SUBSCRIBE_FAIL);
  }
}
