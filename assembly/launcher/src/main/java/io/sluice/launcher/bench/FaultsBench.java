package io.sluice.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.launcher.LaunchException;
import io.sluice.launcher.SluiceHome;
import io.sluice.launcher.cli.DemoPipeline;
import io.sluice.launcher.cli.Summary;
import io.sluice.launcher.kafka.LocalKafka;
import io.sluice.launcher.process.Deadline;
import io.sluice.launcher.process.FlumeAgent;
import io.sluice.launcher.process.ManagedProcess;
import io.sluice.launcher.process.Net;
import io.sluice.launcher.process.RunningParts;
import io.sluice.launcher.process.SparkJob;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sluice bench faults}: crashes the pipeline's processes with {@code kill -9} mid-stream
 * and checks, by {@code eventId}, that nothing was lost or counted twice.
 *
 * <p>Each trial runs a fresh pipeline under {@code OUT/<process>-<k>/}, each part a separate
 * process started as {@code sluice demo} starts it (the job before the agent, so that the replay
 * starts when Spark can count): a Kafka broker ({@link LocalKafka}, the code
 * behind {@code sluice kafka}), the packaged {@code logs} agent (replay source paced at
 * {@code --events-per-second}, Kafka channel, SparkSink, dead letter) and {@code AnalyticsJob
 * --pipeline logs} in {@code local[2]} with its checkpoint, receiver write-ahead log and
 * {@code --audit-ids}. The input is the bundled real access log repeated to {@code --events} lines
 * ({@link BenchInput}). At a random moment between 10% and 70% of the paced replay (once Spark
 * counts events, so later when Spark starts after that moment) it sends
 * SIGKILL to the trial's process (the Spark driver, the Flume agent, the broker, or all three),
 * waits a random 0 to {@code --max-restart-delay} seconds and starts it again with the same
 * command and data, as a service manager with {@code Restart=always} would; then it waits until
 * Spark has counted every line.
 *
 * <p>Per trial, from the job's {@code audit/} files ({@code IdAudit}) against the input's ids
 * ({@code bench-input.log:1} ... {@code :N}): <b>lost</b>, an input id never counted;
 * <b>double-counted</b>, an id counted in two batches or more, plus any excess of the summary's
 * {@code lines} over the distinct ids counted; <b>redelivered</b>, ids received again and dropped
 * by the job's deduplication (for information); <b>recovery</b>, seconds from the restart until
 * Spark counts an event the source read after the restart (a line beyond those it had read by
 * then; if it had read them all, until Spark counted every line); and the dead letter: lines in the reject files against the
 * rejects Spark counted (a shortfall counts as lost; duplicates are shown).
 *
 * <p>Prints a table per process and ends with exactly the lines {@code fault-trials},
 * {@code events-lost}, {@code events-double-counted} and {@code max-recovery-seconds}. Exit status
 * 1 when anything was lost or double-counted or a trial did not finish. Every process is stopped at
 * the end of its trial, on failure and on Ctrl-C.
 */
@Command(name = "faults", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Kill -9 the Spark driver, the Flume agent, the Kafka broker (and all three at once) mid-stream, "
        + "restart each, and check by eventId that no event was lost or counted twice.",
        "Ends with the lines 'fault-trials:', 'events-lost:', 'events-double-counted:', 'max-recovery-seconds:'. "
            + "Exit status 1 on any lost or double-counted event or unfinished trial."},
    footer = {"", "Processes: spark, agent, broker, all (in this order).",
        "Example: sluice bench faults --trials 20 --processes agent,broker"})
public final class FaultsBench implements Callable<Integer> {

  static final String SAMPLE = PipelineBench.SAMPLE;
  static final String INPUT_NAME = PipelineBench.INPUT_NAME;
  private static final long POLL_MS = 200;

  /** What a trial kills. */
  enum Target {
    SPARK("spark", "the Spark driver (AnalyticsJob, restarted on its checkpoint)"),
    AGENT("agent", "the Flume agent"),
    BROKER("broker", "the Kafka broker (restarted on its data)"),
    ALL("all", "driver, agent and broker at once");

    final String id;
    final String what;

    Target(String id, String what) {
      this.id = id;
      this.what = what;
    }

    static Target of(String id) {
      for (Target t : values()) {
        if (t.id.equals(id)) {
          return t;
        }
      }
      return null;
    }
  }

