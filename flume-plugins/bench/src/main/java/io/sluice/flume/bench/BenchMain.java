package io.sluice.flume.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flume.Event;
import org.apache.flume.event.EventBuilder;
import org.apache.flume.interceptor.Interceptor;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code ./sluice bench parse [JMH options]}: runs {@link ParseBenchmark} through JMH's Runner
 * and prints, per interceptor, events/s and MiB/s (line bytes per second, without newlines),
 * then as the last line {@code parse-speedup-vs-regex_extractor: <X>x}.
 *
 * <p>Defaults (each overridable with the usual JMH option): 1 fork ({@code -f}), 3 warmup
 * iterations ({@code -wi}) of 2 s ({@code -w}), 5 measurement iterations ({@code -i}) of 2 s
 * ({@code -r}), heap 1 GiB; the file is the bundled 10,000-line sample under
 * {@code samples/} of the current directory or of {@code -Dsluice.home}, or
 * {@code -p file=PATH}. Before measuring it checks, line by line, that both interceptors give the
 * same headers, and prints how many lines agree.
 */
public final class BenchMain {

  static final String SAMPLE = "samples/access_logs/elastic-examples_apache_logs.log";
  static final String SPEEDUP_LABEL = "parse-speedup-vs-regex_extractor";

  private BenchMain() {
  }

  /**
   * Entry point.
   *
   * @param args {@code parse} then JMH options
   * @throws Exception when JMH fails
   */
  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    if (args.length == 0 || !args[0].equals("parse")) {
      System.err.println("usage: sluice bench parse [JMH options, e.g. -f 1 -wi 3 -i 5 -r 2s]");
      System.exit(2);
    }
    CommandLineOptions cli = new CommandLineOptions(Arrays.copyOfRange(args, 1, args.length));
    String file = cli.getParameter("file").hasValue()
        ? cli.getParameter("file").get().iterator().next() : defaultFile();
    int lines = ParseBenchmark.LINES;
    List<byte[]> data = ParseBenchmark.readLines(file);
    long bytes = data.stream().mapToLong(b -> b.length).sum();
    out.printf(Locale.ROOT, "Input: %s, %,d lines, %,d bytes%n", file, lines, bytes);
    out.printf(Locale.ROOT, "Headers agree (bytes '-' read as 0) on %,d of %,d lines%n",
        agreeing(data), lines);

    ChainedOptionsBuilder options = new OptionsBuilder().parent(cli)
        .include(ParseBenchmark.class.getName() + ".")
        .param("file", file)
        .forks(cli.getForkCount().orElse(1))
        .warmupIterations(cli.getWarmupIterations().orElse(3))
        .warmupTime(cli.getWarmupTime().orElse(TimeValue.seconds(2)))
        .measurementIterations(cli.getMeasurementIterations().orElse(5))
        .measurementTime(cli.getMeasurementTime().orElse(TimeValue.seconds(2)))
        .timeUnit(TimeUnit.SECONDS);
    if (!cli.getJvmArgs().hasValue()) {
      options.jvmArgs("-Xms1g", "-Xmx1g");
    }
    Collection<RunResult> results = new Runner(options.build()).run();

    Map<String, Result<?>> scores = new HashMap<>();
    for (RunResult result : results) {
      String method = result.getParams().getBenchmark();
      scores.put(method.substring(method.lastIndexOf('.') + 1), result.getPrimaryResult());
    }
    Result<?> sluice = scores.get("accessLogInterceptor");
    Result<?> regex = scores.get("regexExtractor");
    if (sluice == null || regex == null) {
      System.err.println("Both benchmarks must run; got " + scores.keySet());
      System.exit(1);
    }
    double bytesPerLine = (double) bytes / lines;
    out.println();
    out.printf(Locale.ROOT, "%-44s %16s %12s %10s%n", "interceptor (same JVM, same lines)",
        "events/s", "+/- (99.9%)", "MiB/s");
    row(out, "io.sluice...AccessLogInterceptor", sluice, bytesPerLine);
    row(out, "flume regex_extractor (combined regex)", regex, bytesPerLine);
    out.printf(Locale.ROOT, "%s: %.1fx%n", SPEEDUP_LABEL, sluice.getScore() / regex.getScore());
  }

  private static void row(PrintStream out, String name, Result<?> result, double bytesPerLine) {
    double error = Double.isNaN(result.getScoreError()) ? 0 : result.getScoreError();
    out.printf(Locale.ROOT, "%-44s %,16.0f %,12.0f %10.1f%n", name, result.getScore(), error,
        result.getScore() * bytesPerLine / (1024 * 1024));
  }

  /** Lines on which both interceptors set the same headers. */
  static int agreeing(List<byte[]> lines) {
    Interceptor sluice = Interceptors.sluice();
    Interceptor regex = Interceptors.regexExtractor();
    int agree = 0;
    for (byte[] line : lines) {
      Event a = sluice.intercept(EventBuilder.withBody(line, new HashMap<>()));
      Event b = regex.intercept(EventBuilder.withBody(line, new HashMap<>()));
      Map<String, String> regexHeaders = new HashMap<>(b.getHeaders());
      regexHeaders.computeIfPresent("bytes", (k, v) -> v.equals("-") ? "0" : v);
      Map<String, String> sluiceHeaders = new HashMap<>(a.getHeaders());
      if (sluiceHeaders.containsKey("rejectReason")) {
        sluiceHeaders.clear(); // a rejected line has no parse headers; the regex matched none
      }
      if (sluiceHeaders.equals(regexHeaders)) {
        agree++;
      }
    }
    return agree;
  }

  private static String defaultFile() {
    for (String base : new String[] {System.getProperty("sluice.home"), "."}) {
      if (base != null) {
        Path candidate = Paths.get(base, SAMPLE);
        if (Files.isRegularFile(candidate)) {
          return candidate.toAbsolutePath().toString();
        }
      }
    }
    throw new IllegalStateException("Cannot find " + SAMPLE + "; run from the Sluice directory, "
        + "set -Dsluice.home or pass -p file=PATH");
  }
}
