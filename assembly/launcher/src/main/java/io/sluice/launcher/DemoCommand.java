package io.sluice.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice demo}: the whole pipeline on one machine.
 *
 * <p>Starts a local Kafka broker (KRaft), the {@code logs} and {@code tweets} Flume agents (replay
 * source, interceptor, Kafka channel, SparkSink; dead-letter channel and file) and the Spark
 * AnalyticsJob through SparkSubmit in {@code local[2]}, each in its own JVM. Replays the input
 * files once, shows progress, stops when every replayed event has been counted by Spark and every
 * reject has reached the dead-letter file, then prints {@code OUT/summary.json} as tables.
 *
 * <p>Every child process is stopped on exit, on failure and on Ctrl-C. Exit status: 0 done,
 * 1 a part failed to start or the run timed out (the message names the part and its log),
 * 2 bad command line.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run the whole pipeline locally on real data: Kafka broker, Flume agents, Spark job.")
public final class DemoCommand implements Callable<Integer> {

  static final String JOB_CLASS = "io.sluice.spark.AnalyticsJob";

  @Option(names = "--logs", paramLabel = "FILE",
      description = "Access log to replay (default: the bundled sample, samples/access_logs/elastic-examples_apache_logs.log).")
  Path logs;

  @Option(names = "--tweets", paramLabel = "FILE",
      description = "Twitter v1.1 statuses, one JSON object per line (default: samples/tweets/ALL_shared_tweets.jsonl).")
  Path tweets;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "demo-out",
      description = "Output directory: summary.json, rejects/, logs/ of every process (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600",
      description = "Give up when the input is not fully processed after this many seconds (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(names = "--startup-timeout", paramLabel = "SECONDS", defaultValue = "120",
      description = "Time each part gets to start (default: ${DEFAULT-VALUE}).")
  long startupTimeoutSeconds;

  private final Deque<AutoCloseable> running = new ArrayDeque<>();
  private final PrintStream console = System.out;

  @Override
  public Integer call() throws Exception {
    SluiceHome home = SluiceHome.fromSystemProperty();
    Path logsFile = input(logs, home.samples().resolve("access_logs/elastic-examples_apache_logs.log"), "--logs");
    Path tweetsFile = input(tweets, home.samples().resolve("tweets/ALL_shared_tweets.jsonl"), "--tweets");
    Path outDir = out.toAbsolutePath().normalize();
    prepareOutDir(outDir);
    Path logDir = outDir.resolve("logs");
    Duration startup = Duration.ofSeconds(startupTimeoutSeconds);

    Thread hook = new Thread(this::stopAll, "sluice-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    long t0 = System.nanoTime();
    try {
      console.printf("Sluice %s demo: %s + %s -> %s%n", home.version(), logsFile, tweetsFile, outDir);

      console.println("[1/4] starting Kafka broker (KRaft) ...");
      LocalKafka kafka = LocalKafka.start(home, outDir.resolve("kafka"), logDir, startup);
      running.push(kafka);
      kafka.createTopics(List.of("sluice-logs", "sluice-logs-rejects", "sluice-tweets", "sluice-tweets-rejects"));
      long tKafka = System.nanoTime();

      console.println("[2/4] starting Flume agents 'logs' and 'tweets' ...");
      int logsSinkPort = Net.freePort();
      int tweetsSinkPort = Net.freePort();
      FlumeAgent logsAgent = launchAgent(home, "logs", Map.of(
          "SLUICE_LOGS_FILE", logsFile.toString(),
          "SLUICE_LOGS_SINK_PORT", Integer.toString(logsSinkPort)), kafka, outDir);
      FlumeAgent tweetsAgent = launchAgent(home, "tweets", Map.of(
          "SLUICE_TWEETS_FILE", tweetsFile.toString(),
          "SLUICE_TWEETS_SINK_PORT", Integer.toString(tweetsSinkPort)), kafka, outDir);
      logsAgent.awaitReady(List.of(logsSinkPort), startup);
      tweetsAgent.awaitReady(List.of(tweetsSinkPort), startup);
      long tAgents = System.nanoTime();

      console.println("[3/4] submitting the Spark AnalyticsJob (local[2]) ...");
      Path summaryFile = outDir.resolve("summary.json");
      SparkJob spark = SparkJob.submit(home, "local[2]", JOB_CLASS, List.of(
          "--sinks", Net.LOOPBACK + ":" + logsSinkPort + "," + Net.LOOPBACK + ":" + tweetsSinkPort,
          "--out", outDir.toString(),
          "--checkpoint", outDir.resolve("checkpoint").toString()), outDir, logDir.resolve("spark.log"));
      running.push(spark);
      Deadline.await(() -> Summary.read(summaryFile) != null, () -> spark.process().isAlive(), startup,
          Duration.ofMillis(250), () -> "Spark job did not start" + (spark.process().isAlive() ? " within " + startup.toSeconds() + " s" : " (exit " + spark.process().exitValue() + ")")
              + "; see " + spark.process().log() + System.lineSeparator() + spark.process().logTail(25));
      long tSpark = System.nanoTime();

      console.println("[4/4] replaying; progress every 2 s (events read by the sources -> counted by Spark)");
      JsonNode summary = awaitCompletion(summaryFile, logsAgent, tweetsAgent, spark);
      long tDone = System.nanoTime();

      Summary.print(summary, console);
      long events = summary.path("logs").path("lines").asLong() + summary.path("tweets").path("records").asLong();
      double processing = seconds(tDone - tSpark);
      console.println();
      console.printf(Locale.ROOT, "Done in %.1f s: Kafka up %.1f s, agents up %.1f s, Spark up %.1f s, processing %.1f s "
              + "(%,d events, %,.0f events/s once Spark was up)%n",
          seconds(tDone - t0), seconds(tKafka - t0), seconds(tAgents - tKafka), seconds(tSpark - tAgents),
          processing, events, events / Math.max(processing, 0.001));
      console.printf("Summary: %s%nRejected events (dead letter): %s%nProcess logs: %s%n",
          summaryFile, outDir.resolve("rejects"), logDir);
      return 0;
    } catch (LaunchException e) {
      System.err.println("sluice demo failed: " + e.getMessage());
      return 1;
    } finally {
      stopAll();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is already running stopAll().
      }
    }
  }

  private FlumeAgent launchAgent(SluiceHome home, String name, Map<String, String> env, LocalKafka kafka, Path outDir)
      throws IOException {
    Path rejects = outDir.resolve("rejects").resolve(name);
    Files.createDirectories(rejects);
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("SLUICE_KAFKA_BOOTSTRAP", kafka.bootstrap());
    all.put("SLUICE_SINK_HOST", Net.LOOPBACK);
    all.put("SLUICE_REJECTS_DIR", rejects.toString());
    FlumeAgent agent = FlumeAgent.launch(home, name, all, outDir, outDir.resolve("logs"));
    running.push(agent);
    return agent;
  }

  /**
   * Waits until each source has read its whole file, Spark has counted every event it replayed and
   * every reject has been written to the dead-letter file.
   */
  private JsonNode awaitCompletion(Path summaryFile, FlumeAgent logsAgent, FlumeAgent tweetsAgent, SparkJob spark)
      throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
    long started = System.nanoTime();
    long nextReport = 0;
    while (true) {
      for (ManagedProcess p : List.of(logsAgent.process(), tweetsAgent.process(), spark.process())) {
        if (!p.isAlive()) {
          throw new LaunchException(p.name() + " exited (" + p.exitValue() + ") before the input was processed; see "
              + p.log() + System.lineSeparator() + p.logTail(25));
        }
      }
      JsonNode summary = Summary.read(summaryFile);
      Progress logs = Progress.of(logsAgent.metrics(), summary == null ? null : summary.path("logs"), "lines");
      Progress tweets = Progress.of(tweetsAgent.metrics(), summary == null ? null : summary.path("tweets"), "records");
      boolean done = logs.done() && tweets.done();
      if (done || System.nanoTime() >= nextReport) {
        console.printf(Locale.ROOT, "  %5.1fs  logs: %s  |  tweets: %s%n", seconds(System.nanoTime() - started), logs, tweets);
        nextReport = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      }
      if (done) {
        return summary;
      }
      if (System.nanoTime() > end) {
        throw new LaunchException("input not fully processed after " + timeoutSeconds + " s (logs: " + logs
            + ", tweets: " + tweets + "); see the logs in " + spark.process().log().getParent());
      }
      Thread.sleep(500);
    }
  }

  /** One pipeline's counters: what its source read, what Spark counted, what reached the dead-letter file. */
  record Progress(long read, boolean endOfInput, long counted, long rejected, long deadLettered) {

    static Progress of(JsonNode metrics, JsonNode summary, String countField) {
      return new Progress(
          FlumeAgent.counter(metrics, "SOURCE.replay", "EventAcceptedCount"),
          FlumeAgent.counter(metrics, "SOURCE.replay", "EndOfInputCount") > 0,
          summary == null ? 0 : summary.path(countField).asLong(),
          summary == null ? 0 : summary.path("rejected").asLong(),
          FlumeAgent.counter(metrics, "SINK.deadLetter", "EventDrainSuccessCount"));
    }

    boolean done() {
      return endOfInput && counted >= read && deadLettered >= rejected;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "read %,d%s -> spark %,d (rejected %,d, dead-lettered %,d)",
          read, endOfInput ? " (eof)" : "", counted, rejected, deadLettered);
    }
  }

  private static Path input(Path given, Path sample, String option) {
    Path p = given != null ? given : sample;
    if (!Files.isReadable(p) || Files.isDirectory(p)) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new DemoCommand()),
          option + ": not a readable file: " + p);
    }
    return p.toAbsolutePath().normalize();
  }

  /** Clears what an earlier demo run left in {@code dir} (its own sub-directories only). */
  private static void prepareOutDir(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String child : List.of("kafka", "checkpoint", "rejects", "logs", "summary.json")) {
      Path p = dir.resolve(child);
      if (Files.exists(p)) {
        try (Stream<Path> walk = Files.walk(p)) {
          for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(q);
          }
        }
      }
    }
  }

  private synchronized void stopAll() {
    while (!running.isEmpty()) {
      try {
        running.pop().close();
      } catch (Exception e) {
        System.err.println("while stopping: " + e);
      }
    }
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
