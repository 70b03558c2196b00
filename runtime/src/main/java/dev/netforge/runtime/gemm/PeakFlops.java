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
   * A measurement: all the workers' FMA loops running at once, and each worker's own rate in that same round. Worker 0
   * is the caller's thread, and in a network of towers worker t runs tower t ({@link Parallel#towers}), so a worker
   * slower than the others here is a tower that the others wait for at each exchange.
   */
  public record Peak(double gflops, double[] workerGflops) {
    /** How far the slowest worker fell below the fastest: 0 when all ran alike, 0.1 when one ran 10% slower. */
    public double spread() {
      double slowest = Double.MAX_VALUE;
      double fastest = 0;
      for (double g : workerGflops) {
        slowest = Math.min(slowest, g);
        fastest = Math.max(fastest, g);
      }
      return fastest > 0 ? 1 - slowest / fastest : 0;
    }
  }

  /**
   * GFLOP/s over {@code threads} workers: the best of several rounds of about a tenth of a second each, since the
   * first rounds run before C2 has compiled the loop and any round can lose the core to another process; with each
   * worker's own rate in that round.
   */
  public static Peak measure(int threads) {
    float[] sink = new float[threads * 64];
    double[] flops = new double[threads];
    long[] nanos = new long[threads];
    for (int i = 0; i < 200; i++) {
      round(sink, 0, 100_000, flops, 0);
    }
    Peak best = new Peak(0, new double[threads]);
    for (int attempt = 0; attempt < 8; attempt++) {
      long start = System.nanoTime();
      Parallel.shared().forRange(threads, (w, a, b) -> {
        for (int t = a; t < b; t++) {
          long own = System.nanoTime();
          double total = 0;
          for (int i = 0; i < 25; i++) {
            round(sink, t * 64, 400_000, flops, t);
            total += flops[t];
          }
          flops[t] = total;
          nanos[t] = System.nanoTime() - own;
        }
      });
      double seconds = (System.nanoTime() - start) / 1e9;
      double total = 0;
      double[] workers = new double[threads];
      for (int t = 0; t < threads; t++) {
        total += flops[t];
        workers[t] = flops[t] / nanos[t];
      }
      if (total / seconds / 1e9 > best.gflops()) {
        best = new Peak(total / seconds / 1e9, workers);
      }
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
