package dev.netforge.runtime.gemm;

/**
 * The innermost GEMM loop: an {@code mr() × nr()} tile of C from an MR-row panel of packed A and an NR-column
 * panel of packed B, both laid out k-major. Everything else in {@link Sgemm} is loop order and packing.
 */
interface MicroKernel {
  int mr();

  int nr();

  /**
   * {@code C[0..mr, 0..nr] (+)= Σ_p A[:, p] ⊗ B[p, :]} over {@code kc} steps.
   *
   * @param add add to the existing C values instead of overwriting them
   */
  void compute(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc, boolean add);

  /**
   * {@code C (+)= S₁ + S₂}, where S₁ is {@link #compute}'s sum over steps {@code [0, kc)} and S₂ its sum over the
   * {@code kc2} steps after them, each from zero: a node of a sum tree whose halves are both leaves (the dense layers'
   * weight gradients), each summed by the whole register block. Without {@code add}, S₁ goes into C and S₂ onto it;
   * with it, both into {@code tile} ({@code mr() × nr()}, rows {@code nr()} apart), which is then added to C ({@link
   * #addTile}). Float addition commutes, so either way the bits are those of S₁ + S₂ (+ C).
   */
  default void computePair(int kc, int kc2, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc, boolean add, float[] tile) {
    int aSecond = aOff + kc * mr();
    int bSecond = bOff + kc * nr();
    if (!add) {
      compute(kc, a, aOff, b, bOff, c, cOff, ldc, false);
      compute(kc2, a, aSecond, b, bSecond, c, cOff, ldc, true);
      return;
    }
    compute(kc, a, aOff, b, bOff, tile, 0, nr(), false);
    compute(kc2, a, aSecond, b, bSecond, tile, 0, nr(), true);
    addTile(tile, c, cOff, ldc);
  }

  /**
   * {@code C += tile} for a whole tile ({@code mr() × nr()}, rows {@code nr()} apart), row by row with {@link #addRun}:
   * a row is whole vectors, so nothing past it is touched.
   */
  default void addTile(float[] tile, float[] c, int cOff, int ldc) {
    for (int r = 0; r < mr(); r++) {
      addRun(tile, r * nr(), c, cOff + r * ldc, nr());
    }
  }

  /**
   * {@link #compute} with A's {@code mr()} rows read where they lie instead of from a packed panel: steps {@code q0 ≤
   * q < q0 + kc} of row i read {@code a[rows[i] + (q / segment)·segmentStride + (q % segment)·step]}, so each row is
   * a series of runs of {@code segment} floats {@code step} apart, the runs {@code segmentStride} apart (a
   * convolution's shifted input planes, one run per example; or at stride s its padded input rows, one run per output
   * row). The products and sums are {@link #compute}'s, in the same order. Only kernels whose {@link
   * #readsRowsInPlace} is true have it: {@link Sgemm} asks first, and packs the rows for the others.
   */
  default void computeRows(
      int kc, int q0, int segment, int segmentStride, int step, float[] a, int[] rows, float[] b, int bOff, float[] c, int cOff, int ldc, boolean add) {
    throw new UnsupportedOperationException(describe() + " reads no rows in place (readsRowsInPlace() is false)");
  }

  /**
   * Whether {@link #computeRows} reads A's rows where they lie at the rate of {@link #compute}, so that a GEMM should
   * prefer it to packing the rows first. False for the 6-row vector kernel: with A's six values of a step each in a
   * register of its own, which C2 loads before the products, AVX2's 16 registers hold only eight of its twelve
   * accumulators, and the other four went to the stack and back every step (docs/performance.md, session 44).
   */
  default boolean readsRowsInPlace() {
    return false;
  }

  /**
   * The distance between A's rows that {@link #computeStrided} reads, a constant of the kernel, or 0 for a kernel
   * without that loop. {@link Sgemm} takes it for A's rows bound in place this far apart.
   */
  default int rowStride() {
    return 0;
  }

  /**
   * {@link #computeRows} for rows {@link #rowStride} floats apart, each read as {@code kc} consecutive floats: row i's
   * step p at {@code a[aOff + i · rowStride() + p]}. The stride being the kernel's constant, every row's address is one
   * index plus a displacement. The products and sums are {@link #compute}'s, in the same order. Only kernels whose
   * {@link #rowStride} is not 0 have it.
   */
  default void computeStrided(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc, boolean add) {
    throw new UnsupportedOperationException(describe() + " reads no rows at a stride of its own (rowStride() is 0)");
  }

  /**
   * {@link #computeRows} for a whole panel at {@code bOff} into C and, in the same pass over A, the first {@code nr() /
   * 2} columns of the next panel, at {@code halfOff}, into {@code half} (overwritten: {@code mr()} rows of {@code nr()
   * / 2} floats, {@code nr()} apart). For a GEMM whose last panel has half its columns or fewer (48 filters against
   * 32-wide panels): A's rows, read where they lie and strided, are read once for both instead of once per panel. The
   * products and sums are {@link #computeRows}'s, in the same order. By default the two panels one after the other.
   */
  default void computeRowsWithHalfPanel(
      int kc, int q0, int segment, int segmentStride, int step, float[] a, int[] rows, float[] b, int bOff, int halfOff, float[] c, int cOff, int ldc,
      boolean add, float[] half) {
    computeRows(kc, q0, segment, segmentStride, step, a, rows, b, bOff, c, cOff, ldc, add);
    computeRows(kc, q0, segment, segmentStride, step, a, rows, b, halfOff, half, 0, nr(), false);
  }

  /**
   * Copies {@code length} floats into a packed panel in whole vectors, so it may also write up to {@link #copySlack()}
   * floats past {@code dstOff + length}, and read as far past {@code srcOff + length}.
   */
  void copyRun(float[] src, int srcOff, float[] dst, int dstOff, int length);

  /**
   * {@link #copyRun} keeping only the floats whose {@code keep} entry is −1 (all bits set) and writing +0.0 where it
   * is 0: {@code dst[dstOff + i] = keep[keepOff + i] != 0 ? src[srcOff + i] : 0}. The bits are cleared rather than
   * multiplied by 0, so whatever lies in the dropped floats (an infinity, a NaN) leaves no trace. Like {@link
   * #copyRun} it may read and write up to {@link #copySlack()} floats past the run, and reads as far past {@code keep}'s.
   */
  void copyRunKeeping(float[] src, int srcOff, float[] dst, int dstOff, int length, int[] keep, int keepOff);

  /**
   * {@code dst[dstOff + i] += src[srcOff + i]} for {@code i < length}, in whole vectors: it may read up to {@link
   * #copySlack()} floats past both runs and rewrite as many of {@code dst}'s with their own values.
   */
  void addRun(float[] src, int srcOff, float[] dst, int dstOff, int length);

  /** {@code dst[dstOff + j] = src[srcOff + lanes[j]]} for every {@code j < nr()}: one row of a packed panel. */
  void gatherPanel(float[] src, int srcOff, int[] lanes, float[] dst, int dstOff);

  /** How far {@link #copyRun} may read and write past the run. */
  int copySlack();

  /** A name for logs and benchmarks. */
  String describe();
}
