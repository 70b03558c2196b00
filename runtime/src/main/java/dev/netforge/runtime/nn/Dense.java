package dev.netforge.runtime.nn;

import dev.netforge.runtime.Parallel;
import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.gemm.Epilogue;
import dev.netforge.runtime.gemm.Sgemm;
import dev.netforge.runtime.gemm.SumTree;

/**
 * A fully connected layer on {@code [batch, inputs]} for one tower: its slices of units [outStart, outStart +
 * outCount) ({@link TowerSlice}), one after the other. Weights are {@code [units, inputs]} (PyTorch's layout).
 *
 * <pre>
 * forward:  y[:, u]  = relu(x · W[u, :]ᵀ + b[u]) · mask       (as yᵀ = W · xᵀ with W's rows read in place, then
 *                                                            bias and ReLU on each row of yᵀ and the mask as it
 *                                                            is transposed into y)
 * backward: g        = dy · mask · [y &gt; 0];  db[u] = Σ_n g[n, u]
 *           dW[u, :] = g[:, u]ᵀ · x;   dx (+)= g[:, u] · W[u, :]
 * </pre>
 * {@code dy} is overwritten with g. db and dW sum over the examples in {@link BatchTree}'s order with {@link
 * BatchTree#longLeaf}'s leaves. dW's is one GEMM for up to {@value #EXAMPLES_PER_GEMM} examples, which sums each tile
 * over the tree's leaves while the tile is in L1 ({@link Sgemm#parallel} with a {@link SumTree}) and writes dW
 * once: AlexNet's fc6 has 38 million weights, and a GEMM per leaf wrote them once and read and wrote them again for
 * every further leaf.
 */
public final class Dense extends Stage {
  /** Examples of one dW GEMM at most (their panels packed whole); a larger batch's halves are summed as BatchTree's. */
  private static final int EXAMPLES_PER_GEMM = 256;

  /**
   * BatchTree's order for each of {@link BatchTree#longLeaf}'s leaves, long enough that dW's GEMMs stream (and under
   * {@link Sgemm}'s k-block, so that a leaf is one sum per element): each tile's leaves are summed in L1, and
   * AlexNet's fc6 weight gradient took 48–55 ms with leaves of 64 against 57–60 with 32 (batch 128, two threads;
   * docs/performance.md, session 34).
   */
  private static final SumTree LONG_LEAVES = BatchTree.withLeaves(BatchTree.LONG_LEAF);

  private static final SumTree LONGER_LEAVES = BatchTree.withLeaves(BatchTree.LONGER_LEAF);

  /** Units the forward pass copies from its transposed output into y together: one cache line of floats. */
  private static final int TRANSPOSE_UNITS = 16;

  /**
   * Panels of units ({@link Sgemm#panelHeight} each) a thread claims at a time in the forward pass: fc6's 2048 units a
   * tower are eight claims, enough for another tower's thread, done with its own, to take a share (Parallel#towers).
   */
  private static final int PANELS_PER_CLAIM = 32;

  private final int inputs;
  private final int units;
  private final Parameter weight;
  private final Parameter bias;
  private final boolean relu;
  private final TowerSlice[] slices;
  /** The dropout multipliers of a training pass, or {@code null} for a layer without dropout. */
  private float[] mask;
  /**
   * dW sums of whole subtrees that must be added to the sum so far, by depth below the root ({@link
   * #weightGradient}): none for a batch of up to 2·{@value #EXAMPLES_PER_GEMM}, made when a larger batch first needs one.
   */
  private float[][] subtreeSums = new float[0][];
  /** yᵀ of the slice being computed, {@code [outCount, batch]}. */
  private float[] transposedOutput = new float[0];
  /** xᵀ packed for the forward pass's GEMMs ({@link Sgemm#packB}), once for all its claims. */
  private float[] packedInput = new float[0];
  private final ForwardRows forwardRows = new ForwardRows();
  private final BackwardProducts backwardProducts = new BackwardProducts();

  /**
   * @param inputs input features per example
   * @param units all the layer's units (output features per example)
   * @param relu whether a ReLU follows (fused into the GEMM's epilogue)
   * @param slices what this tower computes, in order
   */
  public Dense(int inputs, int units, Parameter weight, Parameter bias, boolean relu, TowerSlice... slices) {
    this.inputs = inputs;
    this.units = units;
    this.weight = weight;
    this.bias = bias;
    this.relu = relu;
    this.slices = slices.clone();
  }

  /**
   * Binds the forward pass's arrays.
   *
   * @param mask the dropout multipliers a training pass applies, or {@code null} for a layer without dropout
   */
  public void bind(float[] x, float[] y, float[] mask) {
    bindInputOutput(x, y);
    this.mask = mask;
  }

  /**
   * The forward pass computes yᵀ = W · xᵀ, W's rows read where they lie ({@link Sgemm#gemmRowsAPackedB}): the
   * weights are the large operand (AlexNet's fc6: 19 million floats a tower), and as the product's transposed B they
   * were gathered into packed panels — megabytes written and read back — while xᵀ, packed instead, is the batch's
   * few. Each element gets the same products in the same order, so y has the bits it had. xᵀ is packed once, and the
   * threads claim panels of units as they come free.
   */
  @Override
  protected void computeForward(int batch, boolean training) {
    Parallel pool = Parallel.shared();
    if (packedInput.length < Sgemm.packedSize(inputs, batch)) {
      packedInput = new float[Sgemm.packedSize(inputs, batch)];
    }
    Sgemm.packB(true, inputs, batch, x, 0, inputs, packedInput);
    forwardRows.batch = batch;
    forwardRows.mask = training ? mask : null;
    for (TowerSlice s : slices) {
      if (transposedOutput.length < s.outCount() * batch) {
        transposedOutput = new float[s.outCount() * batch];
      }
      forwardRows.slice = s;
      int mr = Sgemm.panelHeight();
      pool.forClaimed((s.outCount() + mr - 1) / mr, PANELS_PER_CLAIM, forwardRows);
    }
  }

