package dev.netforge.benchmarks;

import dev.netforge.runtime.Parallel;
import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.Scratch;
import dev.netforge.runtime.nn.Conv2d;
import dev.netforge.runtime.nn.ConvShape;
import dev.netforge.runtime.nn.LocalResponseNorm;
import dev.netforge.runtime.nn.LrnShape;
import dev.netforge.runtime.nn.MaxPool2d;
import dev.netforge.runtime.nn.PoolShape;
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
 * The fused stages of MiniAlexNet's conv2 layer at batch 128 on the shared worker pool: convolution with fused
 * bias + ReLU (one tower), its backward (ReLU derivative + bias gradient pass, weight and input gradients), LRN
 * forward and backward, overlapping max pooling forward and backward.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:PerMethodTrapLimit=100000"})
public class StageBenchmark {
  private static final int BATCH = 128;
  private static final ConvShape CONV2 = new ConvShape(64, 13, 13, 128, 13, 13, 5, 1, 2, 32);
  private static final LrnShape LRN2 = new LrnShape(128, 169, 5, 1e-4f, 0.75f, 2f, 2);
  private static final PoolShape POOL2 = new PoolShape(128, 13, 13, 6, 6, 3, 2);

  private final Scratch scratch = new Scratch(Parallel.shared().threads());
  private final Parameter weight = new Parameter("conv2.weight", new int[] {128, 32, 5, 5}, CONV2.patch(), false, 0f);
  private final Parameter bias = new Parameter("conv2.bias", new int[] {128}, CONV2.patch(), true, 0f);
  private final Conv2d conv = new Conv2d(CONV2, weight, bias, true, scratch, new TowerSlice(0, 0, 64, false));
  private final LocalResponseNorm[] lrn = {new LocalResponseNorm(LRN2, 0, scratch), new LocalResponseNorm(LRN2, 1, scratch)};
  private final MaxPool2d pool = new MaxPool2d(POOL2, 0, POOL2.channels());
  private float[] y;
  private float[] lrnOut;
  private float[] lrnGrad;
  private float[] poolInputGrad;

  @Setup
  public void setup() {
    float[] x = filled(BATCH * 64 * 169);
    System.arraycopy(filled(weight.size()), 0, weight.value, 0, weight.size());
    System.arraycopy(filled(128), 0, bias.value, 0, 128);
    y = new float[BATCH * 128 * 169];
    float[] dy = filled(y.length);
    conv.bind(x, y, null);
    conv.bindGradients(dy, new float[x.length]);
    lrnOut = new float[y.length];
    float[] lrnScale = new float[y.length];
    lrnGrad = new float[y.length];
    for (LocalResponseNorm tower : lrn) {
      tower.bind(y, lrnOut, lrnScale);
      tower.bindGradients(dy, lrnGrad);
    }
    float[] pooled = new float[BATCH * 128 * 36];
    poolInputGrad = new float[lrnOut.length];
    pool.bind(lrnOut, pooled, new int[pooled.length]);
    pool.bindGradients(filled(pooled.length), poolInputGrad);
    conv.forward(BATCH, false);
    normalize();
    pool.forward(BATCH, false);
  }

  static float[] filled(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = ((i * 7919) % 101 - 50) * 0.01f;
    }
    return v;
  }

  @Benchmark
  public float[] convForwardBiasRelu() {
    conv.forward(BATCH, false);
    return y;
  }

  @Benchmark
  public float[] convBackward() {
    conv.backward(BATCH, false);
    return weight.grad;
  }

  /** LRN forward over both towers' channels. */
  private void normalize() {
    for (LocalResponseNorm tower : lrn) {
      tower.forward(BATCH, false);
    }
  }

  @Benchmark
  public float[] lrnForward() {
    normalize();
    return lrnOut;
  }

  @Benchmark
  public float[] lrnBackward() {
    for (LocalResponseNorm tower : lrn) {
      tower.backward(BATCH, false);
    }
    return lrnGrad;
  }

  @Benchmark
  public float[] maxPoolForward() {
    pool.forward(BATCH, false);
    return lrnOut;
  }

  @Benchmark
  public float[] maxPoolBackward() {
    pool.backward(BATCH, false);
    return poolInputGrad;
  }
}
