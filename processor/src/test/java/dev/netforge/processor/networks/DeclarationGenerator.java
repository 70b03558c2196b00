package dev.netforge.processor.networks;

import dev.netforge.processor.networks.Float64Network.Dims;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Random network declarations from a seed: valid ones built so that every shape fits (random op orders, pooling or LRN
 * before any layer with parameters, both roundings, rectangular inputs, groups, one or two towers, feature-map and
 * class-score outputs), and invalid ones, each a valid one with one defect the processor must report.
 *
 * <p>About one network in {@value #WIDE_EVERY} is wide: 32 to 256 input channels, planes of 5 to 14, and 32 to 256
 * filters a tower in each convolution, mostly 3×3 and 5×5 at stride 1, else filters of two to three strides of 2 to
 * 4, so that the runtime's Winograd paths (taken only where many input channels meet many filters; for strided
 * convolutions over their phase planes) run inside random networks too. Whether a seed's network is wide,
 * and what makes it so, is drawn from a second stream, so that the other seeds' networks are what they were before
 * wide ones existed.
 */
final class DeclarationGenerator {
  /** Activations per example above which a convolution is made to stride further, keeping the float64 reference quick. */
  private static final int MAX_ACTIVATIONS = 3000;
  /** {@link #MAX_ACTIVATIONS} in a wide network: room for 256 filters on 12×12 at stride 1. */
  private static final int MAX_ACTIVATIONS_WIDE = 40_000;
  private static final int WIDE_EVERY = 6;
  private static final int MAX_FILTERS_WIDE = 256;

  private final Random random;
  /** The second stream: whether the network is wide, and the draws only a wide network makes. */
  private final Random wide;
  private boolean wideNetwork;

  DeclarationGenerator(long seed) {
    // Mixed first: java.util.Random's first draws from neighbouring seeds are alike (seeds 1..200 all chose 2 towers).
    SplittableRandom mixed = new SplittableRandom(seed);
    random = new Random(mixed.nextLong());
    wide = new Random(mixed.nextLong());
  }

  /**
   * Method names as users write them, capitals and underscores included ({@code layer2A}, {@code layer3_b}): every
   * constant and field the processor derives from them must come out one way. Taken from the name and index rather
   * than drawn, so that a seed's shapes stay what they were before names varied.
   */
  private static String methodName(String network, int m) {
    String[] endings = {"", "A", "_b", "Conv", "_", "X2"};
    return "layer" + m + endings[Math.floorMod(network.hashCode() + m, endings.length)];
  }

