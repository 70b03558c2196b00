package dev.netforge.runtime.nn;

import dev.netforge.runtime.Parallel;
import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.Scratch;
import dev.netforge.runtime.gemm.Epilogue;
import dev.netforge.runtime.gemm.Sgemm;
import java.util.Arrays;

/**
 * Convolution as im2col + GEMM over groups of examples, for one tower: its slices ({@link TowerSlice}: output channels
 * [outStart, outStart + outCount) from the input channels [inStart, inStart + groupInputs) of their group), one after
 * the other. Small output planes (13×13, 6×6) would leave the micro-kernel's column panels mostly empty and make the
 * weight-gradient GEMM reduce over a few dozen positions at a time, so several examples share one GEMM
 * ({@link #examplesPerGemm}).
 *
 * <pre>
 * forward:  y[n, o, :]  = relu(W[o, :] · col(x[n]) + b[o]) · mask            (patches gathered straight into the
 *                                                                           GEMM's packed panels; the epilogue
 *                                                                           fused into the copy to each example)
 * backward: g           = dy · mask · [y &gt; 0];  db[o] = Σ g[:, o, :]          (one pass over the slice's channels)
 *           dW[o, :]    = Σ_n g[n, o, :] · col(x[n])ᵀ                          (a partial sum per leaf of examples,
 *                                                                           the leaves added in BatchTree's order;
 *                                                                           as its transpose where col(x[n]) can be
 *                                                                           read in place: Im2col.patchRows)
 *           dx[n]      += col⁻¹(W[o, :]ᵀ · g[n, o, :])                       (or, on small stride-1 planes, a
 *                                                                           convolution of g with the flipped
 *                                                                           filters: {@link FlippedConvolution})
 * </pre>
 * Where many input channels meet many filters in a 3×3 stride-1 convolution ({@link WinogradConvolution#applies}: the
 * AlexNets' conv3–conv5), all three run by Winograd's algorithms instead: the forward pass and the input gradient as
 * {@link WinogradConvolution}s by F(4×4, 3×3), 36 multiplications per 4×4 output tile where these take 144 (by F(2×2,
 * 3×3), 16 per 2×2 tile, or F(3×3, 3×3), 25 per 3×3 tile, on planes where that takes fewer: MiniAlexNet's 6×6 by
 * F(3×3, 3×3); by F(5×5, 3×3), 49 per 5×5 tile, where that takes fewer and few enough channels meet), the weight
 * gradient per leaf by {@link WinogradWeightGradient}'s F(3×3, 2×2), 16 per 2×2 tile of g where dW above takes 36
 * (or the duals of F(4×4, 3×3) and F(5×5, 3×3) on larger planes).
 * In a 5×5 one (the AlexNets' conv2) the forward pass does, by F(3×3, 5×5) with 49 multiplications per 3×3 output
 * tile where it takes 225, the weight gradient by its dual F(5×5, 3×3), 49 per 3×3 tile of g, and the input gradient as
 * the forward pass's adjoint from the same transformed g, inside the weight gradient's blocks ({@link
 * WinogradInputGradient}); on planes where 2×2 tiles waste less, the forward pass and the input gradient take F(2×2, 5×5) with
 * 36 per 2×2 tile, and the weight gradient stays dW above. A strided convolution whose filters cover 2 to 3 strides
 * (the AlexNets' conv1, 11×11 at stride 4) runs its forward pass the same way over the phase planes of its input
 * ({@link PhasePlanes}: there a 3×3 stride-1 convolution; the AlexNets' 55×55 take F(5×5, 3×3)), and, where it has no
 * input gradient (a network's first layer), its weight gradient by the dual there too, folded back to its own taps;
 * its input gradient stays ∂col's.
 *
 * <p>{@code dy} is overwritten with g. Where the stage after it applies the ReLU's derivative ({@code
 * reluDerivativeDeferred}: a {@link LocalResponseNorm} or a {@link MaxPool2d}), dy arrives as g already and the first
 * pass only sums db. db and dW sum over the examples in {@link BatchTree}'s order with leaves of
 * {@value #EXAMPLES_PER_LEAF} ({@link BatchTree#longLeaf}'s in a layer that runs by Winograd's algorithms): the
 * workers take whole leaves, so the gradient's bits do not depend on how many there are.
 * The workers claim the forward pass's groups of examples (or blocks of tiles), the leaves and the input gradient's
 * blocks of tiles as they come free ({@link Parallel#forClaimed}): every one writes only its own outputs.
 */
