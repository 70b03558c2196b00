package dev.netforge.runtime.nn;

import dev.netforge.runtime.gemm.Sgemm;
import java.util.Arrays;

/**
 * The patch matrix of a convolution: {@code col[(c·k + ky)·k + kx][oy·OW + ox] = x[c][oy·s − p + ky][ox·s − p + kx]}
 * (zero outside the image), and its adjoint, which adds patches back into the image.
 */
final class Im2col {
  /** Each worker's per-panel index arrays, so that a gather allocates nothing (it runs once per group of examples). */
  private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

  /** Floats of packed column panels filled at a time ({@link #panelsPerLot}): 192 KiB. */
  private static final int LOT_FLOATS = 48 * 1024;

  private Im2col() {}

  private static final class Workspace {
    final int[] lane = new int[Sgemm.panelWidth()];
    final int[] runStart = new int[Sgemm.panelWidth()];
    final int[] runLength = new int[Sgemm.panelWidth()];
    /** {@link #keepPattern}'s last answer and the geometry it was made for. */
    int[] keep = new int[0];
    int keepKernel = -1;
    int keepPadding;
    int keepWidth;
    int keepPlane;
  }

  /**
   * Floats the zero-padded copy of {@code count} examples' group channels takes ({@link #gatherPacked}), and at stride
   * 1 their shifted copies, with room for {@link Sgemm#copyRun} to read past the last plane.
   */
  static int paddedSize(ConvShape s, int count) {
    return count * s.groupInputs() * (paddedPlane(s) + shiftedSize(s)) + Sgemm.copySlack();
  }

  /** Floats {@link #gatherPacked}'s packed panels of {@code k × n} take, with room for {@link Sgemm#copyRun}. */
  static int packedSize(int k, int n) {
    return Sgemm.packedSize(k, n) + Sgemm.copySlack();
  }

  private static int paddedWidth(ConvShape s) {
    return s.inWidth() + 2 * s.padding();
  }

  private static int paddedHeight(ConvShape s) {
    return s.inHeight() + 2 * s.padding();
  }

  private static int paddedPlane(ConvShape s) {
    return paddedHeight(s) * paddedWidth(s);
  }

  /**
   * Floats one channel's shifted copies take at stride 1 ({@link #shift}): {@code kernel} planes of the padded height
   * and the output width; none at other strides.
   */
  private static int shiftedSize(ConvShape s) {
    return s.stride() == 1 ? s.kernel() * paddedHeight(s) * s.outWidth() : 0;
  }

  /**
   * Gathers the patch matrices of channels [c0, c0 + groupInputs) of {@code count} consecutive examples from
   * {@code first} straight into the packed-B layout of {@link Sgemm#gemmPackedB}, with no im2col matrix in between,
   * the examples side by side: as {@code col} ({@code k} = patch row, {@code n} = (example, output position); the
   * forward GEMM) or as {@code colᵀ} ({@code k} = (example, output position), {@code n} = patch row; the
   * weight-gradient GEMM). The channels are first copied into {@code padded} with their zero border, so that the
   * gather itself has no bounds to test; at stride 1, {@code col} is then copied in runs from their shifted copies,
   * which a convolution whose output is as wide as its input writes straight from {@code x}.
   */
  static void gatherPacked(ConvShape s, float[] x, int first, int count, int c0, float[] padded, float[] packed, boolean transposed) {
    prepare(s, x, first, count, c0, padded, transposed);
    if (transposed) {
      gatherByPatchRow(s, padded, count, packed);
    } else {
      packColumns(s, padded, count, 0, columnPanels(s, count), packed);
    }
  }

  /**
   * Column panels of a patch matrix {@code patch} rows deep for a GEMM to take at a time ({@link #packColumns}): about
   * {@value #LOT_FLOATS} floats, which with the GEMM's packed A stay in a core's L2 between the copies that write them
   * and the micro-kernel that reads them. MiniAlexNet's conv2 forward, one thread: 6-8% faster than all its panels (a
   * megabyte per group of examples) at once; lots of 24 Ki and 96 Ki floats measured no better.
   */
  static int panelsPerLot(int patch) {
    return Math.max(1, LOT_FLOATS / (patch * Sgemm.panelWidth()));
  }

  /** Column panels {@code col} has for {@code count} examples ({@link #packColumns}). */
  static int columnPanels(ConvShape s, int count) {
    return (count * s.outPlane() + Sgemm.panelWidth() - 1) / Sgemm.panelWidth();
  }

