package io.sluice.flume.interceptor.dedup;

import static io.sluice.flume.interceptor.InterceptorTestSupport.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.flume.Context;
import org.apache.flume.Event;

/**
 * Property test of {@link DedupInterceptor} (moved from {@code ParserPropertiesTest} with the
 * interceptor's package): whatever the sequence of ids, the first sighting of each is kept, in
 * order, and every other event is counted as dropped.
 */
class DedupPropertiesTest {

  @Property(tries = 200)
  void dedupKeepsExactlyTheFirstSightingOfEachIdInOrder(
      @ForAll @Size(max = 60) List<@IntRange(max = 15) Integer> ids) {
    DedupInterceptor dedup = new DedupInterceptor(
        DedupInterceptorConfig.parse(new Context()), new AtomicLong()::get);
    List<Event> in = new ArrayList<>();
    for (int id : ids) {
      in.add(event(new byte[] {(byte) id}, Integer.toString(id)));
    }

    List<Event> out = dedup.intercept(in);

    List<String> expected = new ArrayList<>(new LinkedHashSet<>(
        ids.stream().map(String::valueOf).toList()));
    assertThat(out).extracting(e -> e.getHeaders().get("eventId"))
        .containsExactlyElementsOf(expected);
    assertThat(dedup.counter().value("EventDroppedCount")).isEqualTo(ids.size() - out.size());
  }
}
