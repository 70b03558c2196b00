package dev.netforge.runtime;

/**
 * Direct, unfused float64 implementations of every layer, written straight from the formulas: the ground truth the
 * finite-difference checks differentiate.
 */
final class Float64Layers {
  private Float64Layers() {}

  /** Convolution over [n, c, h, w] with groups, then optional ReLU and dropout mask. */
  static double[] conv(double[] x, int n, int c, int h, int w, double[] weight, double[] bias, int filters, int k, int stride, int pad, int groups,
      int oh, int ow, boolean relu, float[] mask) {
    double[] y = new double[n * filters * oh * ow];
    int cg = c / groups;
    int fg = filters / groups;
    for (int b = 0; b < n; b++) {
      for (int o = 0; o < filters; o++) {
        int g = o / fg;
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            double s = bias[o];
            for (int ci = 0; ci < cg; ci++) {
              for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++) {
                  int iy = oy * stride - pad + ky;
                  int ix = ox * stride - pad + kx;
                  if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                    s += x[((b * c + g * cg + ci) * h + iy) * w + ix] * weight[((o * cg + ci) * k + ky) * k + kx];
                  }
                }
              }
            }
            int i = ((b * filters + o) * oh + oy) * ow + ox;
            y[i] = activate(s, relu, mask, i);
          }
        }
      }
    }
    return y;
  }

  static double[] dense(double[] x, int n, int in, double[] weight, double[] bias, int units, boolean relu, float[] mask) {
    double[] y = new double[n * units];
    for (int b = 0; b < n; b++) {
      for (int u = 0; u < units; u++) {
        double s = bias[u];
        for (int i = 0; i < in; i++) {
          s += x[b * in + i] * weight[u * in + i];
        }
        y[b * units + u] = activate(s, relu, mask, b * units + u);
      }
    }
    return y;
  }

  private static double activate(double s, boolean relu, float[] mask, int i) {
    if (relu) {
      s = Math.max(s, 0);
    }
    return mask == null ? s : s * mask[i];
  }

  /** The paper's LRN within each tower, α not divided by size. */
  static double[] lrn(double[] a, int n, int c, int plane, int size, double alpha, double beta, double k, int towers) {
    double[] b = new double[a.length];
    int per = c / towers;
    for (int s = 0; s < n; s++) {
      for (int ch = 0; ch < c; ch++) {
        int lo = Math.max(ch - size / 2, ch / per * per);
        int hi = Math.min(ch + size / 2, (ch / per + 1) * per - 1);
        for (int p = 0; p < plane; p++) {
          double sum = 0;
          for (int j = lo; j <= hi; j++) {
            double v = a[(s * c + j) * plane + p];
            sum += v * v;
          }
          int i = (s * c + ch) * plane + p;
          b[i] = a[i] / Math.pow(k + alpha * sum, beta);
        }
      }
    }
    return b;
  }

  static double[] maxPool(double[] x, int planes, int h, int w, int oh, int ow, int k, int stride) {
    double[] y = new double[planes * oh * ow];
    for (int p = 0; p < planes; p++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          double m = Double.NEGATIVE_INFINITY;
          for (int ky = 0; ky < k; ky++) {
            for (int kx = 0; kx < k; kx++) {
              m = Math.max(m, x[(p * h + oy * stride + ky) * w + ox * stride + kx]);
            }
          }
          y[(p * oh + oy) * ow + ox] = m;
        }
      }
    }
    return y;
  }

  /** Each window's mean over k² positions, zero padding counted (PyTorch's count_include_pad). */
  static double[] avgPool(double[] x, int planes, int h, int w, int oh, int ow, int k, int stride, int pad) {
    double[] y = new double[planes * oh * ow];
    for (int p = 0; p < planes; p++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          double sum = 0;
          for (int ky = 0; ky < k; ky++) {
            for (int kx = 0; kx < k; kx++) {
              int iy = oy * stride - pad + ky;
              int ix = ox * stride - pad + kx;
              if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                sum += x[(p * h + iy) * w + ix];
              }
            }
          }
          y[(p * oh + oy) * ow + ox] = sum / (k * k);
        }
      }
    }
    return y;
  }

  static double dot(double[] a, float[] r) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * r[i];
    }
    return s;
  }

  static double[] widen(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }
}
