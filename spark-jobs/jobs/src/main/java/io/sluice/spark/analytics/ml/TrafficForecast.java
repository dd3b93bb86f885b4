package io.sluice.spark.analytics.ml;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.optimization.GradientDescent;
import org.apache.spark.mllib.regression.LabeledPoint;
import org.apache.spark.mllib.regression.LinearRegressionModel;
import org.apache.spark.mllib.regression.StreamingLinearRegressionWithSGD;
import org.apache.spark.rdd.RDD;
import scala.Option;

/**
 * The next window's request count predicted from the previous {@code lags} windows' counts, by
 * Spark MLlib's {@link StreamingLinearRegressionWithSGD} (linear least squares fitted by
 * mini-batch stochastic gradient descent, continued from the previous weights on every batch),
 * with a band around each prediction and an alert when the actual count leaves it. Driver-side
 * state, one instance per stream; not thread-safe.
 *
 * <p>Model: counts enter as {@code z = log10(1 + count) / 4} (10 000 requests per window: 1.0;
 * traffic is multiplicative, and the scale keeps gradient descent stable at the default step),
 * the features of window {@code t} are {@code [1, z(t-1), ..., z(t-lags)]} (the constant 1 is the
 * intercept, which the MLlib class does not fit itself) and the label is {@code z(t)}. A window
 * missing between two given ones counts 0 and is judged like them (an outage is what the alert is
 * for); after a silence of more than {@code residualWindow} windows the history starts again.
 *
 * <p>Per window, in window order (test, then train): the prediction {@code ẑ} uses the model as
 * it was before the batch holding the window; the residual {@code z - ẑ} joins a buffer of the
 * {@code residualWindow} most recent residuals (older ones drop out); the band is
 * {@code ẑ ± bandWidth * rms(buffer before this window)}, turned back into counts; the window
 * alerts when its actual count is outside the band. A window gets no prediction until {@code lags}
 * earlier windows were seen and the model was trained on at least one batch (the initial weights
 * are 0), and no band (NaN) or alert until the buffer holds {@code minResiduals} residuals. After
 * its windows, a batch trains the model once, from its current weights, on the
 * {@code trainingWindow} most recent labelled windows (the batch's own and those before it, a
 * bounded buffer: older ones drop out) with {@code numIterations} full-batch gradient steps of
 * size {@code stepSize / sqrt(i)}. Training on the newest window alone makes every batch refit one
 * point, and measured on the bundled log that forecasts worse than "the next hour equals this
 * one"; a day of windows does better (see TrafficForecastTest).
 *
 * <p><b>Two paths to the same model.</b> {@link #observe(Map)} trains in the driver without a
 * Spark job (the streaming job's path, {@link WindowModels}: at most {@code trainingWindow} points
 * of {@code lags + 1} features); {@link #observe(JavaPairRDD)} collects the counts and trains with
 * MLlib's RDD path ({@code LinearRegressionWithSGD.run}, {@link GradientDescent}), which the tests
 * keep as the reference: both give the same weights and points. The driver path follows
 * {@code GradientDescent.runMiniBatchSGD} of Spark 2.4.7 ({@link #runMiniBatchSGD}).
 */
public final class TrafficForecast {

  private static final double SCALE = 4;
  /** {@link GradientDescent}'s default convergence tolerance, set explicitly so both paths share it. */
  static final double CONVERGENCE_TOL = 0.001;

  private final int lags;
  private final long windowMs;
  private final double bandWidth;
  private final int residualWindow;
  private final int minResiduals;
  private final Regression regression;
  private final int numIterations;
  private final double stepSize;
  /** The last {@code lags} windows' z, newest last. */
  private final ArrayDeque<Double> history;
  private final ArrayDeque<Double> residuals;
  private final int trainingWindow;
  /** The last {@code trainingWindow} labelled windows, oldest first. */
  private final ArrayDeque<LabeledPoint> recent;
  private long lastWindowStart = Long.MIN_VALUE;
  private long lateWindows;
  private long trainedBatches;

