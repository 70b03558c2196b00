package dev.netforge.benchmarks;

import dev.netforge.runtime.Parallel;
import dev.netforge.runtime.Scratch;
import dev.netforge.runtime.nn.Conv2d;
import dev.netforge.runtime.nn.ConvShape;
import dev.netforge.runtime.nn.LocalResponseNorm;
import dev.netforge.runtime.nn.LrnShape;
import dev.netforge.runtime.nn.MaxPool2d;
import dev.netforge.runtime.nn.PoolShape;
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
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class StageBenchmark {
  private static final int BATCH = 128;
  private static final ConvShape CONV2 = new ConvShape(64, 13, 13, 128, 13, 13, 5, 1, 2, 32);
  private static final LrnShape LRN2 = new LrnShape(128, 169, 5, 1e-4f, 0.75f, 2f, 2);
  private static final PoolShape POOL2 = new PoolShape(128, 13, 13, 6, 6, 3, 2);

  private final Scratch scratch = new Scratch(Parallel.shared().threads());
  private float[] x;
  private float[] w;
  private float[] bias;
  private float[] y;
  private float[] dy;
  private float[] dw;
  private float[] db;
  private float[] dx;
  private float[] lrnOut;
  private float[] lrnScale;
  private float[] lrnGrad;
  private float[] pooled;
  private int[] argmax;
  private float[] pooledGrad;
  private float[] poolInputGrad;

  @Setup
  public void setup() {
    x = filled(BATCH * 64 * 169);
    w = filled(128 * CONV2.patch());
    bias = filled(128);
    y = new float[BATCH * 128 * 169];
    dy = filled(y.length);
    dw = new float[w.length];
    db = new float[128];
    dx = new float[x.length];
    lrnOut = new float[y.length];
    lrnScale = new float[y.length];
    lrnGrad = new float[y.length];
    pooled = new float[BATCH * 128 * 36];
    argmax = new int[pooled.length];
    Conv2d.forward(scratch, CONV2, x, BATCH, w, bias, y, 0, 0, 64, true, null);
    normalize();
    maxPoolForward();
    pooledGrad = filled(pooled.length);
    poolInputGrad = new float[lrnOut.length];
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
    Conv2d.forward(scratch, CONV2, x, BATCH, w, bias, y, 0, 0, 64, true, null);
    return y;
  }

  @Benchmark
  public float[] convBackward() {
    Conv2d.backward(scratch, CONV2, x, BATCH, w, y, null, true, dy, dw, db, dx, false, 0, 0, 64);
    return dx;
  }

  /** LRN forward over both towers' channels. */
  private void normalize() {
    for (int t = 0; t < LRN2.towers(); t++) {
      LocalResponseNorm.forward(LRN2, t, y, lrnOut, lrnScale, BATCH);
    }
  }

  @Benchmark
  public float[] lrnForward() {
    normalize();
    return lrnOut;
  }

  @Benchmark
  public float[] lrnBackward() {
    for (int t = 0; t < LRN2.towers(); t++) {
      LocalResponseNorm.backward(LRN2, t, y, lrnOut, lrnScale, dy, lrnGrad, scratch, BATCH);
    }
    return lrnGrad;
  }

  @Benchmark
  public int[] maxPoolForward() {
    MaxPool2d.forward(POOL2, 0, POOL2.channels(), lrnOut, pooled, argmax, BATCH);
    return argmax;
  }

  @Benchmark
  public float[] maxPoolBackward() {
    MaxPool2d.backward(POOL2, 0, POOL2.channels(), pooledGrad, argmax, poolInputGrad, BATCH);
    return poolInputGrad;
  }
}