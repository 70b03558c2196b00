package dev.netforge.processor.plan;

import dev.netforge.processor.model.Shape;
import java.util.List;

/**
 * One fused pass of the planned network. Parametric stages absorb the element-wise operations written right after
 * them (ReLU, dropout) into their epilogue; LRN and pooling are single passes of their own.
 */
public sealed interface Stage {
  /** The declaring method. */
  String layer();

  Shape in();

  Shape out();

  /** Multiply-adds per example in the forward pass. */
  long macs();

  /**
   * A convolution or dense layer with its fused epilogue.
   *
   * @param paramPrefix parameter-name prefix ({@code <prefix>.weight}, {@code <prefix>.bias})
   * @param kernel kernel size (1 for dense)
   * @param stride stride (1 for dense)
   * @param padding padding (0 for dense)
   * @param groups channel groups (1 for dense)
   * @param relu whether ReLU is fused into the epilogue
   * @param dropout fused dropout rate, 0 when none
   * @param initialBias the declared bias value
   * @param slices what each tower computes
   * @param exchange the exchange this layer needs, or {@code null}
   */
  record Parametric(
      String layer,
      boolean dense,
      String paramPrefix,
      Shape in,
      Shape out,
      int kernel,
      int stride,
      int padding,
      int groups,
      boolean relu,
      double dropout,
      double initialBias,
      List<TowerSlice> slices,
      Exchange exchange)
      implements Stage {
    public Parametric {
      slices = List.copyOf(slices);
    }

    /** Input channels one filter sees. */
    public int groupInputs() {
      return (int) (dense ? in.size() : in.channels() / groups);
    }

    /** Fan-in of one output: the inputs one weight row multiplies. */
    public int fanIn() {
      return groupInputs() * kernel * kernel;
    }

    public long weightCount() {
      return (long) out.channels() * fanIn();
    }

    public long parameterCount() {
      return weightCount() + out.channels();
    }

    @Override
    public long macs() {
      return out.size() * fanIn();
    }
  }

  /**
   * Local response normalization within each tower's channels.
   *
   * @param towers how many towers its channels are split over: the network's tower count, or 1 before the first
   *     parametric layer, where the input is whole on every tower and the window spans all of its channels
   */
  record Lrn(String layer, Shape in, int size, double alpha, double beta, double k, int towers) implements Stage {
    @Override
    public Shape out() {
      return in;
    }

    @Override
    public long macs() {
      return in.size() * (size + 2L);
    }
  }

  /**
   * Max pooling, recording the arg-max for the backward pass.
   *
   * @param towers how many towers its channels are split over: the network's tower count, or 1 before the first
   *     parametric layer, where the input is whole on every tower
   */
  record MaxPool(String layer, Shape in, Shape out, int kernel, int stride, int towers) implements Stage {
    @Override
    public long macs() {
      return 0;
    }
  }

  /** A ReLU that could not be fused into a parametric epilogue (written after LRN or pooling). */
  record Relu(String layer, Shape in) implements Stage {
    @Override
    public Shape out() {
      return in;
    }

    @Override
    public long macs() {
      return 0;
    }
  }

  /** Inverted dropout that could not be fused into a parametric epilogue. */
  record Dropout(String layer, Shape in, double rate) implements Stage {
    @Override
    public Shape out() {
      return in;
    }

    @Override
    public long macs() {
      return 0;
    }
  }
}
