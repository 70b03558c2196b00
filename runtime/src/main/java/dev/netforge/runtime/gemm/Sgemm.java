package dev.netforge.runtime.gemm;

import dev.netforge.runtime.Parallel;
import dev.netforge.runtime.VectorApi;
import java.util.logging.Logger;

/**
 * Single-precision GEMM, {@code C (+)= op(A) · op(B)} with an optional {@link Epilogue}, in the GotoBLAS loop
 * order: K in blocks of {@value #KC} (packed B panel stays in L2), M in blocks of {@value #MC} (packed A block stays
 * in L1/L2), then micro-tiles. Matrices are row-major; {@code transA} reads A as {@code [k, m]}, {@code transB}
 * reads B as {@code [n, k]}, so the packing absorbs every transpose the convolutions and dense layers need.
 *
 * <p>Each output element is always reduced over k in the same order, whatever the tile or thread it falls in, so
 * splitting the columns over threads ({@link #parallel}) gives bit-identical results.
 */
public final class Sgemm {
  static final int KC = 256;
  static final int MC = 120;
  static final int NC = 4096;

  /** Rows of B that {@link #packRowsOfB} copies across all the panels before the next rows. */
  private static final int ROWS_PER_PASS = 8;

  private static final Logger LOG = Logger.getLogger(Sgemm.class.getName());
  private static final MicroKernel KERNEL = chooseKernel();
  private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);
  private static final ThreadLocal<ColumnBlocks> COLUMN_BLOCKS = ThreadLocal.withInitial(ColumnBlocks::new);
  private static final ThreadLocal<Epilogue> ROW_EPILOGUE = ThreadLocal.withInitial(Epilogue::reusable);
  private static final ThreadLocal<InPlaceRows> IN_PLACE_ROWS = ThreadLocal.withInitial(InPlaceRows::new);

  private Sgemm() {}

  /**
   * An A that {@link #gemmRowsA} reads where it lies: row i's step q at {@code a[aOff + rowOffsets[i] + (q /
   * segment)·segmentStride + (q % segment)·step]}, or, where {@code rowOffsets} is {@code null}, with row i at {@code
   * i · lda} ({@link #gemmRowsAPackedB}, and {@link #gemmRowsA} given a stride). Kept per thread and rebound per call,
   * so a call allocates nothing.
   */
  private static final class InPlaceRows {
    final int[] panel = new int[KERNEL.mr()];
    float[] a;
    int aOff;
    int[] rowOffsets;
    int lda;
    int segment;
    int segmentStride;
    int step;

    /** This thread's rows, bound to a call's A ({@link #release} after it). */
    static InPlaceRows bind(float[] a, int aOff, int[] rowOffsets, int lda, int segment, int segmentStride, int step) {
      InPlaceRows rows = IN_PLACE_ROWS.get();
      rows.a = a;
      rows.aOff = aOff;
      rows.rowOffsets = rowOffsets;
      rows.lda = lda;
      rows.segment = segment;
      rows.segmentStride = segmentStride;
      rows.step = step;
      return rows;
    }

    /** Drops the call's arrays, so that the thread's rows keep nothing alive between calls. */
    void release() {
      a = null;
      rowOffsets = null;
    }

    /** Where rows {@code [row, row + mr)} start; rows past the last ({@code m}) repeat it, and their sums are dropped. */
    int[] panelRows(int row, int m, int mr) {
      for (int i = 0; i < mr; i++) {
        int r = Math.min(row + i, m - 1);
        panel[i] = aOff + (rowOffsets != null ? rowOffsets[r] : r * lda);
      }
      return panel;
    }
  }

  /** Packing buffers, one set per thread, grown on demand and then reused. */
  private static final class Workspace {
    float[] a = new float[0];
    float[] b = new float[0];
    float[] tile = new float[0];
    /** A {@link SumTree}'s right-hand subtree sums of one tile, by depth below the tile's root ({@link #treeSum}). */
    float[][] subtreeTiles = new float[0][];
    /** {@code j · ldb} for each of a panel's columns, for the ldb it was made for ({@link #packB}). */
    final int[] rowLanes = new int[KERNEL.nr()];
    int rowLanesLdb = -1;
    /** The same for a partial panel of {@code partialLanesCols} columns, its spare lanes reading column 0 ({@link #packB}). */
    final int[] partialLanes = new int[KERNEL.nr()];
    int partialLanesLdb = -1;
    int partialLanesCols;
    /** Where {@link #packA} gathers lane j of a whole A panel's next steps of k from, for the lda it was made for. */
    final int[] panelOfALanes = new int[KERNEL.nr()];
    int panelOfALanesLda = -1;
  }

  private static MicroKernel chooseKernel() {
    if (VectorApi.present()) {
      return VectorPanelKernel.forThisWidth();
    }
    LOG.warning(
        "jdk.incubator.vector is not available: using the slow scalar GEMM; run with --add-modules jdk.incubator.vector (the netforge launcher does)");
    return new ScalarMicroKernel();
  }

  /** Which micro-kernel this JVM uses. */
  public static String kernel() {
    return KERNEL.describe();
  }

  /** Rows of C one micro-kernel call computes: split the rows of a {@link #gemmRowsA} over threads in multiples of it. */
  public static int panelHeight() {
    return KERNEL.mr();
  }

  /** Columns per packed-B panel: producers of {@link #gemmPackedB} lay B out in panels this wide. */
  public static int panelWidth() {
    return KERNEL.nr();
  }

  /**
   * Floats a packed B of {@code k × n} takes: {@code ceil(n / panelWidth())} panels of {@code k × panelWidth()}, each
   * k-major ({@code packed[(panel·k + p)·panelWidth() + j] = B[p][panel·panelWidth() + j]}).
   */
  public static int packedSize(int k, int n) {
    int nr = KERNEL.nr();
    return (n + nr - 1) / nr * nr * k;
  }

  /**
   * Copies a run of {@code length} neighbouring floats into a packed B panel in the micro-kernel's vector width. It
   * may write up to {@link #copySlack()} floats past the run's end and read as far past its source: copy a panel's
   * runs in ascending order, so each copy overwrites what the previous one wrote past its end, and leave that much
   * room at the end of both arrays.
   */
  public static void copyRun(float[] src, int srcOff, float[] dst, int dstOff, int length) {
    KERNEL.copyRun(src, srcOff, dst, dstOff, length);
  }

  /**
   * {@link #copyRun} keeping only the floats whose {@code keep} entry is −1 and writing +0.0 where it is 0 (the bits
   * cleared, so a dropped infinity or NaN leaves no trace). Leave {@link #copySlack()} floats of room past the run in
   * all three arrays; runs copied in ascending order overwrite what the previous one wrote past its end.
   */
  public static void copyRunKeeping(float[] src, int srcOff, float[] dst, int dstOff, int length, int[] keep, int keepOff) {
    KERNEL.copyRunKeeping(src, srcOff, dst, dstOff, length, keep, keepOff);
  }

  /**
   * {@code dst[dstOff + i] += src[srcOff + i]} for {@code i < length}, in the micro-kernel's vector width: it may read
   * up to {@link #copySlack()} floats past both runs and rewrite as many floats of {@code dst} past the run with their
   * own values, so leave that room at the end of both arrays and let no other thread write there meanwhile.
   */
  public static void addRun(float[] src, int srcOff, float[] dst, int dstOff, int length) {
    KERNEL.addRun(src, srcOff, dst, dstOff, length);
  }

  /**
   * Writes one row of a packed B panel from {@link #panelWidth()} elements anywhere in {@code src}: {@code
   * dst[dstOff + j] = src[srcOff + lanes[j]]}. Lanes past a partial panel's last column must still index {@code src}.
   */
  public static void gatherPanel(float[] src, int srcOff, int[] lanes, float[] dst, int dstOff) {
    KERNEL.gatherPanel(src, srcOff, lanes, dst, dstOff);
  }

  /** How far {@link #copyRun} may read and write past a run. */
  public static int copySlack() {
    return KERNEL.copySlack();
  }

  /**
   * Packs the whole of {@code op(B)[k, n]} once, in {@link #packedSize}'s layout, for GEMMs that share it ({@link
   * #gemmRowsAPackedB}): a dense layer's input, which each chunk of rows its forward pass hands out would otherwise
   * pack again. Read-only afterwards, so every worker can share it.
   */
  public static void packB(boolean transB, int k, int n, float[] b, int bOff, int ldb, float[] packed) {
    packB(transB, b, bOff, ldb, 0, k, 0, n, KERNEL.nr(), packed);
  }

  /** Floats a packed A of {@code m × k} takes ({@link #packA}). */
  public static int packedASize(int m, int k) {
    int mr = KERNEL.mr();
    return (m + mr - 1) / mr * mr * k;
  }

  /**
   * Packs the whole of {@code op(A)[m, k]} once, for GEMMs that reuse it (a convolution's weights across the batch;
   * Winograd's transformed filters are written in the same layout): for each block of {@value #KC} of k in turn,
   * {@code ceil(m / mr)} panels of {@code kc × mr}, each k-major, the last zero-padded ({@link #packedAOffset}).
   * Read-only afterwards, so every worker can share it.
   *
   * <p>Block by block, so that each k block a GEMM multiplies is one contiguous run of memory. With each panel holding
   * the whole of k, a k block was read as pieces of 6·kc floats, a panel apart; where A streams from L3 — the 36
   * transformed filter matrices of AlexNetTorchvision's conv4 (k = 384, 14 MB, read once per block of tiles) — the
   * GEMMs ran at 60–70% of their rate on a contiguous A, and the layer's forward pass took a third longer
   * (docs/performance.md, session 24).
   */
  public static void packA(boolean transA, int m, int k, float[] a, int aOff, int lda, float[] packed) {
    for (int pc = 0; pc < k; pc += KC) {
      packA(transA, a, aOff, lda, 0, m, pc, Math.min(KC, k - pc), KERNEL.mr(), packed, packedAOffset(m, k, 0, pc));
    }
  }

  /**
   * Where {@link #packA} puts {@code op(A)[row][p]} of an {@code m × k} matrix, for a {@code row} that starts a panel
   * (a multiple of {@link #panelHeight}): row {@code row + r} of that panel is at {@code packedAOffset(m, k, row, p) +
   * r}, and the panel's next k is {@link #panelHeight} floats on, up to the end of p's block of {@value #KC}.
   */
  public static int packedAOffset(int m, int k, int row, int p) {
    int mr = KERNEL.mr();
    int pc = p / KC * KC;
    int rows = (m + mr - 1) / mr * mr;
    return pc * rows + row * Math.min(KC, k - pc) + (p - pc) * mr;
  }

  /**
   * {@code C[m, n] (+)= op(A)[m, k] · op(B)[k, n]}, then the epilogue on every element.
   *
   * @param accumulate add to C rather than overwrite it
   */
  public static void gemm(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float[] a,
      int aOff,
      int lda,
      float[] b,
      int bOff,
      int ldb,
      float[] c,
      int cOff,
      int ldc,
      boolean accumulate,
      Epilogue epilogue) {
    run(transA, m, n, k, a, aOff, lda, null, 0, transB, b, bOff, ldb, null, 0, c, cOff, ldc, accumulate, epilogue, null, null);
  }

  /**
   * The same product with B already packed for the whole of k ({@link #packedSize}) from {@code packedB[packedBOff]},
   * as the convolutions' patch gathers and the Winograd weight gradients' transforms write it, so no separate matrix or
   * packing pass is needed.
   */
  public static void gemmPackedB(
      boolean transA, int m, int n, int k, float[] a, int aOff, int lda, float[] packedB, int packedBOff, float[] c, int cOff, int ldc,
      boolean accumulate, Epilogue epilogue) {
    run(transA, m, n, k, a, aOff, lda, null, 0, false, null, 0, 0, packedB, packedBOff, c, cOff, ldc, accumulate, epilogue, null, null);
  }

  /**
   * The product of a packed A ({@link #packA}) starting at {@code packedA[packedAOff]} and a packed B ({@link
   * #packedSize}) starting at {@code packedB[packedBOff]}.
   */
  public static void gemmPacked(
      int m, int n, int k, float[] packedA, int packedAOff, float[] packedB, int packedBOff, float[] c, int cOff, int ldc, boolean accumulate,
      Epilogue epilogue) {
    run(false, m, n, k, null, 0, 0, packedA, packedAOff, false, null, 0, 0, packedB, packedBOff, c, cOff, ldc, accumulate, epilogue, null, null);
  }

  /**
   * {@link #gemmPacked} into {@code c}, overwriting it, then {@code c = mask · relu(c + rowBias[biasOffset + row])} on
   * each tile as it is stored ({@code mask}, indexed like {@code c}, may be {@code null}): a convolution over one
   * example writes its output channels' planes this way, with no tile to copy out afterwards.
   */
  public static void gemmPackedRows(
      int m, int n, int k, float[] packedA, float[] packedB, float[] c, int cOff, int ldc, float[] rowBias, int biasOffset, boolean relu,
      float[] mask) {
    Epilogue epilogue = ROW_EPILOGUE.get();
    epilogue.setRows(rowBias, biasOffset, relu, mask);
    try {
      run(false, m, n, k, null, 0, 0, packedA, 0, false, null, 0, 0, packedB, 0, c, cOff, ldc, false, epilogue, null, null);
    } finally {
      epilogue.setRows(null, 0, false, null);
    }
  }

  /** The product of a packed A ({@link #packA}) and a B packed on the fly. */
  public static void gemmPackedA(
      int m, int n, int k, float[] packedA, boolean transB, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate,
      Epilogue epilogue) {
    run(false, m, n, k, null, 0, 0, packedA, 0, transB, b, bOff, ldb, null, 0, c, cOff, ldc, accumulate, epilogue, null, null);
  }

  /**
   * {@code C[m, n] (+)= A[m, k] · op(B)[k, n]} with A read in place, unpacked: {@code A[i][q] = a[aOff + rowOffsets[i]
   * + (q / segment)·segmentStride + (q % segment)·step]}, each row a series of runs of {@code segment} floats {@code
   * step} apart. A convolution's weight gradient takes its patch matrix this way, each row a run of the input copies
   * its forward gather makes anyway, instead of gathering the transposed matrix; a dense layer its weights. Each
   * element of C gets the same products in the same order as from a packed A, so the bits are those of {@link #gemm}
   * on the same matrices.
   */
  public static void gemmRowsA(
      int m, int n, int k, float[] a, int aOff, int[] rowOffsets, int segment, int segmentStride, int step, boolean transB, float[] b,
      int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
    runInPlace(InPlaceRows.bind(a, aOff, rowOffsets, 0, segment, segmentStride, step), m, n, k, transB, b, bOff, ldb, null, 0, c, cOff, ldc, accumulate);
  }

  /**
   * {@link #gemmRowsA} for an A whose row i is the {@code k} neighbouring floats from {@code a[aOff + i · lda]} (a
   * dense layer's weights): the same reads and bits, with no array of row offsets to build.
   */
  public static void gemmRowsA(
      int m, int n, int k, float[] a, int aOff, int lda, boolean transB, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
    runInPlace(InPlaceRows.bind(a, aOff, null, lda, k, 0, 1), m, n, k, transB, b, bOff, ldb, null, 0, c, cOff, ldc, accumulate);
  }

  /**
   * The distance between A's rows at which {@link #gemmRowsA} (given a stride) and {@link #gemmRowsAPackedB} read them
   * fastest, in the kernel's loop with one A index ({@link MicroKernel#computeStrided}); 0 where no stride is faster.
   */
  public static int fastRowStride() {
    return KERNEL.rowStride();
  }

  /**
   * {@code C[m, n] (+)= A[m, k] · B[k, n]} with A's rows read in place, row i the {@code k} neighbouring floats from
   * {@code a[aOff + i · lda]}, and B packed ({@link #packedSize}) from {@code packedB[packedBOff]}: {@link #gemmRowsA}'s
   * reads and {@link #gemmPackedB}'s B, the bits of both.
   */
  public static void gemmRowsAPackedB(
      int m, int n, int k, float[] a, int aOff, int lda, float[] packedB, int packedBOff, float[] c, int cOff, int ldc, boolean accumulate) {
    runInPlace(InPlaceRows.bind(a, aOff, null, lda, k, 0, 1), m, n, k, false, null, 0, 0, packedB, packedBOff, c, cOff, ldc, accumulate);
  }

  /** The product with A's rows bound in place, B given (or packed, where {@code packedB} is not null); the rows released after it. */
  private static void runInPlace(
      InPlaceRows rows, int m, int n, int k, boolean transB, float[] b, int bOff, int ldb, float[] packedB, int packedBOff, float[] c, int cOff,
      int ldc, boolean accumulate) {
    try {
      run(false, m, n, k, null, 0, 0, null, 0, transB, b, bOff, ldb, packedB, packedBOff, c, cOff, ldc, accumulate, Epilogue.NONE, rows, null);
    } finally {
      rows.release();
    }
  }

  private static void run(
      boolean transA,
      int m,
      int n,
      int k,
      float[] a,
      int aOff,
      int lda,
      float[] packedA,
      int packedAOff,
      boolean transB,
      float[] b,
      int bOff,
      int ldb,
      float[] packedB,
      int packedBOff,
      float[] c,
      int cOff,
      int ldc,
      boolean accumulate,
      Epilogue epilogue,
      InPlaceRows aRows,
      SumTree tree) {
    if (m <= 0 || n <= 0) {
      return;
    }
    if (k <= 0) {
      for (int i = 0; i < m && !accumulate; i++) {
        java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
      }
      if (!epilogue.isNone()) {
        epilogue.apply(c, cOff, ldc, 0, 0, m, n);
      }
      return;
    }
    Workspace ws = WORKSPACE.get();
    int mr = KERNEL.mr();
    int nr = KERNEL.nr();
    if (ws.tile.length < mr * nr) {
      ws.tile = new float[mr * nr];
    }
    // A tree's sum is taken in one block of the whole of k, so that each tile's subtrees are summed while the tile is
    // in L1 (its A is packed here, never given packed: packA's layout has blocks of KC).
    int kBlock = tree == null ? KC : k;
    // A's rows bound in place are read there by a kernel that can (the 8-row one), else packed block by block here.
    boolean inPlace = aRows != null && KERNEL.readsRowsInPlace();
    // Rows the kernel's own stride apart (the Winograd weight gradient's V) take its loop with one A index.
    boolean strided = inPlace && aRows.rowOffsets == null && KERNEL.rowStride() > 0 && aRows.lda == KERNEL.rowStride();
    for (int jc = 0; jc < n; jc += NC) {
      int nc = Math.min(NC, n - jc);
      int ncPanels = (nc + nr - 1) / nr;
      for (int pc = 0; pc < k; pc += kBlock) {
        int kc = Math.min(kBlock, k - pc);
        boolean add = accumulate || pc > 0;
        boolean lastK = pc + kc == k;
        float[] bBuf;
        int bBase;
        int bPanelStride;
        if (packedB != null) {
          bBuf = packedB;
          bBase = packedBOff + (jc / nr) * nr * k + pc * nr;
          bPanelStride = nr * k;
        } else {
          ws.b = grow(ws.b, ncPanels * nr * kc);
          packB(transB, b, bOff, ldb, pc, kc, jc, nc, nr, ws.b);
          bBuf = ws.b;
          bBase = 0;
          bPanelStride = nr * kc;
        }
        for (int ic = 0; ic < m; ic += MC) {
          int mc = Math.min(MC, m - ic);
          int mcPanels = (mc + mr - 1) / mr;
          float[] aBuf;
          int aBase;
          int aPanelStride;
          if (inPlace) {
            // Read in place by the kernel; nothing to pack.
            aBuf = null;
            aBase = 0;
            aPanelStride = 0;
          } else if (aRows != null) {
            ws.a = grow(ws.a, mcPanels * mr * kc);
            packRows(aRows, m, ic, mc, pc, kc, mr, ws.a);
            aBuf = ws.a;
            aBase = 0;
            aPanelStride = mr * kc;
          } else if (packedA != null) {
            aBuf = packedA;
            // MC is a multiple of every kernel's MR (8, 6 and 4), so ic starts a panel.
            aBase = packedAOff + packedAOffset(m, k, ic, pc);
            aPanelStride = mr * kc;
          } else {
            ws.a = grow(ws.a, mcPanels * mr * kc);
            packA(transA, a, aOff, lda, ic, mc, pc, kc, mr, ws.a, 0);
            aBuf = ws.a;
            aBase = 0;
            aPanelStride = mr * kc;
          }
          // A last panel of half the kernel's columns or fewer is computed with the panel before it, where A's rows are
          // read in place: one strided pass over them instead of two.
          int withHalfPanel = inPlace && ncPanels >= 2 && nc - (ncPanels - 1) * nr <= nr / 2 ? ncPanels - 2 : -1;
          for (int jp = 0; jp < ncPanels; jp++) {
            int col = jc + jp * nr;
            int cols = Math.min(nr, n - col);
            int bIdx = bBase + jp * bPanelStride;
            for (int ip = 0; ip < mcPanels; ip++) {
              int row = ic + ip * mr;
              int rows = Math.min(mr, m - row);
              if (withHalfPanel >= 0 && jp == withHalfPanel + 1 && rows == mr) {
                continue; // computed with the panel before
              }
              int aIdx = aBase + ip * aPanelStride;
              boolean whole = rows == mr && cols == nr;
              float[] target = whole ? c : ws.tile;
              int at = whole ? cOff + row * ldc + col : 0;
              int ldt = whole ? ldc : nr;
              if (jp == withHalfPanel && rows == mr) {
                int halfCols = n - col - nr;
                KERNEL.computeRowsWithHalfPanel(kc, pc, aRows.segment, aRows.segmentStride, aRows.step, aRows.a, aRows.panelRows(row, m, mr), bBuf, bIdx,
                    bIdx + bPanelStride, target, at, ldt, whole && add, ws.tile);
                storeTile(ws.tile, nr, rows, halfCols, c, cOff + row * ldc + col + nr, ldc, add);
                if (lastK && !epilogue.isNone()) {
                  epilogue.apply(c, cOff, ldc, row, col + nr, rows, halfCols);
                }
              } else if (strided && rows == mr) {
                KERNEL.computeStrided(kc, aRows.a, aRows.aOff + row * aRows.lda + pc, bBuf, bIdx, target, at, ldt, whole && add);
              } else if (inPlace) {
                int[] panelRows = aRows.panelRows(row, m, mr);
                KERNEL.computeRows(kc, pc, aRows.segment, aRows.segmentStride, aRows.step, aRows.a, panelRows, bBuf, bIdx, target, at, ldt, whole && add);
              } else if (tree != null) {
                treeSum(tree, 0, k, aBuf, aIdx, bBuf, bIdx, target, at, ldt, whole && add, ws, 0);
              } else {
                KERNEL.compute(kc, aBuf, aIdx, bBuf, bIdx, target, at, ldt, whole && add);
              }
              if (!whole) {
                storeTile(ws.tile, nr, rows, cols, c, cOff + row * ldc + col, ldc, add);
              }
              if (lastK && !epilogue.isNone()) {
                epilogue.apply(c, cOff, ldc, row, col, rows, cols);
              }
            }
          }
        }
      }
    }
  }

  /**
   * One tile: {@code target[at + r·ldt + j] (+)=} the sum over k {@code [lo, hi)} of the panels' products, in the
   * tree's order: a leaf in one run of the micro-kernel, a left part into the target, a right part onto it (a right
   * part that is not a leaf summed first in a tile of its own, then added). Each element's sum is the one the tree's
   * leaves would give as separate GEMMs added up in the same order, bit for bit.
   */
  private static void treeSum(
      SumTree tree, int lo, int hi, float[] a, int aIdx, float[] b, int bIdx, float[] target, int at, int ldt, boolean add, Workspace ws, int depth) {
    int mr = KERNEL.mr();
    int nr = KERNEL.nr();
    int mid = tree.middle(lo, hi);
    if (tree.isLeaf(lo, hi)) {
      KERNEL.compute(hi - lo, a, aIdx + lo * mr, b, bIdx + lo * nr, target, at, ldt, add);
    } else if (tree.isLeaf(lo, mid) && tree.isLeaf(mid, hi)) {
      KERNEL.computePair(mid - lo, hi - mid, a, aIdx + lo * mr, b, bIdx + lo * nr, target, at, ldt, add, subtreeTile(ws, depth));
    } else if (add) {
      float[] sum = subtreeTile(ws, depth);
      treeSum(tree, lo, hi, a, aIdx, b, bIdx, sum, 0, nr, false, ws, depth + 1);
      KERNEL.addTile(sum, target, at, ldt);
    } else {
      treeSum(tree, lo, mid, a, aIdx, b, bIdx, target, at, ldt, false, ws, depth);
      treeSum(tree, mid, hi, a, aIdx, b, bIdx, target, at, ldt, true, ws, depth);
    }
  }

  /** The tile {@link #treeSum} sums a subtree into at {@code depth}, made the first time that depth is reached. */
  private static float[] subtreeTile(Workspace ws, int depth) {
    if (ws.subtreeTiles.length <= depth) {
      ws.subtreeTiles = java.util.Arrays.copyOf(ws.subtreeTiles, depth + 1);
      ws.subtreeTiles[depth] = new float[KERNEL.mr() * KERNEL.nr()];
    }
    return ws.subtreeTiles[depth];
  }

  /**
   * Rows {@code [0, rows)} and columns {@code [0, cols)} of a tile ({@code nr} floats a row) into {@code
   * target[at + r·ldt + j]}, added to what is there with {@code add}, else replacing it.
   */
  private static void storeTile(float[] tile, int nr, int rows, int cols, float[] target, int at, int ldt, boolean add) {
    for (int r = 0; r < rows; r++) {
      int ti = at + r * ldt;
      for (int j = 0; j < cols; j++) {
        target[ti + j] = add ? target[ti + j] + tile[r * nr + j] : tile[r * nr + j];
      }
    }
  }

  /**
   * The same product with the columns of C split over the shared worker pool, in multiples of the micro-kernel
   * width. Use it for one large GEMM (the dense layers' gradients); batch-parallel convolutions call {@link #gemm} per
   * worker.
   *
   * @param tree the order of the sum over k, or {@code null} for k's own order in blocks of {@value #KC}; with a tree,
   *     the whole of k is packed at once, so keep k to a few hundred
   */
  public static void parallel(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float[] a,
      int aOff,
      int lda,
      float[] b,
      int bOff,
      int ldb,
      float[] c,
      int cOff,
      int ldc,
      boolean accumulate,
      SumTree tree) {
    ColumnBlocks loop = COLUMN_BLOCKS.get();
    loop.transA = transA;
    loop.transB = transB;
    loop.m = m;
    loop.n = n;
    loop.k = k;
    loop.a = a;
    loop.aOff = aOff;
    loop.lda = lda;
    loop.b = b;
    loop.bOff = bOff;
    loop.ldb = ldb;
    loop.c = c;
    loop.cOff = cOff;
    loop.ldc = ldc;
    loop.accumulate = accumulate;
    loop.tree = tree;
    int nr = KERNEL.nr();
    Parallel.shared().forRange((n + nr - 1) / nr, loop);
  }

  /**
   * {@link #parallel}'s loop body, kept per calling thread so that a call allocates nothing (a lambda capturing the
   * arguments would be a new object per call).
   */
  private static final class ColumnBlocks extends Parallel.Loop {
    boolean transA;
    boolean transB;
    int m;
    int n;
    int k;
    float[] a;
    int aOff;
    int lda;
    float[] b;
    int bOff;
    int ldb;
    float[] c;
    int cOff;
    int ldc;
    boolean accumulate;
    SumTree tree;

    @Override
    protected void clear() {
      a = b = c = null;
      tree = null;
    }

    /** Column panels {@code [start, end)}: C's columns from {@code start·nr}. */
    @Override
    public void run(int worker, int start, int end) {
      int nr = KERNEL.nr();
      int col = start * nr;
      int cols = Math.min(n, end * nr) - col;
      Sgemm.run(transA, m, cols, k, a, aOff, lda, null, 0, transB, b, transB ? bOff + col * ldb : bOff + col, ldb, null, 0, c, cOff + col, ldc,
          accumulate, Epilogue.NONE, null, tree);
    }
  }

  /**
   * Packs rows {@code [ic, ic + mc)} of an A bound in place, steps {@code [pc, pc + kc)}, into {@code mr}-row panels
   * k-major, as {@link #packA} lays them out, for a kernel that does not read rows in place ({@link
   * MicroKernel#readsRowsInPlace}): row i's step q from {@code a[rowStart + (q / segment)·segmentStride + (q %
   * segment)·step]}, rows past the last repeating it as the in-place kernels' do. Each panel is then multiplied with
   * every panel of B, so a block is packed once for all of them.
   */
  private static void packRows(InPlaceRows rows, int m, int ic, int mc, int pc, int kc, int mr, float[] packed) {
    float[] a = rows.a;
    int firstAt = pc / rows.segment * rows.segmentStride + pc % rows.segment * rows.step;
    int firstLeft = rows.segment - pc % rows.segment;
    int jump = rows.segmentStride - rows.segment * rows.step;
    for (int ip = 0; ip * mr < mc; ip++) {
      int[] starts = rows.panelRows(ic + ip * mr, m, mr);
      int panel = ip * mr * kc;
      for (int i = 0; i < mr; i++) {
        int start = starts[i];
        int at = firstAt;
        int left = firstLeft;
        for (int p = 0; p < kc; p++) {
          packed[panel + p * mr + i] = a[start + at];
          at += rows.step;
          if (--left == 0) {
            at += jump;
            left = rows.segment;
          }
        }
      }
    }
  }

  private static float[] grow(float[] buffer, int size) {
    return buffer.length >= size ? buffer : new float[size];
  }

  /**
   * Packs rows [i0, i0+mc) × k [p0, p0+kc) of op(A) into MR-row panels of kc, k-major, one after the other from {@code
   * dst[dstOff]}, zero-padding the last panel.
   */
  private static void packA(boolean trans, float[] a, int aOff, int lda, int i0, int mc, int p0, int kc, int mr, float[] dst, int dstOff) {
    for (int ip = 0, d = dstOff; ip < mc; ip += mr, d += mr * kc) {
      int rows = Math.min(mr, mc - ip);
      if (trans) {
        for (int p = 0; p < kc; p++) {
          int src = aOff + (p0 + p) * lda + i0 + ip;
          for (int r = 0; r < rows; r++) {
            dst[d + p * mr + r] = a[src + r];
          }
          for (int r = rows; r < mr; r++) {
            dst[d + p * mr + r] = 0f;
          }
        }
      } else if (rows == mr && KERNEL.nr() % mr == 0) {
        // A whole panel: nr / mr steps of k at a time gathered in the width of a packed row of B (on AVX-512 four
        // steps of eight rows). Float by float this took 15% of a Winograd weight gradient's GEMM (384 × 256, k 128)
        // and 40% of a 192 × 64 one.
        int steps = KERNEL.nr() / mr;
        int[] lanes = panelOfALanes(lda);
        int src = aOff + (i0 + ip) * lda + p0;
        int p = 0;
        for (; p + steps <= kc; p += steps) {
          KERNEL.gatherPanel(a, src + p, lanes, dst, d + p * mr);
        }
        for (; p < kc; p++) {
          for (int r = 0; r < mr; r++) {
            dst[d + p * mr + r] = a[src + r * lda + p];
          }
        }
      } else {
        // Row by row: each row of A read in order (the loop over k for all rows at once read across six rows and
        // took three times as long: the weight-gradient GEMM packs its A, the output gradients, once per call).
        for (int r = 0; r < mr; r++) {
          int src = aOff + (i0 + ip + r) * lda + p0;
          if (r < rows) {
            for (int p = 0; p < kc; p++) {
              dst[d + p * mr + r] = a[src + p];
            }
          } else {
            for (int p = 0; p < kc; p++) {
              dst[d + p * mr + r] = 0f;
            }
          }
        }
      }
    }
  }

  /** {@code j · ldb} for the first {@code cols} columns of a panel and 0 for the rest, kept per thread for the last asked. */
  private static int[] partialLanes(int ldb, int cols) {
    Workspace ws = WORKSPACE.get();
    if (ws.partialLanesLdb != ldb || ws.partialLanesCols != cols) {
      for (int j = 0; j < ws.partialLanes.length; j++) {
        ws.partialLanes[j] = j < cols ? j * ldb : 0;
      }
      ws.partialLanesLdb = ldb;
      ws.partialLanesCols = cols;
    }
    return ws.partialLanes;
  }

  /**
   * {@code (j % mr) · lda + j / mr} for every lane j of a packed row of B: row j % mr, step j / mr of an A panel's
   * rows {@code lda} apart. Kept per thread for the last lda asked.
   */
  private static int[] panelOfALanes(int lda) {
    Workspace ws = WORKSPACE.get();
    if (ws.panelOfALanesLda != lda) {
      int mr = KERNEL.mr();
      for (int j = 0; j < ws.panelOfALanes.length; j++) {
        ws.panelOfALanes[j] = j % mr * lda + j / mr;
      }
      ws.panelOfALanesLda = lda;
    }
    return ws.panelOfALanes;
  }

  /** {@code j · ldb} for every column j of a panel, kept per thread for the last ldb asked. */
  private static int[] rowLanes(int ldb) {
    Workspace ws = WORKSPACE.get();
    if (ws.rowLanesLdb != ldb) {
      for (int j = 0; j < ws.rowLanes.length; j++) {
        ws.rowLanes[j] = j * ldb;
      }
      ws.rowLanesLdb = ldb;
    }
    return ws.rowLanes;
  }

  /** Packs k [p0, p0+kc) × columns [j0, j0+nc) of op(B) into NR-column panels, k-major, zero-padding the last. */
  private static void packB(boolean trans, float[] b, int bOff, int ldb, int p0, int kc, int j0, int nc, int nr, float[] dst) {
    int wholePanels = trans ? 0 : nc / nr;
    if (wholePanels > 0) {
      packRowsOfB(b, bOff + p0 * ldb + j0, ldb, kc, wholePanels, nr, dst);
    }
    int d = wholePanels * nr * kc;
    for (int jp = wholePanels * nr; jp < nc; jp += nr) {
      int cols = Math.min(nr, nc - jp);
      if (trans && cols == nr) {
        // A whole panel of Bᵀ: each packed row takes one float from each of nr rows of B, gathered in vectors. One
        // float at a time, the dense layers' forward pass spent longer packing its weights than multiplying them
        // (AlexNet's fc6: 19 million floats per tower per step).
        int[] lanes = rowLanes(ldb);
        int src = bOff + (j0 + jp) * ldb + p0;
        for (int p = 0; p < kc; p++, d += nr) {
          KERNEL.gatherPanel(b, src + p, lanes, dst, d);
        }
        continue;
      }
      if (trans) {
        // A partial panel of Bᵀ (AlexNet's conv1: 48 filters a tower, a panel and a half of its output gradients):
        // gathered the same way, the spare lanes reading column 0 and then cleared.
        int[] lanes = partialLanes(ldb, cols);
        int src = bOff + (j0 + jp) * ldb + p0;
        for (int p = 0; p < kc; p++, d += nr) {
          KERNEL.gatherPanel(b, src + p, lanes, dst, d);
          for (int j = cols; j < nr; j++) {
            dst[d + j] = 0f;
          }
        }
        continue;
      }
      for (int p = 0; p < kc; p++) {
        System.arraycopy(b, bOff + (p0 + p) * ldb + j0 + jp, dst, d, cols);
        for (int j = cols; j < nr; j++) {
          dst[d + j] = 0f;
        }
        d += nr;
      }
    }
  }

  /**
   * The whole panels of a row-major B ({@code kc} rows from {@code b[src]}, {@code ldb} apart), a few rows at a time
   * across all the panels. Panel by panel, each row's piece of {@code nr} floats lay {@code ldb} floats from the last:
   * for a dense layer's input gradient, where B is the weights, one 128-byte piece every 36 kB (AlexNet's fc6), a new
   * page for every read, and packing took over a third of the GEMM's time. Read across the panels, each row is one
   * forward run. All {@code kc} rows at once measured slower than panel by panel; {@value #ROWS_PER_PASS} rows at a
   * time (4 and 16 alike) ran the 128 × 9216 × 4096 GEMM of fc6's input gradient 20% faster (docs/performance.md,
   * session 25). Each piece is whole vectors ({@code nr} floats), so no copy writes past its own piece.
   */
  private static void packRowsOfB(float[] b, int src, int ldb, int kc, int panels, int nr, float[] dst) {
    for (int q0 = 0; q0 < kc; q0 += ROWS_PER_PASS) {
      int q1 = Math.min(kc, q0 + ROWS_PER_PASS);
      for (int jp = 0; jp < panels; jp++) {
        int d = jp * nr * kc;
        for (int p = q0; p < q1; p++) {
          KERNEL.copyRun(b, src + p * ldb + jp * nr, dst, d + p * nr, nr);
        }
      }
    }
  }
}
