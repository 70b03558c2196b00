package dev.netforge.runtime.images;

/** Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations (for the 3×3 RGB covariance). */
final class SymmetricEigen {
  private SymmetricEigen() {}

  /**
   * @param a a symmetric n×n matrix, row-major (not modified)
   * @param values receives the n eigenvalues, largest first
   * @param vectors receives the eigenvectors as columns (row-major n×n), in the order of {@code values}
   */
  static void decompose(double[] a, int n, double[] values, double[] vectors) {
    double[] m = a.clone();
    double[] v = new double[n * n];
    for (int i = 0; i < n; i++) {
      v[i * n + i] = 1;
    }
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0;
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          off += m[p * n + q] * m[p * n + q];
        }
      }
      if (off < 1e-30) {
        break;
      }
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          if (Math.abs(m[p * n + q]) < 1e-300) {
            continue;
          }
          // The rotation in the (p, q) plane that zeroes m[p][q].
          double theta = (m[q * n + q] - m[p * n + p]) / (2 * m[p * n + q]);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) {
            t = 1;
          }
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          for (int k = 0; k < n; k++) {
            double mkp = m[k * n + p];
            double mkq = m[k * n + q];
            m[k * n + p] = c * mkp - s * mkq;
            m[k * n + q] = s * mkp + c * mkq;
          }
          for (int k = 0; k < n; k++) {
            double mpk = m[p * n + k];
            double mqk = m[q * n + k];
            m[p * n + k] = c * mpk - s * mqk;
            m[q * n + k] = s * mpk + c * mqk;
          }
          for (int k = 0; k < n; k++) {
            double vkp = v[k * n + p];
            double vkq = v[k * n + q];
            v[k * n + p] = c * vkp - s * vkq;
            v[k * n + q] = s * vkp + c * vkq;
          }
        }
      }
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (x, y) -> Double.compare(m[y * n + y], m[x * n + x]));
    for (int j = 0; j < n; j++) {
      values[j] = m[order[j] * n + order[j]];
      for (int k = 0; k < n; k++) {
        vectors[k * n + j] = v[k * n + order[j]];
      }
    }
  }
}