public final class Conv2d extends Stage {
  /** Output positions one GEMM should see at least: a few micro-kernel panels and a reduction long enough to stream. */
  private static final int GEMM_COLUMNS = 256;

  private static final int MAX_EXAMPLES_PER_GEMM = 16;

  /**
   * Examples of one leaf partial sum of dW: as many as one GEMM takes at most, and few enough that a batch of 128
   * gives eight leaves to share among the workers.
   */
  static final int EXAMPLES_PER_LEAF = 16;

  private final ConvShape s;
  private final Parameter weight;
  private final Parameter bias;
  private final boolean relu;
  /** Whether dy arrives with the ReLU's derivative applied, by the stage that reads y (the class javadoc). */
  private final boolean reluDerivativeDeferred;
  private final Scratch scratch;
  private final TowerSlice[] slices;
  /** Per slice, {@link FlippedConvolution#shape} where its input gradient is that convolution, else {@code null}. */
  private final ConvShape[] flipped;
  /**
   * Per slice, where its forward pass and input gradient are computed by Winograd's algorithms ({@link
   * WinogradConvolution}; its weight gradient too where {@link WinogradWeightGradient#applies}), the convolution its
   * input gradient is ({@link FlippedConvolution#shape}), else {@code null}.
   */
  private final ConvShape[] winograd;
  /** Per slice, where its forward pass runs as a stride-1 Winograd convolution over phase planes ({@link PhasePlanes}), else {@code null}. */
  private final PhasePlanes[] phases;
  /**
   * Whether a slice runs by Winograd's algorithms, whose leaves are {@link BatchTree#longLeaf}'s: a leaf's weight
   * gradient ends with its sums M_ξ (16 to 49 matrices of inputs × filters; AlexNetTorchvision's conv4 in 4×4 tiles, 14
   * MB) read back from memory and transformed, once per leaf. With leaves of 16, F(3×3, 4×4) was no faster than
   * F(3×3, 2×2) on the AlexNets' 13×13 planes; leaves of 64 measured faster than 32 (AlexNetTorchvision's conv3–conv5
   * backward passes 393–408 ms against 410–423; docs/performance.md, sessions 33–34).
   */
  private final boolean longLeaves;
  /** The pass's leaf: {@link #EXAMPLES_PER_LEAF}, or {@link BatchTree#longLeaf}'s ({@link #longLeaves}). */
  private int examplesPerLeaf;
  /**
   * Where the patch rows lie in the im2col buffer ({@link Im2col#patchRows}), which the weight-gradient GEMM reads in
   * place; {@code null} where they do not lie in runs (stride above 1 with several examples per GEMM), which gather
   * the transposed patch matrix instead.
   */
  private final PatchRows patchRows;
  /** The dropout multipliers of a training pass, or {@code null} for a layer without dropout. */
  private float[] mask;

  // What the loop bodies read besides the bound arrays: set by the calling thread before each loop is handed out.
  private TowerSlice slice;
  private ConvShape sliceWinograd;
  private PhasePlanes slicePhases;
  private ConvShape sliceFlipped;
  private float[] passMask;
  private int batch;
  private float[] packedWeights;
  /** The first example of every leaf of the backward pass's batch ({@link BatchTree}), then the batch. */
  private int[] leafStarts = new int[0];

  /** The backward pass's leaves ({@link #leafStarts}). */
  private int leaves;
  /** Tiles of the batch where the slice's input gradient is Winograd's (from example 0, {@link WinogradConvolution#tiles} each). */
  private int batchTiles;

  private final Parallel.RangeBody forwardExamples = this::forwardExamples;
  private final Parallel.RangeBody forwardWinograd = this::forwardWinograd;
  private final Parallel.RangeBody outputGradientChannels = this::outputGradientChannels;
  private final Parallel.RangeBody backwardUnits = this::backwardUnits;
  private final Parallel.RangeBody addLeafSums = this::addLeafSums;

