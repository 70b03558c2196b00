package dev.netforge.benchmarks;

import dev.netforge.runtime.nn.Dense;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The fused stages of MiniAlexNet's fc6 at batch 128 on the shared worker pool, one tower's 512 of its 1024 units
 * from all 1152 inputs: the GEMM with bias, ReLU and the dropout mask in its store epilogue, and the backward (mask,
 * ReLU derivative and bias gradient in one pass, then the weight- and input-gradient GEMMs).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class DenseStageBenchmark {
  private static final int BATCH = 128;
  private static final int INPUTS = 1152;
  private static final int UNITS = 1024;
  private static final int TOWER_UNITS = 512;

  private float[] x;
  private float[] w;
  private float[] bias;
  private float[] mask;
  private float[] y;
  private float[] dy;
  private float[] dw;
  private float[] db;
  private float[] dx;

  @Setup
  public void setup() {
    x = StageBenchmark.filled(BATCH * INPUTS);
    w = StageBenchmark.filled(UNITS * INPUTS);
    bias = StageBenchmark.filled(UNITS);
    mask = new float[BATCH * UNITS];
    for (int i = 0; i < mask.length; i++) {
      mask[i] = (i * 7919) % 2 == 0 ? 2f : 0f;
    }
    y = new float[BATCH * UNITS];
    dy = StageBenchmark.filled(y.length);
    dw = new float[w.length];
    db = new float[UNITS];
    dx = new float[x.length];
    forward();
  }

  @Benchmark
  public float[] forward() {
    Dense.forward(x, BATCH, INPUTS, w, bias, y, UNITS, 0, TOWER_UNITS, true, mask);
    return y;
  }

  @Benchmark
  public float[] backward() {
    Dense.backward(x, BATCH, INPUTS, w, y, mask, true, dy, dw, db, dx, false, UNITS, 0, TOWER_UNITS);
    return dx;
  }
}
