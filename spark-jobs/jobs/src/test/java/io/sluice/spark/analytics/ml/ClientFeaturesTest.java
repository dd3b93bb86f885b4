package io.sluice.spark.analytics.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.sluice.spark.SampleEvents;
import io.sluice.spark.SparkTestContexts;
import io.sluice.spark.input.EventRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.Vector;
import org.junit.jupiter.api.Test;

class ClientFeaturesTest {

  private static final long HOUR = 3_600_000L;
  private static final long T = 1431856800000L; // 2015-05-17T10:00:00Z

  /** SYNTHETIC combined-format lines (RFC 5737 addresses), parsed the way the real ones are. */
  private static EventRecord line(int n, String ip, String time, String path, int status, String bytes, String referrer,
      String agent) {
    return SampleEvents.record(SampleEvents.logEvent("synthetic:" + n, ip + " - - [17/May/2015:" + time + " +0000] \"GET "
        + path + " HTTP/1.1\" " + status + " " + bytes + " \"" + referrer + "\" \"" + agent + "\""));
  }

  @Test
  void computesTheDocumentedFeaturesPerClientAndWindow() {
    String browser = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/38.0";
    List<EventRecord> records = List.of(
        line(1, "192.0.2.1", "10:00:01", "/a?x=1", 200, "999", "http://example.org/", browser),
        line(2, "192.0.2.1", "10:10:00", "/a?x=2", 404, "-", "-", browser),
        line(3, "192.0.2.1", "10:59:59", "/b", 500, "0", "-", "curl/7.38.0"),
        line(4, "192.0.2.1", "11:00:00", "/b", 200, "9", "-", "-"),
        line(5, "192.0.2.2", "10:30:00", "/", 301, "0", "http://example.org/", browser));

    Map<ClientWindow, Vector> vectors = ClientFeatures.of(records, HOUR);

    assertThat(vectors.keySet()).extracting(ClientWindow::toString).containsExactly(
        "192.0.2.1@2015-05-17T10:00:00Z", "192.0.2.2@2015-05-17T10:00:00Z", "192.0.2.1@2015-05-17T11:00:00Z");
    // 3 requests, 2 errors (404, 500), 2 paths (/a twice, query cut), 999 bytes, 2 of 3 without
    // referrer, 1 of 3 bot-like (curl): shares over n + 1 = 4.
    assertThat(vectors.get(new ClientWindow("192.0.2.1", T)).toArray()).containsExactly(new double[] {
        Math.log10(4) / 3, 2 / 4.0, Math.log10(3) / 3, Math.log10(1 + 999 / 3.0) / 6, 2 / 4.0, 1 / 4.0}, within(1e-12));
    // One request at 11:00:00: the next window; an agent "-" is bot-like.
    assertThat(vectors.get(new ClientWindow("192.0.2.1", T + HOUR)).toArray()).containsExactly(new double[] {
        Math.log10(2) / 3, 0, Math.log10(2) / 3, Math.log10(10) / 6, 1 / 2.0, 1 / 2.0}, within(1e-12));
    assertThat(vectors.get(new ClientWindow("192.0.2.2", T)).toArray()).containsExactly(new double[] {
        Math.log10(2) / 3, 0, Math.log10(2) / 3, 0, 0, 0}, within(1e-12));
    assertThat(ClientFeatures.NAMES).hasSize(ClientFeatures.DIMENSIONS);
    assertThat(ClientFeatures.windowStart(-1, HOUR)).isEqualTo(-HOUR);
    assertThatThrownBy(() -> ClientFeatures.of(records, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ClientFeatures: windowMs must be positive, got 0");
  }

  @Test
  void theRddFunctionEqualsTheCollectionOneOnTheRealLog() {
    List<EventRecord> real = SampleEvents.records(SampleEvents.logEvents());
    Set<String> clientHours = real.stream().filter(EventRecord::isParsedLog)
        .map(r -> r.clientIp() + " " + Math.floorDiv(r.timestampMs(), HOUR)).collect(Collectors.toSet());
    JavaSparkContext sc = new JavaSparkContext(SparkTestContexts.conf("ClientFeaturesTest"));
    try {
      Map<ClientWindow, Vector> rdd = new HashMap<>(ClientFeatures.of(sc.parallelize(real, 2), HOUR).collectAsMap());
      Map<ClientWindow, Vector> local = ClientFeatures.of(real, HOUR);

      assertThat(clientHours).hasSize(3052);
      assertThat(rdd).hasSize(3052).isEqualTo(local);
    } finally {
      sc.stop();
    }
  }
}
