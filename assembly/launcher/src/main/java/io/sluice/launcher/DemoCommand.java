package io.sluice.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
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
 * source, interceptor, Kafka channel, SparkSink; dead-letter channel and file) and two Spark
 * AnalyticsJobs, one per pipeline ({@code --pipeline logs|tweets}), each through SparkSubmit in
 * {@code local[2]}, each in its own JVM. Replays the input files once, shows progress, stops when
 * every replayed event has been counted by Spark and every reject has reached the dead-letter file,
 * then prints {@code OUT/summary.json} as tables, builds the HTML report {@code OUT/report.html}
 * (with a screenshot {@code OUT/report.png} when Chromium is installed) and prints each job's
 * events per second.
 *
 * <p>Each job writes under {@code OUT/analytics/<pipeline>/} ({@code summary.json}, the per-batch
 * windows, alerts and totals in {@code batches/}, its checkpoint); the launcher merges the jobs'
 * halves into {@code OUT/summary.json} (the logs half from the logs job, the tweets half from the
 * tweets job), the file whose contract README.md documents.
 *
 * <p>{@code --kafka-tls} secures the Kafka hop ({@link DemoKafkaSecurity}): the broker's client
 * listener is {@code SASL_SSL}, the agents and the jobs authenticate with SCRAM-SHA-512.
 *
 * <p>Every child process is stopped on exit, on failure and on Ctrl-C. Exit status: 0 done,
 * 1 a part failed to start or the run timed out (the message names the part and its log),
 * 2 bad command line.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run the whole pipeline locally on real data: Kafka broker, Flume agents, Spark job.")
public final class DemoCommand implements Callable<Integer> {

  static final String JOB_CLASS = "io.sluice.spark.AnalyticsJob";
  static final String REPORT_CLASS = "io.sluice.spark.report.ReportBuilder";
  /**
   * Windows of the demo's jobs: the bundled data replays in seconds, so 10 s windows sliding every
   * 2 s (the jobs' defaults are 30 s / 10 s and 60 s / 10 s).
   */
  static final List<String> DEMO_WINDOWS = List.of("--logs-window-seconds", "10", "--logs-slide-seconds", "2");
  static final List<String> DEMO_TWEET_WINDOWS = List.of("--tweets-window-seconds", "10", "--tweets-slide-seconds", "2");
  /**
   * The demo's error-rate alert: a 5xx share above 0.02 % of at least 100 requests. The bundled log
   * has three 5xx lines in 10,000, far below the job's default 5 %; the lowered threshold shows the
   * alert path on real data.
   */
  static final List<String> DEMO_ALERT = List.of("--error-rate-threshold", "0.0002", "--error-min-requests", "100");

  /** How the demo's Spark jobs read the events. */
  enum SparkSource { flume, kafka }

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

  @Option(names = "--spark-source", paramLabel = "flume|kafka", defaultValue = "flume",
      description = "How the Spark jobs read events: pull from the agents' SparkSinks (flume) or read the "
          + "Kafka channel topics directly (kafka) (default: ${DEFAULT-VALUE}).")
  SparkSource sparkSource;

  @Option(names = "--kafka-tls",
      description = "Secure the Kafka hop: the broker's client listener is SASL_SSL (TLS with a generated certificate,"
          + " SCRAM-SHA-512 user " + DemoKafkaSecurity.USER + " whose random password is written to"
          + " OUT/kafka-client/password, mode 0600, and never printed); the agents' Kafka channels and, with"
          + " --spark-source kafka, the jobs (--kafka-properties OUT/kafka-client/spark-kafka.properties) use it"
          + " (default: off, PLAINTEXT).")
  boolean kafkaTls;

  /** This command as picocli parsed it, so usage errors name {@code sluice demo}. */
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  private final RunningParts running = new RunningParts();
  /** With {@code --kafka-tls}: the agents' SLUICE_KAFKA_* security settings; else empty (PLAINTEXT). */
  private Map<String, String> kafkaClientEnv = Map.of();
  /** With {@code --kafka-tls}: the jobs' {@code --kafka-properties} file; else null. */
  private Path sparkKafkaProperties;
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

      LocalKafka kafka;
      if (kafkaTls) {
        DemoKafkaSecurity security = DemoKafkaSecurity.create(outDir);
        console.printf("[1/4] starting Kafka broker (KRaft, SASL_SSL: TLS + %s as user %s, password in %s) ...%n",
            KafkaSecurity.SCRAM_MECHANISM, DemoKafkaSecurity.USER, security.passwordFile());
        KafkaSettings settings = security.brokerSettings(outDir.resolve("kafka"));
        kafka = LocalKafka.start(home, settings, logDir.resolve("kafka.log"), startup);
        running.add(kafka);
        kafkaClientEnv = security.agentEnv(settings);
        sparkKafkaProperties = security.writeSparkProperties(settings);
      } else {
        console.println("[1/4] starting Kafka broker (KRaft) ...");
        kafka = LocalKafka.start(home, outDir.resolve("kafka"), logDir, startup);
        running.add(kafka);
      }
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

