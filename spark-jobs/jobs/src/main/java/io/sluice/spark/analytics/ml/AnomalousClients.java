package io.sluice.spark.analytics.ml;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.JavaDoubleRDD;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.mllib.clustering.StreamingKMeans;
import org.apache.spark.mllib.clustering.StreamingKMeansModel;
import org.apache.spark.mllib.linalg.DenseVector;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.util.random.BernoulliSampler;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag$;

/**
 * Clients whose behaviour in a window ({@link ClientFeatures}) is far from every cluster of the
 * recent traffic: Spark MLlib's {@link StreamingKMeans} (the mini-batch k-means with forgetfulness
 * of Spark's documentation, "Streaming k-means") plus a distance threshold learned from the data.
 * Driver-side state, one instance per stream; not thread-safe.
 *
 * <p>Per batch, in this order: {@link #flag} the batch's vectors with the model and threshold of
 * the batches before (test, then train), then {@link #update} with the same vectors. {@code update}
 * first measures each vector's Euclidean distance to its nearest current centre and keeps it in a
 * buffer of the {@code bufferSize} most recent distances (older ones drop out: the threshold
 * follows the traffic and the state is bounded; a batch with more vectors than the buffer holds
 * contributes a seeded random sample of {@code bufferSize}), then moves the centres
 * ({@link StreamingKMeansModel#update}, time unit {@code batches}: the old centres' weights are
 * multiplied by {@code decayFactor} once per batch, so a batch's influence halves after
 * {@code log(0.5) / log(decayFactor)} batches).
 *
 * <p>The threshold is the {@code quantile} of the buffer (nearest rank) times {@code multiplier};
 * until the buffer holds {@code minDistances} distances (warm-up: the first centres are random) it
 * is {@code NaN} and nothing is flagged.
 *
 * <p><b>Two paths to the same model.</b> {@link #flag(Map)} and {@link #update(List)} take a
 * batch held in the driver and run no Spark job: the streaming job's path ({@link WindowModels}),
 * since a window holds a few thousand vectors at most and a Spark job per step costs more than the
 * step. {@link #flag(JavaPairRDD)} and {@link #update(JavaRDD)} run MLlib's own RDD path
 * ({@link StreamingKMeansModel#update}, {@code RDD.takeSample}); the tests keep it as the reference
 * and check that both give the same centres, weights, distances, thresholds and flags when the RDDs
 * are the same lists parallelized in {@value #PARTITIONS} slices. The driver path predicts with
 * MLlib's {@link StreamingKMeansModel#predict} on the same model object and follows
 * {@code StreamingKMeansModel.update} and {@code RDD.takeSample} of Spark 2.4.7 step by step
 * ({@link #updateCentres}, {@link #takeSample}).
 */
public final class AnomalousClients {

  /** The slices the RDD path's batches are parallelized in, which the driver path's sample and sums follow. */
  public static final int PARTITIONS = 2;


  private final StreamingKMeans kMeans;
  private final double decayFactor;
  private final double quantile;
  private final double multiplier;
  private final int bufferSize;
  private final int minDistances;
  private final long seed;
  private final ArrayDeque<Double> distances;
  private long batches;

  /**
   * @param k number of clusters, at least 1
   * @param decayFactor weight kept by the old centres per batch, in [0, 1] (1: never forget)
   * @param seed seed of the random initial centres (Gaussian, weight 0: the first batch places
   *     them) and of the buffer's sampling
   * @param quantile the quantile of recent distances the threshold starts from, in (0, 1)
   * @param multiplier the threshold is the quantile times this, at least 1
   * @param bufferSize most recent distances kept, at least 1
   * @param minDistances distances needed before anything is flagged, in [1, bufferSize]
   * @throws IllegalArgumentException naming the first parameter out of its range
   */
  public AnomalousClients(int k, double decayFactor, long seed, double quantile, double multiplier,
      int bufferSize, int minDistances) {
    require(k >= 1, "k", "at least 1", k);
    require(decayFactor >= 0 && decayFactor <= 1, "decayFactor", "in [0, 1]", decayFactor);
    require(quantile > 0 && quantile < 1, "quantile", "in (0, 1)", quantile);
    require(multiplier >= 1, "multiplier", "at least 1", multiplier);
    require(bufferSize >= 1, "bufferSize", "at least 1", bufferSize);
    require(minDistances >= 1 && minDistances <= bufferSize, "minDistances", "in [1, bufferSize]", minDistances);
    this.kMeans = new StreamingKMeans()
        .setK(k)
        .setDecayFactor(decayFactor)
        .setRandomCenters(ClientFeatures.DIMENSIONS, 0.0, seed);
    this.decayFactor = decayFactor;
    this.quantile = quantile;
    this.multiplier = multiplier;
    this.bufferSize = bufferSize;
    this.minDistances = minDistances;
    this.seed = seed;
    this.distances = new ArrayDeque<>(bufferSize);
  }

