package io.sluice.spark.analytics.ml;

/**
 * The three level-1 BLAS routines the driver-side model steps need, on dense arrays with unit
 * stride, computed as the reference BLAS does (netlib's F2jBLAS, the Fortran reference translated
 * to Java, which Spark 2.4.7 MLlib's {@code BLAS} calls for dense vectors): {@code ddot} keeps the
 * reference's order of additions (the first {@code n mod 5} products one by one, then groups of
 * five), so a step gives the same bits as MLlib's own; {@code daxpy} and {@code dscal} are
 * element-wise. Kept here, not taken from netlib, because the two Spark lines Sluice compiles the
 * jobs for ship different netlib packages (Spark 3.5: {@code dev.ludovic.netlib}).
 */
final class DenseBlas {

  private DenseBlas() {}

  /** {@code x[0..n) . y[0..n)}, in the reference BLAS's order of additions. */
  static double ddot(int n, double[] x, double[] y) {
    double sum = 0.0;
    int m = n % 5;
    for (int i = 0; i < m; i++) {
      sum += x[i] * y[i];
    }
    for (int i = m; i < n; i += 5) {
      sum = sum + x[i] * y[i] + x[i + 1] * y[i + 1] + x[i + 2] * y[i + 2] + x[i + 3] * y[i + 3]
          + x[i + 4] * y[i + 4];
    }
    return sum;
  }

  /** {@code y[0..n) += a * x[0..n)}; nothing when {@code a} is 0, as the reference. */
  static void daxpy(int n, double a, double[] x, double[] y) {
    if (a == 0.0) {
      return;
    }
    for (int i = 0; i < n; i++) {
      y[i] += a * x[i];
    }
  }

  /** {@code x[0..n) *= a}. */
  static void dscal(int n, double a, double[] x) {
    for (int i = 0; i < n; i++) {
      x[i] = a * x[i];
    }
  }
}