  /**
   * @param relu whether a ReLU follows (fused into the GEMM's epilogue)
   * @param scratch the tower's per-worker buffers
   * @param slices what this tower computes, in order
   */
  public Conv2d(ConvShape s, Parameter weight, Parameter bias, boolean relu, Scratch scratch, TowerSlice... slices) {
    this(s, weight, bias, relu, false, scratch, slices);
  }

  /**
   * @param relu whether a ReLU follows (fused into the GEMM's epilogue)
   * @param reluDerivativeDeferred whether the stage that reads y applies that ReLU's derivative to dy (the class
   *     javadoc); only with {@code relu}, and without dropout
   * @param scratch the tower's per-worker buffers
   * @param slices what this tower computes, in order
   */
  public Conv2d(
      ConvShape s, Parameter weight, Parameter bias, boolean relu, boolean reluDerivativeDeferred, Scratch scratch, TowerSlice... slices) {
    if (reluDerivativeDeferred && !relu) {
      throw new IllegalArgumentException("a ReLU derivative deferred to the stage after " + s + ", which has no ReLU");
    }
    this.s = s;
    this.weight = weight;
    this.bias = bias;
    this.relu = relu;
    this.reluDerivativeDeferred = reluDerivativeDeferred;
    this.scratch = scratch;
    this.slices = slices.clone();
    this.patchRows = Im2col.patchRows(s, examplesPerGemm(s.outPlane()));
    this.flipped = new ConvShape[slices.length];
    this.winograd = new ConvShape[slices.length];
    this.phases = new PhasePlanes[slices.length];
    boolean winogradSlices = false;
    for (int i = 0; i < slices.length; i++) {
      int outCount = slices[i].outCount();
      boolean fast = WinogradConvolution.applies(s, outCount);
      winograd[i] = fast ? FlippedConvolution.shape(s, outCount) : null;
      flipped[i] = !fast && FlippedConvolution.applies(s, outCount) ? FlippedConvolution.shape(s, outCount) : null;
      phases[i] = PhasePlanes.applies(s, outCount) ? PhasePlanes.of(s) : null;
      winogradSlices |= winograd[i] != null || phases[i] != null;
    }
    this.longLeaves = winogradSlices;
  }

  /** Examples that share one GEMM for an output plane of {@code plane} positions. */
  static int examplesPerGemm(int plane) {
    return Math.max(1, Math.min(MAX_EXAMPLES_PER_GEMM, (GEMM_COLUMNS + plane - 1) / plane));
  }

  /**
   * Binds the forward pass's arrays.
   *
   * @param mask the dropout multipliers a training pass applies, or {@code null} for a layer without dropout
   */
  public void bind(float[] x, float[] y, float[] mask) {
    if (reluDerivativeDeferred && mask != null) {
      // The next stage's backward applies [y > 0] only: the mask's factor would be lost.
      throw new IllegalArgumentException("a dropout mask bound to " + s + ", whose ReLU derivative the stage after it applies");
    }
    bindInputOutput(x, y);
    this.mask = mask;
  }

