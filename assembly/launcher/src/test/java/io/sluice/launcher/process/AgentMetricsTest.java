package io.sluice.launcher.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AgentMetricsTest {

  /** Lines as PrometheusMonitorService serves them (simpleclient 0.16: a comma before the closing brace). */
  private static final String EXPOSITION = String.join("\n",
      "# HELP flume_event_accepted_total Flume counter EventAcceptedCount of each component",
      "# TYPE flume_event_accepted_total counter",
      "flume_event_accepted_total{component_type=\"interceptor\",component=\"access-log-interceptor\",} 9999.0",
      "flume_event_accepted_total{component_type=\"source\",component=\"replay\",} 10000.0",
      "flume_event_drain_success_total{component_type=\"sink\",component=\"deadLetter\",} 1.0",
      "flume_event_rejected_by_reason_total{component_type=\"interceptor\",component=\"access-log-interceptor\",reason=\"unterminated-quote\",} 1.0",
      "flume_event_rejected_total{component_type=\"interceptor\",component=\"access-log-interceptor\",} 1.0",
      "flume_component_start_time_seconds{component_type=\"source\",component=\"replay\",} 1.796279293927E9",
      "flume_odd_total{component_type=\"sink\",component=\"a \\\"quoted\\\" \\\\ name\"} 7 1700000000000",
      "",
      "flume_unlabelled 3");

  @Test
  void findsSamplesByTheComponentKeysOfAgentFile() {
    AgentMetrics m = AgentMetrics.parse(EXPOSITION);

    assertThat(FlumeAgent.counter(m, "SOURCE.replay", "flume_event_accepted_total")).isEqualTo(10_000);
    assertThat(FlumeAgent.counter(m, "INTERCEPTOR.access-log-interceptor", "flume_event_accepted_total")).isEqualTo(9_999);
    assertThat(FlumeAgent.counter(m, "SINK.deadLetter", "flume_event_drain_success_total")).isEqualTo(1);
    assertThat(FlumeAgent.counter(m, "INTERCEPTOR.access-log-interceptor", "flume_event_rejected_total")).isEqualTo(1);
    assertThat(m.value("SOURCE.replay", "flume_component_start_time_seconds")).isEqualTo(1.796279293927E9);
    assertThat(FlumeAgent.counter(m, "SINK.a \"quoted\" \\ name", "flume_odd_total")).isEqualTo(7);
  }

  @Test
  void absentComponentsAndSamplesCountZero() {
    AgentMetrics m = AgentMetrics.parse(EXPOSITION);

    assertThat(m.has("SINK.drain")).isFalse();
    assertThat(m.has("SINK.deadLetter")).isTrue();
    assertThat(FlumeAgent.counter(m, "SINK.drain", "flume_event_drain_success_total")).isZero();
    assertThat(FlumeAgent.counter(m, "SOURCE.replay", "flume_no_such_total")).isZero();
    assertThat(FlumeAgent.counter(null, "SOURCE.replay", "flume_event_accepted_total")).isZero();
  }

  @Test
  void rejectsALineThatIsNotASample() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AgentMetrics.parse("flume_x{component_type=\"sink\" 1.0"));
    assertThat(e).hasMessageContaining("flume_x{component_type=\"sink\" 1.0");
  }
}
