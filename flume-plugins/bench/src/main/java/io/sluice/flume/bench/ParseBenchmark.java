package io.sluice.flume.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flume.Event;
import org.apache.flume.event.EventBuilder;
import org.apache.flume.interceptor.Interceptor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Access-log parsing throughput: Sluice's {@code AccessLogInterceptor} against Flume's
 * {@code regex_extractor} configured with an equivalent Combined Log Format regex
 * ({@link Interceptors}), on the same lines, in the same JVM. One operation is one line: each
 * invocation turns every line of the file into a fresh event (body and empty header map, as a
 * source would) and intercepts it, so the score is events per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ParseBenchmark {

  /** Lines per invocation: the bundled sample has exactly this many. */
  static final int LINES = 10_000;

  /** The access log to parse; must have {@value #LINES} lines (the first are used). */
  @Param("samples/access_logs/elastic-examples_apache_logs.log")
  public String file;

  private List<byte[]> lines;
  private Interceptor sluice;
  private Interceptor regexExtractor;

  /** Reads the lines and builds both interceptors. */
  @Setup
  public void setUp() throws IOException {
    lines = readLines(file);
    sluice = Interceptors.sluice();
    regexExtractor = Interceptors.regexExtractor();
  }

  static List<byte[]> readLines(String file) throws IOException {
    List<byte[]> all = new ArrayList<>();
    for (String line : Files.readAllLines(Paths.get(file))) {
      all.add(line.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    if (all.size() < LINES) {
      throw new IllegalArgumentException(file + " has " + all.size() + " lines, needs " + LINES);
    }
    return all.subList(0, LINES);
  }

  /** Sluice's hand-written parser. */
  @Benchmark
  @OperationsPerInvocation(LINES)
  public void accessLogInterceptor(Blackhole blackhole) {
    run(sluice, blackhole);
  }

  /** Flume's regex_extractor with the equivalent regex. */
  @Benchmark
  @OperationsPerInvocation(LINES)
  public void regexExtractor(Blackhole blackhole) {
    run(regexExtractor, blackhole);
  }

  private void run(Interceptor interceptor, Blackhole blackhole) {
    for (int i = 0; i < LINES; i++) {
      Event event = EventBuilder.withBody(lines.get(i), new HashMap<>());
      blackhole.consume(interceptor.intercept(event));
    }
  }
}