  @Override
  protected void computeForward(int batch, boolean training) {
    int patch = s.patch();
    Parallel pool = Parallel.shared();
    scratch.ensureWorkers(pool.workerNumbers());
    passMask = training ? mask : null;
    for (int k = 0; k < slices.length; k++) {
      TowerSlice sl = slices[k];
      slice = sl;
      sliceWinograd = winograd[k];
      slicePhases = phases[k];
      if (sliceWinograd != null) {
        packedWeights = scratch.get(0, Scratch.Use.PACKED_WEIGHTS, WinogradConvolution.filtersSize(s, sl.outCount(), s.groupInputs()));
        WinogradConvolution.transformFilters(s, weight.value, patch, sl.outStart(), sl.outCount(), s.groupInputs(), false, packedWeights);
      } else if (slicePhases != null) {
        ConvShape t = slicePhases.phases();
        float[] phaseFilters = scratch.get(0, Scratch.Use.PHASE_FILTERS, sl.outCount() * t.patch());
        slicePhases.rearrangeFilters(weight.value, sl.outStart(), sl.outCount(), phaseFilters);
        packedWeights = scratch.get(0, Scratch.Use.PACKED_WEIGHTS, WinogradConvolution.filtersSize(t, sl.outCount(), t.groupInputs()));
        WinogradConvolution.transformFilters(t, phaseFilters, t.patch(), 0, sl.outCount(), t.groupInputs(), false, packedWeights);
      } else {
        packedWeights = scratch.get(0, Scratch.Use.PACKED_WEIGHTS, Sgemm.packedASize(sl.outCount(), patch));
        Sgemm.packA(false, sl.outCount(), patch, weight.value, sl.outStart() * patch, patch, packedWeights);
      }
      if (sliceWinograd != null || slicePhases != null) {
        pool.forClaimed(batch * WinogradConvolution.tiles(winogradForward()), WinogradConvolution.blockColumns(), forwardWinograd);
      } else {
        pool.forClaimed(batch, examplesPerGemm(s.outPlane()), forwardExamples);
      }
    }
  }

  @Override
  protected void computeBackward(int batch, boolean training) {
    int patch = s.patch();
    Parallel pool = Parallel.shared();
    examplesPerLeaf = longLeaves ? BatchTree.longLeaf(treeBatch(batch)) : EXAMPLES_PER_LEAF;
    leaves = BatchTree.leafCount(0, batch, examplesPerLeaf);
    if (leafStarts.length < leaves + 1) {
      leafStarts = new int[leaves + 1];
    }
    BatchTree.leafStarts(0, batch, examplesPerLeaf, leafStarts, 0);
    leafStarts[leaves] = batch;
    scratch.ensureWorkers(pool.workerNumbers());
    scratch.ensureLeaves(leaves);
    passMask = training ? mask : null;
    this.batch = batch;
    for (int k = 0; k < slices.length; k++) {
      TowerSlice sl = slices[k];
      slice = sl;
      sliceWinograd = winograd[k];
      slicePhases = phases[k];
      sliceFlipped = dx == null ? null : flipped[k];
      pool.forRange(sl.outCount(), outputGradientChannels);
      // The A of every group's input-gradient GEMM, packed once for all workers: the flipped filters where the input
      // gradient is a convolution of its own (Winograd's or FlippedConvolution), else Wᵀ for ∂col.
      packedWeights = null;
      if (adjointInputGradient()) {
        // The forward pass's U, for the input gradient the weight gradient's leaves compute as its adjoint.
        packedWeights = scratch.get(0, Scratch.Use.PACKED_WEIGHTS, WinogradInputGradient.filtersSize(s, sl.outCount()));
        WinogradInputGradient.packFilters(s, weight.value, patch, sl.outStart(), sl.outCount(), packedWeights);
      } else if (sliceWinograd != null && dx != null) {
        // For the input gradient's own shape: its output tiles may differ from the forward pass's (5×5 filters).
        int rows = s.groupInputs();
        packedWeights = scratch.get(0, Scratch.Use.PACKED_WEIGHTS, WinogradConvolution.filtersSize(sliceWinograd, rows, sl.outCount()));
        WinogradConvolution.transformFilters(sliceWinograd, weight.value, patch, sl.outStart(), rows, sl.outCount(), true, packedWeights);
      } else if (sliceFlipped != null) {
        packedWeights = scratch.get(0, Scratch.Use.PACKED_WEIGHTS, Sgemm.packedASize(s.groupInputs(), sliceFlipped.patch()));
        float[] unpacked = scratch.get(0, Scratch.Use.FLIPPED_FILTERS, s.groupInputs() * sliceFlipped.patch());
        FlippedConvolution.packFilters(s, weight.value, sl.outStart(), sl.outCount(), unpacked, packedWeights);
      } else if (dx != null) {
        packedWeights = scratch.get(0, Scratch.Use.PACKED_WEIGHTS, Sgemm.packedASize(patch, sl.outCount()));
        Sgemm.packA(true, patch, sl.outCount(), weight.value, sl.outStart() * patch, patch, packedWeights);
      }
      // The leaves first, then (where it is Winograd's) the input gradient's blocks of tiles: a thread done with its
      // leaves takes blocks while another finishes a leaf.
      batchTiles = sliceWinograd != null && dx != null && !adjointInputGradient() ? batch * WinogradConvolution.tiles(sliceWinograd) : 0;
      int blocks = (batchTiles + WinogradConvolution.blockColumns() - 1) / WinogradConvolution.blockColumns();
      pool.forClaimed(leaves + blocks, 1, backwardUnits);
      if (leaves > 1) {
        pool.forRange(sl.outCount() * patch, addLeafSums);
      }
    }
  }