  /**
   * @param windowMs the windows' length, milliseconds, positive
   * @param lags previous windows a prediction uses, at least 1
   * @param numIterations gradient steps per batch, at least 1
   * @param stepSize initial gradient step, positive
   * @param bandWidth half-width of the band in root-mean-square residuals, positive
   * @param residualWindow most recent residuals kept, at least 2
   * @param minResiduals residuals needed before a band and alerts, in [2, residualWindow]
   * @param trainingWindow labelled windows every batch trains on (the newest), at least 1
   * @throws IllegalArgumentException naming the first parameter out of its range
   */
  public TrafficForecast(long windowMs, int lags, int numIterations, double stepSize, double bandWidth,
      int residualWindow, int minResiduals, int trainingWindow) {
    require(windowMs > 0, "windowMs", "positive", windowMs);
    require(lags >= 1, "lags", "at least 1", lags);
    require(numIterations >= 1, "numIterations", "at least 1", numIterations);
    require(stepSize > 0, "stepSize", "positive", stepSize);
    require(bandWidth > 0, "bandWidth", "positive", bandWidth);
    require(residualWindow >= 2, "residualWindow", "at least 2", residualWindow);
    require(minResiduals >= 2 && minResiduals <= residualWindow, "minResiduals", "in [2, residualWindow]",
        minResiduals);
    require(trainingWindow >= 1, "trainingWindow", "at least 1", trainingWindow);
    this.windowMs = windowMs;
    this.lags = lags;
    this.bandWidth = bandWidth;
    this.residualWindow = residualWindow;
    this.minResiduals = minResiduals;
    this.numIterations = numIterations;
    this.stepSize = stepSize;
    this.regression = new Regression();
    regression.setNumIterations(numIterations)
        .setStepSize(stepSize)
        .setMiniBatchFraction(1.0)
        .setConvergenceTol(CONVERGENCE_TOL)
        .setInitialWeights(Vectors.zeros(lags + 1));
    this.history = new ArrayDeque<>(lags);
    this.residuals = new ArrayDeque<>(residualWindow);
    this.trainingWindow = trainingWindow;
    this.recent = new ArrayDeque<>(trainingWindow);
  }

  private static void require(boolean ok, String name, String range, Object value) {
    if (!ok) {
      throw new IllegalArgumentException("TrafficForecast: " + name + " must be " + range + ", got " + value);
    }
  }

  /**
   * Predicts, judges and then learns the windows closed in one batch, in the driver without a
   * Spark job.
   *
   * @param windowCounts window start in epoch milliseconds to request count, of the windows the
   *     batch closed. A window that does not start after the last one seen is late: skipped and
   *     counted ({@link #lateWindows()})
   * @return one {@link Point} per window that had {@code lags} predecessors and a trained model, in
   *     window order
   */
  public List<Point> observe(Map<Long, Long> windowCounts) {
    return observe(windowCounts, null);
  }

  /**
   * {@link #observe(Map)} with the counts collected from an RDD (one pair per window) and the model
   * trained by MLlib's RDD path (a few Spark jobs): the reference the tests compare with.
   */
  public List<Point> observe(JavaPairRDD<Long, Long> windowCounts) {
    return observe(windowCounts.collectAsMap(), JavaSparkContext.fromSparkContext(windowCounts.context()));
  }

