package dev.netforge.processor.networks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Declaration} computed directly from its annotations in float64, unfused, one op at a time, with each op's
 * backward written from its formula — the processor's planner and generated code play no part. Dropout is the
 * identity (the test mode). Parameters carry PyTorch's names and layouts, as the generated network's do.
 */
final class Float64Network {
  /** One example's activation dimensions; a dense output is {@code [units, 1, 1]}. */
  record Dims(int c, int h, int w) {
    int size() {
      return c * h * w;
    }
  }

  /**
   * One op with the dimensions it reads and writes.
   *
   * @param prefix the parameter-name prefix of a convolution or dense op
   * @param towers the tower count an LRN's window stays within (1 before the first parametric op)
   */
  private record Step(Declaration.Op op, String prefix, Dims in, Dims out, int towers) {}

  private final List<Step> steps = new ArrayList<>();
  private final Dims input;

  Float64Network(Declaration decl) {
    input = new Dims(decl.channels(), decl.height(), decl.width());
    Dims dims = input;
    boolean split = false;
    for (Declaration.Method m : decl.methods()) {
      String prefix = m.param() != null ? m.param() : m.name();
      for (Declaration.Op op : m.ops()) {
        Dims out = outputOf(op, dims);
        steps.add(new Step(op, prefix, dims, out, split ? decl.towers() : 1));
        split |= op instanceof Declaration.Conv || op instanceof Declaration.Dense;
        dims = out;
      }
    }
  }

  /** The output dimensions of {@code op} on {@code in}: the one rule the DSL documents for windows. */
  static Dims outputOf(Declaration.Op op, Dims in) {
    if (op instanceof Declaration.Conv c) {
      return new Dims(c.filters(), windows(in.h(), c.kernel(), c.stride(), c.padding()), windows(in.w(), c.kernel(), c.stride(), c.padding()));
    } else if (op instanceof Declaration.MaxPool p) {
      return new Dims(in.c(), windows(in.h(), p.kernel(), p.stride(), 0), windows(in.w(), p.kernel(), p.stride(), 0));
    } else if (op instanceof Declaration.AvgPool p) {
      return new Dims(in.c(), windows(in.h(), p.kernel(), p.stride(), p.padding()), windows(in.w(), p.kernel(), p.stride(), p.padding()));
    } else if (op instanceof Declaration.Dense d) {
      return new Dims(d.units(), 1, 1);
    }
    return in;
  }

  static int windows(int in, int kernel, int stride, int padding) {
    return Math.floorDiv(in + 2 * padding - kernel, stride) + 1;
  }

  Dims output() {
    return steps.get(steps.size() - 1).out();
  }

  /** Every parameter's name and shape, in the order the network declares them (weight, then bias). */
  Map<String, int[]> parameterShapes() {
    Map<String, int[]> shapes = new LinkedHashMap<>();
    for (Step s : steps) {
      if (s.op() instanceof Declaration.Conv c) {
        shapes.put(s.prefix() + ".weight", new int[] {c.filters(), s.in().c() / c.groups(), c.kernel(), c.kernel()});
        shapes.put(s.prefix() + ".bias", new int[] {c.filters()});
      } else if (s.op() instanceof Declaration.Dense d) {
        shapes.put(s.prefix() + ".weight", new int[] {d.units(), s.in().size()});
        shapes.put(s.prefix() + ".bias", new int[] {d.units()});
      }
    }
    return shapes;
  }

  /** One forward pass, kept for its backward. */
  final class Pass {
    private final int batch;
    private final Map<String, double[]> parameters;
    /** {@code activations.get(i)} is what step {@code i} reads; the last entry is the output. */
    private final List<double[]> activations = new ArrayList<>();
    /**
     * The smallest gap, relative to its tensor's RMS, between a max-pooling window's maximum and a different
     * runner-up, or between a ReLU input and zero: where it is tiny, float32 rounding may choose the other branch.
     */
    private double closestCall = Double.POSITIVE_INFINITY;