  /** The leaves' partial dW added up, elements {@code [start, end)} of the slice's dW: each worker its own elements. */
  private void addLeafSums(int worker, int start, int end) {
    addLeaves(0, batch, 0, start, end);
  }

  /**
   * Adds elements {@code [start, end)} of the partial dW of every leaf under examples {@code [lo, hi)} (leaves from
   * {@code firstLeaf} on) into the first one's, in {@link BatchTree}'s order; returns how many leaves there are. Each
   * element's sums are the same whichever worker adds them, so splitting the elements changes no bit.
   */
  private int addLeaves(int lo, int hi, int firstLeaf, int start, int end) {
    if (BatchTree.isLeaf(lo, hi, examplesPerLeaf)) {
      return 1;
    }
    int mid = BatchTree.middle(lo, hi);
    int left = addLeaves(lo, mid, firstLeaf, start, end);
    int right = addLeaves(mid, hi, firstLeaf + left, start, end);
    float[] into = leafWeightGradient(firstLeaf);
    int intoOff = leafWeightGradientOffset(firstLeaf);
    float[] from = leafWeightGradient(firstLeaf + left);
    int fromOff = leafWeightGradientOffset(firstLeaf + left);
    for (int i = start; i < end; i++) {
      into[intoOff + i] += from[fromOff + i];
    }
    return left + right;
  }

  /** Where leaf {@code leaf} sums its part of the slice's dW: the first leaf in dW itself, the others in scratch. */
  private float[] leafWeightGradient(int leaf) {
    return leaf == 0 ? weight.grad : scratch.get(leaf, Scratch.Use.PARTIAL_WEIGHT_GRADIENT, slice.outCount() * s.patch());
  }

  private int leafWeightGradientOffset(int leaf) {
    return leaf == 0 ? slice.outStart() * s.patch() : 0;
  }

  /**
   * Forward, examples {@code [first, end)}: groups of examples, each one GEMM, the epilogue fused into the copy out
   * (or, for a group of one, into the GEMM's own stores).
   */
  private void forwardExamples(int worker, int first, int end) {
    int patch = s.patch();
    int plane = s.outPlane();
    int group = examplesPerGemm(plane);
    int outStart = slice.outStart();
    int outCount = slice.outCount();
    float[] packed = scratch.get(worker, Scratch.Use.COLUMNS, Im2col.packedSize(patch, group * plane));
    float[] out = scratch.get(worker, Scratch.Use.OUTPUT_TILE, outCount * group * plane);
    float[] padded = scratch.get(worker, Scratch.Use.PADDED_INPUT, Im2col.paddedSize(s, group));
    int nr = Sgemm.panelWidth();
    for (int n0 = first; n0 < end; n0 += group) {
      int count = Math.min(group, end - n0);
      int columns = count * plane;
      Im2col.prepare(s, x, n0, count, slice.inStart(), padded, false);
      int panels = Im2col.columnPanels(s, count);
      int lot = Im2col.panelsPerLot(patch);
      for (int p0 = 0; p0 < panels; p0 += lot) {
        int p1 = Math.min(panels, p0 + lot);
        int col = p0 * nr;
        int cols = Math.min(columns, p1 * nr) - col;
        Im2col.packColumns(s, padded, count, p0, p1, packed);
        if (count == 1) {
          // One example (planes of GEMM_COLUMNS or more: MiniAlexNet's conv1, AlexNet's conv1 and conv2): the GEMM's
          // rows are the example's output planes, so it writes them, bias, ReLU and mask applied to each tile as stored.
          int dst = (n0 * s.outChannels() + outStart) * plane + col;
          Sgemm.gemmPackedRows(outCount, cols, patch, packedWeights, packed, y, dst, plane, bias.value, outStart, relu, passMask);
        } else {
          Sgemm.gemmPacked(outCount, cols, patch, packedWeights, 0, packed, 0, out, col, columns, false, Epilogue.NONE);
        }
      }
      if (count == 1) {
        continue;
      }
      for (int e = 0; e < count; e++) {
        for (int o = 0; o < outCount; o++) {
          int dst = ((n0 + e) * s.outChannels() + outStart + o) * plane;
          Epilogue.biasReluMask(out, o * columns + e * plane, bias.value[outStart + o], relu, passMask, dst, y, dst, plane);
        }
      }
    }
  }

