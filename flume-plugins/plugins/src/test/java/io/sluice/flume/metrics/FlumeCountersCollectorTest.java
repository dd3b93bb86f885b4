package io.sluice.flume.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.Collector.Type;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FlumeCountersCollectorTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "EventReceivedCount, flume_event_received_total, COUNTER",
      "EventTakeSuccessCount, flume_event_take_success_total, COUNTER",
      "KafkaEventGetTimer, flume_kafka_event_get_timer_total, COUNTER",
      "RollbackCount, flume_rollback_total, COUNTER",
      "ChannelFillPercentage, flume_channel_fill_percentage, GAUGE",
      "OpenConnectionCount, flume_open_connections, GAUGE",
      "StartTime, flume_component_start_time_seconds, GAUGE",
      "EventRejectedCount.bad-status, flume_event_rejected_by_reason_total, COUNTER",
      "EventDroppedCount.duplicate, flume_event_dropped_by_reason_total, COUNTER",
  })
  void namesFlumeAttributes(String attribute, String sample, Type type) {
    FlumeCountersCollector.MetricName name = FlumeCountersCollector.metricName(attribute);

    assertThat(name.sample()).isEqualTo(sample);
    assertThat(name.type()).isEqualTo(type);
  }

  @Test
  void skipsTextAttributesAndLabelsUnknownTypesOther() {
    FlumeCountersCollector collector = new FlumeCountersCollector(() -> Map.of(
        "SINK.k1", Map.of("Type", "SINK", "EventDrainSuccessCount", "4", "Note", "text"),
        "lonely", Map.of("SomeCount", "1")));

    List<MetricFamilySamples> families = collector.collect();

    assertThat(families).extracting(f -> f.name)
        .containsExactlyInAnyOrder("flume_event_drain_success", "flume_some");
    MetricFamilySamples drain = families.stream()
        .filter(f -> f.name.equals("flume_event_drain_success")).findFirst().orElseThrow();
    assertThat(drain.samples.get(0).labelValues).containsExactly("sink", "k1");
    assertThat(drain.samples.get(0).value).isEqualTo(4.0);
    MetricFamilySamples some = families.stream()
        .filter(f -> f.name.equals("flume_some")).findFirst().orElseThrow();
    assertThat(some.samples.get(0).labelValues).containsExactly("other", "lonely");
  }
}
