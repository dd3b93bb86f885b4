/**
 * Configuration helpers shared by Sluice's Flume components: keys are declared once with
 * Kafka's {@link org.apache.kafka.common.config.ConfigDef} (name, type, default, validator, doc
 * with unit) and {@link io.sluice.flume.config.ComponentConfig} fails at {@code configure()} with
 * an {@link io.sluice.flume.config.InvalidConfigurationException} naming the component, the key
 * and the reason. Every source, interceptor and service uses it; each component's keys live in
 * one {@code <Component>Config} class.
 */
package io.sluice.flume.config;
