package dev.netforge.benchmarks;

import dev.netforge.runtime.gemm.Epilogue;
import dev.netforge.runtime.gemm.Sgemm;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One thread's SGEMM on the shapes the networks produce, {@code M×N×K}: per-image convolution GEMMs of one tower
 * (filters × output positions × patch) and the dense layers at batch 128. GFLOP/s = 2·M·N·K / time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:PerMethodTrapLimit=100000"})
public class GemmBenchmark {
  @Param({
    "48x3025x363", // AlexNet2012 conv1, one tower, one image
    "128x729x1200", // AlexNet2012 conv2, one tower
    "192x169x2304", // AlexNet2012 conv3, one tower
    "64x169x800", // MiniAlexNet conv2, one tower
    "96x36x1152", // MiniAlexNet conv3, one tower
    "128x2048x9216", // AlexNet2012 fc6, one tower, batch 128
    "128x9216x2048", // AlexNet2012 fc6's input gradient, one tower: B is the weights, packed from rows 36 kB apart
    "512x512x512"
  })
  public String shape;

  private int m;
  private int n;
  private int k;
  private float[] a;
  private float[] b;
  private float[] c;

  @Setup
  public void setup() {
    String[] d = shape.split("x");
    m = Integer.parseInt(d[0]);
    n = Integer.parseInt(d[1]);
    k = Integer.parseInt(d[2]);
    a = new float[m * k];
    b = new float[k * n];
    c = new float[m * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = (i % 13) * 0.01f;
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (i % 7) * 0.01f;
    }
  }

  @Benchmark
  public float[] gemm() {
    Sgemm.gemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false, Epilogue.NONE);
    return c;
  }
}