  /**
   * {@code col}'s column panels {@code [firstPanel, endPanel)} from what {@link #prepare} left in {@code padded},
   * written from {@code packed[0]} on: a forward GEMM takes its B a few panels at a time, each lot still in the cache
   * when the micro-kernel reads it (MiniAlexNet's conv2 has a megabyte of panels per group of examples).
   */
  static void packColumns(ConvShape s, float[] padded, int count, int firstPanel, int endPanel, float[] packed) {
    if (s.stride() == 1) {
      copyByPosition(s, padded, count, firstPanel, endPanel, packed);
    } else {
      gatherByPosition(s, padded, count, firstPanel, endPanel, packed);
    }
  }

  /**
   * {@link #gatherPacked}'s first half: the examples' group channels copied into {@code padded} (with their zero
   * border, or at stride 1 for {@code col} as shifted copies; {@link #patchRows} locates the patch rows in either),
   * which its second half reads.
   */
  static void prepare(ConvShape s, float[] x, int first, int count, int c0, float[] padded, boolean transposed) {
    if (transposed || s.stride() != 1) {
      pad(s, x, first, count, c0, padded);
    } else if (s.outWidth() == s.inWidth()) {
      shiftFromInput(s, x, first, count, c0, padded);
    } else {
      pad(s, x, first, count, c0, padded);
      shift(s, padded, count);
    }
  }

  /**
   * Where {@link #prepare} (for {@code col}) leaves each row of the patch matrix ({@link PatchRows}): at stride 1 in
   * the shifted copies, each row of an example one run of {@code outPlane} floats; above it in the padded planes,
   * each output row's elements {@code stride} apart, which holds for one example at a time only (so {@code null}
   * where {@code examplesPerGemm} exceeds one).
   */
  static PatchRows patchRows(ConvShape s, int examplesPerGemm) {
    if (s.stride() != 1 && examplesPerGemm > 1) {
      return null;
    }
    // How far apart the rows of neighbouring channels, kernel rows and kernel columns start.
    int copy = paddedHeight(s) * s.outWidth();
    boolean shifted = s.stride() == 1;
    int channelStride = shifted ? s.kernel() * copy : paddedPlane(s);
    int kyStride = shifted ? s.outWidth() : paddedWidth(s);
    int kxStride = shifted ? copy : 1;
    int k = s.kernel();
    int[] offsets = new int[s.patch()];
    for (int c = 0, r = 0; c < s.groupInputs(); c++) {
      for (int ky = 0; ky < k; ky++) {
        for (int kx = 0; kx < k; kx++, r++) {
          offsets[r] = c * channelStride + ky * kyStride + kx * kxStride;
        }
      }
    }
    return shifted
        ? new PatchRows(offsets, s.outPlane(), shiftedSize(s) * s.groupInputs(), 1)
        : new PatchRows(offsets, s.outWidth(), s.stride() * paddedWidth(s), s.stride());
  }

  /** {@link PatchRows}'s {@code start} for {@code count} examples: past the padded planes at stride 1, else 0. */
  static int patchRowsStart(ConvShape s, int count) {
    return s.stride() == 1 ? count * s.groupInputs() * paddedPlane(s) : 0;
  }

  /**
   * Copies the rows in the micro-kernel's vector width ({@link Sgemm#copyRun}) and zeroes the border around them
   * afterwards, which also clears what each row's copy wrote past its end.
   */
  private static void pad(ConvShape s, float[] x, int first, int count, int c0, float[] padded) {
    int p = s.padding();
    int w = s.inWidth();
    int pw = paddedWidth(s);
    int pp = paddedPlane(s);
    int slack = Sgemm.copySlack();
    for (int e = 0; e < count; e++) {
      for (int c = 0; c < s.groupInputs(); c++) {
        int src = ((first + e) * s.inChannels() + c0 + c) * s.inPlane();
        int plane = (e * s.groupInputs() + c) * pp;
        // The top border and the first row's left border.
        Arrays.fill(padded, plane, plane + p * pw + p, 0f);
        for (int y = 0, dst = plane + p * pw + p; y < s.inHeight(); y++, src += w, dst += pw) {
          if (src + w + slack <= x.length) {
            Sgemm.copyRun(x, src, padded, dst, w);
          } else {
            System.arraycopy(x, src, padded, dst, w);
          }
          // This row's right border and the next row's left border: over what the copy wrote past the row.
          Arrays.fill(padded, dst + w, dst + w + 2 * p, 0f);
        }
        // The rest of the bottom border.
        Arrays.fill(padded, plane + (p + s.inHeight()) * pw + p, plane + pp, 0f);
      }
    }
  }