      console.println("[3/4] submitting the Spark AnalyticsJobs 'logs' and 'tweets' (local[2] each, source "
          + sparkSource + ") ...");
      Path summaryFile = outDir.resolve("summary.json");
      Path logsOut = outDir.resolve("analytics/logs");
      Path tweetsOut = outDir.resolve("analytics/tweets");
      List<String> logsArgs = new ArrayList<>(sourceArgs(kafka, logsSinkPort));
      logsArgs.addAll(List.of("--pipeline", "logs", "--out", logsOut.toString()));
      logsArgs.addAll(DEMO_WINDOWS);
      logsArgs.addAll(DEMO_ALERT);
      List<String> tweetsArgs = new ArrayList<>(sourceArgs(kafka, tweetsSinkPort));
      tweetsArgs.addAll(List.of("--pipeline", "tweets", "--out", tweetsOut.toString()));
      tweetsArgs.addAll(DEMO_TWEET_WINDOWS);
      SparkJob logsJob = SparkJob.submit("spark logs job", home, "local[2]", JOB_CLASS, logsArgs, outDir,
          logDir.resolve("spark-logs.log"));
      running.add(logsJob);
      SparkJob tweetsJob = SparkJob.submit("spark tweets job", home, "local[2]", JOB_CLASS, tweetsArgs, outDir,
          logDir.resolve("spark-tweets.log"));
      running.add(tweetsJob);
      for (SparkJob spark : List.of(logsJob, tweetsJob)) {
        Path jobSummary = (spark == logsJob ? logsOut : tweetsOut).resolve("summary.json");
        Deadline.await(() -> Summary.read(jobSummary) != null, () -> spark.process().isAlive(), startup,
            Duration.ofMillis(250), () -> spark.process().name() + " did not start"
                + (spark.process().isAlive() ? " within " + startup.toSeconds() + " s" : " (exit " + spark.process().exitValue() + ")")
                + "; see " + spark.process().log() + System.lineSeparator() + spark.process().logTail(25));
      }
      long tSpark = System.nanoTime();

      console.println("[4/4] replaying; progress every 2 s (events read by the sources -> counted by Spark)");
      Completion done = awaitCompletion(summaryFile, logsOut, tweetsOut, logsAgent, tweetsAgent, logsJob, tweetsJob);
      JsonNode summary = done.summary();
      long tDone = System.nanoTime();