  /** A declaration whose every shape fits. */
  Declaration valid(String name) {
    wideNetwork = wide.nextInt(WIDE_EVERY) == 0;
    int towers = 1 + random.nextInt(2);
    int height = 5 + random.nextInt(16);
    int width = random.nextBoolean() ? height : 5 + random.nextInt(16);
    if (wideNetwork) {
      // Small planes, so that many filters fit MAX_ACTIVATIONS_WIDE at stride 1.
      height = Math.min(height, 5 + wide.nextInt(10));
      width = Math.min(width, 5 + wide.nextInt(10));
    }
    int channels = wideNetwork ? 32 * (1 + wide.nextInt(8)) : 1 + random.nextInt(4);
    Dims dims = new Dims(channels, height, width);
    int methodCount = 1 + random.nextInt(6);
    List<Declaration.Method> methods = new ArrayList<>();
    boolean dense = false;
    boolean parametric = false;
    for (int m = 0; m < methodCount; m++) {
      // 0: convolution, 1: dense, else a method without parameters; the last one has them if none did before.
      int kind = m == methodCount - 1 && !parametric ? random.nextInt(2) : random.nextInt(5);
      if (wideNetwork && kind > 1 && wide.nextBoolean()) {
        kind = 0; // more convolutions, so that one often meets another's many filters
      }
      boolean withParameters = kind <= 1;
      List<Declaration.Op> free = new ArrayList<>(List.of(new Declaration.Relu(), new Declaration.Dropout(0), new Declaration.Lrn(1, 0, 0, 0)));
      if (!dense) {
        free.add(new Declaration.MaxPool(0, 0, false));
        free.add(new Declaration.AvgPool(0, 0, 0, false));
      }
      Collections.shuffle(free, random);
      List<Declaration.Op> planned = new ArrayList<>(free.subList(0, withParameters ? random.nextInt(3) : 1 + random.nextInt(3)));
      if (withParameters) {
        Declaration.Op op = kind == 0 && !dense ? new Declaration.Conv(0, 0, 0, 0, 0, false) : new Declaration.Dense(0);
        // Usually first, as in the paper; sometimes after ops that act on the stage before.
        planned.add(random.nextInt(4) == 0 ? random.nextInt(planned.size() + 1) : 0, op);
      }
      List<Declaration.Op> ops = new ArrayList<>();
      for (Declaration.Op sketch : planned) {
        if (dense && (sketch instanceof Declaration.MaxPool || sketch instanceof Declaration.AvgPool)) {
          continue; // the method's dense layer came first: nothing spatial is left to pool
        }
        Declaration.Op op = concrete(sketch, dims, towers);
        ops.add(op);
        dims = Float64Network.outputOf(op, dims);
        dense |= op instanceof Declaration.Dense;
        parametric |= op instanceof Declaration.Conv || op instanceof Declaration.Dense;
      }
      if (ops.isEmpty()) {
        ops.add(new Declaration.Relu());
      }
      String param = withParameters && random.nextInt(5) == 0 ? "features." + m : null;
      methods.add(new Declaration.Method(methodName(name, m), param, ops));
    }
    boolean softmax = dims.h() == 1 && dims.w() == 1 && dims.c() > 1 && random.nextBoolean();
    return new Declaration(name, towers, channels, height, width, methods, softmax);
  }

  /** A valid declaration with one defect, each of which is wrong whatever the shapes around it. */
  Declaration invalid(String name) {
    Declaration d = valid(name);
    List<Declaration.Method> methods = new ArrayList<>(d.methods());
    int m = random.nextInt(methods.size());
    Declaration.Method method = methods.get(m);
    List<Declaration.Op> ops = new ArrayList<>(method.ops());
    Declaration.Op defect =
        switch (random.nextInt(9)) {
          case 0 -> new Declaration.Conv(2 * d.towers(), 3, 1, -1, 1, true);
          case 1 -> new Declaration.Lrn(4, 1e-4, 0.75, 2);
          case 2 -> new Declaration.Lrn(3, 1e-4, 0.75, 0);
          case 3 -> new Declaration.Dropout(1.5);
          case 4 -> new Declaration.Conv(2 * d.towers(), 99, 1, 0, 1, true);
          case 5 -> new Declaration.Conv(13 * d.towers(), 1, 1, 0, 13, true);
          case 6 -> new Declaration.Dense(0);
          case 7 -> new Declaration.AvgPool(2, 1, 2, false);
          default -> null;
        };
    if (defect == null) {
      return new Declaration(name, 3, d.channels(), d.height(), d.width(), d.methods(), d.softmax());
    }
    // A method holds each annotation once, and at most one op with parameters.
    ops.removeIf(op -> op.getClass() == defect.getClass() || hasParameters(op) && hasParameters(defect));
    ops.add(random.nextInt(ops.size() + 1), defect);
    methods.set(m, new Declaration.Method(method.name(), method.param(), ops));
    return new Declaration(name, d.towers(), d.channels(), d.height(), d.width(), methods, d.softmax());
  }

