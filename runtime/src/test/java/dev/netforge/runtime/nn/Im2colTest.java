package dev.netforge.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netforge.runtime.Rng;
import dev.netforge.runtime.gemm.Sgemm;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The packed patch matrices against the definition, element by element, in both layouts: planes narrower than a
 * panel (several examples in one) and wider, stride 1 (the shifted copies, written straight from the input where the
 * output is as wide as the input) and above, a group's channels taken from the middle of the input or from its very
 * first float, infinities in the input (a float moved across a row's edge must leave no trace), and scratch full of
 * stale values beforehand.
 */
class Im2colTest {
  @ParameterizedTest
  @CsvSource({
    "1, 28, 28, 5, 1, 2, 3, 1",
    "1, 28, 28, 5, 1, 2, 2, 0",
    "32, 13, 13, 5, 1, 2, 2, 1",
    "4, 6, 6, 3, 1, 1, 3, 1",
    "4, 6, 6, 3, 1, 1, 8, 0",
    "3, 6, 6, 3, 1, 2, 1, 1",
    "2, 3, 3, 3, 1, 1, 5, 1",
    "2, 5, 7, 3, 1, 1, 3, 0",
    "1, 4, 4, 5, 1, 2, 4, 0",
    "3, 11, 9, 3, 2, 1, 2, 1",
    "2, 19, 19, 7, 4, 0, 2, 1",
    "3, 23, 23, 7, 4, 0, 1, 1",
    "2, 21, 17, 5, 2, 2, 1, 0",
    "3, 35, 35, 11, 4, 2, 1, 0",
    "2, 9, 10, 2, 3, 0, 2, 1"
  })
  void packedPanelsHoldThePatches(int groupInputs, int height, int width, int kernel, int stride, int padding, int count, int first) {
    int outHeight = (height + 2 * padding - kernel) / stride + 1;
    int outWidth = (width + 2 * padding - kernel) / stride + 1;
    // Two groups: the gather reads the second group's channels.
    ConvShape s = new ConvShape(2 * groupInputs, height, width, 4, outHeight, outWidth, kernel, stride, padding, groupInputs);
    // From the second example, the second group; or from the array's first float.
    int c0 = first == 0 ? 0 : groupInputs;
    float[] x = new float[(first + count) * s.inChannels() * s.inPlane()];
    Rng rng = new Rng(height * 131L + kernel * 7L + stride);
    for (int i = 0; i < x.length; i++) {
      x[i] = i % 11 == 5 ? Float.POSITIVE_INFINITY : (float) rng.nextGaussian();
    }
    int patch = s.patch();
    int columns = count * s.outPlane();
    int nr = Sgemm.panelWidth();
    for (boolean transposed : new boolean[] {false, true}) {
      float[] padded = new float[Im2col.paddedSize(s, count)];
      float[] packed = new float[transposed ? Im2col.packedSize(columns, patch) : Im2col.packedSize(patch, columns)];
      Arrays.fill(padded, Float.NaN);
      Arrays.fill(packed, Float.NaN);
      Im2col.gatherPacked(s, x, first, count, c0, padded, packed, transposed);
      for (int row = 0; row < patch; row++) {
        for (int col = 0; col < columns; col++) {
          int k = transposed ? col : row;
          int n = transposed ? row : col;
          int kDepth = transposed ? columns : patch;
          float actual = packed[(n / nr * kDepth + k) * nr + n % nr];
          assertEquals(patchElement(s, x, first, c0, row, col), actual, (transposed ? "colᵀ" : "col") + " row " + row + " column " + col);
        }
      }
      if (!transposed) {
        // The same panels a few at a time, as a forward GEMM takes them, each lot written from the buffer's start.
        int panels = Im2col.columnPanels(s, count);
        for (int lot = 1; lot <= 2; lot++) {
          for (int p0 = 0; p0 < panels; p0 += lot) {
            int p1 = Math.min(panels, p0 + lot);
            float[] some = new float[packed.length];
            Im2col.packColumns(s, padded, count, p0, p1, some);
            for (int i = 0; i < (p1 - p0) * patch * nr; i++) {
              assertEquals(packed[p0 * patch * nr + i], some[i], "panels from " + p0 + ", float " + i);
            }
          }
        }
      }
      PatchRows rows = Im2col.patchRows(s, count);
      if (!transposed && rows != null) {
        // Where the col gather's first half left the patch rows, as the weight gradient reads them in place.
        int start = Im2col.patchRowsStart(s, count);
        for (int row = 0; row < patch; row++) {
          for (int col = 0; col < columns; col++) {
            int at = start + rows.offsets()[row] + col / rows.segment() * rows.segmentStride() + col % rows.segment() * rows.step();
            assertEquals(patchElement(s, x, first, c0, row, col), padded[at], "patch row " + row + " column " + col + " in place");
          }
        }
      }
    }
  }

  /** {@code col[row][column]} by the definition, for channels from {@code c0}. */
  private static float patchElement(ConvShape s, float[] x, int first, int c0, int row, int column) {
    int k = s.kernel();
    int e = first + column / s.outPlane();
    int p = column % s.outPlane();
    int y = p / s.outWidth() * s.stride() - s.padding() + row / k % k;
    int xx = p % s.outWidth() * s.stride() - s.padding() + row % k;
    if (y < 0 || y >= s.inHeight() || xx < 0 || xx >= s.inWidth()) {
      return 0f;
    }
    return x[((e * s.inChannels() + c0 + row / (k * k)) * s.inHeight() + y) * s.inWidth() + xx];
  }
}
