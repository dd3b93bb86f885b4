package io.sluice.spark.input;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.spark.Expected;
import io.sluice.spark.FlumeKafkaRecords;
import io.sluice.spark.SampleEvents;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Decoding Kafka records written the way Flume's Kafka channel writes them ({@code parseAsFlumeEvent = true}). */
class FlumeEventsTest {

  @Test
  void decodesAvroFlumeEventsWithHeadersAndTheTweetBodyForMentions() {
    Map<String, String> log = SampleEvents.logEvents().get(2070); // line 2071, a real 500
    Map<String, String> tweet = SampleEvents.tweetEvents().stream()
        .filter(t -> !Expected.mentionsOf(t.get(SampleEvents.BODY)).isEmpty()).findFirst().orElseThrow();

    List<EventRecord> records = decode(FlumeKafkaRecords.encode(log), FlumeKafkaRecords.encode(tweet));

    assertThat(records.get(0)).isEqualTo(SampleEvents.record(log));
    assertThat(records.get(0).isServerError()).isTrue();
    assertThat(records.get(0).clientIp()).isEqualTo("66.249.73.135");
    assertThat(records.get(1).isParsedTweet()).isTrue();
    assertThat(records.get(1).mentions()).containsExactlyElementsOf(Expected.mentionsOf(tweet.get(SampleEvents.BODY)));
  }

  @Test
  void turnsRecordsThatAreNotFlumeEventsIntoUndecodableEventsWithAStableId() {
    byte[] valid = FlumeKafkaRecords.encode(SampleEvents.logEvents().get(0));
    byte[] truncated = Arrays.copyOf(valid, valid.length / 2);
    byte[] longer = Arrays.copyOf(valid, valid.length + 3);

    List<EventRecord> records = decode("plain text line".getBytes(StandardCharsets.UTF_8), truncated, longer, null, valid);

    for (int i = 0; i < 4; i++) {
      assertThat(records.get(i).pipeline()).isEqualTo(FlumeEvents.UNDECODABLE);
      assertThat(records.get(i).eventId()).isEqualTo("t-0@" + i);
    }
    assertThat(records.get(4).isLog()).as("a bad record does not spoil the next").isTrue();
  }

  private static List<EventRecord> decode(byte[]... values) {
    List<ConsumerRecord<byte[], byte[]>> in = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      in.add(new ConsumerRecord<>("t", 0, i, null, values[i]));
    }
    List<EventRecord> out = new ArrayList<>();
    Iterator<EventRecord> it = FlumeEvents.fromKafka(in.iterator());
    it.forEachRemaining(out::add);
    return out;
  }
}