  /** The op {@code sketch} stands for, with attributes drawn to fit {@code in}. */
  private Declaration.Op concrete(Declaration.Op sketch, Dims in, int towers) {
    if (sketch instanceof Declaration.Conv) {
      return conv(in, towers);
    } else if (sketch instanceof Declaration.Dense) {
      return new Declaration.Dense(towers * (1 + random.nextInt(8)));
    } else if (sketch instanceof Declaration.MaxPool) {
      int kernel = 1 + random.nextInt(Math.min(5, Math.min(in.h(), in.w())));
      int stride = 1 + random.nextInt(3);
      return new Declaration.MaxPool(kernel, stride, !exact(in, kernel, stride, 0) || random.nextInt(3) == 0);
    } else if (sketch instanceof Declaration.AvgPool) {
      int kernel = 1 + random.nextInt(Math.min(5, Math.min(in.h(), in.w())));
      int padding = random.nextInt(kernel / 2 + 1);
      int stride = 1 + random.nextInt(3);
      return new Declaration.AvgPool(kernel, stride, padding, !exact(in, kernel, stride, padding) || random.nextInt(3) == 0);
    } else if (sketch instanceof Declaration.Lrn) {
      double[] alphas = {1e-4, 1e-3, 0.01, 0.1, 1.0};
      double[] betas = {0.5, 0.75, 1.0};
      return new Declaration.Lrn(1 + 2 * random.nextInt(4), alphas[random.nextInt(alphas.length)], betas[random.nextInt(betas.length)],
          1 + random.nextInt(2));
    } else if (sketch instanceof Declaration.Dropout) {
      return new Declaration.Dropout(random.nextInt(3) * 0.25);
    }
    return sketch;
  }

  private Declaration.Conv conv(Dims in, int towers) {
    List<Integer> groupChoices = new ArrayList<>();
    for (int g = 1; g <= in.c(); g++) {
      if (in.c() % g == 0 && (g == 1 || g % towers == 0)) {
        groupChoices.add(g);
      }
    }
    int groups = groupChoices.get(random.nextInt(groupChoices.size()));
    if (wideNetwork) {
      // 1 or the next: wide groups. (Single-channel groups of many channels also hold, after a ReLU, many outputs
      // equal to their bias, which an LRN makes near-ties for a max pooling in every draw.)
      groups = groupChoices.get(Math.min(groupChoices.size() - 1, wide.nextInt(2)));
    }
    int unit = groups * towers / gcd(groups, towers);
    int filters = unit * (1 + random.nextInt(Math.max(1, 12 / unit)));
    int kernel = 1 + random.nextInt(Math.min(11, Math.min(in.h(), in.w())));
    int padding = random.nextInt(kernel / 2 + 1);
    int stride = 1 + random.nextInt(4);
    if (wideNetwork) {
      int target = 32 * (1 + wide.nextInt(MAX_FILTERS_WIDE / 32)) * towers; // 32 to 256 filters a tower
      filters = unit * Math.max(1, target / unit);
      int winogradKernel = wide.nextInt(3) > 0 ? 3 : 5;
      int phaseStride = 2 + wide.nextInt(3);
      int phaseKernel = 2 * phaseStride + 1 + wide.nextInt(phaseStride);
      int phasePadding = wide.nextInt(phaseKernel / 2 + 1);
      int choice = wide.nextInt(8);
      if (choice > 0 && winogradKernel <= Math.min(in.h(), in.w())) {
        kernel = winogradKernel;
        padding = wide.nextInt(kernel / 2 + 1);
        stride = 1;
      } else if (choice == 0 && phaseKernel <= Math.min(in.h(), in.w()) + 2 * phasePadding) {
        // A strided convolution whose filters span two to three strides: Winograd's algorithm over its phase planes.
        kernel = phaseKernel;
        padding = phasePadding;
        stride = phaseStride;
      }
    }
    int maxActivations = wideNetwork ? MAX_ACTIVATIONS_WIDE : MAX_ACTIVATIONS;
    while ((long) filters * Float64Network.windows(in.h(), kernel, stride, padding) * Float64Network.windows(in.w(), kernel, stride, padding)
        > maxActivations) {
      stride++;
    }
    return new Declaration.Conv(filters, kernel, stride, padding, groups, !exact(in, kernel, stride, padding) || random.nextInt(3) == 0);
  }

  private static boolean hasParameters(Declaration.Op op) {
    return op instanceof Declaration.Conv || op instanceof Declaration.Dense;
  }

  private static boolean exact(Dims in, int kernel, int stride, int padding) {
    return (in.h() + 2 * padding - kernel) % stride == 0 && (in.w() + 2 * padding - kernel) % stride == 0;
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }
}
