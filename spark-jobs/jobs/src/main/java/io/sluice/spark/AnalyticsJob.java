package io.sluice.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.streaming.Durations;
import org.apache.spark.streaming.api.java.JavaDStream;
import org.apache.spark.streaming.api.java.JavaPairDStream;
import org.apache.spark.streaming.api.java.JavaStreamingContext;
import org.apache.spark.streaming.flume.FlumeUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sluice's analytics job: running totals over the events of the {@code logs} and {@code tweets}
 * pipelines, pulled from Flume SparkSinks, written to {@code <out>/summary.json} after every
 * micro-batch.
 *
 * <p><b>Input.</b> One polling receiver ({@link FlumeUtils#createPollingStream}) over all
 * {@code --sinks}: the job runs in {@code local[2]}, where every receiver pins a core. Events of
 * both pipelines are mixed and told apart by their {@code pipeline} header; only headers are read
 * (see {@link EventHeaders} for the names, {@link EventRecord} for what is kept). Delivery is
 * at-least-once, so the same {@code eventId} may arrive again in a later batch.
 *
 * <p><b>Computation.</b> Distinct events (by {@code eventId}) and distinct parsed tweets (by
 * {@code tweetId}) are found with {@code mapWithState}; the per-batch analytics of
 * {@link Analytics} turn them into increments, summed into keyed running totals with
 * {@code updateStateByKey} (see {@link AnalyticsStreams}). State is checkpointed to
 * {@code --checkpoint}. Totals count from the start of this run: the job does not recover totals
 * from an earlier run's checkpoint.
 *
 * <p><b>Output.</b> {@code <out>/summary.json}, replaced atomically after every batch and once,
 * all zeros, right after the context starts; see {@link Summary} for the JSON contract.
 *
 * <p><b>Options</b> (see {@link AnalyticsJobConfig}): {@code --sinks host:port[,...]} (required),
 * {@code --out DIR} (required), {@code --checkpoint DIR} (default {@code <out>/checkpoint}),
 * {@code --batch-seconds N} (seconds, default 1), {@code --max-batch-size N} (events per SparkSink
 * request, default 1000), {@code --parallelism N} (concurrent receiver requests, default 5),
 * {@code --help}. The master comes from {@code spark-submit --master}; {@code spark.app.name}
 * defaults to {@value #DEFAULT_APP_NAME}.
 *
 * <p>Exit status: 0 after {@code --help} or a normal stop, 2 on a bad command line.
 */
public final class AnalyticsJob {

  private static final Logger LOG = LoggerFactory.getLogger(AnalyticsJob.class);

  /** {@code spark.app.name} unless set explicitly (e.g. {@code spark-submit --name}). */
  public static final String DEFAULT_APP_NAME = "sluice-analytics";

  /** Exit status for a bad command line. */
  public static final int EXIT_USAGE = 2;

  private final JavaStreamingContext context;
  private final SummaryWriter writer;

  private AnalyticsJob(JavaStreamingContext context, SummaryWriter writer) {
    this.context = context;
    this.writer = writer;
  }

  public static void main(String[] args) throws InterruptedException {
    AnalyticsJobConfig config;
    try {
      config = AnalyticsJobConfig.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("Error: " + e.getMessage());
      System.err.println("Run with --help to list the options.");
      System.exit(EXIT_USAGE);
      return;
    }
    if (config.isHelpRequested()) {
      System.out.print(AnalyticsJobConfig.usage());
      return;
    }
    AnalyticsJob job = create(config, new SparkConf());
    Runtime.getRuntime().addShutdownHook(new Thread(job::stop, "sluice-analytics-shutdown"));
    job.start();
    job.context().awaitTermination();
  }

  /**
   * Creates the streaming context and its DStream graph; does not start it. Creates
   * {@code config.out()} if missing.
   *
   * @param sparkConf Spark settings; the master must be set (spark-submit does)
   */
  public static AnalyticsJob create(AnalyticsJobConfig config, SparkConf sparkConf) {
    if (config.isHelpRequested()) {
      throw new IllegalArgumentException("--help config has no job settings");
    }
    try {
      Files.createDirectories(config.out());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create output directory " + config.out(), e);
    }
    SparkConf conf = sparkConf.clone();
    // spark-submit sets spark.app.name to the main class when --name is not given.
    if (!conf.contains("spark.app.name") || conf.get("spark.app.name").equals(AnalyticsJob.class.getName())) {
      conf.setAppName(DEFAULT_APP_NAME);
    }
    JavaStreamingContext ssc = new JavaStreamingContext(conf, Durations.seconds(config.batchSeconds()));
    try {
      ssc.checkpoint(config.checkpoint());
      InetSocketAddress[] sinks = config.sinks().stream()
          .map(a -> new InetSocketAddress(a.getHostString(), a.getPort()))
          .toArray(InetSocketAddress[]::new);
      JavaDStream<Map<String, String>> headers = FlumeUtils
          .createPollingStream(ssc, sinks, StorageLevel.MEMORY_AND_DISK_SER_2(),
              config.maxBatchSize(), config.parallelism())
          .map(event -> EventHeaders.toStringMap(event.event().getHeaders()));
      SummaryWriter writer = new SummaryWriter(config.out());
      JavaPairDStream<Metric, Tally> totals =
          AnalyticsStreams.runningTotals(headers, ssc.sparkContext().defaultParallelism());
      AnalyticsStreams.writeSummaries(totals, writer);
      LOG.info("Analytics job configured: {}", config);
      return new AnalyticsJob(ssc, writer);
    } catch (RuntimeException e) {
      ssc.stop(true, false);
      throw e;
    }
  }

  /** Starts the streaming context, then writes the all-zero summary (unless a batch beat it). */
  public void start() {
    context.start();
    writer.writeInitial();
    LOG.info("Analytics job started; summary at {}", writer.file());
  }

  /** Stops the streaming context and the SparkContext, without waiting for queued batches. */
  public void stop() {
    context.stop(true, false);
  }

  public JavaStreamingContext context() {
    return context;
  }

  /** Where the summary is written. */
  public java.nio.file.Path summaryFile() {
    return writer.file();
  }
}