  private static void require(boolean ok, String name, String range, Object value) {
    if (!ok) {
      throw new IllegalArgumentException("AnomalousClients: " + name + " must be " + range + ", got " + value);
    }
  }

  /**
   * Records the distances of {@code vectors} to the current centres, then trains the model on
   * them, in the driver without a Spark job: equal to {@link #update(JavaRDD)} over
   * {@code vectors} parallelized in {@value #PARTITIONS} slices. An empty batch only decays the
   * centres' weights.
   */
  public void update(List<Vector> vectors) {
    Vector[] centres = centres();
    double[] d = new double[vectors.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = nearest(vectors.get(i), centres)[1];
    }
    for (double x : takeSample(d, bufferSize, seed + batches, PARTITIONS)) {
      if (distances.size() == bufferSize) {
        distances.removeFirst();
      }
      distances.addLast(x);
    }
    updateCentres(kMeans.latestModel(), vectors, decayFactor, PARTITIONS);
    batches++;
  }

  /**
   * Records the distances of {@code vectors} to the current centres, then trains the model on
   * them with MLlib's RDD path ({@link StreamingKMeansModel#update}; a few Spark jobs). The RDD is
   * read twice (persist it if it is costly to compute); an empty batch only decays the centres'
   * weights.
   */
  public void update(JavaRDD<Vector> vectors) {
    Vector[] centres = centres();
    JavaDoubleRDD d = vectors.mapToDouble(v -> nearest(v, centres)[1]);
    List<Double> sample = d.takeSample(false, bufferSize, seed + batches);
    for (double x : sample) {
      if (distances.size() == bufferSize) {
        distances.removeFirst();
      }
      distances.addLast(x);
    }
    kMeans.latestModel().update(vectors.rdd(), decayFactor, StreamingKMeans.BATCHES());
    batches++;
  }

  /**
   * The clients of {@code vectors} farther from their nearest centre than {@link #threshold()},
   * as the model stands (a pure function of the input and the current state; nothing changes), in
   * the driver, in the map's order. Empty while warming up. Equal to {@link #flag(JavaPairRDD)}.
   */
  public List<Flag> flag(Map<ClientWindow, Vector> vectors) {
    double threshold = threshold();
    List<Flag> flags = new ArrayList<>();
    if (Double.isNaN(threshold)) {
      return flags;
    }
    Vector[] centres = centres();
    vectors.forEach((k, v) -> {
      double[] n = nearest(v, centres);
      if (n[1] > threshold) {
        flags.add(new Flag(k, n[1], threshold, (int) n[0], v));
      }
    });
    return flags;
  }

  /**
   * {@link #flag(Map)} as a Spark job over {@code vectors}: the RDD path. Empty while warming up.
   */
  public JavaRDD<Flag> flag(JavaPairRDD<ClientWindow, Vector> vectors) {
    double threshold = threshold();
    Vector[] centres = centres();
    return vectors
        .filter(kv -> !Double.isNaN(threshold))
        .map(kv -> {
          double[] n = nearest(kv._2(), centres);
          return new Flag(kv._1(), n[1], threshold, (int) n[0], kv._2());
        })
        .filter(f -> f.distance() > threshold);
  }

  /** The current threshold: {@code multiplier} times the {@code quantile} of recent distances; NaN while warming up. */
  public double threshold() {
    if (distances.size() < minDistances) {
      return Double.NaN;
    }
    double[] sorted = distances.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(quantile * sorted.length);
    return multiplier * sorted[Math.max(rank, 1) - 1];
  }

  /** Distances in the buffer now (at most {@code bufferSize}). */
  public int bufferedDistances() {
    return distances.size();
  }