  /**
   * At stride 1, each padded channel's {@code kernel} shifted copies, after the padded planes in {@code padded}:
   * copy kx holds {@code padded[c][y][kx + ox]} at {@code [y][ox]}, rows of the output width with no gap between
   * them. In it, patch row (c, ky, kx) of one example is one run: the {@code outPlane} floats from row ky.
   */
  private static void shift(ConvShape s, float[] padded, int count) {
    int k = s.kernel();
    int pw = paddedWidth(s);
    int ph = paddedHeight(s);
    int ow = s.outWidth();
    int planes = count * s.groupInputs();
    // In ascending order: each row's copy overwrites what the one before it wrote past its end.
    for (int plane = 0, dst = planes * paddedPlane(s); plane < planes; plane++) {
      for (int kx = 0; kx < k; kx++) {
        for (int y = 0, src = plane * paddedPlane(s) + kx; y < ph; y++, src += pw, dst += ow) {
          Sgemm.copyRun(padded, src, padded, dst, ow);
        }
      }
    }
  }

  /**
   * {@link #shift}'s copies written straight from the input, for the stride-1 convolutions whose output is as wide as
   * their input (padding (kernel − 1) / 2: every 3×3 and 5×5 layer of the AlexNets), which need no padded planes: copy
   * kx of a channel is then the channel's plane, whole, moved by kx − padding floats, with the floats that crossed a
   * row's edge cleared ({@link #keepPattern}) and {@code padding} zero rows above and below. One vector pass per copy
   * instead of a padded copy of every row and then a short copy per row and shift (on 6×6 planes those rows are 6
   * floats long, and the two passes took as long as filling the GEMM's panels).
   */
  private static void shiftFromInput(ConvShape s, float[] x, int first, int count, int c0, float[] padded) {
    int k = s.kernel();
    int p = s.padding();
    int w = s.inWidth();
    int plane = s.inPlane();
    int border = p * w;
    int copy = plane + 2 * border;
    int slack = Sgemm.copySlack();
    int[] keep = keepPattern(s);
    int start = count * s.groupInputs() * paddedPlane(s);
    int end = start + count * s.groupInputs() * k * copy;
    Arrays.fill(padded, start, start + border, 0f);
    // In ascending order: each copy overwrites what the one before it wrote past its end.
    for (int e = 0, dst = start; e < count; e++) {
      for (int c = 0; c < s.groupInputs(); c++) {
        int src = ((first + e) * s.inChannels() + c0 + c) * plane;
        for (int kx = 0; kx < k; kx++, dst += copy) {
          int from = src + kx - p;
          if (from >= 0 && from + plane + slack <= x.length) {
            Sgemm.copyRunKeeping(x, from, padded, dst + border, plane, keep, kx * (plane + slack));
          } else {
            // The first plane of x moved left, or one too near its end for whole vectors.
            for (int i = 0; i < plane; i++) {
              int column = i % w + kx - p;
              padded[dst + border + i] = column >= 0 && column < w ? x[from + i] : 0f;
            }
          }
          // This copy's bottom border and the next one's top border, in one fill.
          Arrays.fill(padded, dst + border + plane, Math.min(dst + copy + border, end), 0f);
        }
      }
    }
  }

  /**
   * For each kx, which floats of a plane moved by kx − padding stay in their row: −1 where {@code 0 ≤ x + kx − padding
   * < width} for the float's column x, 0 elsewhere and in the {@link Sgemm#copySlack()} entries past the plane. Kept
   * per worker for the last geometry asked, so a layer's calls after its first compute nothing.
   */
  private static int[] keepPattern(ConvShape s) {
    Workspace ws = WORKSPACE.get();
    int k = s.kernel();
    int p = s.padding();
    int w = s.inWidth();
    int plane = s.inPlane();
    if (ws.keepKernel != k || ws.keepPadding != p || ws.keepWidth != w || ws.keepPlane != plane) {
      int stride = plane + Sgemm.copySlack();
      if (ws.keep.length < k * stride) {
        ws.keep = new int[k * stride];
      }
      for (int kx = 0; kx < k; kx++) {
        for (int i = 0; i < stride; i++) {
          int column = i % w + kx - p;
          ws.keep[kx * stride + i] = i < plane && column >= 0 && column < w ? -1 : 0;
        }
      }
      ws.keepKernel = k;
      ws.keepPadding = p;
      ws.keepWidth = w;
      ws.keepPlane = plane;
    }
    return ws.keep;
  }