  /** The stride-1 convolution the slice's forward pass runs by Winograd's algorithms: the layer's own, or its phase form. */
  private ConvShape winogradForward() {
    return slicePhases != null ? slicePhases.phases() : s;
  }

  /** The first input channel of the slice in {@link #winogradForward}'s numbering. */
  private int winogradInStart() {
    return slicePhases != null ? slicePhases.phaseChannel(slice.inStart()) : slice.inStart();
  }

  /** Forward, the batch's tiles {@code [tileStart, tileEnd)}, as a {@link WinogradConvolution}. */
  private void forwardWinograd(int worker, int tileStart, int tileEnd) {
    ConvShape t = winogradForward();
    int outCount = slice.outCount();
    int inStart = winogradInStart();
    float[] planes = scratch.get(worker, Scratch.Use.PADDED_INPUT, WinogradConvolution.planesSize(t));
    float[] transformed = scratch.get(worker, Scratch.Use.COLUMNS, WinogradConvolution.transformedInputSize(t));
    float[] products = scratch.get(worker, Scratch.Use.OUTPUT_TILE, WinogradConvolution.productsSize(t, outCount));
    WinogradConvolution.convolve(t, x, slicePhases, tileStart, tileEnd, inStart, packedWeights, outCount, y, s.outChannels(), slice.outStart(),
        bias.value, relu, passMask, false, planes, transformed, products);
  }

  /**
   * Backward's first pass, the slice's channels {@code [start, end)}: g = dy · mask · [y &gt; 0] in place, and db; db
   * alone where the ReLU's derivative is deferred (dy is g already).
   */
  private void outputGradientChannels(int worker, int start, int end) {
    for (int c = slice.outStart() + start; c < slice.outStart() + end; c++) {
      boolean reluFactor = relu && !reluDerivativeDeferred;
      bias.grad[c] = OutputGradient.channel(dy, y, passMask, reluFactor, batch, s.outChannels(), s.outPlane(), c, examplesPerLeaf);
    }
  }

  /**
   * Backward, units {@code [start, end)}: the first {@link #leaves} are leaves, each {@link #backwardExamples} over its
   * examples; the rest are blocks of {@link WinogradConvolution#blockColumns} of the batch's tiles, of the input
   * gradient where it is Winograd's.
   */
  private void backwardUnits(int worker, int start, int end) {
    for (int unit = start; unit < end; unit++) {
      if (unit < leaves) {
        backwardExamples(worker, unit, leafStarts[unit], leafStarts[unit + 1]);
      } else {
        int tileStart = (unit - leaves) * WinogradConvolution.blockColumns();
        inputGradientWinograd(worker, tileStart, Math.min(batchTiles, tileStart + WinogradConvolution.blockColumns()));
      }
    }
  }