  /** The buffered distances, oldest first (a copy). */
  double[] distances() {
    return distances.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** The current centres' weights (a copy). */
  double[] weights() {
    return kMeans.latestModel().clusterWeights().clone();
  }

  /** Batches trained on. */
  public long batches() {
    return batches;
  }

  /** A copy of the current centres. */
  public Vector[] centres() {
    Vector[] c = kMeans.latestModel().clusterCenters();
    Vector[] copy = new Vector[c.length];
    for (int i = 0; i < c.length; i++) {
      copy[i] = c[i].copy();
    }
    return copy;
  }

  /**
   * {@code StreamingKMeansModel.update(data, decayFactor, "batches")} of Spark 2.4.7 MLlib in the
   * driver over {@code points} parallelized in {@code slices} slices, changing {@code model} in
   * place as MLlib does: each point goes to the centre {@code model.predict} names (MLlib's own
   * {@code KMeansModel.predict}, with the norms it cached when the model was built); the points'
   * sums per centre are added per slice, then the slices' sums (MLlib's {@code aggregateByKey}:
   * the same additions in the same order); the weights are multiplied by {@code decayFactor}; each
   * centre with {@code n} new points of sum {@code s} gets weight {@code w' = w + n} and becomes
   * {@code (1 - l) c + (l / n) s} with {@code l = n / max(w', 1e-16)}; then, if the smallest weight
   * is below {@code 1e-8} times the largest, the smallest ("dying") cluster takes half of both
   * weights and the largest centre splits into {@code x +- 1e-14 max(|x|, 1)} per coordinate. The
   * vector arithmetic is the reference BLAS's ({@link DenseBlas}) {@code dscal}/{@code daxpy}, as MLlib's BLAS.
   */
  static void updateCentres(StreamingKMeansModel model, List<Vector> points, double decayFactor, int slices) {
    Vector[] centres = model.clusterCenters();
    double[] weights = model.clusterWeights();
    int dim = centres[0].size();
    int k = centres.length;
    double[][] sums = new double[k][];
    long[] counts = new long[k];
    int[] bounds = sliceBounds(points.size(), slices);
    for (int s = 0; s < slices; s++) {
      double[][] sliceSums = new double[k][];
      long[] sliceCounts = new long[k];
      for (int i = bounds[s]; i < bounds[s + 1]; i++) {
        Vector p = points.get(i);
        int label = model.predict(p);
        if (sliceSums[label] == null) {
          sliceSums[label] = new double[dim];
        }
        DenseBlas.daxpy(dim, 1.0, p.toArray(), sliceSums[label]);
        sliceCounts[label]++;
      }
      for (int label = 0; label < k; label++) {
        if (sliceSums[label] == null) {
          continue;
        }
        if (sums[label] == null) {
          sums[label] = sliceSums[label];
        } else {
          DenseBlas.daxpy(dim, 1.0, sliceSums[label], sums[label]);
        }
        counts[label] += sliceCounts[label];
      }
    }
    DenseBlas.dscal(weights.length, decayFactor, weights);
    for (int label = 0; label < k; label++) {
      if (sums[label] == null) {
        continue;
      }
      long count = counts[label];
      double[] centroid = ((DenseVector) centres[label]).values();
      double updatedWeight = weights[label] + count;
      double lambda = count / Math.max(updatedWeight, 1e-16);
      weights[label] = updatedWeight;
      DenseBlas.dscal(dim, 1.0 - lambda, centroid);
      DenseBlas.daxpy(dim, lambda / count, sums[label], centroid);
    }
    int largest = 0;
    int smallest = 0;
    for (int i = 1; i < k; i++) {
      if (weights[i] > weights[largest]) {
        largest = i;
      }
      if (weights[i] < weights[smallest]) {
        smallest = i;
      }
    }
    double maxWeight = weights[largest];
    double minWeight = weights[smallest];
    if (minWeight < 1e-8 * maxWeight) {
      double weight = (maxWeight + minWeight) / 2.0;
      weights[largest] = weight;
      weights[smallest] = weight;
      double[] large = ((DenseVector) centres[largest]).values();
      double[] small = ((DenseVector) centres[smallest]).values();
      for (int j = 0; j < dim; j++) {
        double x = large[j];
        double p = 1e-14 * Math.max(Math.abs(x), 1.0);
        large[j] = x + p;
        small[j] = x - p;
      }
    }
  }

  /**
   * {@code RDD.takeSample(false, num, seed)} of Spark 2.4.7 over {@code values} parallelized in
   * {@code slices} slices, in the driver, with the same result: with {@code values} no longer than
   * {@code num}, all of them in a seeded shuffle (Fisher-Yates, {@code Utils.randomizeInPlace},
   * {@code java.util.Random(seed)}); otherwise a Bernoulli sample of each slice (MLlib's own
   * {@link BernoulliSampler}, seeded per slice as {@code PartitionwiseSampledRDD} does, at the
   * fraction of {@code SamplingUtils.computeFractionForSampleSize}), drawn again until it holds
   * {@code num} values, shuffled, its first {@code num}.
   */
  static double[] takeSample(double[] values, int num, long seed, int slices) {
    if (num == 0 || values.length == 0) {
      return new double[0];
    }
    Random rand = new Random(seed);
    if (num >= values.length) {
      return randomizeInPlace(values.clone(), rand);
    }
    double fraction = fractionForSampleSize(num, values.length);
    double[] samples = bernoulliSample(values, fraction, rand.nextInt(), slices);
    while (samples.length < num) {
      samples = bernoulliSample(values, fraction, rand.nextInt(), slices);
    }
    return Arrays.copyOf(randomizeInPlace(samples, rand), num);
  }

  /** {@code SamplingUtils.computeFractionForSampleSize} without replacement ({@code BinomialBounds}, delta 1e-4). */
  private static double fractionForSampleSize(int num, long total) {
    double fraction = (double) num / total;
    double gamma = -Math.log(1e-4) / total;
    return Math.min(1, Math.max(1e-10, fraction + gamma + Math.sqrt(gamma * gamma + 2 * gamma * fraction)));
  }

  /** {@code RDD.sample(false, fraction, seed).collect()} over {@code slices} slices. */
  private static double[] bernoulliSample(double[] values, double fraction, long seed, int slices) {
    Random partitionSeeds = new Random(seed);
    int[] bounds = sliceBounds(values.length, slices);
    List<Double> out = new ArrayList<>();
    for (int s = 0; s < slices; s++) {
      List<Double> slice = new ArrayList<>(bounds[s + 1] - bounds[s]);
      for (int i = bounds[s]; i < bounds[s + 1]; i++) {
        slice.add(values[i]);
      }
      BernoulliSampler<Double> sampler = new BernoulliSampler<>(fraction, ClassTag$.MODULE$.apply(Double.class));
      sampler.setSeed(partitionSeeds.nextLong());
      JavaConverters.asJavaIteratorConverter(sampler.sample(JavaConverters.asScalaIteratorConverter(slice.iterator())
          .asScala())).asJava().forEachRemaining(out::add);
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** {@code Utils.randomizeInPlace}: Fisher-Yates from the last element down. */
  private static double[] randomizeInPlace(double[] a, Random rand) {
    for (int i = a.length - 1; i >= 1; i--) {
      int j = rand.nextInt(i + 1);
      double t = a[j];
      a[j] = a[i];
      a[i] = t;
    }
    return a;
  }

  /** The slice boundaries of {@code SparkContext.parallelize}: slice {@code i} is {@code [i n / s, (i + 1) n / s)}. */
  private static int[] sliceBounds(int n, int slices) {
    int[] bounds = new int[slices + 1];
    for (int i = 0; i <= slices; i++) {
      bounds[i] = (int) ((long) i * n / slices);
    }
    return bounds;
  }

  /** The index of the centre nearest {@code v} and the Euclidean distance to it. */
  static double[] nearest(Vector v, Vector[] centres) {
    int best = 0;
    double bestSq = Double.POSITIVE_INFINITY;
    for (int i = 0; i < centres.length; i++) {
      double sq = Vectors.sqdist(v, centres[i]);
      if (sq < bestSq) {
        bestSq = sq;
        best = i;
      }
    }
    return new double[] {best, Math.sqrt(bestSq)};
  }

  /** A flagged client in one window. Immutable. */
  public static final class Flag implements Serializable {

    private static final long serialVersionUID = 1L;

    private final ClientWindow key;
    private final double distance;
    private final double threshold;
    private final int cluster;
    private final Vector features;

    Flag(ClientWindow key, double distance, double threshold, int cluster, Vector features) {
      this.key = key;
      this.distance = distance;
      this.threshold = threshold;
      this.cluster = cluster;
      this.features = features;
    }

    /** The client and window. */
    public ClientWindow key() {
      return key;
    }

    /** The client address. */
    public String client() {
      return key.client();
    }

    /** Window start, epoch milliseconds. */
    public long windowStartMs() {
      return key.windowStartMs();
    }

    /** Euclidean distance to the nearest centre, in feature units ({@link ClientFeatures}). */
    public double distance() {
      return distance;
    }

    /** The threshold it exceeded. */
    public double threshold() {
      return threshold;
    }

    /** Index of the nearest centre. */
    public int cluster() {
      return cluster;
    }

    /** The client's feature vector in the window. */
    public Vector features() {
      return features;
    }

    @Override
    public String toString() {
      return "Flag{" + key + ", distance " + distance + " > " + threshold + ", cluster " + cluster
          + ", " + features + '}';
    }
  }
}
