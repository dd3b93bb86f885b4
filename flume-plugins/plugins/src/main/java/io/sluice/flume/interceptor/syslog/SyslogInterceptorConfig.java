package io.sluice.flume.interceptor.syslog;

import io.sluice.contract.Rejecters;
import io.sluice.flume.config.ComponentConfig;
import java.time.DateTimeException;
import java.time.ZoneId;
import org.apache.flume.Context;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Configuration keys of {@link SyslogInterceptor}, declared once.
 *
 * <ul>
 *   <li>{@value #COUNTER_GROUP} (string, default {@value #DEFAULT_COUNTER_GROUP}): name of the
 *       interceptor's counter group (MBean {@code org.apache.flume.interceptor:type=<name>},
 *       Prometheus label {@code component}); letters, digits, {@code .}, {@code _},
 *       {@code -}.</li>
 *   <li>{@value #TIME_ZONE} (string, default {@value #DEFAULT_TIME_ZONE}): the time zone of RFC
 *       3164 timestamps, which carry no offset (a {@link ZoneId}: {@code UTC},
 *       {@code Europe/Paris}, {@code +02:00}); it is also the zone whose calendar year a
 *       timestamp without a year gets. RFC 5424 / ISO 8601 timestamps carry their own offset.</li>
 *   <li>{@value #SENDER_HEADER} (string, default empty: none): the header in which the network
 *       source put the sender's address (the {@code syslogtcp} / {@code syslogudp} sources'
 *       {@code clientIPHeader}); its value becomes the {@code host} of a message that has no
 *       HOSTNAME, as RFC 3164 section 4.3.2 has a relay fill it in.</li>
 * </ul>
 */
public final class SyslogInterceptorConfig {

  /** Name of the counter group. */
  public static final String COUNTER_GROUP = "counterGroup";
  public static final String DEFAULT_COUNTER_GROUP = Rejecters.SYSLOG_INTERCEPTOR;
  /** Zone of RFC 3164 timestamps. */
  public static final String TIME_ZONE = "timeZone";
  public static final String DEFAULT_TIME_ZONE = "UTC";
  /** Header holding the sender's address, the host of a message without HOSTNAME. */
  public static final String SENDER_HEADER = "senderHeader";
  public static final String DEFAULT_SENDER_HEADER = "";

  private static final ConfigDef.Validator ZONE = new ConfigDef.Validator() {
    @Override
    public void ensureValid(String name, Object value) {
      try {
        ZoneId.of(((String) value).trim());
      } catch (DateTimeException | NullPointerException e) {
        throw new ConfigException(name, value, "is not a time zone (e.g. UTC, Europe/Paris, "
            + "+02:00): " + e.getMessage());
      }
    }

    @Override
    public String toString() {
      return "a java.time.ZoneId";
    }
  };

  /** The declared keys. */
  public static final ConfigDef DEFINITION = new ConfigDef()
      .define(COUNTER_GROUP, Type.STRING, DEFAULT_COUNTER_GROUP, ComponentConfig.COMPONENT_NAME,
          Importance.LOW, "Name of the interceptor's counter group (JMX, Prometheus label "
              + "'component').")
      .define(TIME_ZONE, Type.STRING, DEFAULT_TIME_ZONE, ZONE, Importance.MEDIUM,
          "Time zone of RFC 3164 timestamps (no offset, no year).")
      .define(SENDER_HEADER, Type.STRING, DEFAULT_SENDER_HEADER, Importance.LOW,
          "Header with the sender's address (the syslog sources' clientIPHeader), used as host "
              + "when a message has no HOSTNAME; empty: none.");

  private final String counterGroup;
  private final ZoneId timeZone;
  private final String senderHeader;

  private SyslogInterceptorConfig(ComponentConfig config) {
    this.counterGroup = config.getString(COUNTER_GROUP);
    this.timeZone = ZoneId.of(config.getString(TIME_ZONE).trim());
    this.senderHeader = config.getString(SENDER_HEADER).trim();
  }

  static SyslogInterceptorConfig parse(Context context) {
    return new SyslogInterceptorConfig(ComponentConfig.parseInterceptor(DEFINITION, context,
        Rejecters.SYSLOG_INTERCEPTOR));
  }

  static SyslogInterceptorConfig defaults() {
    return parse(new Context());
  }

  String counterGroup() {
    return counterGroup;
  }

  ZoneId timeZone() {
    return timeZone;
  }

  /** The sender header's name, empty for none. */
  String senderHeader() {
    return senderHeader;
  }
}