  /**
   * Backward, ∂W of the examples {@code [first, end)} of one leaf into its partial sum, by {@link WinogradWeightGradient}
   * over the forward pass's stride-1 convolution ({@link #winogradForward}); over phase planes it is computed for the
   * phase taps and folded back to the layer's own ({@link PhasePlanes#foldGradient}).
   */
  private void backwardWinograd(int worker, int leaf, int first, int end) {
    ConvShape t = winogradForward();
    int outCount = slice.outCount();
    float[] planes = scratch.get(worker, Scratch.Use.PADDED_INPUT, WinogradWeightGradient.planesSize(t));
    float[] transformed = scratch.get(worker, Scratch.Use.COLUMNS, WinogradWeightGradient.transformedInputSize(t));
    float[] products = scratch.get(worker, Scratch.Use.OUTPUT_TILE, WinogradWeightGradient.transformedGradientSize(t, outCount));
    float[] sums = scratch.get(worker, Scratch.Use.COLUMN_GRADIENT, WinogradWeightGradient.sumsSize(t, outCount));
    float[] into = slicePhases == null ? leafWeightGradient(leaf) : scratch.get(worker, Scratch.Use.PHASE_WEIGHT_GRADIENT, outCount * t.patch());
    int intoOff = slicePhases == null ? leafWeightGradientOffset(leaf) : 0;
    WinogradInputGradient.Target inputGradient = null;
    if (adjointInputGradient()) {
      inputGradient = new WinogradInputGradient.Target(dx, s.inChannels(), slice.inStart(), slice.addsToInputGradient(), packedWeights,
          scratch.get(worker, Scratch.Use.INPUT_GRADIENT_ROWS, WinogradInputGradient.rowsSize(outCount)),
          scratch.get(worker, Scratch.Use.INPUT_GRADIENT_PRODUCTS, WinogradInputGradient.productsSize(s)),
          scratch.get(worker, Scratch.Use.INPUT_GRADIENT_PLANE, WinogradInputGradient.planeSize(s)));
    }
    WinogradWeightGradient.leafGradient(t, x, slicePhases, dy, first, end - first, winogradInStart(), slice.outStart(), outCount, planes, transformed,
        products, sums, into, intoOff, inputGradient);
    if (slicePhases != null) {
      slicePhases.foldGradient(into, outCount, leafWeightGradient(leaf), leafWeightGradientOffset(leaf));
    }
  }

  /**
   * Whether the slice's input gradient is its Winograd forward pass's adjoint, computed by its weight gradient's leaves
   * ({@link WinogradInputGradient}), rather than a convolution of its own.
   */
  private boolean adjointInputGradient() {
    return sliceWinograd != null && dx != null && WinogradInputGradient.applies(s, slice.outCount());
  }

  /** ∂x of the batch's tiles {@code [tileStart, tileEnd)}: g convolved with the flipped filters, as a {@link WinogradConvolution}. */
  private void inputGradientWinograd(int worker, int tileStart, int tileEnd) {
    ConvShape t = sliceWinograd;
    float[] planes = scratch.get(worker, Scratch.Use.PADDED_INPUT, WinogradConvolution.planesSize(t));
    float[] transformed = scratch.get(worker, Scratch.Use.COLUMNS, WinogradConvolution.transformedInputSize(t));
    float[] products = scratch.get(worker, Scratch.Use.OUTPUT_TILE, WinogradConvolution.productsSize(t, s.groupInputs()));
    WinogradConvolution.convolve(t, dy, null, tileStart, tileEnd, slice.outStart(), packedWeights, s.groupInputs(), dx, s.inChannels(), slice.inStart(),
        null, false, null, slice.addsToInputGradient(), planes, transformed, products);
  }

