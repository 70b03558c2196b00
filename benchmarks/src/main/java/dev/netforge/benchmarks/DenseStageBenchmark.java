package dev.netforge.benchmarks;

import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.nn.Dense;
import dev.netforge.runtime.nn.TowerSlice;
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
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:PerMethodTrapLimit=100000"})
public class DenseStageBenchmark {
  private static final int BATCH = 128;
  private static final int INPUTS = 1152;
  private static final int UNITS = 1024;
  private static final int TOWER_UNITS = 512;

  private final Parameter weight = new Parameter("fc6.weight", new int[] {UNITS, INPUTS}, INPUTS, false, 0f);
  private final Parameter bias = new Parameter("fc6.bias", new int[] {UNITS}, INPUTS, true, 0f);
  private final Dense dense = new Dense(INPUTS, UNITS, weight, bias, true, new TowerSlice(0, 0, TOWER_UNITS, false));
  private float[] y;
  private float[] dx;

  @Setup
  public void setup() {
    System.arraycopy(StageBenchmark.filled(weight.size()), 0, weight.value, 0, weight.size());
    System.arraycopy(StageBenchmark.filled(UNITS), 0, bias.value, 0, UNITS);
    float[] mask = new float[BATCH * UNITS];
    for (int i = 0; i < mask.length; i++) {
      mask[i] = (i * 7919) % 2 == 0 ? 2f : 0f;
    }
    float[] x = StageBenchmark.filled(BATCH * INPUTS);
    y = new float[BATCH * UNITS];
    dx = new float[x.length];
    dense.bind(x, y, mask);
    dense.bindGradients(StageBenchmark.filled(y.length), dx);
    forward();
  }

  /** A training pass: the dropout mask applies. */
  @Benchmark
  public float[] forward() {
    dense.forward(BATCH, true);
    return y;
  }

  @Benchmark
  public float[] backward() {
    dense.backward(BATCH, true);
    return dx;
  }
}