    Pass(double[] x, int batch, Map<String, double[]> parameters) {
      this.batch = batch;
      this.parameters = parameters;
      activations.add(x);
      for (Step s : steps) {
        activations.add(forward(s, activations.get(activations.size() - 1)));
      }
    }

    double[] output() {
      return activations.get(activations.size() - 1);
    }

    double closestCall() {
      return closestCall;
    }

    /** Back from ∂loss/∂output; returns ∂loss/∂input and puts each parameter's gradient into {@code gradients}. */
    double[] backward(double[] gradOutput, Map<String, double[]> gradients) {
      double[] g = gradOutput;
      for (int i = steps.size() - 1; i >= 0; i--) {
        g = backward(steps.get(i), activations.get(i), activations.get(i + 1), g, gradients);
      }
      return g;
    }

    private double[] forward(Step s, double[] x) {
      Declaration.Op op = s.op();
      if (op instanceof Declaration.Conv c) {
        return conv(s, c, x);
      } else if (op instanceof Declaration.Dense d) {
        return dense(s, d, x);
      } else if (op instanceof Declaration.Relu) {
        double rms = rms(x);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
          y[i] = Math.max(x[i], 0);
          if (x[i] != 0) {
            closestCall = Math.min(closestCall, Math.abs(x[i]) / rms);
          }
        }
        return y;
      } else if (op instanceof Declaration.Lrn l) {
        return lrn(s, l, x, null, null);
      } else if (op instanceof Declaration.MaxPool p) {
        return maxPool(s, p, x, null, null);
      } else if (op instanceof Declaration.AvgPool p) {
        return avgPool(s, p, x, null, null);
      }
      return x.clone();
    }

    private double[] backward(Step s, double[] x, double[] y, double[] g, Map<String, double[]> gradients) {
      Declaration.Op op = s.op();
      if (op instanceof Declaration.Conv c) {
        return convBackward(s, c, x, g, gradients);
      } else if (op instanceof Declaration.Dense d) {
        return denseBackward(s, d, x, g, gradients);
      } else if (op instanceof Declaration.Relu) {
        double[] dx = new double[x.length];
        for (int i = 0; i < x.length; i++) {
          dx[i] = x[i] > 0 ? g[i] : 0;
        }
        return dx;
      } else if (op instanceof Declaration.Lrn l) {
        double[] dx = new double[x.length];
        lrn(s, l, x, g, dx);
        return dx;
      } else if (op instanceof Declaration.MaxPool p) {
        double[] dx = new double[x.length];
        maxPool(s, p, x, g, dx);
        return dx;
      } else if (op instanceof Declaration.AvgPool p) {
        double[] dx = new double[x.length];
        avgPool(s, p, x, g, dx);
        return dx;
      }
      return g.clone();
    }

    /** y[n,o,oy,ox] = bias[o] + Σ w[o,ci,ky,kx] · x[n, group(o)·cg + ci, oy·s − p + ky, ox·s − p + kx]. */
    private double[] conv(Step s, Declaration.Conv c, double[] x) {
      double[] w = parameters.get(s.prefix() + ".weight");
      double[] bias = parameters.get(s.prefix() + ".bias");
      double[] y = new double[batch * s.out().size()];
      forEachConvTerm(s, c, (yi, xi, wi) -> y[yi] += x[xi] * w[wi]);
      int plane = s.out().h() * s.out().w();
      for (int i = 0; i < y.length; i++) {
        y[i] += bias[i / plane % c.filters()];
      }
      return y;
    }

    private double[] convBackward(Step s, Declaration.Conv c, double[] x, double[] g, Map<String, double[]> gradients) {
      double[] w = parameters.get(s.prefix() + ".weight");
      double[] dw = new double[w.length];
      double[] dbias = new double[c.filters()];
      double[] dx = new double[x.length];
      forEachConvTerm(s, c, (yi, xi, wi) -> {
        dw[wi] += g[yi] * x[xi];
        dx[xi] += g[yi] * w[wi];
      });
      int plane = s.out().h() * s.out().w();
      for (int i = 0; i < g.length; i++) {
        dbias[i / plane % c.filters()] += g[i];
      }
      gradients.put(s.prefix() + ".weight", dw);
      gradients.put(s.prefix() + ".bias", dbias);
      return dx;
    }