  /**
   * Backward, the examples {@code [first, end)} of one leaf: per group of examples, ∂W into the leaf's partial sum and
   * ∂x through ∂col (where the input gradient is Winograd's, ∂W alone: {@link #backwardUnits} takes ∂x).
   */
  private void backwardExamples(int worker, int leaf, int first, int end) {
    if (sliceWinograd != null && WinogradWeightGradient.applies(s) || slicePhases != null && dx == null) {
      backwardWinograd(worker, leaf, first, end);
      return;
    }
    boolean im2colInputGradient = dx != null && sliceWinograd == null;
    int patch = s.patch();
    int plane = s.outPlane();
    int group = examplesPerGemm(plane);
    int outStart = slice.outStart();
    int outCount = slice.outCount();
    ConvShape t = sliceFlipped;
    int packedSize = Im2col.packedSize(group * plane, patch);
    int paddedSize = Im2col.paddedSize(s, group);
    // Room for Im2col.scatterAdd's vector reads past the last row.
    int dcolSize = patch * group * plane + Sgemm.copySlack();
    if (t != null) {
      packedSize = Math.max(packedSize, Im2col.packedSize(t.patch(), group * s.inPlane()));
      paddedSize = Math.max(paddedSize, Im2col.paddedSize(t, group));
      dcolSize = s.groupInputs() * group * s.inPlane();
    }
    float[] packed = scratch.get(worker, Scratch.Use.COLUMNS, packedSize);
    float[] transposedSum = patchRows == null ? null : scratch.get(worker, Scratch.Use.TRANSPOSED_WEIGHT_GRADIENT, patch * outCount);
    float[] gradients = scratch.get(worker, Scratch.Use.OUTPUT_TILE, outCount * group * plane);
    float[] partial = leafWeightGradient(leaf);
    int partialOff = leafWeightGradientOffset(leaf);
    float[] padded = scratch.get(worker, Scratch.Use.PADDED_INPUT, paddedSize);
    float[] dcol = im2colInputGradient ? scratch.get(worker, Scratch.Use.COLUMN_GRADIENT, dcolSize) : null;
    for (int n0 = first; n0 < end; n0 += group) {
      int count = Math.min(group, end - n0);
      int columns = count * plane;
      // The examples' ∂z side by side, [outCount × count·plane]: the A of ∂W and the B of ∂col. One example's are
      // already that matrix in dy (its channels' planes, one after the other), so only several are copied.
      float[] dz = dy;
      int dzOff = (n0 * s.outChannels() + outStart) * plane;
      if (count > 1) {
        for (int e = 0; e < count; e++) {
          for (int o = 0; o < outCount; o++) {
            System.arraycopy(dy, ((n0 + e) * s.outChannels() + outStart + o) * plane, gradients, o * columns + e * plane, plane);
          }
        }
        dz = gradients;
        dzOff = 0;
      }
      if (patchRows != null) {
        // ∂Wᵀ = col · ∂zᵀ with col's rows read in place where im2col's first half leaves them (no transposed gather),
        // ∂z transposed as it is packed; the leaf's sum is transposed into its partial ∂W once, after its last group.
        Im2col.prepare(s, x, n0, count, slice.inStart(), padded, false);
        PatchRows rows = patchRows;
        Sgemm.gemmRowsA(patch, outCount, columns, padded, Im2col.patchRowsStart(s, count), rows.offsets(), rows.segment(), rows.segmentStride(),
            rows.step(), true, dz, dzOff, columns, transposedSum, 0, outCount, n0 > first);
      } else {
        Im2col.gatherPacked(s, x, n0, count, slice.inStart(), padded, packed, true);
        Sgemm.gemmPackedB(false, outCount, patch, columns, dz, dzOff, columns, packed, 0, partial, partialOff, patch, n0 > first, Epilogue.NONE);
      }
      if (t != null) {
        FlippedConvolution.inputGradient(
            s, t, dy, n0, count, outStart, packedWeights, padded, packed, dcol, dx, slice.inStart(), slice.addsToInputGradient());
      } else if (im2colInputGradient) {
        Sgemm.gemmPackedA(patch, columns, outCount, packedWeights, false, dz, dzOff, columns, dcol, 0, columns, false, Epilogue.NONE);
        for (int e = 0; e < count; e++) {
          int xOff = (n0 + e) * s.inChannels() * s.inPlane();
          if (!slice.addsToInputGradient()) {
            int from = xOff + slice.inStart() * s.inPlane();
            Arrays.fill(dx, from, from + s.groupInputs() * s.inPlane(), 0f);
          }
          Im2col.scatterAdd(s, dcol, e * plane, columns, padded, dx, xOff, slice.inStart());
        }
      }
    }
    if (patchRows != null) {
      for (int o = 0; o < outCount; o++) {
        for (int r = 0; r < patch; r++) {
          partial[partialOff + o * patch + r] = transposedSum[r * outCount + o];
        }
      }
    }
  }
}
