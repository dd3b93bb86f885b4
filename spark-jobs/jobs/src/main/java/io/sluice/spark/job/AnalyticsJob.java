package io.sluice.spark.job;

import io.sluice.spark.analytics.AnalyticsStreams;
import io.sluice.spark.analytics.LatencyTracker;
import io.sluice.spark.input.EventRecord;
import io.sluice.spark.input.EventSources;
import io.sluice.spark.input.IdAudit;
import io.sluice.spark.input.TweetBodies;
import io.sluice.spark.output.AlertPublisher;
import io.sluice.spark.output.BatchOutputs;
import io.sluice.spark.output.OutputStore;
import io.sluice.spark.output.ReceiverStatusFile;
import io.sluice.spark.output.Summary;
import io.sluice.spark.output.SummaryWriter;
import org.apache.spark.SparkConf;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sluice's analytics job: windows, alerts, sessions and running totals over the events of the
 * {@code logs}, {@code tweets} and {@code syslog} pipelines, or of one of them ({@code --pipeline}),
 * from Flume SparkSinks or straight from the Flume Kafka channel topics ({@code --source}).
 *
 * <p><b>Input.</b> See {@link EventSources}. Events of all pipelines may be mixed and are told
 * apart by their {@code pipeline} header; the job reads the headers (see {@link io.sluice.contract.EventHeaders}) and,
 * for the mentions of a tweet, its body ({@link TweetBodies}). Delivery is at-least-once: every
 * count is over distinct {@code eventId}s.
 *
 * <p><b>Computation.</b> See {@link AnalyticsStreams}: per window (access logs 30 s sliding every
 * 10 s, tweets 60 s every 10 s, by default): status counts, top endpoints, content size, heavy
 * clients and the error-rate alert; trending hashtags, languages, tweets per second, top mentions;
 * syslog (60 s every 10 s): lines per host and per program, sshd authentication failures and their
 * source addresses, the brute-force alert ({@code --brute-force-threshold}). Running totals of all
 * of these plus sessions per client address.
 *
 * <p><b>Output</b>, under {@code --out} (local or {@code hdfs://}): {@code summary.json} after
 * every batch (contract in {@link Summary}; all zeros right after a fresh start); one directory per
 * slide, {@code batches/<batch time ms>/}, with the window, alert and totals files of
 * {@link BatchOutputs}; alerts also to {@code --alerts-topic} ({@link AlertPublisher});
 * {@code latency.json}, the event-to-result latency of events whose source stamped
 * {@code readTime} ({@link LatencyTracker}); with {@code --source flume}, {@code receivers.json},
 * the receivers' state and last error, such as a SparkSink they cannot reach
 * ({@link ReceiverStatusFile}).
 *
 * <p><b>Recovery.</b> The context is created with {@code StreamingContext.getOrCreate} on
 * {@code --checkpoint}: a job started on a checkpoint resumes its state (dedup, sessions, totals)
 * and re-runs the batches that had not completed, which rewrite the same output files. Received
 * Flume events survive through the receiver write-ahead log, Kafka offsets through the
 * checkpoint. A restart keeps the settings stored in the checkpoint; a command line that changes
 * them is refused ({@link CheckpointSettings}).
 *
 * <p><b>Options</b>: see {@link AnalyticsJobConfig} or run with {@code --help}. The master comes from
 * {@code spark-submit --master}; {@code spark.app.name} defaults to {@value #DEFAULT_APP_NAME}.
 * In {@code local[N]}, a Flume source's receivers each pin one of the N cores.
 *
 * <p>Exit status: 0 after {@code --help} or a normal stop, 2 on a bad command line (or one that
 * does not match the checkpoint).
 */
public final class AnalyticsJob {

  private static final Logger LOG = LoggerFactory.getLogger(AnalyticsJob.class);

  /** {@code spark.app.name} unless set explicitly (e.g. {@code spark-submit --name}). */
  public static final String DEFAULT_APP_NAME = "sluice-analytics";

  /** Exit status for a bad command line. */
  public static final int EXIT_USAGE = 2;

  private final JavaStreamingContext context;
  private final AnalyticsJobConfig config;
  private final SummaryWriter initialWriter;

  private AnalyticsJob(JavaStreamingContext context, AnalyticsJobConfig config, SummaryWriter initialWriter) {
    this.context = context;
    this.config = config;
    this.initialWriter = initialWriter;
  }

  public static void main(String[] args) throws InterruptedException {
    AnalyticsJobConfig config;
    AnalyticsJob job;
    try {
      config = AnalyticsJobConfig.parse(args);
      if (config.isHelpRequested()) {
        System.out.print(AnalyticsJobConfig.usage());
        return;
      }
      job = getOrCreate(config, new SparkConf());
    } catch (IllegalArgumentException e) {
      System.err.println("Error: " + e.getMessage());
      System.err.println("Run with --help to list the options.");
      System.exit(EXIT_USAGE);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(job::stop, "sluice-analytics-shutdown"));
    job.start();
    job.context().awaitTermination();
  }

  /**
   * Recovers the job from {@code config.checkpoint()} when it holds one, else creates the streaming
   * context and its DStream graph. Does not start it.
   *
   * @param sparkConf Spark settings of a new context; the master must be set (spark-submit does).
   *     A recovered context takes its settings from the checkpoint, except those Spark reloads
   *     (master, driver host and port, ...).
   * @throws IllegalArgumentException when the checkpoint belongs to a job with other settings
   */
  public static AnalyticsJob getOrCreate(AnalyticsJobConfig config, SparkConf sparkConf) {
    if (config.isHelpRequested()) {
      throw new IllegalArgumentException("--help config has no job settings");
    }
    CheckpointSettings settings = new CheckpointSettings(config.checkpoint());
    settings.verify(config);
    SummaryWriter[] created = new SummaryWriter[1];
    JavaStreamingContext ssc =
        JavaStreamingContext.getOrCreate(config.checkpoint(), () -> create(config, sparkConf, created));
    if (created[0] != null) {
      settings.save(config);
      LOG.info("Analytics job created: {}", config);
    } else {
      LOG.info("Analytics job recovered from checkpoint {}: {}", config.checkpoint(), config);
    }
    return new AnalyticsJob(ssc, config, created[0]);
  }

  /** Creates the context; puts the graph's summary writer into {@code summaryWriter[0]}. */
  private static JavaStreamingContext create(AnalyticsJobConfig config, SparkConf sparkConf,
      SummaryWriter[] summaryWriter) {
    SparkConf conf = sparkConf.clone();
    // spark-submit sets spark.app.name to the main class when --name is not given.
    if (!conf.contains("spark.app.name") || conf.get("spark.app.name").equals(AnalyticsJob.class.getName())) {
      conf.setAppName(DEFAULT_APP_NAME);
    }
    SluiceKryoRegistrator.configure(conf);
    // A streaming job runs thousands of jobs and tasks: keep the status store (which runs without
    // the UI too) small, or its bookkeeping and memory grow until it trims them.
    for (String[] kv : new String[][] {{"spark.ui.retainedJobs", "100"}, {"spark.ui.retainedStages", "100"},
        {"spark.ui.retainedTasks", "2000"}, {"spark.streaming.ui.retainedBatches", "100"},
        {"spark.sql.ui.retainedExecutions", "100"},
        // Write-ahead logs are deleted a file at a time once processed: 10 s files (default 60 s)
        // keep the checkpoint directory at about 30 s of input instead of 80 s.
        {"spark.streaming.receiver.writeAheadLog.rollingIntervalSecs", "10"},
        {"spark.streaming.driver.writeAheadLog.rollingIntervalSecs", "10"}}) {
      conf.setIfMissing(kv[0], kv[1]);
    }
    String master = conf.get("spark.master", "");
    int cores = localCores(master);
    if (cores > 0 && !conf.contains("spark.default.parallelism")) {
      // Each receiver pins one of the local cores for the life of the job: partition the batches'
      // shuffles and keyed state for the cores left, not for all (2 tasks per stage on 1 free core
      // only add scheduling work).
      int receivers = config.source() != AnalyticsJobConfig.Source.FLUME ? 0
          : config.receiverPerSink(master) ? config.sinks().size() : 1;
      conf.set("spark.default.parallelism", String.valueOf(Math.max(1, cores - receivers)));
    }
    if (config.source() == AnalyticsJobConfig.Source.FLUME && config.receiverWal()) {
      conf.set("spark.streaming.receiver.writeAheadLog.enable", "true");
    }
    if (config.source() == AnalyticsJobConfig.Source.KAFKA && config.kafkaMaxRate() > 0) {
      conf.set("spark.streaming.kafka.maxRatePerPartition", String.valueOf(config.kafkaMaxRate()));
    }
    JavaStreamingContext ssc = new JavaStreamingContext(conf, Durations.seconds(config.batchSeconds()));
    try {
      ssc.checkpoint(config.checkpoint());
      EventSources.KafkaInput kafka = null;
      JavaDStream<EventRecord> records;
      if (config.source() == AnalyticsJobConfig.Source.FLUME) {
        records = EventSources.flume(ssc, config, conf.get("spark.master", ""));
      } else {
        kafka = EventSources.kafka(ssc, config);
        records = kafka.records();
      }
      OutputStore store = new OutputStore(config.out());
      AlertPublisher alerts = config.alertsTopic() == null ? null
          : new AlertPublisher(config.alertsBootstrap(), config.alertsTopic(), config.kafkaProperties());
      SummaryWriter summary = new SummaryWriter(store);
      AnalyticsStreams.build(records, config, ssc.sparkContext().defaultParallelism(),
          new AnalyticsStreams.Outputs(summary, new BatchOutputs(store), alerts, new LatencyTracker(store),
              config.auditIds() ? new IdAudit(store) : null));
      if (kafka != null) {
        kafka.commitOffsetsAfterOutputs();
      }
      summaryWriter[0] = summary;
      return ssc;
    } catch (RuntimeException e) {
      ssc.stop(true, false);
      throw e;
    }
  }

  /** The cores of a {@code local}, {@code local[N]}, {@code local[*]} or {@code local[N,F]} master, else 0. */
  static int localCores(String master) {
    if ("local".equals(master)) {
      return 1;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("local\\[(\\d+|\\*)(,\\d+)?]").matcher(master);
    if (!m.matches()) {
      return 0;
    }
    return "*".equals(m.group(1)) ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(1));
  }

  /**
   * Starts the streaming context; a newly created job then writes the all-zero summary (unless a
   * batch beat it). A recovered job leaves the previous summary until its first batch.
   */
  public void start() {
    if (config.source() == AnalyticsJobConfig.Source.FLUME) {
      context.addStreamingListener(ReceiverStatusFile.listener(new OutputStore(config.out())));
    }
    context.start();
    if (initialWriter != null) {
      initialWriter.writeInitial();
    }
    LOG.info("Analytics job started; summary at {}", summaryLocation());
  }

  /** Stops the streaming context and the SparkContext, without waiting for queued batches. */
  public void stop() {
    context.stop(true, false);
  }

  public JavaStreamingContext context() {
    return context;
  }

  /** True when this job resumed from a checkpoint. */
  public boolean recovered() {
    return initialWriter == null;
  }

  /** Where the summary is written (a URI). */
  public String summaryLocation() {
    return config.out() + "/" + SummaryWriter.FILE_NAME;
  }
}
