package io.sluice.spark.analytics.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.spark.SampleEvents;
import io.sluice.spark.SparkTestContexts;
import io.sluice.spark.input.EventRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link AnomalousClients} on the real bundled access log ({@code samples/access_logs/elastic-examples_apache_logs.log},
 * 10 000 lines, 17-20 May 2015), hourly event-time windows, one batch per window, on Spark
 * {@code local[2]}; and on the same log with a labelled SYNTHETIC scanning client mixed in.
 */
class AnomalousClientsTest {

  private static final long HOUR = 3_600_000L;
  private static JavaSparkContext sc;

  @BeforeAll
  static void startSpark() {
    sc = new JavaSparkContext(SparkTestContexts.conf("AnomalousClientsTest"));
  }

  @AfterAll
  static void stopSpark() {
    if (sc != null) {
      sc.stop();
    }
  }

  static List<EventRecord> realLog() {
    return SampleEvents.records(SampleEvents.logEvents());
  }

  /**
   * Runs the stream window by window (one batch per hour): flag, then update, in the driver as the
   * job does (DriverStepsTest checks that MLlib's RDD path gives the same).
   */
  static List<AnomalousClients.Flag> run(AnomalousClients model, List<EventRecord> records) {
    Map<ClientWindow, Vector> vectors = new TreeMap<>(ClientFeatures.of(sc.parallelize(records, 2), HOUR).collectAsMap());
    Map<Long, Map<ClientWindow, Vector>> byWindow = new TreeMap<>();
    vectors.forEach((k, v) -> byWindow.computeIfAbsent(k.windowStartMs(), w -> new TreeMap<>()).put(k, v));
    List<AnomalousClients.Flag> flags = new ArrayList<>();
    for (Map<ClientWindow, Vector> batch : byWindow.values()) {
      flags.addAll(model.flag(batch));
      model.update(new ArrayList<>(batch.values()));
    }
    return flags;
  }

  /**
   * SYNTHETIC, not from any real log: a scanning client (203.0.113.7, an RFC 5737 documentation
   * address) probing {@code perHour} distinct paths per hour for {@code hours} hours from
   * {@code startMs}, each answered 404 with 209 bytes, no referrer, a browser's user agent (a
   * scanner that hides its tool); combined-format lines parsed as the real ones are.
   */
  static List<EventRecord> syntheticScanner(long startMs, int hours, int perHour) {
    java.time.format.DateTimeFormatter time = java.time.format.DateTimeFormatter
        .ofPattern("dd/MMM/yyyy:HH:mm:ss Z", java.util.Locale.ENGLISH).withZone(java.time.ZoneOffset.UTC);
    String[] dirs = {"", "admin", "wp-admin", "phpmyadmin", "cgi-bin", "backup", "old", "test", "api", "vendor"};
    String[] files = {".env", "config.php", "setup.php", "login.php", "db.sql", "shell.php", "info.php", "wp-login.php",
        ".git/config", "server-status", "xmlrpc.php", "install.php", "backup.zip", "web.config", "debug.log"};
    List<EventRecord> out = new ArrayList<>();
    int n = 0;
    for (int h = 0; h < hours; h++) {
      for (int i = 0; i < perHour; i++, n++) {
        long t = startMs + h * HOUR + i * (HOUR / perHour);
        String path = "/" + dirs[n % dirs.length] + (dirs[n % dirs.length].isEmpty() ? "" : "/")
            + (n / dirs.length) + "-" + files[n % files.length];
        String line = "203.0.113.7 - - [" + time.format(java.time.Instant.ofEpochMilli(t)) + "] \"GET " + path
            + " HTTP/1.1\" 404 209 \"-\" \"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/42.0.2311.135 Safari/537.36\"";
        out.add(SampleEvents.record(SampleEvents.logEvent("synthetic-scanner:" + n, line)));
      }
    }
    return out;
  }