    /** The convolution's multiply-adds as (output index, input index, weight index) triples, padding skipped. */
    private void forEachConvTerm(Step s, Declaration.Conv c, ConvTerm term) {
      Dims in = s.in();
      Dims out = s.out();
      int cg = in.c() / c.groups();
      int fg = c.filters() / c.groups();
      int k = c.kernel();
      for (int n = 0; n < batch; n++) {
        for (int o = 0; o < c.filters(); o++) {
          int group = o / fg;
          for (int oy = 0; oy < out.h(); oy++) {
            for (int ox = 0; ox < out.w(); ox++) {
              int yi = ((n * c.filters() + o) * out.h() + oy) * out.w() + ox;
              for (int ci = 0; ci < cg; ci++) {
                for (int ky = 0; ky < k; ky++) {
                  int iy = oy * c.stride() - c.padding() + ky;
                  for (int kx = 0; kx < k; kx++) {
                    int ix = ox * c.stride() - c.padding() + kx;
                    if (iy >= 0 && iy < in.h() && ix >= 0 && ix < in.w()) {
                      term.add(yi, ((n * in.c() + group * cg + ci) * in.h() + iy) * in.w() + ix, ((o * cg + ci) * k + ky) * k + kx);
                    }
                  }
                }
              }
            }
          }
        }
      }
    }

    /** y[n,u] = bias[u] + Σ_i w[u,i] · x[n,i], the input flattened in C, H, W order. */
    private double[] dense(Step s, Declaration.Dense d, double[] x) {
      double[] w = parameters.get(s.prefix() + ".weight");
      double[] bias = parameters.get(s.prefix() + ".bias");
      int in = s.in().size();
      double[] y = new double[batch * d.units()];
      for (int n = 0; n < batch; n++) {
        for (int u = 0; u < d.units(); u++) {
          double sum = bias[u];
          for (int i = 0; i < in; i++) {
            sum += w[u * in + i] * x[n * in + i];
          }
          y[n * d.units() + u] = sum;
        }
      }
      return y;
    }

    private double[] denseBackward(Step s, Declaration.Dense d, double[] x, double[] g, Map<String, double[]> gradients) {
      double[] w = parameters.get(s.prefix() + ".weight");
      int in = s.in().size();
      double[] dw = new double[w.length];
      double[] dbias = new double[d.units()];
      double[] dx = new double[x.length];
      for (int n = 0; n < batch; n++) {
        for (int u = 0; u < d.units(); u++) {
          double gu = g[n * d.units() + u];
          dbias[u] += gu;
          for (int i = 0; i < in; i++) {
            dw[u * in + i] += gu * x[n * in + i];
            dx[n * in + i] += gu * w[u * in + i];
          }
        }
      }
      gradients.put(s.prefix() + ".weight", dw);
      gradients.put(s.prefix() + ".bias", dbias);
      return dx;
    }

    /**
     * The paper's LRN, b_c = a_c / d_c^β with d_c = k + α Σ_{j∈N(c)} a_j², N(c) the {@code size} channels around c
     * clamped to c's tower. With {@code g} it writes ∂a into {@code dx} instead:
     * ∂a_j = g_j d_j^−β − 2αβ a_j Σ_{c: j∈N(c)} g_c a_c d_c^−β−1.
     */
    private double[] lrn(Step s, Declaration.Lrn l, double[] a, double[] g, double[] dx) {
      Dims d = s.in();
      int plane = d.h() * d.w();
      int perTower = d.c() / s.towers();
      double[] b = new double[a.length];
      for (int n = 0; n < batch; n++) {
        for (int c = 0; c < d.c(); c++) {
          int lo = Math.max(c - l.size() / 2, c / perTower * perTower);
          int hi = Math.min(c + l.size() / 2, (c / perTower + 1) * perTower - 1);
          for (int p = 0; p < plane; p++) {
            double sum = 0;
            for (int j = lo; j <= hi; j++) {
              double v = a[(n * d.c() + j) * plane + p];
              sum += v * v;
            }
            int at = (n * d.c() + c) * plane + p;
            double denominator = l.k() + l.alpha() * sum;
            b[at] = a[at] * Math.pow(denominator, -l.beta());
            if (g != null) {
              dx[at] += g[at] * Math.pow(denominator, -l.beta());
              double common = -2 * l.alpha() * l.beta() * g[at] * a[at] * Math.pow(denominator, -l.beta() - 1);
              for (int j = lo; j <= hi; j++) {
                dx[(n * d.c() + j) * plane + p] += common * a[(n * d.c() + j) * plane + p];
              }
            }
          }
        }
      }
      return b;
    }

