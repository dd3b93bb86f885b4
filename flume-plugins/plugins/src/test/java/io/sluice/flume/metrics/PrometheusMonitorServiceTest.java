package io.sluice.flume.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.flume.config.InvalidConfigurationException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flume.Context;
import org.apache.flume.FlumeException;
import org.apache.flume.instrumentation.ChannelCounter;
import org.apache.flume.instrumentation.SourceCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The service in-process with real Flume counter groups and a real HTTP GET. */
class PrometheusMonitorServiceTest {

  private final PrometheusMonitorService service = new PrometheusMonitorService();

  @AfterEach
  void stop() {
    service.stop();
  }

  private String scrape(String path) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + service.port() + path))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
    return response.body();
  }

  /** The sample line of a metric for a component, e.g. {@code name{...} 3.0}. */
  private static String sample(String body, String metric, String component, String extra) {
    return body.lines()
        .filter(line -> line.startsWith(metric + "{"))
        .filter(line -> line.contains("component=\"" + component + "\""))
        .filter(line -> extra == null || line.contains(extra))
        .findFirst().orElseThrow(() -> new AssertionError("no " + metric + " for " + component
            + " in:\n" + body));
  }

  private static double value(String sampleLine) {
    return Double.parseDouble(sampleLine.substring(sampleLine.lastIndexOf(' ') + 1));
  }

  @Test
  void servesEveryFlumeCounterGroupWithComponentLabels() throws Exception {
    SourceCounter source = new SourceCounter("prom-test-source");
    source.start();
    source.addToEventReceivedCount(7);
    source.addToEventAcceptedCount(5);
    ChannelCounter channel = new ChannelCounter("prom-test-channel");
    channel.start();
    channel.setChannelSize(3);
    channel.setChannelCapacity(10);
    InterceptorCounter interceptor = new InterceptorCounter("prom-test-interceptor",
        List.of("bad-status", "empty-line"), List.of());
    interceptor.start();
    interceptor.received();
    interceptor.received();
    interceptor.accepted();
    interceptor.rejected("bad-status");
    service.configure(new Context(Map.of("type", PrometheusMonitorService.class.getName(),
        "port", "0", "host", "127.0.0.1")));
    service.start();

    String body = scrape("/metrics");

    assertThat(sample(body, "flume_event_received_total", "prom-test-source", null))
        .contains("component_type=\"source\"").endsWith(" 7.0");
    assertThat(value(sample(body, "flume_event_accepted_total", "prom-test-source", null)))
        .isEqualTo(5.0);
    assertThat(value(sample(body, "flume_channel_size", "prom-test-channel", null)))
        .isEqualTo(3.0);
    assertThat(body).contains("# TYPE flume_channel_size gauge");
    assertThat(value(sample(body, "flume_event_received_total", "prom-test-interceptor", null)))
        .isEqualTo(2.0);
    assertThat(sample(body, "flume_event_rejected_total", "prom-test-interceptor", null))
        .contains("component_type=\"interceptor\"").doesNotContain("reason=");
    assertThat(value(sample(body, "flume_event_rejected_by_reason_total",
        "prom-test-interceptor", "reason=\"bad-status\""))).isEqualTo(1.0);
    assertThat(value(sample(body, "flume_event_rejected_by_reason_total",
        "prom-test-interceptor", "reason=\"empty-line\""))).isEqualTo(0.0);
    assertThat(value(sample(body, "flume_component_start_time_seconds", "prom-test-source",
        null))).isPositive();
    assertThat(body).contains("# TYPE flume_event_received_total counter");

    interceptor.rejected("empty-line");
    assertThat(value(sample(scrape("/metrics"), "flume_event_rejected_by_reason_total",
        "prom-test-interceptor", "reason=\"empty-line\""))).as("read at every scrape")
        .isEqualTo(1.0);
  }

  @Test
  void stopReleasesThePort() throws Exception {
    service.configure(new Context(Map.of("port", "0", "host", "127.0.0.1")));
    service.start();
    int port = service.port();
    service.stop();

    assertThat(service.port()).isEqualTo(-1);
    try (ServerSocket again = new ServerSocket(port, 1,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      assertThat(again.getLocalPort()).isEqualTo(port);
    }
  }

  @Test
  void failsToStartOnAPortInUseNamingIt() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      service.configure(new Context(Map.of("port", Integer.toString(taken.getLocalPort()),
          "host", "127.0.0.1")));

      assertThatThrownBy(service::start).isInstanceOf(FlumeException.class)
          .hasMessageContaining(Integer.toString(taken.getLocalPort()));
    }
  }

  @Test
  void rejectsPortOutOfRangeNamingTheKey() {
    assertThatThrownBy(() -> service.configure(new Context(Map.of("port", "70000"))))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("port").hasMessageContaining("70000");
  }

  @Test
  void rejectsNonNumericPortNamingTheKey() {
    assertThatThrownBy(() -> service.configure(new Context(Map.of("port", "http"))))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("port");
  }

  @Test
  void rejectsUnknownKeyNamingIt() {
    assertThatThrownBy(() -> service.configure(new Context(Map.of("prot", "9464"))))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("prot");
  }
}