  /** The configuration the tests document: k = 4, decay 0.9 per batch, seed 42, 1.5 x the 0.99 quantile of the last 500 distances, 100 first. */
  static AnomalousClients model() {
    return new AnomalousClients(4, 0.9, 42L, 0.99, 1.5, 500, 100);
  }

  private static final String FCKEDITOR_PROBE = "91.236.75.25@2015-05-20T05:00:00Z";

  @Test
  void flagsOneClientOnTheRealLogAndItIsAnEditorVulnerabilityProbe() {
    AnomalousClients model = model();

    List<AnomalousClients.Flag> flags = run(model, realLog());

    // 84 hourly windows, 3 052 client-windows (ClientFeaturesTest): one flag. 91.236.75.25 sent 8
    // HEAD requests for FCKeditor files under a blog page within a minute, all 404, no referrer, no
    // agent (lines 8 034-8 041 of the real log; its GET / of 18 May, line 2 190, was not flagged).
    assertThat(flags).extracting(f -> f.key().toString()).containsExactly(FCKEDITOR_PROBE);
    assertThat(flags.get(0).distance()).isGreaterThan(flags.get(0).threshold());
    assertThat(model.batches()).isEqualTo(84);
    assertThat(model.bufferedDistances()).as("the distance buffer is bounded").isEqualTo(500);
  }

  @Test
  void flagsASyntheticScannerInEveryWindowItScansFromTheFirst() {
    long scanStart = Instant.parse("2015-05-19T00:00:00Z").toEpochMilli();
    List<EventRecord> mixed = new ArrayList<>(realLog());
    mixed.addAll(syntheticScanner(scanStart, 3, 150));

    List<AnomalousClients.Flag> flags = run(model(), mixed);

    // Detection delay 0 windows: flagged in the first hour it scans, and in the next two. Measured
    // with this model: 40 probes an hour are still flagged from the first hour; 20, 10 or 5 (with a
    // browser's agent) are not flagged at all.
    assertThat(flags).extracting(f -> f.key().toString()).containsExactly(
        "203.0.113.7@2015-05-19T00:00:00Z", "203.0.113.7@2015-05-19T01:00:00Z", "203.0.113.7@2015-05-19T02:00:00Z",
        FCKEDITOR_PROBE);
  }

  @Test
  void flagsNothingWhileWarmingUpAndRejectsBadParameters() {
    AnomalousClients model = new AnomalousClients(2, 0.5, 1L, 0.9, 1.0, 10, 4);
    Map<ClientWindow, Vector> batch = new TreeMap<>(Map.of(
        new ClientWindow("192.0.2.1", 0), Vectors.dense(0, 0, 0, 0, 0, 0),
        new ClientWindow("192.0.2.2", 0), Vectors.dense(1, 1, 1, 1, 1, 1),
        new ClientWindow("192.0.2.3", 0), Vectors.dense(0, 0, 0, 0, 0, 0.1)));
    List<Vector> vectors = new ArrayList<>(batch.values());

    assertThat(model.threshold()).isNaN();
    assertThat(model.flag(batch)).isEmpty();
    model.update(vectors);
    assertThat(model.bufferedDistances()).isEqualTo(3);
    assertThat(model.threshold()).as("3 of the 4 distances needed").isNaN();
    model.update(vectors);
    model.update(vectors);
    model.update(vectors);
    assertThat(model.bufferedDistances()).as("at most bufferSize distances").isEqualTo(10);
    assertThat(model.threshold()).isNotNaN();

    assertThatThrownBy(() -> new AnomalousClients(0, 0.9, 42L, 0.99, 1.5, 500, 100))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("AnomalousClients: k must be at least 1, got 0");
    assertThatThrownBy(() -> new AnomalousClients(4, 1.1, 42L, 0.99, 1.5, 500, 100))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("AnomalousClients: decayFactor must be in [0, 1], got 1.1");
    assertThatThrownBy(() -> new AnomalousClients(4, 0.9, 42L, 0.99, 1.5, 500, 501))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("AnomalousClients: minDistances must be in [1, bufferSize], got 501");
  }
}
