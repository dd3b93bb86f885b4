package io.sluice.flume.interceptor.accesslog;

import io.sluice.contract.Rejecters;
import io.sluice.flume.config.ComponentConfig;
import org.apache.flume.Context;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Configuration keys of {@link AccessLogInterceptor}, declared once.
 *
 * <ul>
 *   <li>{@value #COUNTER_GROUP} (string, default {@value #DEFAULT_COUNTER_GROUP}): name of the
 *       interceptor's counter group (MBean {@code org.apache.flume.interceptor:type=<name>},
 *       Prometheus label {@code component}); letters, digits, {@code .}, {@code _},
 *       {@code -}.</li>
 * </ul>
 */
public final class AccessLogInterceptorConfig {

  /** Name of the counter group. */
  public static final String COUNTER_GROUP = "counterGroup";
  public static final String DEFAULT_COUNTER_GROUP = Rejecters.ACCESS_LOG_INTERCEPTOR;

  /** The declared keys. */
  public static final ConfigDef DEFINITION = new ConfigDef()
      .define(COUNTER_GROUP, Type.STRING, DEFAULT_COUNTER_GROUP, ComponentConfig.COMPONENT_NAME,
          Importance.LOW, "Name of the interceptor's counter group (JMX, Prometheus label "
              + "'component').");

  private final String counterGroup;

  private AccessLogInterceptorConfig(ComponentConfig config) {
    this.counterGroup = config.getString(COUNTER_GROUP);
  }

  static AccessLogInterceptorConfig parse(Context context) {
    return new AccessLogInterceptorConfig(ComponentConfig.parseInterceptor(DEFINITION, context,
        Rejecters.ACCESS_LOG_INTERCEPTOR));
  }

  static AccessLogInterceptorConfig defaults() {
    return parse(new Context());
  }

  String counterGroup() {
    return counterGroup;
  }
}
