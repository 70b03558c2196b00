package dev.netforge.benchmarks;

import dev.netforge.runtime.nn.MaxPool2d;
import dev.netforge.runtime.nn.PoolShape;
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
 * The overlapping 3×3/2 max pooling of each network, forward and backward, on the shared worker pool: one tower's
 * planes of a batch of 128 ({@code channels} of them per example), inputs of ReLU output (a third zeros, so ties are
 * common). Shapes {@code HxW}: MiniAlexNet's conv1Pool 28×28 (32 channels a tower) and conv2Pool 13×13 (64),
 * AlexNetTorchvision's conv1 pool 55×55 (64) and conv2 pool 27×27 (192).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-XX:PerMethodTrapLimit=100000"})
public class MaxPoolBenchmark {
  private static final int BATCH = 128;

  @Param({"28x28", "13x13", "55x55", "27x27"})
  public String plane;

  private MaxPool2d pool;
  private float[] y;
  private float[] dx;

  @Setup
  public void setup() {
    int side = Integer.parseInt(plane.substring(0, plane.indexOf('x')));
    int channels = switch (side) {
      case 28 -> 32;
      case 13 -> 64;
      case 55 -> 64;
      default -> 192;
    };
    int out = (side - 3) / 2 + 1;
    PoolShape s = new PoolShape(channels, side, side, out, out, 3, 2);
    float[] x = StageBenchmark.filled(BATCH * channels * s.inPlane());
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.max(0f, x[i] + 0.15f);
    }
    y = new float[BATCH * channels * s.outPlane()];
    dx = new float[x.length];
    pool = new MaxPool2d(s, 0, channels);
    pool.bind(x, y, new int[y.length]);
    pool.bindGradients(StageBenchmark.filled(y.length), dx);
    pool.forward(BATCH, true);
  }

  @Benchmark
  public float[] forward() {
    pool.forward(BATCH, true);
    return y;
  }

  @Benchmark
  public float[] backward() {
    pool.backward(BATCH, true);
    return dx;
  }
}
