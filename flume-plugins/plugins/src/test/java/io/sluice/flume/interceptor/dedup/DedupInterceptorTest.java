package io.sluice.flume.interceptor.dedup;

import static io.sluice.flume.interceptor.InterceptorTestSupport.event;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.contract.RejectReason;
import io.sluice.flume.config.InvalidConfigurationException;
import io.sluice.flume.metrics.InterceptorCounter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flume.Channel;
import org.apache.flume.ChannelException;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.Transaction;
import org.apache.flume.channel.ChannelProcessor;
import org.apache.flume.channel.MemoryChannel;
import org.apache.flume.channel.ReplicatingChannelSelector;
import org.apache.flume.conf.Configurables;
import org.apache.flume.event.EventBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DedupInterceptorTest {

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  private DedupInterceptor build(Map<String, String> config) {
    DedupInterceptor interceptor =
        new DedupInterceptor(DedupInterceptorConfig.parse(new Context(config)), nanos::get);
    interceptor.initialize();
    return interceptor;
  }

  private static Event withId(String id) {
    return event(("body of " + id).getBytes(UTF_8), id);
  }

  private static List<String> ids(List<Event> events) {
    List<String> ids = new ArrayList<>();
    events.forEach(e -> ids.add(e.getHeaders().get("eventId")));
    return ids;
  }

  @Test
  void dropsLaterEventsWithASeenIdWithinAndAcrossBatchesAndCountsEachDrop() {
    DedupInterceptor dedup = build(Map.of());

    List<Event> first = dedup.intercept(List.of(withId("a"), withId("b"), withId("a")));
    List<Event> second = dedup.intercept(List.of(withId("b"), withId("c")));

    assertThat(ids(first)).containsExactly("a", "b");
    assertThat(ids(second)).containsExactly("c");
    InterceptorCounter counter = dedup.counter();
    assertThat(counter.value(InterceptorCounter.EVENT_RECEIVED)).isEqualTo(5);
    assertThat(counter.value(InterceptorCounter.EVENT_ACCEPTED)).isEqualTo(3);
    assertThat(counter.value(InterceptorCounter.EVENT_DROPPED)).isEqualTo(2);
    assertThat(counter.value(InterceptorCounter.droppedCounter(RejectReason.DUPLICATE.code())))
        .isEqualTo(2);
  }

  @Test
  void passesEventsWithoutTheHeaderAndCountsThem() {
    DedupInterceptor dedup = build(Map.of());
    Event anonymous = EventBuilder.withBody("x".getBytes(UTF_8));
    Event again = EventBuilder.withBody("x".getBytes(UTF_8));

    assertThat(dedup.intercept(new ArrayList<>(List.of(anonymous, again))))
        .containsExactly(anonymous, again);
    assertThat(dedup.counter().value(DedupInterceptor.EVENT_WITHOUT_KEY)).isEqualTo(2);
  }

  @Test
  void deduplicatesOnTheConfiguredHeader() {
    DedupInterceptor dedup = build(Map.of("header", "tweetId"));
    Event one = withId("1");
    Event two = withId("2");
    one.getHeaders().put("tweetId", "42");
    two.getHeaders().put("tweetId", "42");

    assertThat(dedup.intercept(new ArrayList<>(List.of(one, two)))).containsExactly(one);
  }

  @Test
  void forgetsAKeyWindowSecondsAfterItWasFirstSeen() {
    DedupInterceptor dedup = build(Map.of("windowSeconds", "60"));
    dedup.intercept(withId("a"));

    nanos.addAndGet(TimeUnit.SECONDS.toNanos(59));
    assertThat(dedup.intercept(withId("a"))).as("duplicate 59 s later").isNull();
    nanos.addAndGet(TimeUnit.SECONDS.toNanos(1));
    assertThat(dedup.intercept(withId("a"))).as("60 s after the first sighting").isNotNull();
  }

  @Test
  void forgetsTheOldestKeyBeyondMaxEntries() {
    DedupInterceptor dedup = build(Map.of("maxEntries", "2"));
    dedup.intercept(List.of(withId("a"), withId("b"), withId("c")));

    assertThat(dedup.size()).isEqualTo(2);
    assertThat(ids(dedup.intercept(List.of(withId("c"), withId("b"), withId("a")))))
        .as("a was forgotten when c came in").containsExactly("a");
  }

  /**
   * A real ChannelProcessor and MemoryChannel: the channel refuses a batch, the source retries
   * the very same events (as ReplaySource does), and none of them is lost as a "duplicate".
   */
  @Test
  void aRetriedBatchOfTheSameEventObjectsIsNotDropped() {
    MemoryChannel channel = new MemoryChannel();
    channel.setName("memory");
    Configurables.configure(channel, new Context(Map.of("capacity", "3",
        "transactionCapacity", "3", "keep-alive", "0")));
    channel.start();
    ReplicatingChannelSelector selector = new ReplicatingChannelSelector();
    selector.setChannels(List.of(channel));
    ChannelProcessor processor = new ChannelProcessor(selector);
    processor.configure(new Context(Map.of("interceptors", "dedup",
        "interceptors.dedup.type", DedupInterceptor.Builder.class.getName())));
    processor.initialize();
    try {
      processor.processEvent(withId("filler"));
      List<Event> batch = List.of(withId("a"), withId("b"), withId("c"));

      assertThatThrownBy(() -> processor.processEventBatch(new ArrayList<>(batch)))
          .isInstanceOf(ChannelException.class);
      assertThat(ids(take(channel, 1))).containsExactly("filler");
      processor.processEventBatch(new ArrayList<>(batch));
      processor.processEventBatch(List.of(withId("a"))); // a new object: a real duplicate

      assertThat(ids(take(channel, 3))).containsExactly("a", "b", "c");
      assertThat(take(channel, 1)).isEmpty();
    } finally {
      processor.close();
      channel.stop();
    }
  }

  private static List<Event> take(Channel channel, int max) {
    List<Event> taken = new ArrayList<>();
    Transaction tx = channel.getTransaction();
    tx.begin();
    try {
      for (int i = 0; i < max; i++) {
        Event event = channel.take();
        if (event == null) {
          break;
        }
        taken.add(event);
      }
      tx.commit();
    } catch (RuntimeException e) {
      tx.rollback();
      throw e;
    } finally {
      tx.close();
    }
    return taken;
  }

  // ---------------------------------------------------------------- configuration

  @ParameterizedTest(name = "{0} = ''{1}''")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
      "maxEntries    | 0",
      "maxEntries    | ten",
      "maxEntries    | 100000001",
      "windowSeconds | 0",
      "windowSeconds | -5",
      "windowSeconds | 1.5",
      "header        | ''",
      "counterGroup  | 'a b'",
  })
  void rejectsBadValueNamingTheKey(String key, String value) {
    Map<String, String> config = new HashMap<>();
    config.put(key, value);

    assertThatThrownBy(() -> new DedupInterceptor.Builder().configure(new Context(config)))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("dedup-interceptor")
        .hasMessageContaining(key);
  }

  @Test
  void rejectsMisspelledKeyNamingIt() {
    assertThatThrownBy(() -> new DedupInterceptor.Builder()
        .configure(new Context(Map.of("windowSecond", "5"))))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessageContaining("windowSecond");
  }

  @Test
  void readsTrimmedValuesAndDefaults() {
    DedupInterceptorConfig config = DedupInterceptorConfig.parse(new Context(Map.of(
        "maxEntries", " 5 ", "type", DedupInterceptor.Builder.class.getName())));

    assertThat(config.maxEntries()).isEqualTo(5);
    assertThat(config.windowSeconds()).isEqualTo(DedupInterceptorConfig.DEFAULT_WINDOW_SECONDS);
    assertThat(config.header()).isEqualTo("eventId");
  }
}
