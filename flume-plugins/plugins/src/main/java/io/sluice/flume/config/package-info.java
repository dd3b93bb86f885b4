/**
 * Configuration helpers shared by Sluice's Flume components: keys are declared once with
 * Kafka's {@link org.apache.kafka.common.config.ConfigDef} (name, type, default, validator, doc
 * with unit) and {@link io.sluice.flume.config.ComponentConfig} fails at {@code configure()} with
 * an {@link io.sluice.flume.config.InvalidConfigurationException} naming the key and the reason.
 */
package io.sluice.flume.config;