  private List<Point> observe(Map<Long, Long> windowCounts, JavaSparkContext sc) {
    Map<Long, Long> counts = new TreeMap<>(windowCounts);
    List<Point> points = new ArrayList<>();
    List<LabeledPoint> training = new ArrayList<>();
    Vector weights = regression.latestModel().weights();
    for (Map.Entry<Long, Long> e : counts.entrySet()) {
      long start = e.getKey();
      if (start <= lastWindowStart) {
        lateWindows++;
        continue;
      }
      if (lastWindowStart != Long.MIN_VALUE) {
        long missing = (start - lastWindowStart) / windowMs - 1;
        if (missing > residualWindow) {
          history.clear();
        } else {
          long last = lastWindowStart;
          for (long i = 1; i <= missing; i++) {
            judge(last + i * windowMs, 0, weights, points, training);
          }
        }
      }
      judge(start, e.getValue(), weights, points, training);
    }
    if (!training.isEmpty()) {
      for (LabeledPoint p : training) {
        if (recent.size() == trainingWindow) {
          recent.removeFirst();
        }
        recent.addLast(p);
      }
      if (sc == null) {
        regression.update(runMiniBatchSGD(new ArrayList<>(recent), regression.latestModel().weights(), stepSize,
            numIterations, CONVERGENCE_TOL));
      } else {
        regression.update(sc.parallelize(new ArrayList<>(recent), 1).rdd());
      }
      trainedBatches++;
    }
    return points;
  }

  private void judge(long start, long actual, Vector weights, List<Point> points, List<LabeledPoint> training) {
    double z = z(actual);
    if (history.size() == lags) {
      Vector x = features();
      training.add(new LabeledPoint(z, x));
      if (trainedBatches > 0) {
        double predicted = dot(weights, x);
        double lower = Double.NaN;
        double upper = Double.NaN;
        boolean alert = false;
        if (residuals.size() >= minResiduals) {
          double rms = Math.sqrt(residuals.stream().mapToDouble(r -> r * r).sum() / residuals.size());
          lower = count(predicted - bandWidth * rms);
          upper = count(predicted + bandWidth * rms);
          alert = actual < lower || actual > upper;
        }
        points.add(new Point(start, actual, count(predicted), lower, upper, alert));
        if (residuals.size() == residualWindow) {
          residuals.removeFirst();
        }
        residuals.addLast(z - predicted);
      }
    }
    push(z);
    lastWindowStart = start;
  }

  /** Windows skipped because they did not start after the last one seen. */
  public long lateWindows() {
    return lateWindows;
  }

  /** Batches the model was trained on (those with at least one window that had {@code lags} predecessors). */
  public long trainedBatches() {
    return trainedBatches;
  }

  /** The model's current weights: intercept, then one per lag (newest first), on the z scale. */
  public Vector weights() {
    return regression.latestModel().weights();
  }

  private void push(double z) {
    if (history.size() == lags) {
      history.removeFirst();
    }
    history.addLast(z);
  }

  private Vector features() {
    double[] x = new double[lags + 1];
    x[0] = 1;
    Iterator<Double> newestFirst = history.descendingIterator();
    for (int i = 1; i <= lags; i++) {
      x[i] = newestFirst.next();
    }
    return Vectors.dense(x);
  }

  private static double dot(Vector w, Vector x) {
    double s = 0;
    for (int i = 0; i < x.size(); i++) {
      s += w.apply(i) * x.apply(i);
    }
    return s;
  }

  static double z(long count) {
    return Math.log10(1 + count) / SCALE;
  }

  static double count(double z) {
    return Math.max(0, Math.pow(10, z * SCALE) - 1);
  }