  /**
   * {@code col} layout from {@link #shift}'s copies: panels of {@code nr} columns; within a panel, patch row by patch
   * row, each row one run per example the panel spans (a vector copy or two) instead of a vector gather per lane
   * group, which the small planes needed.
   */
  private static void copyByPosition(ConvShape s, float[] padded, int count, int firstPanel, int endPanel, float[] packed) {
    int nr = Sgemm.panelWidth();
    int k = s.kernel();
    int plane = s.outPlane();
    int copy = paddedHeight(s) * s.outWidth();
    int shifted = count * s.groupInputs() * paddedPlane(s);
    int columns = count * plane;
    Workspace ws = WORKSPACE.get();
    // Where each run of the panel starts in the panel, its length, and its first column's offset in the example's copies.
    int[] runStart = ws.runStart;
    int[] runLength = ws.runLength;
    int[] runSource = ws.lane;
    for (int j0 = firstPanel * nr, d = 0; j0 < Math.min(columns, endPanel * nr); j0 += nr) {
      int width = Math.min(nr, columns - j0);
      int runs = 0;
      for (int j = 0; j < width; runs++) {
        int e = (j0 + j) / plane;
        int p = (j0 + j) % plane;
        runStart[runs] = j;
        runLength[runs] = Math.min(width - j, plane - p);
        runSource[runs] = shifted + e * s.groupInputs() * k * copy + p;
        j += runLength[runs];
      }
      if (runs == 1 && width == nr) {
        // The common panel, inside one example: each row one copy of a constant nr floats, which the JIT unrolls.
        int source = runSource[0];
        for (int c = 0; c < s.groupInputs(); c++) {
          for (int ky = 0; ky < k; ky++) {
            for (int kx = 0; kx < k; kx++, d += nr) {
              Sgemm.copyRun(padded, source + (c * k + kx) * copy + ky * s.outWidth(), packed, d, nr);
            }
          }
        }
        continue;
      }
      if (runs == 2) {
        // A panel across two examples (on 6×6 planes, all but one in nine): the two copies without the loop over runs.
        int first = runSource[0];
        int second = runSource[1];
        int split = runLength[0];
        int rest = runLength[1];
        for (int c = 0; c < s.groupInputs(); c++) {
          for (int ky = 0; ky < k; ky++) {
            for (int kx = 0; kx < k; kx++, d += nr) {
              int offset = (c * k + kx) * copy + ky * s.outWidth();
              // In ascending order: the second run overwrites what the first wrote past its end.
              Sgemm.copyRun(padded, first + offset, packed, d, split);
              Sgemm.copyRun(padded, second + offset, packed, d + split, rest);
              if (width < nr) {
                Arrays.fill(packed, d + width, d + nr, 0f);
              }
            }
          }
        }
        continue;
      }
      for (int c = 0; c < s.groupInputs(); c++) {
        for (int ky = 0; ky < k; ky++) {
          for (int kx = 0; kx < k; kx++, d += nr) {
            int offset = (c * k + kx) * copy + ky * s.outWidth();
            // In ascending order: each run overwrites what the one before it wrote past its end.
            for (int r = 0; r < runs; r++) {
              Sgemm.copyRun(padded, runSource[r] + offset, packed, d + runStart[r], runLength[r]);
            }
            if (width < nr) {
              // A partial panel's spare columns are never stored; zeros keep stale values out of the GEMM.
              Arrays.fill(packed, d + width, d + nr, 0f);
            }
          }
        }
      }
    }
  }

