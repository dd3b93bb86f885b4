package io.sluice.spark.analytics.ml;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaDoubleRDD;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.mllib.clustering.StreamingKMeans;
import org.apache.spark.mllib.clustering.StreamingKMeansModel;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;

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
 */
public final class AnomalousClients {

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
   * them. The RDD is read twice (persist it if it is costly to compute); an empty batch only
   * decays the centres' weights.
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
   * as the model stands (a pure function of the input and the current state; nothing changes).
   * Empty while warming up.
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
