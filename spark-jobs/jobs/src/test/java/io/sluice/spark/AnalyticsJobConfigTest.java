package io.sluice.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

class AnalyticsJobConfigTest {

  @Test
  void appliesDefaultsToOptionalSettings() {
    AnalyticsJobConfig config = AnalyticsJobConfig.parse("--sinks", "agent1:9999", "--out", "/data/out");

    assertThat(config.isHelpRequested()).isFalse();
    assertThat(config.sinks()).containsExactly(InetSocketAddress.createUnresolved("agent1", 9999));
    assertThat(config.out()).isEqualTo(Paths.get("/data/out"));
    assertThat(config.checkpoint()).isEqualTo(Paths.get("/data/out", "checkpoint").toString());
    assertThat(config.batchSeconds()).isEqualTo(1);
    assertThat(config.maxBatchSize()).isEqualTo(1000);
    assertThat(config.parallelism()).isEqualTo(5);
  }

  @Test
  void readsEveryOptionInBothSpellings() {
    AnalyticsJobConfig config = AnalyticsJobConfig.parse(
        "--sinks=a:1,b.example.com:65535, [::1]:4545", "--out", "out", "--checkpoint", "hdfs://nn:8020/ckpt",
        "--batch-seconds=5", "--max-batch-size", "250", "--parallelism", "2");

    assertThat(config.sinks()).containsExactly(
        InetSocketAddress.createUnresolved("a", 1),
        InetSocketAddress.createUnresolved("b.example.com", 65535),
        InetSocketAddress.createUnresolved("::1", 4545));
    assertThat(config.checkpoint()).isEqualTo("hdfs://nn:8020/ckpt");
    assertThat(config.batchSeconds()).isEqualTo(5);
    assertThat(config.maxBatchSize()).isEqualTo(250);
    assertThat(config.parallelism()).isEqualTo(2);
  }

  @Test
  void helpWinsOverEverythingElseAndListsEveryOptionWithItsDefault() {
    assertThat(AnalyticsJobConfig.parse("--help").isHelpRequested()).isTrue();
    assertThat(AnalyticsJobConfig.parse("--bogus", "--help").isHelpRequested()).isTrue();

    assertThat(AnalyticsJobConfig.usage())
        .contains("--sinks host:port[,host:port...]", "--out DIR", "--help")
        .contains("--checkpoint DIR").contains("(default: <out>/checkpoint)")
        .contains("--batch-seconds N").contains("(default: 1)")
        .contains("--max-batch-size N").contains("(default: 1000)")
        .contains("--parallelism N").contains("(default: 5)");
  }

  @Test
  void rejectsUnknownOptionByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AnalyticsJobConfig.parse("--sinks", "a:1", "--out", "o", "--batch-size", "3"));

    assertThat(e).hasMessageContaining("--batch-size");
  }

  @Test
  void rejectsBadSinkValueNamingOptionAndValue() {
    for (String bad : new String[] {"localhost", "localhost:", ":9999", "host:port", "host:0", "host:70000",
        "a:1,,b:2", "::1:4545", "a:1,a:1"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> AnalyticsJobConfig.parse("--sinks", bad, "--out", "o"), bad);
      assertThat(e).as(bad).hasMessageContaining("--sinks");
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AnalyticsJobConfig.parse("--sinks", "good:1,bad:x", "--out", "o"));
    assertThat(e).hasMessageContaining("'bad:x'");
  }

  @Test
  void rejectsMissingRequiredOptions() {
    assertThat(assertThrows(IllegalArgumentException.class, () -> AnalyticsJobConfig.parse("--out", "o")))
        .hasMessageContaining("--sinks");
    assertThat(assertThrows(IllegalArgumentException.class, () -> AnalyticsJobConfig.parse("--sinks", "a:1")))
        .hasMessageContaining("--out");
  }

  @Test
  void rejectsNonPositiveOrNonNumericCounts() {
    for (String option : new String[] {"--batch-seconds", "--max-batch-size", "--parallelism"}) {
      for (String bad : new String[] {"0", "-1", "ten", "1.5"}) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> AnalyticsJobConfig.parse("--sinks", "a:1", "--out", "o", option, bad));
        assertThat(e).as(option + " " + bad).hasMessageContaining(option).hasMessageContaining(bad);
      }
    }
  }

  @Test
  void rejectsMissingValuesRepeatsAndStrayArguments() {
    assertThat(assertThrows(IllegalArgumentException.class,
        () -> AnalyticsJobConfig.parse("--sinks", "a:1", "--out")))
        .hasMessageContaining("--out");
    assertThat(assertThrows(IllegalArgumentException.class,
        () -> AnalyticsJobConfig.parse("--sinks", "--out", "o")))
        .hasMessageContaining("--sinks");
    assertThat(assertThrows(IllegalArgumentException.class,
        () -> AnalyticsJobConfig.parse("--sinks", "a:1", "--out", "o", "--out", "p")))
        .hasMessageContaining("--out");
    assertThat(assertThrows(IllegalArgumentException.class,
        () -> AnalyticsJobConfig.parse("--sinks", "a:1", "--out", "o", "extra")))
        .hasMessageContaining("extra");
  }
}
