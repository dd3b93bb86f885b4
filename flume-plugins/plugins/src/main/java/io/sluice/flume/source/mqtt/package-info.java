/**
 * {@link io.sluice.flume.source.mqtt.MqttSource}: MQTT 5.0 and 3.1.1 subscriptions into Flume,
 * acknowledged to the broker only after the channel committed (at least once, redelivered by the
 * broker's persistent session after a crash).
 */
package io.sluice.flume.source.mqtt;