  /** {@code col} layout at strides above 1: panels of {@code nr} columns; within a panel, patch row by patch row. */
  private static void gatherByPosition(ConvShape s, float[] padded, int count, int firstPanel, int endPanel, float[] packed) {
    int nr = Sgemm.panelWidth();
    int k = s.kernel();
    int pw = paddedWidth(s);
    int pp = paddedPlane(s);
    int plane = s.outPlane();
    int columns = count * plane;
    int[] lane = WORKSPACE.get().lane;
    for (int j0 = firstPanel * nr, d = 0; j0 < Math.min(columns, endPanel * nr); j0 += nr) {
      int width = Math.min(nr, columns - j0);
      // A partial panel's spare lanes gather the first window again: in bounds, and their columns are never stored.
      Arrays.fill(lane, width, nr, 0);
      for (int j = 0; j < width; j++) {
        int e = (j0 + j) / plane;
        int p = (j0 + j) % plane;
        lane[j] = e * s.groupInputs() * pp + p / s.outWidth() * s.stride() * pw + p % s.outWidth() * s.stride();
      }
      for (int c = 0; c < s.groupInputs(); c++) {
        for (int ky = 0; ky < k; ky++) {
          for (int kx = 0; kx < k; kx++, d += nr) {
            Sgemm.gatherPanel(padded, c * pp + ky * pw + kx, lane, packed, d);
          }
        }
      }
    }
  }

  /** {@code colᵀ} layout: panels of {@code nr} patch rows; within a panel, (example, output position) in turn. */
  private static void gatherByPatchRow(ConvShape s, float[] padded, int count, float[] packed) {
    int nr = Sgemm.panelWidth();
    int k = s.kernel();
    int pw = paddedWidth(s);
    int pp = paddedPlane(s);
    int patch = s.patch();
    int[] offset = WORKSPACE.get().lane;
    for (int r0 = 0, d = 0; r0 < patch; r0 += nr) {
      int width = Math.min(nr, patch - r0);
      for (int j = 0; j < width; j++) {
        int row = r0 + j;
        offset[j] = row / (k * k) * pp + row / k % k * pw + row % k;
      }
      Arrays.fill(offset, width, nr, 0);
      for (int e = 0; e < count; e++) {
        int example = e * s.groupInputs() * pp;
        for (int oy = 0; oy < s.outHeight(); oy++) {
          for (int ox = 0; ox < s.outWidth(); ox++, d += nr) {
            Sgemm.gatherPanel(padded, example + oy * s.stride() * pw + ox * s.stride(), offset, packed, d);
          }
        }
      }
    }
  }

  /**
   * Adds one example's {@code col} back into channels [c0, c0 + groupInputs) of its gradient at {@code dxOff}; its
   * columns start at {@code colOff} in rows {@code colStride} long (several examples' columns side by side). The sums
   * go into {@code padded} (one example's zero-bordered planes) first, so the inner loop has no bounds to test; {@code
   * col} needs {@link Sgemm#copySlack()} floats of room past its last row.
   */
  static void scatterAdd(ConvShape s, float[] col, int colOff, int colStride, float[] padded, float[] dx, int dxOff, int c0) {
    int k = s.kernel();
    int pw = paddedWidth(s);
    int pp = paddedPlane(s);
    int oh = s.outHeight();
    int ow = s.outWidth();
    int stride = s.stride();
    // Only the padded planes: the shifted copies' room after them (five times as large at 5×5) is not used here.
    Arrays.fill(padded, 0, s.groupInputs() * pp, 0f);
    int row = 0;
    for (int c = 0; c < s.groupInputs(); c++) {
      for (int ky = 0; ky < k; ky++) {
        for (int kx = 0; kx < k; kx++, row++) {
          int d = colOff + row * colStride;
          for (int oy = 0; oy < oh; oy++, d += ow) {
            int dst = c * pp + (oy * stride + ky) * pw + kx;
            if (stride == 1) {
              // Rows of 13 or 27 are too short for C2 to vectorize the loop below on AVX-512.
              Sgemm.addRun(col, d, padded, dst, ow);
            } else {
              for (int ox = 0; ox < ow; ox++) {
                padded[dst + ox * stride] += col[d + ox];
              }
            }
          }
        }
      }
    }
    for (int c = 0; c < s.groupInputs(); c++) {
      int src = c * pp + s.padding() * pw + s.padding();
      int dst = dxOff + (c0 + c) * s.inPlane();
      for (int y = 0; y < s.inHeight(); y++) {
        for (int xx = 0; xx < s.inWidth(); xx++) {
          dx[dst + y * s.inWidth() + xx] += padded[src + y * pw + xx];
        }
      }
    }
  }
}
