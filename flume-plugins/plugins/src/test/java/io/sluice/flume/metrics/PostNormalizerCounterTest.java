package io.sluice.flume.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.contract.NotPostKind;
import io.prometheus.client.Collector;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The post normaliser's per-kind counters of valid events that are not posts. */
class PostNormalizerCounterTest {

  @Test
  void hasOneCounterPerNotPostKindAndCountsEachAlsoAsAccepted() {
    PostNormalizerCounter counter = new PostNormalizerCounter("posts-test", List.of("invalid-json"));

    counter.notPost(NotPostKind.LIKE);
    counter.notPost(NotPostKind.LIKE);
    counter.notPost(NotPostKind.DELETE);

    assertThat(counter.counterNames()).contains("EventNotPostCount", "EventNotPostCount.like",
        "EventNotPostCount.repost", "EventNotPostCount.follow", "EventNotPostCount.block",
        "EventNotPostCount.profile", "EventNotPostCount.delete", "EventNotPostCount.identity",
        "EventNotPostCount.account", "EventNotPostCount.other");
    assertThat(counter.value(PostNormalizerCounter.EVENT_NOT_POST)).isEqualTo(3);
    assertThat(counter.value("EventNotPostCount.like")).isEqualTo(2);
    assertThat(counter.value("EventNotPostCount.delete")).isEqualTo(1);
    assertThat(counter.value("EventNotPostCount.follow")).isZero();
    assertThat(counter.value(InterceptorCounter.EVENT_ACCEPTED)).isEqualTo(3);
  }

  @Test
  void exportsThePerKindCountersToPrometheusWithTheKindAsLabel() {
    FlumeCountersCollector collector = new FlumeCountersCollector(() -> Map.of(
        "INTERCEPTOR.tweet-normalizer", Map.of("Type", "INTERCEPTOR", "EventNotPostCount", "3",
            "EventNotPostCount.like", "2")));

    List<Collector.MetricFamilySamples> families = collector.collect();

    assertThat(families).extracting(f -> f.name)
        .containsExactly("flume_event_not_post", "flume_event_not_post_by_reason");
    Collector.MetricFamilySamples.Sample like = families.get(1).samples.get(0);
    assertThat(like.name).isEqualTo("flume_event_not_post_by_reason_total");
    assertThat(like.labelValues).containsExactly("interceptor", "tweet-normalizer", "like");
    assertThat(like.value).isEqualTo(2.0);
  }
}
