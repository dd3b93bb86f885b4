package io.sluice.spark.analytics.ml;

import io.sluice.spark.analytics.Metric;
import io.sluice.spark.analytics.Tally;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.mllib.linalg.Vector;
import scala.Tuple2;

/**
 * The streaming job's models of the access log's closed event-time windows, kept in the driver:
 * {@link AnomalousClients} over each window's client vectors ({@link ClientFeatures#ofWindow}, from
 * the window's own metrics) and {@link TrafficForecast} over each window's request count.
 *
 * <p><b>Which windows.</b> The models see the windows whose start is a multiple of the window length:
 * with tumbling windows all of them, with sliding ones (the slide must divide the length,
 * {@code AnalyticsJobConfig} checks it) one in {@code length / slide}, which tile event time
 * without overlap, so no request counts twice in a model. The other windows get no model output.
 *
 * <p><b>One step per window.</b> The windows a batch closed ({@link io.sluice.spark.analytics.EventWindows},
 * each once, in start order) are judged one at a time, each as its own model step: first flagged
 * and predicted with the models as they were after the window before, then learnt (k-means decays
 * once per window; the regression trains once per window). So the result depends on the windows
 * only, never on how the stream was cut into batches: a replay that closes eight windows in a batch
 * gives what a live stream closing one a batch gives. Each step runs in the driver without a Spark
 * job ({@link AnomalousClients#update(List)}, {@link TrafficForecast#observe(Map)}: a window has a
 * few thousand client vectors at most, the forecast trains on {@value #TRAINING_WINDOW} points),
 * with the same result as MLlib's RDD path, which the tests keep as the reference. Until
 * 958eb7e each step ran about 16 small Spark jobs on the driver's context (flags, a k-means
 * update, a distance sample, {@value #ITERATIONS} gradient steps); a replay that closes dozens of
 * hourly windows in one batch stalled on them: {@code ./sluice bench pipeline --events 200000}
 * measured 8,520 events/s with the models against 14,905 without (about 10 s for the first pass's
 * 83 windows). In the driver the bundled log's 84 hourly windows take 12-19 ms of CPU once warm
 * (96 ms cold); the bench pair after the change is still to be measured on a quiet machine.
 *
 * <p><b>Driver restart.</b> The models are {@code transient}: a job restarted from its checkpoint
 * starts them again from nothing, as on the first run (the checkpoint holds the DStream graph, not
 * the models). The windows closed after the restart are judged by models that warm up again: no
 * anomalous client until {@value #MIN_DISTANCES} distances are buffered, no forecast until
 * {@value #LAGS} windows plus one trained window, no band until {@value #MIN_RESIDUALS} residuals.
 * Windows written before the restart keep what they had. Not thread-safe; one instance per job.
 *
 * <p>Fixed parameters (measured on the bundled log, see the tests): k-means with {@value #K}
 * clusters, decay {@value #DECAY} per window, seed {@value #SEED}; threshold
 * {@code multiplier x} the {@value #QUANTILE} quantile of the last {@value #BUFFER} distances,
 * after {@value #MIN_DISTANCES}; forecast from the last {@value #LAGS} windows, {@value #ITERATIONS}
 * gradient steps of {@value #STEP} per window on the last {@value #TRAINING_WINDOW} windows, band
 * {@code bandWidth x} the RMS of the last {@value #RESIDUAL_WINDOW} residuals, after
 * {@value #MIN_RESIDUALS}. {@code multiplier} and {@code bandWidth} are options.
 */
public final class WindowModels implements Serializable {

  private static final long serialVersionUID = 1L;

  /** k-means clusters. */
  public static final int K = 4;
  /** Weight the k-means centres keep per window. */
  public static final double DECAY = 0.9;
  /** Seed of the initial centres and of the distance sample. */
  public static final long SEED = 42L;
  /** The quantile of recent distances the threshold starts from. */
  public static final double QUANTILE = 0.99;
  /** Most recent distances kept. */
  public static final int BUFFER = 500;
  /** Distances needed before a client is flagged. */
  public static final int MIN_DISTANCES = 100;
  /** Default threshold multiplier ({@code --anomaly-multiplier}). */
  public static final double DEFAULT_MULTIPLIER = 1.5;
  /** Windows a forecast uses. */
  public static final int LAGS = 3;
  /** Gradient steps per window. */
  public static final int ITERATIONS = 10;
  /** Initial gradient step. */
  public static final double STEP = 0.5;
  /** Default half-width of the forecast band in RMS residuals ({@code --forecast-band}). */
  public static final double DEFAULT_BAND_WIDTH = 3.0;
  /** Most recent residuals kept. */
  public static final int RESIDUAL_WINDOW = 24;
  /** Residuals needed before a band. */
  public static final int MIN_RESIDUALS = 12;
  /** Labelled windows each training step uses. */
  public static final int TRAINING_WINDOW = 24;