  @Option(names = "--spark", paramLabel = "2|3", defaultValue = "2",
      description = "The bundled Spark line of the job: 2 (Spark 2.4.7, Scala 2.11, lib/spark) or 3 (Spark 3.5, "
          + "Scala 2.12, lib/spark3) (default: ${DEFAULT-VALUE}).")
  String spark;

  @Option(names = "--events", paramLabel = "N", defaultValue = "200000",
      description = "Lines replayed in each trial (default: ${DEFAULT-VALUE}).")
  long events;

  @Option(names = "--trials", paramLabel = "K", defaultValue = "5",
      description = "Trials per process (default: ${DEFAULT-VALUE}).")
  int trials;

  @Option(names = "--processes", paramLabel = "LIST", split = ",", defaultValue = "spark,agent,broker,all",
      description = "What to kill, comma-separated (default: ${DEFAULT-VALUE}).")
  List<String> targetNames;

  @Option(names = "--events-per-second", paramLabel = "RATE", defaultValue = "2000",
      description = "Pace of the replay, so that the kill lands mid-stream (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--max-restart-delay", paramLabel = "SECONDS", defaultValue = "10",
      description = "The killed process is started again after a random delay of 0 to SECONDS (default: ${DEFAULT-VALUE}).")
  double maxRestartDelay;