      Summary.print(summary, console);
      long logEvents = summary.path("logs").path("lines").asLong();
      long tweetEvents = summary.path("tweets").path("records").asLong();
      long events = logEvents + tweetEvents;
      double processing = seconds(tDone - tSpark);
      console.println();
      console.printf(Locale.ROOT, "Done in %.1f s: Kafka up %.1f s, agents up %.1f s, Spark up %.1f s, processing %.1f s "
              + "(%,d events, %,.0f events/s once Spark was up)%n",
          seconds(tDone - t0), seconds(tKafka - t0), seconds(tAgents - tKafka), seconds(tSpark - tAgents),
          processing, events, events / Math.max(processing, 0.001));
      console.println("Spark jobs (local[2] each, " + sparkSource + " source; times from both jobs up):");
      printRate("logs", logEvents, tSpark, done.logsFirst(), done.logsDone());
      printRate("tweets", tweetEvents, tSpark, done.tweetsFirst(), done.tweetsDone());
      report(home, outDir, logsOut, tweetsOut, logDir, logEvents, tweetEvents);
      console.printf("Summary: %s%nRejected events (dead letter): %s%nPer-batch windows, alerts, totals: %s%nProcess logs: %s%n",
          summaryFile, outDir.resolve("rejects"), outDir.resolve("analytics"), logDir);
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
    all.putAll(kafkaClientEnv);
    all.put("SLUICE_SINK_HOST", Net.LOOPBACK);
    all.put("SLUICE_REJECTS_DIR", rejects.toString());
    // The replay source's position file: under OUT/state, cleared with OUT at every demo, so each
    // demo replays its files from the first line (a shell's SLUICE_STATE_DIR must not make it resume).
    all.put("SLUICE_STATE_DIR", outDir.resolve("state").resolve(name).toString());
    FlumeAgent agent = FlumeAgent.launch(home, name, all, outDir, outDir.resolve("logs"));
    running.add(agent);
    return agent;
  }

  /**
   * The merged summary once everything was counted, and when (System.nanoTime) each pipeline's job
   * counted its first event and got to its last.
   */
  record Completion(JsonNode summary, long logsFirst, long logsDone, long tweetsFirst, long tweetsDone) {}

  /**
   * Waits until each source has read its whole file, Spark has counted every event it replayed and
   * every reject has been written to the dead-letter file. Keeps {@code summaryFile} up to date with
   * the merged halves of the two jobs' summaries.
   */
  private Completion awaitCompletion(Path summaryFile, Path logsOut, Path tweetsOut, FlumeAgent logsAgent,
      FlumeAgent tweetsAgent, SparkJob logsJob, SparkJob tweetsJob) throws InterruptedException, IOException {
    long end = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
    long started = System.nanoTime();
    long nextReport = 0;
    long logsFirst = 0;
    long logsDone = 0;
    long tweetsFirst = 0;
    long tweetsDone = 0;
    while (true) {
      for (ManagedProcess p : List.of(logsAgent.process(), tweetsAgent.process(), logsJob.process(), tweetsJob.process())) {
        if (!p.isAlive()) {
          throw new LaunchException(p.name() + " exited (" + p.exitValue() + ") before the input was processed; see "
              + p.log() + System.lineSeparator() + p.logTail(25));
        }
      }
      JsonNode summary = mergeSummaries(Summary.read(logsOut.resolve("summary.json")),
          Summary.read(tweetsOut.resolve("summary.json")), summaryFile);
      Progress logs = Progress.of(logsAgent.metrics(), summary == null ? null : summary.path("logs"), "lines");
      Progress tweets = Progress.of(tweetsAgent.metrics(), summary == null ? null : summary.path("tweets"), "records");
      logsFirst = logsFirst == 0 && logs.counted() > 0 ? System.nanoTime() : logsFirst;
      tweetsFirst = tweetsFirst == 0 && tweets.counted() > 0 ? System.nanoTime() : tweetsFirst;
      logsDone = logsDone == 0 && logs.done() ? System.nanoTime() : logsDone;
      tweetsDone = tweetsDone == 0 && tweets.done() ? System.nanoTime() : tweetsDone;
      boolean done = logs.done() && tweets.done();
      if (done || System.nanoTime() >= nextReport) {
        console.printf(Locale.ROOT, "  %5.1fs  logs: %s  |  tweets: %s%n", seconds(System.nanoTime() - started), logs, tweets);
        for (Path jobOut : List.of(logsOut, tweetsOut)) {
          for (String error : recentReceiverErrors(jobOut, System.currentTimeMillis() - 2_000)) {
            console.printf(Locale.ROOT, "          %s job: %s%n", jobOut.getFileName(), error);
          }
        }
        nextReport = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      }
      if (done) {
        return new Completion(summary, logsFirst, logsDone, tweetsFirst, tweetsDone);
      }
      if (System.nanoTime() > end) {
        throw new LaunchException("input not fully processed after " + timeoutSeconds + " s (logs: " + logs
            + ", tweets: " + tweets + "); see the logs in " + logsJob.process().log().getParent());
      }
      Thread.sleep(500);
    }
  }

  /**
   * Errors the job's receivers reported since {@code sinceMs} (epoch ms), from its
   * {@code receivers.json}: a SparkSink it cannot reach, or one that gives no events.
   */
  static List<String> recentReceiverErrors(Path jobOut, long sinceMs) {
    JsonNode status = Summary.read(jobOut.resolve("receivers.json"));
    List<String> errors = new ArrayList<>();
    if (status != null) {
      for (JsonNode r : status.path("receivers")) {
        if (!r.path("lastError").asText().isEmpty() && r.path("lastErrorTimeMs").asLong() >= sinceMs) {
          errors.add(r.path("lastError").asText());
        }
      }
    }
    return errors;
  }

  /**
   * {@code summary.json} of the demo: the logs half of the logs job's summary and the tweets half of
   * the tweets job's, written atomically to {@code target}; null while either job has written none.
   */
  private static JsonNode mergeSummaries(JsonNode logsJob, JsonNode tweetsJob, Path target) throws IOException {
    if (logsJob == null || tweetsJob == null) {
      return null;
    }
    ObjectMapper json = new ObjectMapper();
    ObjectNode merged = json.createObjectNode();
    merged.set("logs", logsJob.path("logs"));
    merged.set("tweets", tweetsJob.path("tweets"));
    Path tmp = Files.createTempFile(target.getParent(), ".summary.json-", ".tmp");
    try {
      Files.write(tmp, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(merged));
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return merged;
  }

  /**
   * One job's figures: events per second from both jobs up to its last event counted, and over the
   * span from its first counted event to its last (0.5 s polling: a span under a few seconds is rough).
   */
  private void printRate(String job, long events, long jobsUp, long first, long last) {
    double total = Math.max(seconds(last - jobsUp), 0.001);
    double span = seconds(last - first);
    console.printf(Locale.ROOT, "  %-6s %,7d events, first counted at %.1f s, all at %.1f s: %,.0f events/s overall%s%n",
        job, events, seconds(first - jobsUp), total, events / total,
        span >= 1 ? String.format(Locale.ROOT, ", %,.0f events/s while counting", events / span) : "");
  }

  /** How the demo's jobs read events: their SparkSink, or the Kafka channel topics. */
  private List<String> sourceArgs(LocalKafka kafka, int sinkPort) {
    if (sparkSource == SparkSource.flume) {
      return List.of("--sinks", Net.LOOPBACK + ":" + sinkPort);
    }
    return sparkKafkaProperties == null
        ? List.of("--source", "kafka", "--kafka-bootstrap", kafka.bootstrap())
        : List.of("--source", "kafka", "--kafka-bootstrap", kafka.bootstrap(),
            "--kafka-properties", sparkKafkaProperties.toString());
  }

  /**
   * Builds {@code OUT/report.html} (and {@code OUT/report.png} when Chromium is installed) from the
   * jobs' outputs once each job's per-batch totals count every event (so the windows up to the last
   * event are written), prints where it is and opens it when there is a desktop. A report that
   * cannot be built is reported, not fatal: the numbers are in summary.json.
   */
  private void report(SluiceHome home, Path outDir, Path logsOut, Path tweetsOut, Path logDir, long logEvents,
      long tweetEvents) throws InterruptedException {
    try {
      Deadline.await(() -> newestTotal(logsOut, "logs-totals.json", "lines") >= logEvents
              && newestTotal(tweetsOut, "tweets-totals.json", "records") >= tweetEvents, () -> true,
          Duration.ofSeconds(60), Duration.ofMillis(250), () -> "the per-batch outputs lag behind summary.json");
    } catch (LaunchException e) {
      console.println("Report: " + e.getMessage() + " after 60 s; the report shows the windows so far");
    }
    Path html = outDir.resolve("report.html");
    Path png = outDir.resolve("report.png");
    Path log = logDir.resolve("report.log");
    try {
      int rc = SparkJob.run(home, REPORT_CLASS, List.of("--in", logsOut + "," + tweetsOut, "--out", html.toString(),
          "--title", "Sluice demo report", "--screenshot", png.toString()), outDir, log, Duration.ofMinutes(3));
      if (rc != 0 || !Files.exists(html)) {
        console.printf("Report: not built (exit %d); see %s%n", rc, log);
        return;
      }
    } catch (IOException | LaunchException e) {
      console.printf("Report: not built (%s); see %s%n", e.getMessage(), log);
      return;
    }
    console.printf("Report: %s%n", html.toUri());
    console.printf("Screenshot: %s%n", Files.exists(png) ? png
        : "none (no chromium on the PATH; Debian's chromium package renders one)");
    open(html);
  }

  /** {@code field} of {@code file} in the newest batch directory of a job that has one, or -1. */
  private static long newestTotal(Path jobOut, String file, String field) {
    try (Stream<Path> dirs = Files.list(jobOut.resolve("batches"))) {
      Path newest = dirs.filter(d -> d.getFileName().toString().matches("\\d+") && Files.exists(d.resolve(file)))
          .max(Comparator.comparingLong(d -> Long.parseLong(d.getFileName().toString()))).orElse(null);
      JsonNode totals = newest == null ? null : Summary.read(newest.resolve(file));
      return totals == null ? -1 : totals.path(field).asLong(-1);
    } catch (IOException e) {
      return -1;
    }
  }

  /** Opens {@code file} with xdg-open when there is a display and xdg-open; never waits for it. */
  private void open(Path file) {
    boolean display = System.getenv("DISPLAY") != null || System.getenv("WAYLAND_DISPLAY") != null;
    String path = System.getenv("PATH");
    boolean xdgOpen = path != null && java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
        .anyMatch(d -> Files.isExecutable(Path.of(d, "xdg-open")));
    if (display && xdgOpen) {
      try {
        new ProcessBuilder("xdg-open", file.toUri().toString()).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        console.println("Opened the report with xdg-open.");
      } catch (IOException e) {
        console.println("Could not open the report: " + e.getMessage());
      }
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

  private Path input(Path given, Path sample, String option) {
    Path p = given != null ? given : sample;
    if (!Files.isReadable(p) || Files.isDirectory(p)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          option + ": not a readable file: " + p);
    }
    return p.toAbsolutePath().normalize();
  }

  /** Clears what an earlier demo run left in {@code dir} (its own sub-directories only). */
  private static void prepareOutDir(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String child : List.of("kafka", "kafka-client", "checkpoint", "rejects", "state", "logs", "summary.json", "analytics", "report.html",
        "report.png")) {
      RunningParts.deleteTree(dir.resolve(child));
    }
  }

  private void stopAll() {
    running.stopAll();
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