  /**
   * {@code GradientDescent.runMiniBatchSGD} of Spark 2.4.7 MLlib with miniBatchFraction 1.0, no
   * regularisation, {@code LeastSquaresGradient} and {@code SimpleUpdater}, in the driver, with
   * the same arithmetic in the same order: from {@code initialWeights}, for {@code i = 1..numIterations},
   * the gradient sum {@code sum((w.x - y) x)} over {@code points} in order (netlib's
   * {@link DenseBlas} {@code ddot}/{@code daxpy}, as MLlib's BLAS), divided by the number of points,
   * and {@code w <- w - (stepSize / sqrt(i)) * gradient}; from the second step on it stops once
   * {@code ||w_i - w_(i-1)|| < convergenceTol * max(||w_i||, 1)}. Empty {@code points}: the initial
   * weights.
   */
  static Vector runMiniBatchSGD(List<LabeledPoint> points, Vector initialWeights, double stepSize,
      int numIterations, double convergenceTol) {
    double[] weights = initialWeights.toArray().clone();
    if (points.isEmpty()) {
      return Vectors.dense(weights);
    }
    int n = weights.length;
    double[] previous = null;
    for (int i = 1; i <= numIterations; i++) {
      double[] gradient = new double[n];
      for (LabeledPoint p : points) {
        double[] x = p.features().toArray();
        double diff = DenseBlas.ddot(n, x, weights) - p.label();
        DenseBlas.daxpy(n, diff, x, gradient);
      }
      double step = stepSize / Math.sqrt(i);
      double[] next = weights.clone();
      for (int j = 0; j < n; j++) {
        next[j] += gradient[j] / (double) points.size() * -step;
      }
      weights = next;
      if (previous != null && converged(previous, weights, convergenceTol)) {
        break;
      }
      previous = weights;
    }
    return Vectors.dense(weights);
  }

  /** {@code GradientDescent.isConverged}: {@code ||previous - current|| < tol * max(||current||, 1)}. */
  private static boolean converged(double[] previous, double[] current, double tol) {
    double diff = 0;
    double norm = 0;
    for (int j = 0; j < current.length; j++) {
      double d = previous[j] - current[j];
      diff += d * d;
      norm += current[j] * current[j];
    }
    return Math.sqrt(diff) < tol * Math.max(Math.sqrt(norm), 1.0);
  }

  /**
   * {@link StreamingLinearRegressionWithSGD} trained one RDD at a time: what its {@code trainOn}
   * does for each RDD of a DStream (run the algorithm from the latest weights and keep the result),
   * without a StreamingContext.
   */
  private static final class Regression extends StreamingLinearRegressionWithSGD {

    private static final long serialVersionUID = 1L;

    void update(RDD<LabeledPoint> points) {
      LinearRegressionModel next = algorithm().run(points, latestModel().weights());
      model_$eq(Option.apply(next));
    }

    /** Keeps {@code weights} (trained in the driver) as the latest model, intercept 0 as {@code LinearRegressionWithSGD}'s. */
    void update(Vector weights) {
      model_$eq(Option.apply(new LinearRegressionModel(weights, 0.0)));
    }
  }

  /**
   * One judged window: its start (epoch milliseconds), actual and predicted request counts, the
   * band's bounds (NaN while calibrating) and whether the actual count left the band. Immutable.
   */
  public static final class Point implements Serializable {

    private static final long serialVersionUID = 1L;

    private final long windowStartMs;
    private final long actual;
    private final double predicted;
    private final double lower;
    private final double upper;
    private final boolean alert;

    Point(long windowStartMs, long actual, double predicted, double lower, double upper, boolean alert) {
      this.windowStartMs = windowStartMs;
      this.actual = actual;
      this.predicted = predicted;
      this.lower = lower;
      this.upper = upper;
      this.alert = alert;
    }

    /** The window's start, epoch milliseconds. */
    public long windowStartMs() {
      return windowStartMs;
    }

    /** Requests counted in the window (0 for a missing window). */
    public long actual() {
      return actual;
    }

    /** The predicted request count. */
    public double predicted() {
      return predicted;
    }

    /** Lower bound of the band, requests; NaN while calibrating. */
    public double lower() {
      return lower;
    }

    /** Upper bound of the band, requests; NaN while calibrating. */
    public double upper() {
      return upper;
    }

    /** True when {@link #actual()} is outside [{@link #lower()}, {@link #upper()}]. */
    public boolean alert() {
      return alert;
    }

    @Override
    public String toString() {
      return java.time.Instant.ofEpochMilli(windowStartMs) + " actual " + actual + " predicted "
          + Math.round(predicted)
          + (Double.isNaN(lower) ? " no band yet" : " band [" + Math.round(lower) + ", " + Math.round(upper) + "]")
          + (alert ? " ALERT" : "");
    }
  }
}
