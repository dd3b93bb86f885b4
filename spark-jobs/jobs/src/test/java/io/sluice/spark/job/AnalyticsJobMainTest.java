package io.sluice.spark.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code main}'s command-line contract, in a child JVM because it calls {@code System.exit}. */
class AnalyticsJobMainTest {

  @Test
  void printsHelpAndExitsZero() {
    Result r = run("--help");

    assertThat(r.exitCode).isZero();
    AnalyticsJobOptions.documented().forEach((option, doc) -> assertThat(r.stdout).contains(option).contains(doc));
    assertThat(r.stdout).contains("--source flume|kafka").contains("(default: flume)");
  }

  @Test
  void exitsTwoNamingTheBadOption() {
    Result r = run("--sinks", "a:1", "--out", "o", "--paralelism", "3");

    assertThat(r.exitCode).isEqualTo(AnalyticsJob.EXIT_USAGE);
    assertThat(r.stderr).contains("--paralelism");
  }

  @Test
  void exitsTwoNamingAnInvalidValue() {
    Result r = run("--source", "kafka", "--kafka-bootstrap", "k:1", "--out", "o", "--error-rate-threshold", "5");

    assertThat(r.exitCode).isEqualTo(AnalyticsJob.EXIT_USAGE);
    assertThat(r.stderr).contains("--error-rate-threshold").contains("'5'");
  }

  private static Result run(String... args) {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java, "-cp",
        System.getProperty("java.class.path"), AnalyticsJob.class.getName()));
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).start();
      p.getOutputStream().close();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("AnalyticsJob did not exit within 60 s");
      }
      return new Result(p.exitValue(),
          new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
          new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static final class Result {
    final int exitCode;
    final String stdout;
    final String stderr;

    Result(int exitCode, String stdout, String stderr) {
      this.exitCode = exitCode;
      this.stdout = stdout;
      this.stderr = stderr;
    }
  }

  @Test
  void localCoresOfAMasterDecideTheDefaultParallelism() {
    assertThat(AnalyticsJob.localCores("local")).isEqualTo(1);
    assertThat(AnalyticsJob.localCores("local[2]")).isEqualTo(2);
    assertThat(AnalyticsJob.localCores("local[4,3]")).isEqualTo(4);
    assertThat(AnalyticsJob.localCores("local[*]")).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(AnalyticsJob.localCores("spark://10.0.0.1:7077")).isZero();
    assertThat(AnalyticsJob.localCores("local-cluster[2,1,1024]")).isZero();
  }
}
