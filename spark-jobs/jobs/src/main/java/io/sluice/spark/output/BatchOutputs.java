package io.sluice.spark.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.contract.Pipeline;
import io.sluice.spark.analytics.Alert;
import io.sluice.spark.analytics.PipelineAnalytics;
import io.sluice.spark.analytics.Window;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;

/**
 * The per-batch results: one directory per batch time under the output location,
 * {@code batches/<batch time, epoch ms>/}, holding the files that batch produced:
 * <pre>
 * logs-window.json     {@link Window}: the access-log window over arrival time that ended at this batch time
 * alerts.json          {"alerts": [...]}: the error-rate {@link Alert}s of that window ([] when none);
 *                      only with --window-time arrival
 * logs-totals.json     running totals of the logs pipeline ({@link PipelineAnalytics#totalsJson})
 * tweets-window.json   {@link Window}: the tweet window over arrival time that ended at this batch time
 * tweets-totals.json   running totals of the tweets pipeline ({@link PipelineAnalytics#totalsJson})
 * syslog-window.json   {@link Window}: the syslog window over arrival time that ended at this batch time
 * syslog-alerts.json   {"alerts": [...]}: the brute-force {@link Alert}s of that window ([] when none);
 *                      only with --window-time arrival
 * syslog-totals.json   running totals of the syslog pipeline ({@link PipelineAnalytics#totalsJson})
 * logs-event-windows.json, tweets-event-windows.json, syslog-event-windows.json
 *                      the event-time windows the batch's watermark closed, with their alerts:
 *                      {"watermark": ms, "windows": [window, ...], "alerts": [alert, ...]}
 *                      ({@link io.sluice.spark.analytics.EventWindows}; only with --window-time event,
 *                      the default, at batches that closed one)
 * </pre>
 * A pipeline's files appear at the batches where one of its windows ends (every slide); every file
 * carries {@code "batchTime"} and {@code "pipeline"}. Each file is replaced atomically
 * ({@link OutputStore}): a batch re-run after a restart rewrites the same files, it never adds a
 * second copy.
 *
 * <p>Unlike {@code summary.json}, a failed write fails the batch (and the job), so no batch is
 * silently left without its results; a restart on the checkpoint re-runs it.
 */
public final class BatchOutputs implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Directory of the batch directories under the output location. */
  public static final String BATCHES = "batches";
  public static final String LOGS_WINDOW = "logs-window.json";
  public static final String ALERTS = "alerts.json";
  public static final String LOGS_TOTALS = Pipeline.LOGS.totalsFile();
  public static final String TWEETS_WINDOW = "tweets-window.json";
  public static final String TWEETS_TOTALS = Pipeline.TWEETS.totalsFile();
  public static final String SYSLOG_WINDOW = "syslog-window.json";
  public static final String SYSLOG_ALERTS = "syslog-alerts.json";
  public static final String SYSLOG_TOTALS = Pipeline.SYSLOG.totalsFile();
  /** Ends the event-time windows file of a pipeline: {@code logs-event-windows.json}, ... */
  public static final String EVENT_WINDOWS_SUFFIX = "-event-windows.json";
  public static final String LOGS_EVENT_WINDOWS = "logs" + EVENT_WINDOWS_SUFFIX;
  public static final String TWEETS_EVENT_WINDOWS = "tweets" + EVENT_WINDOWS_SUFFIX;
  public static final String SYSLOG_EVENT_WINDOWS = "syslog" + EVENT_WINDOWS_SUFFIX;

  private final OutputStore store;

  public BatchOutputs(OutputStore store) {
    this.store = store;
  }

  /** The directory of one batch, relative to the output location. */
  public static String batchDir(long batchTimeMs) {
    return BATCHES + "/" + batchTimeMs;
  }

  /**
   * Writes {@code json}, with {@code "pipeline"} and {@code "batchTime"} first, as
   * {@code batches/<batchTimeMs>/<fileName>}.
   */
  public void write(long batchTimeMs, String fileName, String pipeline, ObjectNode json) {
    ObjectNode stamped = JSON.createObjectNode();
    stamped.put("pipeline", pipeline);
    stamped.put("batchTime", batchTimeMs);
    stamped.setAll(json);
    try {
      store.replace(batchDir(batchTimeMs) + "/" + fileName, JSON.writeValueAsBytes(stamped));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + store.uri(batchDir(batchTimeMs) + "/" + fileName), e);
    }
  }

  public OutputStore store() {
    return store;
  }
}