    /**
     * The mean of each window over kernel² positions, zero padding counted (PyTorch's count_include_pad); with
     * {@code g}, spreads each window's gradient over its positions into {@code dx}.
     */
    private double[] avgPool(Step s, Declaration.AvgPool pool, double[] x, double[] g, double[] dx) {
      Dims in = s.in();
      Dims out = s.out();
      double area = pool.kernel() * pool.kernel();
      double[] y = new double[batch * out.size()];
      for (int plane = 0; plane < batch * in.c(); plane++) {
        for (int oy = 0; oy < out.h(); oy++) {
          for (int ox = 0; ox < out.w(); ox++) {
            int yi = (plane * out.h() + oy) * out.w() + ox;
            for (int ky = 0; ky < pool.kernel(); ky++) {
              for (int kx = 0; kx < pool.kernel(); kx++) {
                int iy = oy * pool.stride() - pool.padding() + ky;
                int ix = ox * pool.stride() - pool.padding() + kx;
                if (iy >= 0 && iy < in.h() && ix >= 0 && ix < in.w()) {
                  int at = (plane * in.h() + iy) * in.w() + ix;
                  y[yi] += x[at] / area;
                  if (g != null) {
                    dx[at] += g[yi] / area;
                  }
                }
              }
            }
          }
        }
      }
      return y;
    }

    /** Max over each window, the first maximum in row-major order winning; with {@code g}, routes it into {@code dx}. */
    private double[] maxPool(Step s, Declaration.MaxPool pool, double[] x, double[] g, double[] dx) {
      Dims in = s.in();
      Dims out = s.out();
      double rms = rms(x);
      double[] y = new double[batch * out.size()];
      for (int plane = 0; plane < batch * in.c(); plane++) {
        for (int oy = 0; oy < out.h(); oy++) {
          for (int ox = 0; ox < out.w(); ox++) {
            int best = -1;
            double runnerUp = Double.NEGATIVE_INFINITY;
            for (int ky = 0; ky < pool.kernel(); ky++) {
              for (int kx = 0; kx < pool.kernel(); kx++) {
                int at = (plane * in.h() + oy * pool.stride() + ky) * in.w() + ox * pool.stride() + kx;
                if (best < 0 || x[at] > x[best]) {
                  runnerUp = best < 0 ? runnerUp : x[best];
                  best = at;
                } else if (x[at] < x[best]) {
                  runnerUp = Math.max(runnerUp, x[at]);
                }
              }
            }
            int yi = (plane * out.h() + oy) * out.w() + ox;
            y[yi] = x[best];
            if (runnerUp > Double.NEGATIVE_INFINITY) {
              closestCall = Math.min(closestCall, (x[best] - runnerUp) / rms);
            }
            if (g != null) {
              dx[best] += g[yi];
            }
          }
        }
      }
      return y;
    }
  }

  private interface ConvTerm {
    void add(int outputIndex, int inputIndex, int weightIndex);
  }

  private static double rms(double[] v) {
    double sum = 0;
    for (double d : v) {
      sum += d * d;
    }
    return Math.max(Math.sqrt(sum / v.length), Double.MIN_NORMAL);
  }
}
