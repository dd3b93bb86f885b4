package io.sluice.flume.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import io.sluice.flume.config.ComponentConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import org.apache.flume.Context;
import org.apache.flume.FlumeException;
import org.apache.flume.instrumentation.MonitorService;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flume monitoring service that serves every Flume counter group in the Prometheus text
 * exposition format (version 0.0.4), built on the Prometheus Java client ({@code simpleclient},
 * {@code simpleclient_httpserver}).
 *
 * <h2>Enabling</h2>
 * Flume starts one monitoring service per agent JVM from system properties:
 * <pre>
 * -Dflume.monitoring.type=io.sluice.flume.metrics.PrometheusMonitorService
 * -Dflume.monitoring.port=9464
 * </pre>
 * Then {@code GET http://host:9464/metrics} (any path answers the same). Configuration keys
 * (the {@code flume.monitoring.} prefix removed; a bad value fails {@link #configure(Context)}
 * naming the key):
 * <ul>
 *   <li>{@value #PORT} (int, 0..65535, default {@value #DEFAULT_PORT}, Flume's own
 *       {@code http} monitoring default): TCP port; 0 binds a free port, see
 *       {@link #port()};</li>
 *   <li>{@value #HOST} (string, default {@value #DEFAULT_HOST}): address to bind.</li>
 * </ul>
 *
 * <h2>What is exported</h2>
 * At every scrape, each MBean Flume registered under {@code org.apache.flume.*} (sources,
 * channels, sinks, channel and sink processors, interceptors, ... as
 * {@code org.apache.flume.instrumentation.util.JMXPollUtil#getAllMBeans()} lists them) becomes
 * samples labelled {@code component_type} (the group's {@code Type} in lower case:
 * {@code source}, {@code channel}, {@code sink}, {@code interceptor}, ...) and {@code component}
 * (its name). Each numeric attribute {@code A} maps to:
 * <ul>
 *   <li>{@code StartTime}, {@code StopTime}: gauges {@code flume_component_start_time_seconds},
 *       {@code flume_component_stop_time_seconds} (epoch seconds, 0 when not set);</li>
 *   <li>{@code ChannelSize}, {@code ChannelCapacity}, {@code ChannelFillPercentage},
 *       {@code OpenConnectionCount}: gauges {@code flume_channel_size},
 *       {@code flume_channel_capacity}, {@code flume_channel_fill_percentage},
 *       {@code flume_open_connections} (a gauge {@code XxxCount} is named {@code flume_xxxs}:
 *       Prometheus keeps the {@code _count} suffix for histograms and summaries; formerly
 *       {@code flume_open_connection_count});</li>
 *   <li>a per-reason counter {@code Base.reason} (Sluice interceptors, e.g.
 *       {@code EventRejectedCount.bad-status}): counter
 *       {@code flume_<snake(Base without Count)>_by_reason_total} with a third label
 *       {@code reason}, e.g. {@code flume_event_rejected_by_reason_total{reason="bad-status"}};</li>
 *   <li>anything else: counter {@code flume_<snake(A without a trailing Count)>_total}, e.g.
 *       {@code EventReceivedCount} gives {@code flume_event_received_total},
 *       {@code EventTakeSuccessCount} {@code flume_event_take_success_total},
 *       {@code KafkaEventGetTimer} {@code flume_kafka_event_get_timer_total}
 *       (milliseconds).</li>
 * </ul>
 * Non-numeric attributes are skipped. Flume counters restart from 0 when a component restarts,
 * which Prometheus treats as a counter reset.
 *
 * <p>Sluice interceptors' names: {@code flume_event_received_total},
 * {@code flume_event_accepted_total}, {@code flume_event_rejected_total},
 * {@code flume_event_dropped_total}, {@code flume_event_rejected_by_reason_total},
 * {@code flume_event_dropped_by_reason_total} with {@code component_type="interceptor"}; see
 * {@link InterceptorCounter}.
 */
public class PrometheusMonitorService implements MonitorService {

  /** TCP port to serve on; 0 picks a free one. */
  public static final String PORT = "port";
  public static final int DEFAULT_PORT = 41414;
  /** Address to bind. */
  public static final String HOST = "host";
  public static final String DEFAULT_HOST = "0.0.0.0";

  /** The keys, declared once. */
  public static final ConfigDef CONFIG = new ConfigDef()
      .define(PORT, Type.INT, DEFAULT_PORT, Range.between(0, 65_535), Importance.HIGH,
          "TCP port of the /metrics endpoint; 0 binds a free port.")
      .define(HOST, Type.STRING, DEFAULT_HOST, new ConfigDef.NonEmptyStringWithoutControlChars(),
          Importance.MEDIUM, "Address the endpoint binds to.");

  private static final String COMPONENT = "prometheus-monitor-service";
  private static final Logger LOG = LoggerFactory.getLogger(PrometheusMonitorService.class);

  private String host = DEFAULT_HOST;
  private int configuredPort = DEFAULT_PORT;
  private HTTPServer server;

  @Override
  public void configure(Context context) {
    ComponentConfig config = ComponentConfig.parse(CONFIG, context, COMPONENT,
        Set.of(ComponentConfig.TYPE_KEY), List.of());
    host = config.getString(HOST);
    configuredPort = config.getInt(PORT);
  }

  /**
   * Starts serving.
   *
   * @throws FlumeException when the address cannot be bound
   */
  @Override
  public synchronized void start() {
    if (server != null) {
      return;
    }
    CollectorRegistry registry = new CollectorRegistry();
    registry.register(new FlumeCountersCollector());
    try {
      server = new HTTPServer.Builder()
          .withInetSocketAddress(new InetSocketAddress(host, configuredPort))
          .withRegistry(registry)
          .withDaemonThreads(true)
          .build();
    } catch (IOException e) {
      throw new FlumeException("Cannot serve Prometheus metrics on " + host + ":"
          + configuredPort + " (" + PORT + "): " + e.getMessage(), e);
    }
    LOG.info("Prometheus metrics of Flume counters on http://{}:{}/metrics", host,
        server.getPort());
  }

  /**
   * The port actually bound.
   *
   * @return the port, or -1 when not started
   */
  public synchronized int port() {
    return server == null ? -1 : server.getPort();
  }

  @Override
  public synchronized void stop() {
    if (server != null) {
      server.close();
      server = null;
      LOG.info("Prometheus monitor service stopped");
    }
  }
}