  @Option(names = "--seed", paramLabel = "S",
      description = "Seed of the random kill moments and restart delays (default: random, printed).")
  Long seed;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "faults-out",
      description = "Output directory: the input and one directory per trial (logs, job output); cleared at start "
          + "(default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
      description = "Time a trial gets, beyond its paced replay, to count every event (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(names = "--startup-timeout", paramLabel = "SECONDS", defaultValue = "120",
      description = "Time each process gets to start (default: ${DEFAULT-VALUE}).")
  long startupTimeoutSeconds;

  @Option(names = "--keep", description = "Keep each trial's Kafka data and job output (default: deleted after a "
      + "successful trial; logs are always kept).")
  boolean keep;

  @Spec
  CommandSpec spec;

  private final PrintStream console = System.out;
  private RunningParts running = new RunningParts();

  /** One trial's outcome. */
  record TrialResult(Target target, int trial, long lost, long doubleCounted, long redelivered, long deadLetterDuplicates,
      double killAtSeconds, double restartDelaySeconds, double recoverySeconds, String failure) {}

  @Override
  public Integer call() throws Exception {
    SluiceHome home = SluiceHome.fromSystemProperty().withSpark(spark);
    EnumSet<Target> targets = validate();
    Path sample = home.samples().resolve(SAMPLE);
    if (!Files.isReadable(sample)) {
      throw new ParameterException(spec.commandLine(), "the bundled sample is missing: " + sample);
    }
    long s = seed != null ? seed : new Random().nextLong();
    Random random = new Random(s);
    Path outDir = out.toAbsolutePath().normalize();
    RunningParts.deleteTree(outDir);
    Files.createDirectories(outDir);
    Thread hook = new Thread(() -> running.stopAll(), "sluice-faults-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    List<TrialResult> results = new ArrayList<>();
    try {
      console.printf(Locale.ROOT, "Sluice %s fault injection (Spark line %s): %d trial(s) each of %s; %,d events per "
          + "trial at %,.0f/s; seed %d -> %s%n", home.version(), home.spark(), trials, targets.stream().map(t -> t.id).collect(Collectors.joining(",")),
          events, rate, s, outDir);
      BenchInput input = BenchInput.create(sample, events, outDir.resolve("input").resolve(INPUT_NAME));
      console.printf(Locale.ROOT, "Input: %s (%s)%n", input.file(), input.label());
      int total = trials * targets.size();
      int n = 0;
      for (Target target : targets) {
        for (int k = 1; k <= trials; k++) {
          console.printf(Locale.ROOT, "%n[%d/%d] kill -9 %s, trial %d%n", ++n, total, target.what, k);
          TrialResult r = trial(home, input, target, k, random, outDir.resolve(target.id + "-" + k));
          results.add(r);
          console.println(r.failure() == null
              ? String.format(Locale.ROOT, "  done: lost %d, double-counted %d, redelivered %,d, recovered in %.1f s",
                  r.lost(), r.doubleCounted(), r.redelivered(), r.recoverySeconds())
              : "  FAILED: " + r.failure());
        }
      }
      printReport(results);
      boolean ok = results.stream().allMatch(r -> r.failure() == null && r.lost() == 0 && r.doubleCounted() == 0);
      return ok ? 0 : 1;
    } finally {
      running.stopAll();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is already stopping everything.
      }
    }
  }

  private EnumSet<Target> validate() {
    if (events < 1 || trials < 1) {
      throw new ParameterException(spec.commandLine(), "--events and --trials must be at least 1");
    }
    if (!(rate > 0 && rate < Double.POSITIVE_INFINITY)) {
      throw new ParameterException(spec.commandLine(), "--events-per-second must be > 0, got " + rate);
    }
    if (maxRestartDelay < 0) {
      throw new ParameterException(spec.commandLine(), "--max-restart-delay must be >= 0, got " + maxRestartDelay);
    }
    if (timeoutSeconds < 1 || startupTimeoutSeconds < 1) {
      throw new ParameterException(spec.commandLine(), "--timeout and --startup-timeout must be at least 1 s");
    }
    EnumSet<Target> targets = EnumSet.noneOf(Target.class);
    for (String name : targetNames) {
      Target t = Target.of(name.trim());
      if (t == null) {
        throw new ParameterException(spec.commandLine(), "--processes: unknown process '" + name + "'; processes: "
            + Stream.of(Target.values()).map(v -> v.id).collect(Collectors.joining(", ")));
      }
      targets.add(t);
    }
    return targets;
  }

  /** The parts of one trial's pipeline, each restartable with the command and data it started with. */
  private final class Pipeline {
    final SluiceHome home;
    final Path dir;
    final Duration startup;
    /** The agent's environment and the job's arguments: set once the broker's address is known. */
    Map<String, String> agentEnv;
    List<String> jobArgs;
    LocalKafka kafka;
    FlumeAgent agent;
    SparkJob job;
    int starts;

    Pipeline(SluiceHome home, Path dir, Duration startup) {
      this.home = home;
      this.dir = dir;
      this.startup = startup;
    }

    Path logDir() {
      return dir.resolve("logs").resolve(starts == 0 ? "first" : "restart-" + starts);
    }

    void startBroker() throws IOException, InterruptedException {
      kafka = running.add(LocalKafka.start(home, dir.resolve("kafka"), logDir(), startup));
    }

    void startAgent(int sinkPort) throws IOException, InterruptedException {
      agent = running.add(FlumeAgent.launch(home, "logs", agentEnv, dir, logDir()));
      agent.awaitReady(List.of(sinkPort), startup);
    }

    void startJob() throws IOException {
      job = running.add(SparkJob.submit("spark logs job", home, "local[2]", SparkJob.ANALYTICS_JOB, jobArgs, dir,
          logDir().resolve("spark-logs.log")));
    }
  }

  private TrialResult trial(SluiceHome home, BenchInput input, Target target, int k, Random random, Path dir)
      throws IOException, InterruptedException {
    long n = input.lines();
    double replaySeconds = n / rate;
    double killAt = replaySeconds * (0.1 + 0.6 * random.nextDouble());
    double delay = maxRestartDelay * random.nextDouble();
    Files.createDirectories(dir);
    Duration startup = Duration.ofSeconds(startupTimeoutSeconds);
    Path jobOut = dir.resolve("analytics").resolve("logs");
    Path rejects = dir.resolve("rejects");
    Files.createDirectories(rejects);
    int sinkPort = Net.freePort();
    double recovery = Double.NaN;
    String failure = null;
    boolean killed = false;
    running = new RunningParts();
    try {
      Pipeline pipeline = new Pipeline(home, dir, startup);
      Files.createDirectories(pipeline.logDir());
      console.println("  starting Kafka broker, logs agent, AnalyticsJob --pipeline logs --audit-ids true ...");
      pipeline.startBroker();
      pipeline.kafka.createTopics(BenchAgentConfig.kafkaTopics(BenchAgentConfig.load(home.agentConfig("logs")), "logs"));
      Map<String, String> env = new HashMap<>(DemoPipeline.LOGS.agentEnv(input.file(), sinkPort));
      env.putAll(Map.of(
          "SLUICE_KAFKA_BOOTSTRAP", pipeline.kafka.bootstrap(),
          "SLUICE_SINK_HOST", Net.LOOPBACK,
          "SLUICE_REJECTS_DIR", rejects.toString(),
          "SLUICE_STATE_DIR", dir.resolve("state").toString(),
          PipelineBench.EVENTS_PER_SECOND_ENV, String.format(Locale.ROOT, "%.3f", rate)));
      pipeline.agentEnv = env;
      List<String> args = new ArrayList<>(List.of("--sinks", Net.LOOPBACK + ":" + sinkPort,
          "--out", jobOut.toString(), "--audit-ids", "true"));
      args.addAll(DemoPipeline.LOGS.jobArgs());
      pipeline.jobArgs = args;
      // The job first, then the agent: the replay starts when Spark can count, so the kill lands mid-stream.
      pipeline.startJob();
      Path summaryFile = jobOut.resolve("summary.json");
      SparkJob firstJob = pipeline.job;
      Deadline.await(() -> Summary.read(summaryFile) != null, () -> firstJob.process().isAlive(), startup,
          Duration.ofMillis(100), () -> "the Spark job did not start; see " + firstJob.process().log());
      pipeline.startAgent(sinkPort);

      // The kill moment: killAt seconds after the source's first event, once Spark counts (mid-stream).
      long sourceStart = 0;
      long deadline = System.nanoTime() + startup.toNanos() + Duration.ofSeconds((long) replaySeconds).toNanos();
      while (true) {
        requireAlive(pipeline);
        long accepted = FlumeAgent.counter(pipeline.agent.metrics(), pipeline.agent.file().sourceOfType("ReplaySource"), "flume_event_accepted_total");
        if (sourceStart == 0 && accepted > 0) {
          sourceStart = System.nanoTime();
        }
        if (sourceStart != 0 && System.nanoTime() - sourceStart >= (long) (killAt * 1e9) && lines(summaryFile) > 0) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new LaunchException("the pipeline did not start counting within --startup-timeout + the replay time");
        }
        Thread.sleep(POLL_MS);
      }
      killAt = (System.nanoTime() - sourceStart) / 1e9;
      long countedAtKill = lines(summaryFile);
      // Lines the source has read so far: any line after these is read after the restart.
      long readBeforeRestart = FlumeAgent.counter(pipeline.agent.metrics(), pipeline.agent.file().sourceOfType("ReplaySource"), "flume_event_accepted_total");
      console.printf(Locale.ROOT, "  %.1f s into the replay (%,d read, %,d counted): kill -9 %s; restart in %.1f s%n",
          killAt, readBeforeRestart, countedAtKill, target.id, delay);
      killed = true;
      kill(pipeline, target);
      Thread.sleep((long) (delay * 1000));
      if (target == Target.SPARK || target == Target.BROKER) {
        readBeforeRestart = Math.max(readBeforeRestart,
            FlumeAgent.counter(pipeline.agent.metrics(), pipeline.agent.file().sourceOfType("ReplaySource"), "flume_event_accepted_total"));
      }
      pipeline.starts++;
      Files.createDirectories(pipeline.logDir());
      long restartedAt = System.nanoTime();
      restart(pipeline, target, sinkPort);
      Path auditDir = jobOut.resolve("audit");
      LatestCounted latest = new LatestCounted(auditDir, INPUT_NAME);
      long replayEnd = System.nanoTime() + Duration.ofSeconds(timeoutSeconds + (long) replaySeconds).toNanos();
      long lastReport = 0;
      while (true) {
        requireAlive(pipeline);
        long lines = lines(summaryFile);
        if (Double.isNaN(recovery) && (latest.maxLine() > readBeforeRestart || (readBeforeRestart >= n && lines >= n))) {
          recovery = (System.nanoTime() - restartedAt) / 1e9;
          console.printf(Locale.ROOT, "  Spark counts events read after the restart %.1f s after it%s%n", recovery,
              readBeforeRestart >= n ? " (the source had read all lines: time to count them all)" : "");
        }
        if (lines >= n && !Double.isNaN(recovery)) {
          break;
        }
        if (System.nanoTime() - lastReport > 5e9) {
          console.printf(Locale.ROOT, "  %,d of %,d counted%n", lines, n);
          lastReport = System.nanoTime();
        }
        if (System.nanoTime() > replayEnd) {
          throw new LaunchException(String.format(Locale.ROOT, "Spark counted %,d of %,d lines within the replay time "
              + "+ %d s (--timeout); see %s", lines, n, timeoutSeconds, dir.resolve("logs")));
        }
        Thread.sleep(POLL_MS);
      }
      // The dead letter catches up; then nothing more may be counted.
      long rejected = Summary.read(summaryFile).path("logs").path("rejected").asLong();
      Deadline.await(() -> countLines(rejects) >= rejected, () -> true, Duration.ofSeconds(60), Duration.ofMillis(POLL_MS),
          () -> "the dead letter holds " + countLines(rejects) + " of " + rejected + " rejects");
      Thread.sleep(PipelineBench.SETTLE.toMillis());
      requireAlive(pipeline);
    } catch (LaunchException e) {
      failure = e.getMessage();
    } finally {
      running.stopAll();
    }
    Audit audit = Audit.read(jobOut.resolve("audit"), INPUT_NAME, n);
    long summaryLines = lines(jobOut.resolve("summary.json"));
    long doubleCounted = audit.repeats + audit.unexpected + Math.max(0, summaryLines - audit.distinct);
    JsonNode summary = Summary.read(jobOut.resolve("summary.json"));
    long rejected = summary == null ? 0 : summary.path("logs").path("rejected").asLong();
    long deadLettered = countLines(rejects);
    // A trial that failed before its kill (a part did not start) checked nothing: it counts as failed only.
    long lost = killed ? audit.missing + Math.max(0, rejected - deadLettered) : 0;
    doubleCounted = killed ? doubleCounted : 0;
    if (failure == null && !keep && lost == 0 && doubleCounted == 0) {
      RunningParts.deleteTree(dir.resolve("kafka"));
      RunningParts.deleteTree(dir.resolve("analytics"));
    }
    return new TrialResult(target, k, lost, doubleCounted, audit.received - audit.distinct,
        Math.max(0, deadLettered - rejected), killAt, delay, recovery, failure);
  }

  private static void kill(Pipeline p, Target target) throws InterruptedException {
    List<ManagedProcess> victims = switch (target) {
      case SPARK -> List.of(p.job.process());
      case AGENT -> List.of(p.agent.process());
      case BROKER -> List.of(p.kafka.process());
      case ALL -> List.of(p.job.process(), p.agent.process(), p.kafka.process());
    };
    for (ManagedProcess v : victims) {
      if (!v.kill(Duration.ofSeconds(10))) {
        throw new LaunchException(v.name() + " did not die within 10 s of SIGKILL");
      }
    }
  }

  private static void restart(Pipeline p, Target target, int sinkPort) throws IOException, InterruptedException {
    if (target == Target.BROKER || target == Target.ALL) {
      p.startBroker();
    }
    if (target == Target.AGENT || target == Target.ALL) {
      p.startAgent(sinkPort);
    }
    if (target == Target.SPARK || target == Target.ALL) {
      p.startJob();
    }
  }

  private static void requireAlive(Pipeline p) {
    for (ManagedProcess m : List.of(p.kafka.process(), p.agent.process(), p.job.process())) {
      if (!m.isAlive()) {
        throw new LaunchException(m.name() + " exited (" + m.exitValue() + "); see " + m.log()
            + System.lineSeparator() + m.logTail(25));
      }
    }
  }

  private static long lines(Path summaryFile) {
    JsonNode summary = Summary.read(summaryFile);
    return summary == null ? 0 : summary.path("logs").path("lines").asLong();
  }

  /** Newline-terminated lines in every file under {@code dir} (the dead letter's file_roll output). */
  static long countLines(Path dir) {
    long lines = 0;
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          byte[] buf = new byte[65536];
          for (int r; (r = in.read(buf)) > 0; ) {
            for (int i = 0; i < r; i++) {
              if (buf[i] == '\n') {
                lines++;
              }
            }
          }
        }
      }
    } catch (IOException e) {
      return lines;
    }
    return lines;
  }

  /** The highest input line in the job's {@code audit/*.counted} files, read incrementally. */
  static final class LatestCounted {
    private final Path dir;
    private final String prefix;
    private final java.util.Set<String> read = new java.util.HashSet<>();
    private long max;

    LatestCounted(Path dir, String inputName) {
      this.dir = dir;
      this.prefix = inputName + ":";
    }

    long maxLine() {
      if (!Files.isDirectory(dir)) {
        return max;
      }
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.toList()) {
          String name = f.getFileName().toString();
          if (name.endsWith(".counted") && read.add(name)) {
            for (String id : Files.readAllLines(f)) {
              max = Math.max(max, Audit.lineOf(id, prefix));
            }
          }
        }
      } catch (IOException e) {
        // a file replaced while listed: read again at the next poll
      }
      return max;
    }
  }

  /** The job's {@code audit/} files against the input's ids {@code NAME:1} ... {@code NAME:N}. */
  record Audit(long received, long distinct, long repeats, long unexpected, long missing) {

    static Audit read(Path dir, String inputName, long n) throws IOException {
      Map<String, Integer> counted = new HashMap<>();
      long received = 0;
      if (Files.isDirectory(dir)) {
        try (Stream<Path> files = Files.list(dir)) {
          for (Path f : files.sorted().toList()) {
            String name = f.getFileName().toString();
            if (name.endsWith(".received")) {
              try (Stream<String> ids = Files.lines(f)) {
                received += ids.filter(id -> !id.isEmpty()).count();
              }
            } else if (name.endsWith(".counted")) {
              for (String id : Files.readAllLines(f)) {
                if (!id.isEmpty()) {
                  counted.merge(id, 1, Integer::sum);
                }
              }
            }
          }
        }
      }
      long repeats = 0;
      long unexpected = 0;
      String prefix = inputName + ":";
      boolean[] seen = new boolean[(int) Math.min(n + 1, Integer.MAX_VALUE)];
      for (Map.Entry<String, Integer> e : counted.entrySet()) {
        repeats += e.getValue() - 1;
        long line = lineOf(e.getKey(), prefix);
        if (line < 1 || line > n) {
          unexpected++;
        } else {
          seen[(int) line] = true;
        }
      }
      long missing = 0;
      for (int i = 1; i <= n; i++) {
        if (!seen[i]) {
          missing++;
        }
      }
      return new Audit(received, counted.size(), repeats, unexpected, missing);
    }

    static long lineOf(String id, String prefix) {
      if (!id.startsWith(prefix)) {
        return -1;
      }
      try {
        return Long.parseLong(id.substring(prefix.length()));
      } catch (NumberFormatException e) {
        return -1;
      }
    }
  }

  private void printReport(List<TrialResult> results) {
    console.println();
    console.println("Results per process (lost and double-counted by eventId; redelivered = received again and dropped "
        + "by the job's dedup; recovery = restart to Spark counting a line read after it):");
    console.printf(Locale.ROOT, "%-8s %7s %7s %8s %14s %12s %14s %14s %8s%n", "process", "trials", "failed", "lost",
        "double-counted", "redelivered", "dead-letter-dup", "recovery-max-s", "median");
    Map<Target, List<TrialResult>> byTarget = new LinkedHashMap<>();
    results.forEach(r -> byTarget.computeIfAbsent(r.target(), t -> new ArrayList<>()).add(r));
    for (Map.Entry<Target, List<TrialResult>> e : byTarget.entrySet()) {
      List<TrialResult> rs = e.getValue();
      List<Double> rec = rs.stream().map(TrialResult::recoverySeconds).filter(d -> !d.isNaN()).sorted().toList();
      console.printf(Locale.ROOT, "%-8s %7d %7d %8d %14d %12d %14d %14s %8s%n", e.getKey().id, rs.size(),
          rs.stream().filter(r -> r.failure() != null).count(), rs.stream().mapToLong(TrialResult::lost).sum(),
          rs.stream().mapToLong(TrialResult::doubleCounted).sum(), rs.stream().mapToLong(TrialResult::redelivered).sum(),
          rs.stream().mapToLong(TrialResult::deadLetterDuplicates).sum(),
          rec.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.1f", rec.get(rec.size() - 1)),
          rec.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.1f", rec.get(rec.size() / 2)));
    }
    for (TrialResult r : results) {
      if (r.failure() != null) {
        console.printf("FAILED: %s trial %d: %s%n", r.target().id, r.trial(), r.failure());
      }
    }
    double maxRecovery = results.stream().mapToDouble(TrialResult::recoverySeconds).filter(d -> !Double.isNaN(d))
        .max().orElse(0);
    console.printf(Locale.ROOT, "fault-trials: %d%n", results.size());
    console.printf(Locale.ROOT, "events-lost: %d%n", results.stream().mapToLong(TrialResult::lost).sum());
    console.printf(Locale.ROOT, "events-double-counted: %d%n",
        results.stream().mapToLong(TrialResult::doubleCounted).sum());
    console.printf(Locale.ROOT, "max-recovery-seconds: %d%n", (long) Math.ceil(maxRecovery));
  }
}
