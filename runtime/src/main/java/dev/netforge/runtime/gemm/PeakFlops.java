package dev.netforge.runtime.gemm;

import dev.netforge.runtime.Parallel;
import dev.netforge.runtime.VectorApi;

/**
 * This machine's practical peak FP32 rate: independent FMA chains on every worker, long enough to reach steady
 * clocks. The benchmark's "fraction of peak" divides by this.
 */
public final class PeakFlops {
  private PeakFlops() {}

  /**
   * GFLOP/s over {@code threads} workers: the best of several rounds of about a tenth of a second each, since the
   * first rounds run before C2 has compiled the loop and any round can lose the core to another process.
   */
  public static double measure(int threads) {
    float[] sink = new float[threads * 64];
    double[] flops = new double[threads];
    for (int i = 0; i < 200; i++) {
      round(sink, 0, 100_000, flops, 0);
    }
    double best = 0;
    for (int attempt = 0; attempt < 8; attempt++) {
      long start = System.nanoTime();
      Parallel.shared().forRange(threads, (w, a, b) -> {
        for (int t = a; t < b; t++) {
          double total = 0;
          for (int i = 0; i < 25; i++) {
            round(sink, t * 64, 400_000, flops, t);
            total += flops[t];
          }
          flops[t] = total;
        }
      });
      double seconds = (System.nanoTime() - start) / 1e9;
      double total = 0;
      for (double f : flops) {
        total += f;
      }
      best = Math.max(best, total / seconds / 1e9);
    }
    return best;
  }

  private static void round(float[] sink, int at, int iterations, double[] flops, int slot) {
    if (VectorApi.present()) {
      flops[slot] = VectorFma.run(sink, at, iterations);
    } else {
      flops[slot] = scalar(sink, at, iterations);
    }
  }

  private static double scalar(float[] sink, int at, int iterations) {
    float a0 = 1f, a1 = 1f, a2 = 1f, a3 = 1f, a4 = 1f, a5 = 1f, a6 = 1f, a7 = 1f;
    float m = 0.999999f, c = 1e-7f;
    for (int i = 0; i < iterations; i++) {
      a0 = Math.fma(m, c, a0);
      a1 = Math.fma(m, c, a1);
      a2 = Math.fma(m, c, a2);
      a3 = Math.fma(m, c, a3);
      a4 = Math.fma(m, c, a4);
      a5 = Math.fma(m, c, a5);
      a6 = Math.fma(m, c, a6);
      a7 = Math.fma(m, c, a7);
    }
    sink[at] = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
    return 2.0 * 8 * iterations;
  }
}
