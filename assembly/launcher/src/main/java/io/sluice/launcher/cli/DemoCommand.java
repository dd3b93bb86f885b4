package io.sluice.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.launcher.LaunchException;
import io.sluice.launcher.SluiceHome;
import io.sluice.launcher.kafka.KafkaSecurity;
import io.sluice.launcher.kafka.KafkaSettings;
import io.sluice.launcher.kafka.LocalKafka;
import io.sluice.launcher.kinesis.LocalKinesalite;
import io.sluice.launcher.mqtt.LocalMosquitto;
import io.sluice.launcher.zeromq.DemoPusher;
import io.sluice.launcher.process.AgentFile;
import io.sluice.launcher.process.Deadline;
import io.sluice.launcher.process.AgentMetrics;
import io.sluice.launcher.process.FlumeAgent;
import io.sluice.launcher.process.ManagedProcess;
import io.sluice.launcher.process.Net;
import io.sluice.launcher.process.RunningParts;
import io.sluice.launcher.process.SparkJob;
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
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice demo}: the whole pipeline on one machine.
 *
 * <p>Starts a local Kafka broker (KRaft), the {@code logs}, {@code tweets} and {@code syslog} Flume
 * agents (replay source, interceptor, Kafka channel, SparkSink; dead-letter channel and file; the
 * syslog agent's TCP and UDP listeners on free loopback ports) and one Spark AnalyticsJob for the
 * three pipelines ({@code --pipeline all}, one receiver polling the three SparkSinks) through
 * SparkSubmit in {@code local[2]}, each in its own JVM; {@code --spark-jobs per-pipeline} runs one
 * job per pipeline instead, each in its own JVM (measured on two cores: about a third more CPU for
 * the three JVMs, README.md). Replays the input files once, shows progress, stops when every
 * replayed event has been counted by Spark and every reject has reached the dead-letter file, then
 * prints {@code OUT/summary.json} as tables, builds the HTML report {@code OUT/report.html} (with a
 * screenshot {@code OUT/report.png} when Chromium is installed) and prints the events per second of
 * each pipeline.
 *
 * <p>The job writes under {@code OUT/analytics/all/} (per pipeline: {@code OUT/analytics/<pipeline>/}):
 * {@code summary.json}, the per-batch windows, alerts and totals in {@code batches/}, its
 * checkpoint. The launcher merges each pipeline's section from the job that analyses it into
 * {@code OUT/summary.json}, the file whose contract README.md documents.
 *
 * <p>{@code --live bluesky} reads Bluesky's Jetstream live instead ({@link DemoFeed}, {@link LiveBluesky}):
 * the {@code bluesky} agent (Jetstream source, the same post normaliser, its own Kafka channel and
 * SparkSink) feeds the tweets job; the logs pipeline does not run. It checks first that a Jetstream
 * endpoint answers (exit 1 within seconds, naming each endpoint and why, when none does), reads until
 * {@code --duration} or Ctrl-C, then waits until Spark has counted every event read before the stop
 * and prints the same progress and summary. On Ctrl-C the pipeline's processes get the signal too:
 * the demo prints the summary Spark had written by then.
 *
 * <p>{@code --via mqtt} publishes the input files instead of replaying them ({@link DemoFeed#mqtt},
 * {@link LocalMosquitto}): the demo starts a mosquitto on a free loopback port, creates each agent's
 * persistent MQTT session (subscribed, QoS 1) before anything is published, starts one {@code mqtt}
 * agent per pipeline ({@code mqtt-agent.properties} with that pipeline's header, parser and Kafka
 * channel topics {@code sluice-mqtt-<pipeline>}) instead of the replaying ones, and once Spark is up
 * publishes every line (QoS 1, the MQTT 5 user property {@code eventId} = the replay's id of the
 * line, {@code <file name>:<line>}). A pipeline is done when its source has read as many events as
 * the broker acknowledged lines and Spark counted them. Event times come from the lines (the
 * interceptors), ids are the replay's: the summary equals the plain demo's. {@code --via zeromq} does
 * the same over ZeroMQ ({@link DemoFeed#zeromq}, {@link DemoPusher}): PUSH sockets of the demo that
 * connect to one {@code zeromq} agent per pipeline, which binds its PULL socket; that loses nothing
 * while both run (a full queue blocks the pusher, and a connecting PUSH keeps its queue across a
 * reconnection). {@code --via kinesis} does it over Kinesis ({@link DemoFeed#kinesis},
 * {@link LocalKinesalite}): a kinesalite (npm, in-memory, installed with
 * {@code libexec/ensure-npm-packages.sh} when missing; node and npm needed) on a free loopback port,
 * one single-shard stream per pipeline created before the agents start, one {@code kinesis} agent per
 * pipeline reading it from TRIM_HORIZON (JSON protocol, checkpoints under {@code OUT/state}), and the
 * lines put once Spark is up by {@code KinesisLinePublisher} (partition key {@code <file name>:<line>};
 * the source's eventId is {@code <stream>/<shardId>/<sequenceNumber>}, one per line).
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

  /** How the demo's Spark jobs read the events. */
  enum SparkSource { flume, kafka }

  /** The live streams {@code --live} reads. */
  enum LiveStream { bluesky }

  /** The servers {@code --via} publishes the input files to, for the agents to read from. */
  enum Via { mqtt, zeromq, kinesis }

  /** With {@code --via}: longest wait for the server to acknowledge one input file's lines. */
  static final Duration PUBLISH_TIMEOUT = Duration.ofMinutes(5);

  /** With {@code --live}: longest wait, after the stop, for Spark to count what was read. */
  static final Duration LIVE_DRAIN = Duration.ofSeconds(120);

  /** How many Spark jobs the demo runs: one for every pipeline ({@code --pipeline all}), or one per pipeline. */
  enum SparkJobs { one, per_pipeline }

  @Option(names = "--logs", paramLabel = "FILE",
      description = "Access log to replay (default: the bundled sample, samples/access_logs/elastic-examples_apache_logs.log).")
  Path logs;

  @Option(names = "--tweets", paramLabel = "FILE",
      description = "Posts to replay, one JSON object per line: Twitter v1.1 statuses, X API v2 Posts and Bluesky"
          + " Jetstream events, mixed in any order (default: samples/tweets/ALL_shared_tweets.jsonl).")
  Path tweets;

  @Option(names = "--live", paramLabel = "bluesky",
      description = "Read a live stream instead of replaying files: bluesky = Bluesky's Jetstream (the endpoints of "
          + LiveBluesky.ENDPOINTS + ", default Bluesky's public instances) through the bluesky agent into the tweets"
          + " pipeline, until Ctrl-C or --duration; the logs pipeline does not run.")
  LiveStream live;

  @Option(names = "--via", paramLabel = "mqtt|zeromq|kinesis",
      description = "Publish the input files' lines to a local server and let the agents read them from there instead"
          + " of replaying the files: mqtt = a mosquitto started by the demo on a free loopback port (installed with"
          + " libexec/ensure-debian-packages.sh when missing), QoS 1, persistent sessions, read by one mqtt agent per"
          + " pipeline (conf/agents/mqtt-agent.properties); zeromq = ZeroMQ PUSH sockets of the demo connecting to one"
          + " zeromq agent per pipeline (PULL bound to a free loopback port, conf/agents/zeromq-agent.properties); kinesis = a"
          + " kinesalite (in-memory Kinesis server, npm; installed with libexec/ensure-npm-packages.sh when missing, needs"
          + " node and npm) started by the demo on a free loopback port, one stream per pipeline, read by one kinesis"
          + " agent per pipeline (conf/agents/kinesis-agent.properties).")
  Via via;

  @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "0",
      description = "With --live: stop reading this many seconds after the Spark job is up, wait until Spark has"
          + " counted every event read and print the summary (default: ${DEFAULT-VALUE}, until Ctrl-C).")
  long durationSeconds;

  @Option(names = "--syslog", paramLabel = "FILE",
      description = "Syslog lines to replay, e.g. a /var/log/auth.log (RFC 3164 or RFC 5424, one message per line; "
          + "default: samples/syslog/elastic-examples_auth.log).")
  Path syslog;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "demo-out",
      description = "Output directory: summary.json, rejects/, logs/ of every process (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600",
      description = "Give up when the input is not fully processed after this many seconds (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(names = "--startup-timeout", paramLabel = "SECONDS", defaultValue = "120",
      description = "Time each part gets to start (default: ${DEFAULT-VALUE}).")
  long startupTimeoutSeconds;

  @Option(names = "--spark", paramLabel = "2|3", defaultValue = "2",
      description = "The bundled Spark line for the Spark jobs: 2 (Spark 2.4.7, Scala 2.11, lib/spark) or 3 (Spark 3.5, "
          + "Scala 2.12, lib/spark3) (default: ${DEFAULT-VALUE}).")
  String spark;

  @Option(names = "--spark-source", paramLabel = "flume|kafka", defaultValue = "flume",
      description = "How the Spark jobs read events: pull from the agents' SparkSinks (flume) or read the "
          + "Kafka channel topics directly (kafka) (default: ${DEFAULT-VALUE}).")
  SparkSource sparkSource;

  @Option(names = "--spark-jobs", paramLabel = "one|per-pipeline", defaultValue = "one",
      converter = SparkJobsConverter.class,
      description = "One Spark job for all pipelines (--pipeline all, polling every agent's SparkSink), or one job per "
          + "pipeline, each in its own JVM (default: ${DEFAULT-VALUE}).")
  SparkJobs sparkJobs;

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
  /** With {@code --via mqtt}: the loopback port of the demo's mosquitto, and the broker once started. */
  private int mqttPort;
  private LocalMosquitto mosquitto;
  /** With {@code --via kinesis}: the loopback port of the demo's kinesalite, and the server once started. */
  private int kinesisPort;
  private LocalKinesalite kinesalite;
  /** With {@code --via zeromq}: the demo's PUSH sockets. */
  private DemoPusher pusher;
  /** With {@code --kafka-tls}: the agents' SLUICE_KAFKA_* security settings; else empty (PLAINTEXT). */
  private Map<String, String> kafkaClientEnv = Map.of();
  /** With {@code --kafka-tls}: the jobs' {@code --kafka-properties} file; else null. */
  private Path sparkKafkaProperties;
  private final PrintStream console = System.out;
  /** With {@code --live}: the runs, for a Ctrl-C to print what Spark counted; null otherwise or once done. */
  private volatile List<Run> liveRuns;
  private volatile long liveStartedNanos;
  /** Set by the shutdown hook (Ctrl-C, SIGTERM): parts dying then are no failure to report. */
  private volatile boolean shuttingDown;

  /** One pipeline of this demo: where its events come from, its agent, job and progress. */
  private static final class Run {
    final DemoPipeline pipeline;
    final DemoFeed feed;
    int sinkPort;
    FlumeAgent agent;
    /** Metrics keys of the agent's replay source and of its dead-letter sink, from its file. */
    String sourceKey;
    String deadLetterKey;
    /** The job that analyses this run's pipeline, and its output; with {@code --spark-jobs one} the same for every run. */
    SparkJob job;
    Path jobOut;
    /** System.nanoTime when the job counted its first event and when it got to its last; 0 before. */
    long first;
    long done;
    long events;
    /** A live feed's events read when the demo stopped it, -1 while it runs. */
    long readAtStop = -1;
    /** With {@code --via}: the lines the demo published for this run's agent, -1 until all are acknowledged. */
    volatile long published = -1;
    /** The agent's environment, for its file's {@code ${env:...}} lookups. */
    Map<String, String> agentEnv = Map.of();

    Run(DemoPipeline pipeline, DemoFeed feed) {
      this.pipeline = pipeline;
      this.feed = feed;
    }

    String id() {
      return pipeline.id();
    }
  }

  @Override
  public Integer call() throws Exception {
    SluiceHome home = SluiceHome.fromSystemProperty().withSpark(spark);
    List<Run> runs = new ArrayList<>();
    if (live == null) {
      if (durationSeconds != 0) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--duration: only with --live");
      }
      if (via == Via.mqtt) {
        mqttPort = Net.freePort();
      }
      if (via == Via.kinesis) {
        kinesisPort = Net.freePort();
      }
      for (DemoPipeline p : DemoPipeline.values()) {
        Path file = input(given(p), p.sample(home), "--" + p.id());
        runs.add(new Run(p, via == Via.mqtt ? DemoFeed.mqtt(p, file, "tcp://" + Net.LOOPBACK + ":" + mqttPort)
            : via == Via.zeromq ? DemoFeed.zeromq(p, file, "tcp://" + Net.LOOPBACK + ":" + Net.freePort())
            : via == Via.kinesis ? DemoFeed.kinesis(p, file, "http://" + Net.LOOPBACK + ":" + kinesisPort,
                LocalKinesalite.CLIENT_ENV)
            : DemoFeed.replay(p, file)));
      }
    } else {
      if (via != null) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--via: not with --live");
      }
      if (logs != null || tweets != null || durationSeconds < 0) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), durationSeconds < 0
            ? "--duration: must be 0 (until Ctrl-C) or more" : "--live reads a live stream: no --logs or --tweets file");
      }
      try {
        runs.add(liveRun(home));
      } catch (LaunchException e) {
        System.err.println("sluice demo failed: " + e.getMessage());
        return 1;
      }
    }
    Path outDir = out.toAbsolutePath().normalize();
    prepareOutDir(outDir);
    Path logDir = outDir.resolve("logs");
    Duration startup = Duration.ofSeconds(startupTimeoutSeconds);
    String names = runs.stream().map(r -> "'" + r.id() + "'").collect(Collectors.joining(", "));
    String agentNames = runs.stream().map(r -> "'" + r.feed.instance() + "'").collect(Collectors.joining(", "));

    Thread hook = new Thread(this::onShutdown, "sluice-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    long t0 = System.nanoTime();
    try {
      console.printf("Sluice %s demo: %s -> %s%n", home.version(),
          runs.stream().map(r -> r.feed.description()).collect(Collectors.joining(" + ")), outDir);

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
      kafka.createTopics(runs.stream().flatMap(r -> Stream.of(r.feed.eventsTopic(), r.feed.rejectsTopic())).toList());
      if (via == Via.mqtt) {
        console.println("      starting mosquitto (MQTT broker) on " + Net.LOOPBACK + ":" + mqttPort + " ...");
        mosquitto = running.add(LocalMosquitto.start(home, mqttPort, outDir.resolve("mqtt"), logDir.resolve("mosquitto.log"),
            startup));
        // The agents' persistent sessions, subscribed before anything is published: nothing published
        // before an agent is connected is lost, the broker queues it for that session.
        for (Run r : runs) {
          mosquitto.createSession(r.feed.published().subscriberId(), r.feed.published().topic());
        }
      }
      if (via == Via.zeromq) {
        pusher = running.add(new DemoPusher());
      }
      if (via == Via.kinesis) {
        console.println("      starting kinesalite (Kinesis server, in-memory) on " + Net.LOOPBACK + ":" + kinesisPort
            + " ...");
        kinesalite = running.add(LocalKinesalite.start(home, kinesisPort, outDir.resolve("kinesis"),
            logDir.resolve("kinesalite.log"), startup));
        // The streams exist before the agents start: each source reads its stream from TRIM_HORIZON.
        kinesalite.createStreams(runs.stream().map(r -> r.feed.published().topic()).toList(), startup);
      }
      long tKafka = System.nanoTime();

      console.println("[2/4] starting Flume agents " + agentNames + " ...");
      for (Run r : runs) {
        r.sinkPort = Net.freePort();
        r.agentEnv = r.feed.agentEnv(r.sinkPort);
        r.agent = launchAgent(home, r.feed, r.agentEnv, kafka, outDir);
        r.sourceKey = r.agent.file().sourceOfType(r.feed.sourceType());
        r.deadLetterKey = r.agent.file().sinkOfTopic(r.feed.rejectsTopic(), r.agentEnv);
      }
      for (Run r : runs) {
        r.agent.awaitReady(List.of(r.sinkPort), startup);
        console.println("      " + r.id() + " agent metrics (Prometheus): " + r.agent.metricsUri());
      }
      long tAgents = System.nanoTime();

      console.println(sparkJobs == SparkJobs.one
          ? "[3/4] submitting the Spark AnalyticsJob for " + names + " (local[2], source " + sparkSource + ") ..."
          : "[3/4] submitting the Spark AnalyticsJobs " + names + " (local[2] each, source " + sparkSource + ") ...");
      Path summaryFile = outDir.resolve("summary.json");
      if (sparkJobs == SparkJobs.one) {
        submitJob("all", runs, home, kafka, outDir, logDir);
      } else {
        for (Run r : runs) {
          submitJob(r.id(), List.of(r), home, kafka, outDir, logDir);
        }
      }
      for (Run r : distinctJobs(runs)) {
        ManagedProcess p = r.job.process();
        Deadline.await(() -> Summary.read(r.jobOut.resolve("summary.json")) != null, p::isAlive, startup,
            Duration.ofMillis(250), () -> p.name() + " did not start"
                + (p.isAlive() ? " within " + startup.toSeconds() + " s" : " (exit " + p.exitValue() + ")")
                + "; see " + p.log() + System.lineSeparator() + p.logTail(25));
      }
      long tSpark = System.nanoTime();

      if (live != null) {
        console.println("[4/4] reading live " + (durationSeconds > 0 ? "for " + durationSeconds + " s" : "until Ctrl-C")
            + "; progress every 2 s (events read by the source -> counted by Spark)");
        liveStartedNanos = System.nanoTime();
        liveRuns = runs;
      } else if (via != null) {
        console.println("[4/4] publishing the input files to " + via + " and reading them from there; progress every 2 s"
            + " (events read by the sources -> counted by Spark)");
        publishAll(runs);
      } else {
        console.println("[4/4] replaying; progress every 2 s (events read by the sources -> counted by Spark)");
      }
      JsonNode summary = awaitCompletion(summaryFile, runs);
      liveRuns = null;
      long tDone = System.nanoTime();

      Summary.print(summary, console);
      long events = 0;
      for (Run r : runs) {
        r.events = summary.path(r.id()).path(r.pipeline.pipeline().countField()).asLong();
        events += r.events;
      }
      double processing = seconds(tDone - tSpark);
      console.println();
      console.printf(Locale.ROOT, "Done in %.1f s: Kafka up %.1f s, agents up %.1f s, Spark up %.1f s, processing %.1f s "
              + "(%,d events, %,.0f events/s once Spark was up)%n",
          seconds(tDone - t0), seconds(tKafka - t0), seconds(tAgents - tKafka), seconds(tSpark - tAgents),
          processing, events, events / Math.max(processing, 0.001));
      console.println((sparkJobs == SparkJobs.one ? "Spark job (local[2], " : "Spark jobs (local[2] each, ")
          + sparkSource + " source; times from Spark up):");
      for (Run r : runs) {
        printRate(r.id(), r.events, tSpark, r.first, r.done);
      }
      report(home, outDir, runs, logDir);
      console.printf("Summary: %s%nRejected events (dead letter): %s%nPer-batch windows, alerts, totals: %s%nProcess logs: %s%n",
          summaryFile, outDir.resolve("rejects"), outDir.resolve("analytics"), logDir);
      return 0;
    } catch (LaunchException e) {
      liveRuns = null;
      if (!shuttingDown) {
        System.err.println("sluice demo failed: " + e.getMessage());
      }
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

  /** {@code --live bluesky}: the bluesky agent's endpoints, checked reachable before anything starts. */
  private Run liveRun(SluiceHome home) throws InterruptedException {
    AgentFile file = AgentFile.read(home.agentConfig("bluesky"), "bluesky");
    List<String> endpoints = LiveBluesky.endpoints(file, System.getenv());
    console.println("Checking Bluesky Jetstream " + String.join(", ", endpoints) + " ...");
    LiveBluesky.checkReachable(endpoints, LiveBluesky.CHECK_TIMEOUT);
    return new Run(DemoPipeline.TWEETS, DemoFeed.bluesky(endpoints, LiveBluesky.agentEnv(System.getenv())));
  }

  /**
   * The shutdown hook: on Ctrl-C during a live run, prints the summary Spark had written (the
   * pipeline's JVMs got the signal too); then stops every part.
   */
  private void onShutdown() {
    shuttingDown = true;
    List<Run> runs = liveRuns;
    if (runs != null) {
      try {
        JsonNode summary = mergeSummaries(runs, runs.get(0).jobOut.getParent().getParent().resolve("summary.json"));
        console.printf(Locale.ROOT, "%nInterrupted after %.1f s of live reading; the summary Spark had written:%n",
            seconds(System.nanoTime() - liveStartedNanos));
        if (summary != null) {
          Summary.print(summary, console);
        }
      } catch (IOException | RuntimeException e) {
        console.println("Interrupted; no summary: " + e.getMessage());
      }
    }
    stopAll();
  }

  /**
   * Submits one AnalyticsJob for {@code runs}, polling their SparkSinks (or reading their topics):
   * for one run {@code --pipeline <id>}, for several {@code --pipeline all}, with each run's
   * {@link DemoPipeline#analysisArgs()} and the {@link DemoPipeline#arrivalArgs()} once. It writes under {@code OUT/analytics/<name>/}; each run
   * notes the job.
   */
  private void submitJob(String name, List<Run> runs, SluiceHome home, LocalKafka kafka, Path outDir, Path logDir)
      throws IOException {
    Path jobOut = outDir.resolve("analytics").resolve(name);
    List<String> args = new ArrayList<>(sourceArgs(kafka, runs));
    args.addAll(List.of("--out", jobOut.toString()));
    if (runs.size() == 1) {
      Run run = runs.get(0);
      args.addAll(run.feed.live() ? run.pipeline.liveJobArgs() : run.pipeline.jobArgs());
    } else {
      args.addAll(List.of("--pipeline", "all"));
      runs.forEach(r -> args.addAll(r.pipeline.analysisArgs()));
      args.addAll(DemoPipeline.arrivalArgs());
    }
    SparkJob job = SparkJob.submit("spark " + name + " job", home, "local[2]", SparkJob.ANALYTICS_JOB, args, outDir,
        logDir.resolve("spark-" + name + ".log"));
    running.add(job);
    for (Run r : runs) {
      r.job = job;
      r.jobOut = jobOut;
    }
  }

  /** One run per Spark job: the first run of each. */
  private static List<Run> distinctJobs(List<Run> runs) {
    List<Run> first = new ArrayList<>();
    for (Run r : runs) {
      if (first.stream().noneMatch(f -> f.job == r.job)) {
        first.add(r);
      }
    }
    return first;
  }

  /** picocli's value of {@link SparkJobs}: {@code one} or {@code per-pipeline}. */
  static final class SparkJobsConverter implements picocli.CommandLine.ITypeConverter<SparkJobs> {
    @Override
    public SparkJobs convert(String value) {
      for (SparkJobs j : SparkJobs.values()) {
        if (j.name().equals(value.trim().replace('-', '_'))) {
          return j;
        }
      }
      throw new picocli.CommandLine.TypeConversionException("'" + value + "': expected one or per-pipeline");
    }
  }

  /** The file given on the command line for {@code p}, or null. */
  private Path given(DemoPipeline p) {
    return switch (p) {
      case LOGS -> logs;
      case TWEETS -> tweets;
      case SYSLOG -> syslog;
    };
  }

  /**
   * With {@code --via}: publishes each run's input file to its topic on the demo's mosquitto (or pushes it on
   * its ZeroMQ PUSH socket), one
   * thread per file (the agents read meanwhile); each run's {@link Run#published} is set once the
   * broker acknowledged all its lines. A failure is reported by {@link #awaitCompletion} through
   * {@link #publishFailure}.
   */
  private void publishAll(List<Run> runs) {
    for (Run r : runs) {
      DemoFeed.Published p = r.feed.published();
      Thread t = new Thread(() -> {
        try {
          long t0 = System.nanoTime();
          long n = via == Via.mqtt
              ? mosquitto.publishLines(p.input(), p.topic(), "sluice-demo-publisher-" + r.id(), PUBLISH_TIMEOUT)
              : via == Via.kinesis ? kinesalite.publishLines(p.input(), p.topic(), PUBLISH_TIMEOUT)
              : pusher.push(p.input(), p.topic());
          r.published = n;
          console.printf(Locale.ROOT, "          %s: %s %,d lines to %s in %.1f s%s%n", r.id(),
              via == Via.zeromq ? "pushed" : "published", n, p.topic(), seconds(System.nanoTime() - t0),
              via == Via.mqtt ? " (QoS 1, all acknowledged)" : via == Via.kinesis ? " (PutRecords, all stored)"
                  : " (PUSH: sent or queued)");
        } catch (IOException | RuntimeException e) {
          publishFailure = "publishing " + p.input() + " failed: " + e.getMessage();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "sluice-demo-publish-" + r.id());
      t.setDaemon(true);
      t.start();
    }
  }

  /** With {@code --via}: why publishing an input file failed, or null. */
  private volatile String publishFailure;

  private FlumeAgent launchAgent(SluiceHome home, DemoFeed feed, Map<String, String> env, LocalKafka kafka, Path outDir)
      throws IOException {
    String name = feed.instance();
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
    FlumeAgent agent = FlumeAgent.launch(home, feed.agent(), name, home.agentConfig(feed.agent()), all, outDir,
        outDir.resolve("logs"));
    running.add(agent);
    return agent;
  }

  /**
   * Waits until each source has read its whole file, Spark has counted every event it replayed and
   * every reject has been written to the dead-letter file; returns the merged summary. Keeps
   * {@code summaryFile} up to date with the merged sections of the jobs' summaries and notes in
   * each run when its job counted its first and its last event.
   */
  private JsonNode awaitCompletion(Path summaryFile, List<Run> runs) throws InterruptedException, IOException {
    boolean isLive = runs.stream().anyMatch(r -> r.feed.live());
    long end = isLive ? Long.MAX_VALUE : System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
    long started = System.nanoTime();
    long nextReport = 0;
    while (true) {
      if (isLive && end == Long.MAX_VALUE && durationSeconds > 0
          && System.nanoTime() - started >= Duration.ofSeconds(durationSeconds).toNanos()) {
        for (Run r : runs) {
          r.readAtStop = FlumeAgent.counter(r.agent.metrics(), r.sourceKey, "flume_event_accepted_total");
        }
        end = System.nanoTime() + LIVE_DRAIN.toNanos();
        console.printf(Locale.ROOT, "  %5.1fs  stop: waiting until Spark has counted the events read so far%n",
            seconds(System.nanoTime() - started));
      }
      if (publishFailure != null) {
        throw new LaunchException(publishFailure);
      }
      for (ManagedProcess p : Stream.of(mosquitto == null ? null : mosquitto.process(),
          kinesalite == null ? null : kinesalite.process()).filter(java.util.Objects::nonNull).toList()) {
        if (!p.isAlive()) {
          throw new LaunchException(p.name() + " exited (" + p.exitValue() + ") before the input was processed; see "
              + p.log() + System.lineSeparator() + p.logTail(25));
        }
      }
      for (Run r : runs) {
        for (ManagedProcess p : List.of(r.agent.process(), r.job.process())) {
          if (!p.isAlive()) {
            throw new LaunchException(p.name() + " exited (" + p.exitValue() + ") before the input was processed; see "
                + p.log() + System.lineSeparator() + p.logTail(25));
          }
        }
      }
      JsonNode summary = mergeSummaries(runs, summaryFile);
      List<String> progress = new ArrayList<>();
      boolean done = true;
      for (Run r : runs) {
        Progress p = Progress.of(r, summary == null ? null : summary.path(r.id()));
        r.first = r.first == 0 && p.counted() > 0 ? System.nanoTime() : r.first;
        r.done = r.done == 0 && p.done() ? System.nanoTime() : r.done;
        done &= p.done();
        progress.add(r.id() + ": " + p);
      }
      if (done || System.nanoTime() >= nextReport) {
        console.printf(Locale.ROOT, "  %5.1fs  %s%n", seconds(System.nanoTime() - started), String.join("  |  ", progress));
        for (Run r : distinctJobs(runs)) {
          for (String error : recentReceiverErrors(r.jobOut, System.currentTimeMillis() - 2_000)) {
            console.printf(Locale.ROOT, "          %s job: %s%n", r.jobOut.getFileName(), error);
          }
        }
        nextReport = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      }
      if (done) {
        return summary;
      }
      if (System.nanoTime() > end) {
        throw new LaunchException("input not fully processed after " + (isLive ? "the live stream stopped, within "
            + LIVE_DRAIN.toSeconds() : timeoutSeconds) + " s ("
            + String.join(", ", progress) + "); see the logs in " + runs.get(0).job.process().log().getParent());
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
   * {@code summary.json} of the demo: each pipeline's section from its own job's summary, written
   * atomically to {@code target}; null while a job has written none.
   */
  private static JsonNode mergeSummaries(List<Run> runs, Path target) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode merged = json.createObjectNode();
    for (Run r : runs) {
      JsonNode job = Summary.read(r.jobOut.resolve("summary.json"));
      if (job == null) {
        return null;
      }
      merged.set(r.id(), job.path(r.id()));
    }
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

  /** How a demo job reads the events of {@code runs}: their SparkSinks, or their Kafka channel topics. */
  private List<String> sourceArgs(LocalKafka kafka, List<Run> runs) {
    if (sparkSource == SparkSource.flume) {
      return List.of("--sinks", runs.stream().map(r -> Net.LOOPBACK + ":" + r.sinkPort).collect(Collectors.joining(",")));
    }
    List<String> args = new ArrayList<>(List.of("--source", "kafka", "--kafka-bootstrap", kafka.bootstrap()));
    if (sparkKafkaProperties != null) {
      args.addAll(List.of("--kafka-properties", sparkKafkaProperties.toString()));
    }
    for (Run r : runs) {
      args.addAll(r.feed.kafkaTopicArgs(r.pipeline));
    }
    return args;
  }

  /**
   * Builds {@code OUT/report.html} (and {@code OUT/report.png} when Chromium is installed) from the
   * jobs' outputs once each job's per-batch totals count every event (so the windows up to the last
   * event are written), prints where it is and opens it when there is a desktop. A report that
   * cannot be built is reported, not fatal: the numbers are in summary.json.
   */
  private void report(SluiceHome home, Path outDir, List<Run> runs, Path logDir) throws InterruptedException {
    try {
      Deadline.await(() -> runs.stream().allMatch(r -> newestTotal(r.jobOut, r.pipeline.pipeline().totalsFile(),
              r.pipeline.pipeline().countField()) >= r.events), () -> true,
          Duration.ofSeconds(60), Duration.ofMillis(250), () -> "the per-batch outputs lag behind summary.json");
    } catch (LaunchException e) {
      console.println("Report: " + e.getMessage() + " after 60 s; the report shows the windows so far");
    }
    Path html = outDir.resolve("report.html");
    Path png = outDir.resolve("report.png");
    Path log = logDir.resolve("report.log");
    try {
      String in = runs.stream().map(r -> r.jobOut.toString()).distinct().collect(Collectors.joining(","));
      // Every event-time window of the bundled data: the auth log's 1,312 minutes are the most.
      int rc = SparkJob.run(home, SparkJob.REPORT_BUILDER, List.of("--in", in, "--out", html.toString(),
          "--title", "Sluice demo report", "--max-windows", "1500", "--screenshot", png.toString()), outDir, log,
          Duration.ofMinutes(3));
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
  record Progress(long read, boolean endOfInput, long counted, long rejected, long deadLettered, boolean live) {

    /** A replay's source at its end of input, or a live source the demo stopped (read: until then). */
    static Progress of(Run run, JsonNode summary) {
      AgentMetrics metrics = run.agent.metrics();
      boolean live = run.feed.live();
      long read = live && run.readAtStop >= 0 ? run.readAtStop
          : FlumeAgent.counter(metrics, run.sourceKey, "flume_event_accepted_total");
      // A published feed ends when its source has taken every line the server acknowledged.
      boolean endOfInput = live ? run.readAtStop >= 0
          : run.feed.published() != null ? run.published >= 0 && read >= run.published
          : FlumeAgent.counter(metrics, run.sourceKey, "flume_end_of_input_total") > 0;
      return new Progress(read, endOfInput,
          summary == null ? 0 : summary.path(run.pipeline.pipeline().countField()).asLong(),
          summary == null ? 0 : summary.path("rejected").asLong(),
          FlumeAgent.counter(metrics, run.deadLetterKey, "flume_event_drain_success_total"), live);
    }

    boolean done() {
      return endOfInput && counted >= read && deadLettered >= rejected;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "read %,d%s -> spark %,d (rejected %,d, dead-lettered %,d)",
          read, endOfInput ? (live ? " (stopped)" : " (eof)") : (live ? " (live)" : ""), counted, rejected, deadLettered);
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
    for (String child : List.of("kafka", "kafka-client", "mqtt", "kinesis", "checkpoint", "rejects", "state", "logs", "summary.json", "analytics", "report.html",
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