  private final long lengthMs;
  private final double multiplier;
  private final double bandWidth;
  private transient AnomalousClients clients;
  private transient TrafficForecast forecast;

  /**
   * @param lengthMs the logs windows' length, milliseconds, positive
   * @param multiplier threshold multiplier of {@link AnomalousClients}, at least 1
   * @param bandWidth half-width of the forecast band in RMS residuals, positive
   * @throws IllegalArgumentException naming the first parameter out of its range
   */
  public WindowModels(long lengthMs, double multiplier, double bandWidth) {
    if (lengthMs <= 0) {
      throw new IllegalArgumentException("WindowModels: lengthMs must be positive, got " + lengthMs);
    }
    this.lengthMs = lengthMs;
    this.multiplier = multiplier;
    this.bandWidth = bandWidth;
    models(); // checks the parameters now, not at the first window
  }

  /** The anomaly model with this job's parameters, fresh. */
  public static AnomalousClients newAnomalousClients(double multiplier) {
    return new AnomalousClients(K, DECAY, SEED, QUANTILE, multiplier, BUFFER, MIN_DISTANCES);
  }

  /** The forecast with this job's parameters, fresh. */
  public static TrafficForecast newTrafficForecast(long windowMs, double bandWidth) {
    return new TrafficForecast(windowMs, LAGS, ITERATIONS, STEP, bandWidth, RESIDUAL_WINDOW, MIN_RESIDUALS,
        TRAINING_WINDOW);
  }

  private void models() {
    if (clients == null) {
      clients = newAnomalousClients(multiplier);
      forecast = newTrafficForecast(lengthMs, bandWidth);
    }
  }

  /** Whether the models see the window starting at {@code startMs}: its start is a multiple of the length. */
  public boolean sees(long startMs) {
    return Math.floorMod(startMs, lengthMs) == 0;
  }

  /**
   * Judges, then learns, one closed window the models see ({@link #sees}); call in window order.
   *
   * @param startMs the window's start, epoch milliseconds
   * @param metrics the window's metrics (with the client features' contributions)
   * @param requests the window's request count (parsed lines with an event time)
   */
  public Judged judge(long startMs, Iterable<Tuple2<Metric, Tally>> metrics, long requests) {
    models();
    Map<ClientWindow, Vector> vectors = ClientFeatures.ofWindow(metrics, startMs);
    List<AnomalousClients.Flag> flags = List.of();
    if (!vectors.isEmpty()) {
      flags = clients.flag(vectors);
      flags.sort((a, b) -> Double.compare(b.distance(), a.distance()));
      clients.update(new ArrayList<>(vectors.values()));
    }
    List<TrafficForecast.Point> points = forecast.observe(Map.of(startMs, requests));
    TrafficForecast.Point own = null;
    List<TrafficForecast.Point> gaps = new ArrayList<>();
    for (TrafficForecast.Point p : points) {
      if (p.windowStartMs() == startMs) {
        own = p;
      } else {
        gaps.add(p);
      }
    }
    return new Judged(vectors.size(), flags, own, gaps);
  }

  /** The window length the models were built for, milliseconds. */
  public long lengthMs() {
    return lengthMs;
  }

  /** What the models said about one window. */
  public static final class Judged {
    private final int clients;
    private final List<AnomalousClients.Flag> flags;
    private final TrafficForecast.Point point;
    private final List<TrafficForecast.Point> gaps;

    Judged(int clients, List<AnomalousClients.Flag> flags, TrafficForecast.Point point, List<TrafficForecast.Point> gaps) {
      this.clients = clients;
      this.flags = List.copyOf(flags);
      this.point = point;
      this.gaps = List.copyOf(gaps);
    }

    /** Client vectors of the window. */
    public int clients() {
      return clients;
    }

    /** The window's anomalous clients, farthest first. */
    public List<AnomalousClients.Flag> flags() {
      return flags;
    }

    /** The window's forecast point, or null while the forecast has too few windows or no trained model. */
    public TrafficForecast.Point point() {
      return point;
    }

    /**
     * Forecast points of windows without any request between the window before and this one (they
     * were never emitted, the forecast counts them as 0), in order.
     */
    public List<TrafficForecast.Point> gaps() {
      return gaps;
    }
  }
}