  /** The forward pass's loop body over panels of units ({@link Sgemm#panelHeight} each), kept so a call allocates nothing. */
  private final class ForwardRows implements Parallel.RangeBody {
    TowerSlice slice;
    int batch;
    float[] mask;

    @Override
    public void run(int worker, int start, int end) {
      int mr = Sgemm.panelHeight();
      int u0 = start * mr;
      int u1 = Math.min(slice.outCount(), end * mr);
      float[] t = transposedOutput;
      int first = (slice.outStart() + u0) * inputs;
      Sgemm.gemmRowsAPackedB(u1 - u0, batch, inputs, weight.value, first, inputs, packedInput, 0, t, u0 * batch, batch, false);
      for (int u = u0; u < u1; u++) {
        Epilogue.biasReluMask(t, u * batch, bias.value[slice.outStart() + u], relu, null, 0, t, u * batch, batch);
      }
      // Into y, [batch, units], a block of units at a time: each example's run of the block is one line written, and
      // the block's rows of t stay in L1 across the examples. Unit by unit, each float landed 4·units bytes from the
      // last, on a page of its own.
      for (int b0 = u0; b0 < u1; b0 += TRANSPOSE_UNITS) {
        int b1 = Math.min(u1, b0 + TRANSPOSE_UNITS);
        for (int n = 0; n < batch; n++) {
          int row = n * units + slice.outStart();
          for (int u = b0; u < b1; u++) {
            y[row + u] = mask == null ? t[u * batch + n] : t[u * batch + n] * mask[row + u];
          }
        }
      }
    }
  }

  /**
   * dW's and dx's GEMMs each split their columns over the pool's threads; on a pool of one thread (a tower's, with a
   * thread a tower) they are two claims instead, so that another tower's thread, done with its own, takes one
   * (Parallel#towers). The same GEMMs either way, so the same bits.
   */
  @Override
  protected void computeBackward(int batch, boolean training) {
    int leaf = BatchTree.longLeaf(treeBatch(batch));
    backwardProducts.tree = leaf == BatchTree.LONG_LEAF ? LONG_LEAVES : LONGER_LEAVES;
    backwardProducts.batch = batch;
    Parallel pool = Parallel.shared();
    for (TowerSlice s : slices) {
      OutputGradient.units(dy, y, training ? mask : null, relu, batch, units, s.outStart(), s.outCount(), bias.grad, leaf);
      backwardProducts.slice = s;
      int products = dx == null ? 1 : 2;
      if (pool.threads() == 1) {
        pool.forClaimed(products, 1, backwardProducts);
      } else {
        backwardProducts.run(0, 0, products);
      }
    }
  }

  /** The backward pass's GEMMs as a loop body: 0 is dW's, 1 dx's; kept so that a call allocates nothing. */
  private final class BackwardProducts implements Parallel.RangeBody {
    TowerSlice slice;
    int batch;
    SumTree tree;

    @Override
    public void run(int worker, int start, int end) {
      for (int product = start; product < end; product++) {
        if (product == 0) {
          weightGradient(slice, 0, batch, weight.grad, slice.outStart() * inputs, false, 0, tree);
        } else {
          Sgemm.parallel(
              false, false, batch, inputs, slice.outCount(),
              dy, slice.outStart(), units,
              weight.value, slice.outStart() * inputs, inputs,
              dx, 0, inputs,
              slice.addsToInputGradient(), null);
        }
      }
    }
  }

  /**
   * The slice's dW over examples {@code [lo, hi)}, written to (or, with {@code add}, added to) {@code c} from {@code
   * cOff}: up to {@value #EXAMPLES_PER_GEMM} examples are one GEMM in the tree's order; a larger subtree's right half
   * is added to its left half's sum through {@link #subtreeSums} at {@code depth}.
   */
  private void weightGradient(TowerSlice s, int lo, int hi, float[] c, int cOff, boolean add, int depth, SumTree tree) {
    int size = s.outCount() * inputs;
    if (hi - lo <= EXAMPLES_PER_GEMM) {
      Sgemm.parallel(
          true, false, s.outCount(), inputs, hi - lo,
          dy, lo * units + s.outStart(), units,
          x, lo * inputs, inputs,
          c, cOff, inputs,
          add, tree);
    } else if (add) {
      float[] sum = subtreeSum(depth, size);
      weightGradient(s, lo, hi, sum, 0, false, depth + 1, tree);
      for (int i = 0; i < size; i++) {
        c[cOff + i] += sum[i];
      }
    } else {
      int mid = BatchTree.middle(lo, hi);
      weightGradient(s, lo, mid, c, cOff, false, depth, tree);
      weightGradient(s, mid, hi, c, cOff, true, depth, tree);
    }
  }

  private float[] subtreeSum(int depth, int size) {
    if (subtreeSums.length <= depth) {
      subtreeSums = java.util.Arrays.copyOf(subtreeSums, depth + 1);
    }
    if (subtreeSums[depth] == null || subtreeSums[depth].length < size) {
      subtreeSums[depth] = new float[size];
    }
    return subtreeSums[depth];
  }
}
