package io.sluice.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.launcher.LaunchException;
import io.sluice.launcher.SluiceHome;
import io.sluice.launcher.bench.BenchReport.Latency;
import io.sluice.launcher.bench.BenchReport.StageResult;
import io.sluice.launcher.cli.DemoPipeline;
import io.sluice.launcher.cli.Summary;
import io.sluice.launcher.kafka.LocalKafka;
import io.sluice.launcher.process.AgentMetrics;
import io.sluice.launcher.process.Deadline;
import io.sluice.launcher.process.FlumeAgent;
import io.sluice.launcher.process.ManagedProcess;
import io.sluice.launcher.process.Net;
import io.sluice.launcher.process.ProcStats;
import io.sluice.launcher.process.RunningParts;
import io.sluice.launcher.process.SparkJob;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sluice bench pipeline}: events per second, peak memory and CPU of every JVM, and the
 * latency of the pipeline, stage by stage, from a bare Flume agent to the whole pipeline.
 *
 * <p>Input: {@code --events N} lines made by repeating the bundled real access log (see
 * {@link BenchInput}), replayed once by the {@code ReplaySource} in every stage. Each stage runs
 * with fresh processes (and a fresh Kafka broker, so its own topics) under {@code OUT/<stage>/}:
 * <ol>
 *   <li>{@code bare-flume}: replay source, the {@code pipeline=logs} static and
 *       {@code AccessLogInterceptor} interceptors, memory channel, {@code null} sink; one agent
 *       JVM, its configuration derived from the packaged logs agent ({@link BenchAgentConfig});</li>
 *   <li>{@code kafka-channel}: the same with the logs agent's Kafka channel;</li>
 *   <li>{@code pipeline}: the packaged {@code logs} agent (Kafka channel, SparkSink) and
 *       {@code AnalyticsJob --pipeline logs} in {@code local[2]} with the demo's arguments, started
 *       as {@code sluice demo} starts them;</li>
 *   <li>{@code pipeline-kafka-direct}: the same job with {@code --source kafka}, reading the Kafka
 *       channel's topic (the agent's SparkSink is not polled);</li>
 *   <li>{@code latency}: the pipeline with the source paced ({@code SLUICE_LOGS_EVENTS_PER_SECOND})
 *       at half the events/s of {@code pipeline}. The job is started first and the agent once the
 *       job is up, so no event waits for Spark to start; the job's receiver retries its connection
 *       (errors in its log) until the SparkSink listens, which it does shortly after the source
 *       started: the first events wait for that (the stage prints how long). The job's
 *       {@code latency.json} (from each event's {@code readTime} to the end of the batch that
 *       counted it) is read at the end.</li>
 * </ol>
 *
 * <p>Throughput of a stage = N / (t_end - t_start): t_start is the later of the source's first
 * event (its counter's {@code StartTime}: it reads at once) and the Spark job up (its
 * {@code summary.json} first seen); t_end is the first poll (every {@value #POLL_MS} ms) that sees
 * every event drained by the null sink (its channel's {@code EventTakeSuccessCount}, Flume's HTTP
 * Prometheus metrics: Flume's null sink has no counters of its own) or counted by Spark ({@code summary.json} {@code logs.lines == N}). Peak RSS and CPU
 * time of each JVM ({@link ProcStats}) are read just before the stage stops its processes.
 *
 * <p>Checks, each failing the run (exit 1): the sink drains exactly N events and the source
 * accepted exactly N; Spark counts exactly N lines (never more, also 2 s after reaching N),
 * {@code parsed + rejected == N}, and {@code rejected} equals what the agent's
 * {@code AccessLogInterceptor} rejected; a stage that does not finish within {@code --timeout}
 * fails naming what it was waiting for. A failed stage does not stop the others. Every process is
 * stopped at the end of its stage, on failure and on Ctrl-C.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Benchmark the pipeline stage by stage: bare Flume agent, Kafka channel, the whole pipeline "
        + "(SparkSink and Kafka-direct), and its latency at half its throughput.",
        "Prints a table (events/s, MiB/s, peak RSS and CPU s per JVM), the job's checkpoint size, the latency and, "
            + "last, machine-readable lines such as 'pipeline-events-per-second: <n>'. Exit status 1 on any lost "
            + "or double-counted event, stage timeout or part that does not start."},
    footer = {"", "Stages: bare-flume, kafka-channel, pipeline, pipeline-kafka-direct, latency (in this order).",
        "Example: sluice bench pipeline --events 100000 --stages bare-flume,pipeline,latency"})
public final class PipelineBench implements Callable<Integer> {

  static final String SAMPLE = "access_logs/elastic-examples_apache_logs.log";
  static final String INPUT_NAME = "bench-input.log";
  /** The logs agent's variable pacing its replay (events per second; 0 = as fast as it goes). */
  static final String EVENTS_PER_SECOND_ENV = "SLUICE_LOGS_EVENTS_PER_SECOND";
  /** The counter group of the logs agent's AccessLogInterceptor (its default counterGroup), as an {@link AgentMetrics} key. */
  static final String INTERCEPTOR_GROUP = "INTERCEPTOR.access-log-interceptor";
  static final long POLL_MS = 150;
  static final Duration SETTLE = Duration.ofSeconds(2);
  private static final double MIB = 1024 * 1024;

  /** The stages, in the order they run. */
  enum Stage {
    BARE_FLUME("bare-flume", "replay source + interceptors -> memory channel -> null sink (one agent JVM)"),
    KAFKA_CHANNEL("kafka-channel", "replay source + interceptors -> Kafka channel -> null sink (agent + broker)"),
    PIPELINE("pipeline", "logs agent -> Kafka channel -> SparkSink -> AnalyticsJob --pipeline logs, local[2]"),
    PIPELINE_KAFKA_DIRECT("pipeline-kafka-direct",
        "logs agent -> Kafka channel topic, read by AnalyticsJob --source kafka (SparkSink not polled)"),
    LATENCY("latency", "the pipeline, source paced at half the pipeline's events/s; job up before the agent");

    final String id;
    final String what;

    Stage(String id, String what) {
      this.id = id;
      this.what = what;
    }

    boolean spark() {
      return this != BARE_FLUME && this != KAFKA_CHANNEL;
    }

    static Stage of(String id) {
      for (Stage s : values()) {
        if (s.id.equals(id)) {
          return s;
        }
      }
      return null;
    }
  }

  @Option(names = "--spark", paramLabel = "2|3", defaultValue = "2",
      description = "The bundled Spark line for the Spark jobs: 2 (Spark 2.4.7, Scala 2.11, lib/spark) or 3 (Spark 3.5, "
          + "Scala 2.12, lib/spark3) (default: ${DEFAULT-VALUE}).")
  String spark;

  @Option(names = "--events", paramLabel = "N", defaultValue = "1000000",
      description = "Events (lines) to replay in each stage (default: ${DEFAULT-VALUE}).")
  long events;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "bench-out",
      description = "Output directory: the input, one directory per stage (logs, job output), results.json; "
          + "its own sub-directories are cleared at start (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--stages", paramLabel = "LIST", split = ",",
      defaultValue = "bare-flume,kafka-channel,pipeline,pipeline-kafka-direct,latency",
      description = "Stages to run, comma-separated (default: all, ${DEFAULT-VALUE}).")
  List<String> stageNames;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
      description = "Time each stage gets, once its processes are up, to drain or count every event (the latency "
          + "stage gets its paced replay time more) (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(names = "--startup-timeout", paramLabel = "SECONDS", defaultValue = "120",
      description = "Time each process gets to start (default: ${DEFAULT-VALUE}).")
  long startupTimeoutSeconds;

  @Option(names = "--latency-events-per-second", paramLabel = "RATE",
      description = "Pace of the latency stage's source (default: half the events/s measured by the pipeline stage; "
          + "required when the latency stage runs without it).")
  Double latencyRate;

  @Option(names = "--latency-seconds", paramLabel = "SECONDS", defaultValue = "60",
      description = "Length of the latency stage's paced replay: it replays the first min(N, pace x SECONDS) lines "
          + "of the input, so the run stays short at the default N (default: ${DEFAULT-VALUE}).")
  long latencySeconds;

  @Option(names = "--latency-warmup-seconds", paramLabel = "SECONDS", defaultValue = "30",
      description = "The latency stage's warm-up: events counted in its first SECONDS after the source started (JIT "
          + "compilation, the first batches) are left out of the percentiles; its replay lasts this much longer "
          + "(default: ${DEFAULT-VALUE}).")
  long latencyWarmupSeconds;

  @Option(names = "--checkpoint-settle-seconds", paramLabel = "SECONDS", defaultValue = "30",
      description = "After the pipeline stage has counted every event, let the job idle this long and measure its "
          + "checkpoint directory then, at rest (processed write-ahead logs deleted); 0 = skip (default: ${DEFAULT-VALUE}).")
  long checkpointSettleSeconds;

  @Option(names = "--job-arg", paramLabel = "ARG",
      description = "An extra argument for the AnalyticsJob of the pipeline stages, repeatable, e.g. "
          + "--job-arg=--dedup-horizon-seconds=30 (after the demo's window and alert arguments, so it wins).")
  List<String> jobArgs = new ArrayList<>();

  @Spec
  CommandSpec spec;

  private final RunningParts running = new RunningParts();
  private final PrintStream console = System.out;

  @Override
  public Integer call() throws Exception {
    SluiceHome home = SluiceHome.fromSystemProperty().withSpark(spark);
    EnumSet<Stage> stages = validate();
    Path sample = home.samples().resolve(SAMPLE);
    if (!Files.isReadable(sample)) {
      throw new ParameterException(spec.commandLine(), "the bundled sample is missing: " + sample);
    }
    Path outDir = out.toAbsolutePath().normalize();
    prepareOutDir(outDir);

    Thread hook = new Thread(this::stopAll, "sluice-bench-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      console.printf(Locale.ROOT, "Sluice %s pipeline benchmark: %,d events per stage, stages %s -> %s%n",
          home.version(), events, stages.stream().map(s -> s.id).collect(Collectors.joining(",")), outDir);
      BenchInput input = BenchInput.create(sample, events, outDir.resolve("input").resolve(INPUT_NAME));
      console.printf(Locale.ROOT, "Input: %s%n  %s; %,d lines, %.1f MiB of event bodies%n", input.file(),
          input.label(), input.lines(), input.bytes() / MIB);

      List<StageResult> results = new ArrayList<>();
      Map<String, StageResult> byName = new LinkedHashMap<>();
      int i = 0;
      for (Stage stage : stages) {
        console.printf(Locale.ROOT, "%n[%d/%d] %s: %s%n", ++i, stages.size(), stage.id, stage.what);
        BenchInput stageInput = stage == Stage.LATENCY ? latencyInput(sample, input, outDir, byName) : input;
        StageResult r = runStage(stage, home, stageInput, outDir, byName);
        results.add(r);
        byName.put(stage.id, r);
        console.println(r.ok()
            ? String.format(Locale.ROOT, "  done: %,d events in %.1f s, %,.0f events/s", r.events(), r.seconds(),
                r.eventsPerSecond())
            : "  FAILED: " + r.failure());
      }
      printReport(input, outDir, results, byName);
      return results.stream().allMatch(StageResult::ok) ? 0 : 1;
    } finally {
      stopAll();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is already running stopAll().
      }
    }
  }

  private EnumSet<Stage> validate() {
    if (events < 1) {
      throw new ParameterException(spec.commandLine(), "--events must be at least 1, got " + events);
    }
    if (timeoutSeconds < 1 || startupTimeoutSeconds < 1) {
      throw new ParameterException(spec.commandLine(), "--timeout and --startup-timeout must be at least 1 s");
    }
    EnumSet<Stage> stages = EnumSet.noneOf(Stage.class);
    for (String name : stageNames) {
      Stage s = Stage.of(name.trim());
      if (s == null) {
        throw new ParameterException(spec.commandLine(), "--stages: unknown stage '" + name + "'; stages: "
            + Stream.of(Stage.values()).map(st -> st.id).collect(Collectors.joining(", ")));
      }
      stages.add(s);
    }
    if (stages.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--stages: no stage given");
    }
    if (latencySeconds < 1) {
      throw new ParameterException(spec.commandLine(), "--latency-seconds must be at least 1, got " + latencySeconds);
    }
    if (latencyRate != null && !(latencyRate > 0 && latencyRate < Double.POSITIVE_INFINITY)) {
      throw new ParameterException(spec.commandLine(), "--latency-events-per-second must be > 0, got " + latencyRate);
    }
    if (stages.contains(Stage.LATENCY) && !stages.contains(Stage.PIPELINE) && latencyRate == null) {
      throw new ParameterException(spec.commandLine(), "--stages: the latency stage paces the source at half the "
          + "pipeline stage's events/s: add 'pipeline' or give --latency-events-per-second");
    }
    return stages;
  }

  /** What one stage measured so far; turned into a {@link StageResult} once its processes are stopped. */
  private static final class Run {
    long sourceStartMs;
    long sparkUpMs;
    long firstCountedMs;
    long endMs;
    final Map<String, ProcStats> jvms = new LinkedHashMap<>();
    Latency latency;
    /** Bytes of the job's checkpoint after it idled (--checkpoint-settle-seconds), or -1. */
    long checkpointAtRest = -1;
    /** The latency histogram at the end of the warm-up (latency stage), null before. */
    java.util.TreeMap<Long, Long> latencyAtWarmup;
    Path jobOut;
    /** Metrics key of the agent's replay source, from its configuration file. */
    String sourceKey;

    double seconds() {
      long start = Math.max(sourceStartMs, sparkUpMs);
      return endMs > 0 && start > 0 ? Math.max(endMs - start, 1) / 1000.0 : Double.NaN;
    }
  }

  /**
   * The latency stage's input: the first {@code min(N, pace x --latency-seconds)} lines of the same
   * synthetic load, so its paced replay lasts about {@code --latency-seconds}.
   */
  private BenchInput latencyInput(Path sample, BenchInput input, Path outDir, Map<String, StageResult> done)
      throws IOException {
    double rate = latencyPace(done);
    long lines = rate > 0
        ? Math.min(input.lines(), Math.max(1, (long) Math.ceil(rate * (latencyWarmupSeconds + latencySeconds))))
        : input.lines();
    if (lines == input.lines()) {
      return input;
    }
    BenchInput shorter = BenchInput.create(sample, lines, outDir.resolve("input").resolve("bench-input-latency.log"));
    console.printf(Locale.ROOT, "  replaying the first %,d lines (about %d s of warm-up + %d s at the pace)%n", lines,
        latencyWarmupSeconds, latencySeconds);
    return shorter;
  }

  /** The latency stage's pace: --latency-events-per-second, else half the pipeline stage's events/s; 0 without either. */
  private double latencyPace(Map<String, StageResult> done) {
    StageResult pipeline = done.get(Stage.PIPELINE.id);
    return latencyRate != null ? latencyRate
        : pipeline != null && pipeline.ok() ? pipeline.eventsPerSecond() / 2 : 0;
  }

  private StageResult runStage(Stage stage, SluiceHome home, BenchInput input, Path outDir,
      Map<String, StageResult> done) throws IOException, InterruptedException {
    Path dir = outDir.resolve(stage.id);
    Files.createDirectories(dir);
    Run run = new Run();
    String failure = null;
    try {
      switch (stage) {
        case BARE_FLUME, KAFKA_CHANNEL -> flumeStage(run, stage, home, input, dir);
        default -> sparkStage(run, stage, home, input, dir, done);
      }
    } catch (LaunchException e) {
      failure = e.getMessage();
    } finally {
      stopAll();
    }
    long checkpoint = -1;
    if (run.jobOut != null) {
      checkpoint = run.checkpointAtRest >= 0 ? run.checkpointAtRest
          : BenchReport.directorySize(run.jobOut.resolve("checkpoint"));
      if (run.latency == null) {
        run.latency = stage == Stage.LATENCY ? null : Latency.read(run.jobOut.resolve("latency.json"));
      }
    }
    RunningParts.deleteTree(dir.resolve("kafka").resolve("data")); // the stage's topics: up to several GB at the default N
    return new StageResult(stage.id, input.lines(), input.bytes(), run.seconds(), run.jvms, checkpoint,
        stage == Stage.LATENCY ? run.latency : null, failure);
  }

  // ---------------------------------------------------------------- bare-flume, kafka-channel

  private void flumeStage(Run run, Stage stage, SluiceHome home, BenchInput input, Path dir)
      throws IOException, InterruptedException {
    Path logDir = dir.resolve("logs");
    Duration startup = Duration.ofSeconds(startupTimeoutSeconds);
    Map<String, String> env = new HashMap<>(Map.of("SLUICE_LOGS_FILE", input.file().toString(),
        EVENTS_PER_SECOND_ENV, "0", "SLUICE_STATE_DIR", dir.resolve("state").toString(),
        "SLUICE_REJECTS_DIR", dir.resolve("rejects").toString()));
    LocalKafka kafka = null;
    String topic = "bench-" + stage.id;
    if (stage == Stage.KAFKA_CHANNEL) {
      console.println("  starting Kafka broker (KRaft) ...");
      kafka = LocalKafka.start(home, dir.resolve("kafka"), logDir, startup);
      running.add(kafka);
      kafka.createTopics(List.of(topic));
      env.put("SLUICE_KAFKA_BOOTSTRAP", kafka.bootstrap());
    }
    Path logsConfig = home.agentConfig("logs");
    Path config = dir.resolve("bench-agent.properties");
    String text;
    try {
      text = BenchAgentConfig.render(BenchAgentConfig.load(logsConfig), "logs",
          kafka == null ? BenchAgentConfig.Channel.memory : BenchAgentConfig.Channel.kafka, topic, logsConfig.toString());
    } catch (IllegalArgumentException e) {
      throw new LaunchException("cannot derive the benchmark agent: " + e.getMessage());
    }
    Files.writeString(config, text);
    console.println("  starting Flume agent '" + BenchAgentConfig.AGENT + "' (" + config + ") ...");
    FlumeAgent agent = FlumeAgent.launch(home, BenchAgentConfig.AGENT, config, env, dir, logDir);
    run.sourceKey = agent.file().sourceOfType("ReplaySource");
    running.add(agent);
    agent.awaitReady(List.of(), startup);

    long n = input.lines();
    List<ManagedProcess> processes = kafka == null ? List.of(agent.process()) : List.of(agent.process(), kafka.process());
    long end = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
    long started = System.nanoTime();
    long nextReport = 0;
    boolean sawProgress = false;
    while (true) {
      requireAlive(processes, stage);
      AgentMetrics m = agent.metrics();
      long now = System.currentTimeMillis();
      long accepted = FlumeAgent.counter(m, run.sourceKey, "flume_event_accepted_total");
      long drained = drained(m);
      sawProgress |= m != null && drained < n;
      noteSourceStart(run, m, accepted, now);
      if (drained > n) {
        throw new LaunchException(stage.id + ": double count: the null sink drained " + drained + " events of " + n);
      }
      if (drained == n) {
        run.endMs = now;
      }
      if (run.endMs > 0 || System.nanoTime() >= nextReport) {
        console.printf(Locale.ROOT, "  %5.1fs  read %,d%s -> drained by the null sink %,d%n",
            (System.nanoTime() - started) / 1e9, accepted, endOfInput(run, m) ? " (eof)" : "", drained);
        nextReport = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      }
      if (run.endMs > 0) {
        break;
      }
      if (System.nanoTime() > end) {
        throw new LaunchException(stage.id + ": timed out after " + timeoutSeconds + " s (--timeout) with "
            + String.format(Locale.ROOT, "%,d of %,d events read, %,d drained", accepted, n, drained) + "; see "
            + agent.process().log());
      }
      Thread.sleep(POLL_MS);
    }

    // Settle: nothing more may arrive, and the source must have read exactly N.
    long settleEnd = System.nanoTime() + SETTLE.toNanos();
    AgentMetrics m = null;
    while (System.nanoTime() < settleEnd) {
      Thread.sleep(POLL_MS);
      requireAlive(processes, stage);
      AgentMetrics now = agent.metrics();
      m = now == null ? m : now;
      long drained = drained(now);
      if (now != null && drained != n) {
        throw new LaunchException(stage.id + ": double count: the null sink drained " + drained + " events of " + n
            + " " + SETTLE.toSeconds() + " s after");
      }
    }
    if (m == null) {
      throw new LaunchException(stage.id + ": the agent's metrics did not answer for " + SETTLE.toSeconds() + " s");
    }
    long accepted = FlumeAgent.counter(m, run.sourceKey, "flume_event_accepted_total");
    if (accepted != n || !endOfInput(run, m)) {
      throw new LaunchException(String.format(Locale.ROOT, "%s: the source accepted %,d events of %,d%s", stage.id,
          accepted, n, endOfInput(run, m) ? "" : " and did not reach the end of the input"));
    }
    console.printf(Locale.ROOT, "  check: the source read %,d events, the null sink drained %,d, also %d s later: OK%n",
        accepted, n, SETTLE.toSeconds());
    if (!sawProgress) {
      // Flume starts its monitoring after the source: a short replay can be over before it answers.
      console.println("  note: every event was drained before the agent's metrics first answered: the time is an "
          + "upper bound; more --events measure better");
    }
    readStats(run, "agent", agent.process());
    if (kafka != null) {
      readStats(run, "broker", kafka.process());
    }
  }

  // ---------------------------------------------------------------- pipeline, pipeline-kafka-direct, latency

  private void sparkStage(Run run, Stage stage, SluiceHome home, BenchInput input, Path dir,
      Map<String, StageResult> done) throws IOException, InterruptedException {
    long n = input.lines();
    double rate = 0;
    if (stage == Stage.LATENCY) {
      rate = latencyPace(done);
      if (rate <= 0) {
        throw new LaunchException("latency: no pace: the pipeline stage failed (give --latency-events-per-second)");
      }
      console.printf(Locale.ROOT, "  source paced at %,.1f events/s (%s)%n", rate,
          latencyRate != null ? "--latency-events-per-second" : "half the pipeline stage's events/s");
    }
    Path logDir = dir.resolve("logs");
    Duration startup = Duration.ofSeconds(startupTimeoutSeconds);
    Properties logsAgent = BenchAgentConfig.load(home.agentConfig("logs"));

    console.println("  starting Kafka broker (KRaft) ...");
    LocalKafka kafka = LocalKafka.start(home, dir.resolve("kafka"), logDir, startup);
    running.add(kafka);
    kafka.createTopics(BenchAgentConfig.kafkaTopics(logsAgent, "logs"));

    int sinkPort = Net.freePort();
    Path rejects = dir.resolve("rejects");
    Files.createDirectories(rejects);
    Map<String, String> env = Map.of(
        "SLUICE_LOGS_FILE", input.file().toString(),
        "SLUICE_LOGS_SINK_PORT", Integer.toString(sinkPort),
        "SLUICE_KAFKA_BOOTSTRAP", kafka.bootstrap(),
        "SLUICE_SINK_HOST", Net.LOOPBACK,
        "SLUICE_REJECTS_DIR", rejects.toString(),
        "SLUICE_STATE_DIR", dir.resolve("state").toString(),
        EVENTS_PER_SECOND_ENV, stage == Stage.LATENCY ? String.format(Locale.ROOT, "%.3f", rate) : "0");

    Path jobOut = dir.resolve("analytics").resolve("logs");
    run.jobOut = jobOut;
    List<String> args = new ArrayList<>(stage == Stage.PIPELINE_KAFKA_DIRECT
        ? List.of("--source", "kafka", "--kafka-bootstrap", kafka.bootstrap())
        : List.of("--sinks", Net.LOOPBACK + ":" + sinkPort));
    args.addAll(List.of("--out", jobOut.toString()));
    args.addAll(DemoPipeline.LOGS.jobArgs());
    args.addAll(jobArgs);

    // As the demo: the agent first, then the job. The latency stage starts the job first, so that no
    // event waits for Spark to start (its receiver connects once the agent's SparkSink is up).
    boolean jobFirst = stage == Stage.LATENCY;
    FlumeAgent agent = jobFirst ? null : startLogsAgent(home, env, dir, logDir, sinkPort, startup);
    run.sourceKey = agent == null ? null : agent.file().sourceOfType("ReplaySource");
    console.println("  submitting AnalyticsJob --pipeline logs (local[2], "
        + (stage == Stage.PIPELINE_KAFKA_DIRECT ? "--source kafka" : "--sinks " + Net.LOOPBACK + ":" + sinkPort) + ") ...");
    SparkJob job = SparkJob.submit("spark logs job", home, "local[2]", SparkJob.ANALYTICS_JOB, args, dir,
        logDir.resolve("spark-logs.log"));
    running.add(job);
    Path summaryFile = jobOut.resolve("summary.json");
    Deadline.await(() -> Summary.read(summaryFile) != null, () -> job.process().isAlive(), startup,
        Duration.ofMillis(100), () -> "the Spark job did not start"
            + (job.process().isAlive() ? " within " + startup.toSeconds() + " s" : " (exit " + job.process().exitValue() + ")")
            + "; see " + job.process().log() + System.lineSeparator() + job.process().logTail(25));
    run.sparkUpMs = System.currentTimeMillis();
    if (jobFirst) {
      agent = startLogsAgent(home, env, dir, logDir, sinkPort, startup);
      run.sourceKey = agent.file().sourceOfType("ReplaySource");
    }

    List<ManagedProcess> processes = List.of(agent.process(), kafka.process(), job.process());
    long timeout = timeoutSeconds + (rate > 0 ? (long) Math.ceil(n / rate) : 0);
    long end = System.nanoTime() + Duration.ofSeconds(timeout).toNanos();
    long started = System.nanoTime();
    long nextReport = 0;
    JsonNode logs = null;
    while (true) {
      requireAlive(processes, stage);
      AgentMetrics m = agent.metrics();
      JsonNode summary = Summary.read(summaryFile);
      long now = System.currentTimeMillis();
      long accepted = FlumeAgent.counter(m, run.sourceKey, "flume_event_accepted_total");
      noteSourceStart(run, m, accepted, now);
      if (stage == Stage.LATENCY && run.latencyAtWarmup == null && run.sourceStartMs > 0
          && now - run.sourceStartMs >= latencyWarmupSeconds * 1000) {
        run.latencyAtWarmup = Latency.histogram(jobOut.resolve("latency.json"));
      }
      logs = summary == null ? logs : summary.path("logs");
      long lines = logs == null ? 0 : logs.path("lines").asLong();
      if (lines > n) {
        throw new LaunchException(String.format(Locale.ROOT, "%s: double count: Spark counted %,d lines of %,d",
            stage.id, lines, n));
      }
      if (lines > 0 && run.firstCountedMs == 0) {
        run.firstCountedMs = now;
      }
      if (lines == n) {
        run.endMs = now;
      }
      if (run.endMs > 0 || System.nanoTime() >= nextReport) {
        console.printf(Locale.ROOT, "  %5.1fs  read %,d%s -> counted by Spark %,d (parsed %,d, rejected %,d)%n",
            (System.nanoTime() - started) / 1e9, accepted, endOfInput(run, m) ? " (eof)" : "", lines,
            logs == null ? 0 : logs.path("parsed").asLong(), logs == null ? 0 : logs.path("rejected").asLong());
        nextReport = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      }
      if (run.endMs > 0) {
        break;
      }
      if (System.nanoTime() > end) {
        throw new LaunchException(String.format(Locale.ROOT, "%s: timed out after %d s (--timeout%s) with %,d of %,d "
                + "events read by the source and %,d counted by Spark; see %s", stage.id, timeout,
            rate > 0 ? " + the paced replay time" : "", accepted, n, lines, logDir));
      }
      Thread.sleep(POLL_MS);
    }

    // Settle: no event may be counted twice, even late.
    long settleEnd = System.nanoTime() + SETTLE.toNanos();
    while (System.nanoTime() < settleEnd) {
      Thread.sleep(POLL_MS);
      requireAlive(processes, stage);
      JsonNode summary = Summary.read(summaryFile);
      logs = summary == null ? logs : summary.path("logs");
      if (logs.path("lines").asLong() != n) {
        throw new LaunchException(String.format(Locale.ROOT, "%s: double count: Spark counted %,d lines of %,d %d s "
            + "after reaching %,d", stage.id, logs.path("lines").asLong(), n, SETTLE.toSeconds(), n));
      }
    }
    AgentMetrics m = agent.metrics();
    checkSparkCounts(run, stage, n, logs, m);
    if (stage == Stage.LATENCY) {
      java.util.TreeMap<Long, Long> all = Latency.histogram(jobOut.resolve("latency.json"));
      run.latency = run.latencyAtWarmup == null ? Latency.read(jobOut.resolve("latency.json"))
          : Latency.between(run.latencyAtWarmup, all);
      if (run.latencyAtWarmup != null && run.latency != null) {
        console.printf(Locale.ROOT, "  latency over the %,d events counted after the %d s warm-up (of %,d)%n",
            run.latency.events(), latencyWarmupSeconds, all.values().stream().mapToLong(Long::longValue).sum());
      }
      console.printf(Locale.ROOT, "  the source started %.1f s after the job was up; Spark counted its first events "
          + "%.1f s after the source started%n", (run.sourceStartMs - run.sparkUpMs) / 1000.0,
          (run.firstCountedMs - run.sourceStartMs) / 1000.0);
    }
    readStats(run, "agent", agent.process());
    readStats(run, "broker", kafka.process());
    readStats(run, "driver", job.process());
    if (stage == Stage.PIPELINE && checkpointSettleSeconds > 0) {
      // The checkpoint at rest: once the backlog is processed Spark deletes the write-ahead logs of
      // processed blocks (10 s files) and state checkpoints older than the last two.
      console.printf(Locale.ROOT, "  letting the job idle %d s before measuring its checkpoint (--checkpoint-settle-seconds)%n",
          checkpointSettleSeconds);
      long idleEnd = System.nanoTime() + Duration.ofSeconds(checkpointSettleSeconds).toNanos();
      while (System.nanoTime() < idleEnd) {
        Thread.sleep(POLL_MS);
        requireAlive(processes, stage);
      }
      run.checkpointAtRest = BenchReport.directorySize(jobOut.resolve("checkpoint"));
    }
  }

  private FlumeAgent startLogsAgent(SluiceHome home, Map<String, String> env, Path dir, Path logDir, int sinkPort,
      Duration startup) throws IOException, InterruptedException {
    console.println("  starting Flume agent 'logs' (" + home.agentConfig("logs") + ") ...");
    FlumeAgent agent = FlumeAgent.launch(home, "logs", env, dir, logDir);
    running.add(agent);
    agent.awaitReady(List.of(sinkPort), startup);
    return agent;
  }

  /**
   * {@code parsed + rejected == lines == n}, and Spark's {@code rejected} equals the rejects the
   * agent's AccessLogInterceptor counted (when the source never retried a batch: a retried batch
   * goes through the interceptor again).
   */
  private void checkSparkCounts(Run run, Stage stage, long n, JsonNode logs, AgentMetrics metrics) {
    long parsed = logs.path("parsed").asLong();
    long rejected = logs.path("rejected").asLong();
    if (parsed + rejected != n) {
      throw new LaunchException(String.format(Locale.ROOT, "%s: Spark's parsed %,d + rejected %,d = %,d, not %,d",
          stage.id, parsed, rejected, parsed + rejected, n));
    }
    String interceptor;
    if (metrics == null || !metrics.has(INTERCEPTOR_GROUP)) {
      interceptor = "the agent's interceptor counters are not readable";
    } else if (FlumeAgent.counter(metrics, run.sourceKey, "flume_channel_write_fail_total") > 0) {
      interceptor = "not compared with the interceptor's count: the source retried batches";
    } else {
      long agentRejected = FlumeAgent.counter(metrics, INTERCEPTOR_GROUP, "flume_event_rejected_total");
      if (agentRejected != rejected) {
        throw new LaunchException(String.format(Locale.ROOT, "%s: Spark counted %,d rejected lines, the agent's "
            + "AccessLogInterceptor rejected %,d", stage.id, rejected, agentRejected));
      }
      interceptor = "= the rejects of the agent's AccessLogInterceptor";
    }
    console.printf(Locale.ROOT, "  check: Spark counted %,d lines (also %d s later) = parsed %,d + rejected %,d "
        + "(%s): OK%n", n, SETTLE.toSeconds(), parsed, rejected, interceptor);
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Records when the source started reading: its counter's {@code StartTime} (it reads at once), or
   * this poll when the counter does not tell; once events were accepted.
   */
  private static void noteSourceStart(Run run, AgentMetrics metrics, long accepted, long now) {
    if (run.sourceStartMs == 0 && accepted > 0) {
      long startTime = metrics == null ? 0
          : Math.round(metrics.value(run.sourceKey, "flume_component_start_time_seconds") * 1000);
      run.sourceStartMs = startTime > 0 && startTime <= now ? startTime : now;
    }
  }

  /**
   * Events the null sink took from the channel in committed transactions: the sink's
   * {@code EventDrainSuccessCount} when it has counters, else the channel's
   * {@code EventTakeSuccessCount} (Flume 1.11's {@code null} sink registers no counter group; the
   * channel counts a sink's takes when its transaction commits, and the null sink is its only taker).
   */
  static long drained(AgentMetrics metrics) {
    if (metrics != null && metrics.has("SINK.drain")) {
      return FlumeAgent.counter(metrics, "SINK.drain", "flume_event_drain_success_total");
    }
    return FlumeAgent.counter(metrics, "CHANNEL.events", "flume_event_take_success_total");
  }

  private static boolean endOfInput(Run run, AgentMetrics metrics) {
    return FlumeAgent.counter(metrics, run.sourceKey, "flume_end_of_input_total") > 0;
  }

  private static void requireAlive(List<ManagedProcess> processes, Stage stage) {
    for (ManagedProcess p : processes) {
      if (!p.isAlive()) {
        throw new LaunchException(stage.id + ": " + p.name() + " exited (" + p.exitValue() + ") before the stage "
            + "ended; see " + p.log() + System.lineSeparator() + p.logTail(25));
      }
    }
  }

  private static void readStats(Run run, String jvm, ManagedProcess process) {
    ProcStats stats = ProcStats.read(process.pid());
    if (stats != null) {
      run.jvms.put(jvm, stats);
    }
  }

  private void printReport(BenchInput input, Path outDir, List<StageResult> results, Map<String, StageResult> byName)
      throws IOException {
    console.println();
    console.printf(Locale.ROOT, "Results: %,d events per stage (%s).%n", input.lines(), input.label());
    console.println("seconds: from the later of the source's first event and the Spark job up, to every event "
        + "drained by the null sink / counted by Spark; RSS: peak resident set (VmHWM); CPU: user + system s.");
    BenchReport.table(results).forEach(console::println);
    for (StageResult r : results) {
      if (r.checkpointBytes() >= 0) {
        console.printf(Locale.ROOT, "Checkpoint of the %s job: %,.1f MiB (%,d bytes)%s in %s%n", r.stage(),
            r.checkpointBytes() / MIB, r.checkpointBytes(),
            r.stage().equals(Stage.PIPELINE.id) && checkpointSettleSeconds > 0
                ? ", at rest " + checkpointSettleSeconds + " s after the last event was counted" : ", at the end",
            outDir.resolve(r.stage()).resolve("analytics/logs/checkpoint"));
      }
    }
    StageResult latency = byName.get(Stage.LATENCY.id);
    if (latency != null && latency.ok()) {
      Latency l = latency.latency();
      console.println(l == null
          ? "Latency (read -> end of the batch that counted it): n/a, the job wrote no "
              + outDir.resolve(Stage.LATENCY.id).resolve("analytics/logs/latency.json")
          : String.format(Locale.ROOT, "Latency (read -> end of the batch that counted it, %,d events counted after "
              + "the %d s warm-up): p50 %.0f ms, p99 %.0f ms, max %.0f ms", l.events(), latencyWarmupSeconds, l.p50Ms(),
              l.p99Ms(), l.maxMs()));
    }
    for (StageResult r : results) {
      if (!r.ok()) {
        console.println("FAILED: " + r.failure());
      }
    }
    Path json = outDir.resolve("results.json");
    Files.writeString(json, new ObjectMapper().writerWithDefaultPrettyPrinter()
        .writeValueAsString(BenchReport.json(input.lines(), input.label(), results)));
    console.println("Results: " + json + "; process logs: " + outDir + "/<stage>/logs");
    BenchReport.finalLines(byName).forEach(console::println);
  }

  /** Clears what an earlier run left in {@code dir} (its own sub-directories and files only). */
  private static void prepareOutDir(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<String> own = new ArrayList<>(List.of("input", "results.json"));
    Stream.of(Stage.values()).forEach(s -> own.add(s.id));
    for (String child : own) {
      RunningParts.deleteTree(dir.resolve(child));
    }
  }

  private void stopAll() {
    running.stopAll();
  }
}
