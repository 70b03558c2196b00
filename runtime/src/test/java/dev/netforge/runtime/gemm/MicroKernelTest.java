package dev.netforge.runtime.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.netforge.runtime.Rng;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every micro-kernel (scalar, 6-row and 8-row vector) against a float64 product of the same packed panels, overwriting
 * and accumulating into a C with a row stride wider than the tile, and against each other bit for bit. The tests run
 * with the Vector API on one vector width, so without this the scalar kernel, the path of JVMs started without it,
 * and the vector kernel of the other width would never run.
 */
class MicroKernelTest {
  /** A's rows read in place: runs of {@value #SEGMENT} floats, the runs {@value #SEGMENT_STRIDE} apart. */
  private static final int SEGMENT = 9;

  private static final int SEGMENT_STRIDE = 50;

  /** Steps from the middle of a run: the fifth float of the second run. */
  private static final int Q0 = 13;

  private static final List<MicroKernel> KERNELS = List.of(new ScalarMicroKernel(), new VectorMicroKernel(), new WideVectorMicroKernel());

  @Test
  void everyKernelComputesTheTileOfThePackedPanels() {
    for (MicroKernel kernel : KERNELS) {
      int mr = kernel.mr();
      int nr = kernel.nr();
      int kc = 37;
      int aOff = 3;
      int bOff = 5;
      int cOff = 2;
      int ldc = nr + 3;
      Rng rng = new Rng(mr * 100L + nr);
      float[] a = rng.gaussians(aOff + mr * kc, 1);
      float[] b = rng.gaussians(bOff + nr * kc, 1);
      float[] initial = rng.gaussians(cOff + mr * ldc, 1);
      for (boolean add : new boolean[] {false, true}) {
        float[] c = initial.clone();
        kernel.compute(kc, a, aOff, b, bOff, c, cOff, ldc, add);
        for (int r = 0; r < mr; r++) {
          for (int j = 0; j < nr; j++) {
            double expected = add ? initial[cOff + r * ldc + j] : 0;
            for (int p = 0; p < kc; p++) {
              expected += (double) a[aOff + p * mr + r] * b[bOff + p * nr + j];
            }
            assertEquals(expected, c[cOff + r * ldc + j], 1e-5 * (1 + Math.abs(expected)), kernel.describe() + " C[" + r + "][" + j + "] add=" + add);
          }
        }
        for (int i = 0; i < c.length; i++) {
          boolean inTile = i >= cOff && (i - cOff) / ldc < mr && (i - cOff) % ldc < nr;
          if (!inTile) {
            assertEquals(initial[i], c[i], kernel.describe() + " wrote outside its tile at " + i);
          }
        }
      }
    }
  }

  /**
   * A tree node of two leaves (the dense layers' weight gradients): the two parts' sums, each from zero as {@link
   * MicroKernel#compute} gives it, then their sum, stored or added to C, bit for bit. Parts of unequal length, the
   * second starting where the first ends.
   */
  @Test
  void everyKernelSumsTwoPartsApartAndAddsTheSums() {
    for (MicroKernel kernel : KERNELS) {
      int mr = kernel.mr();
      int nr = kernel.nr();
      int kc = 13;
      int kc2 = 19;
      int aOff = 3;
      int bOff = 5;
      int cOff = 2;
      int ldc = nr + 3;
      Rng rng = new Rng(mr * 300L + nr);
      float[] a = rng.gaussians(aOff + mr * (kc + kc2), 1);
      float[] b = rng.gaussians(bOff + nr * (kc + kc2), 1);
      float[] initial = rng.gaussians(cOff + mr * ldc, 1);
      float[] first = new float[mr * nr];
      float[] second = new float[mr * nr];
      kernel.compute(kc, a, aOff, b, bOff, first, 0, nr, false);
      kernel.compute(kc2, a, aOff + kc * mr, b, bOff + kc * nr, second, 0, nr, false);
      for (boolean add : new boolean[] {false, true}) {
        float[] c = initial.clone();
        kernel.computePair(kc, kc2, a, aOff, b, bOff, c, cOff, ldc, add, new float[mr * nr]);
        float[] expected = initial.clone();
        for (int r = 0; r < mr; r++) {
          for (int j = 0; j < nr; j++) {
            float sum = first[r * nr + j] + second[r * nr + j];
            int at = cOff + r * ldc + j;
            expected[at] = add ? expected[at] + sum : sum;
          }
        }
        assertArrayEquals(expected, c, kernel.describe() + " add=" + add);
      }
    }
  }

  /**
   * Every other float, runs crossed; consecutive floats, runs crossed; consecutive floats within one run of 100, an
   * even number of steps (the 8-row kernel's loop without jumps, two steps a pass) and an odd one (its loop with
   * jumps). A kernel that reads no rows in place refuses to.
   */
  @ParameterizedTest
  @CsvSource({"2, " + SEGMENT + ", 41", "1, " + SEGMENT + ", 41", "1, 100, 40", "1, 100, 41"})
  void kernelsReadingRowsInPlaceReadThemAsFromAPackedPanel(int step, int segment, int kc) {
    for (MicroKernel kernel : KERNELS) {
      if (!kernel.readsRowsInPlace()) {
        assertThrows(UnsupportedOperationException.class, () -> kernel.computeRows(1, 0, 1, 1, 1, new float[8], new int[kernel.mr()], new float[64], 0,
            new float[256], 0, 32, false));
        continue;
      }
      int mr = kernel.mr();
      int nr = kernel.nr();
      int segmentStride = Math.max(SEGMENT_STRIDE, segment * step);
      int q0 = Q0;
      Rng rng = new Rng(mr * 31L + nr + segment);
      float[] a = rng.gaussians(mr * 7 + 8 * segmentStride + segment * step, 1);
      int[] rows = new int[mr];
      float[] packed = new float[mr * kc];
      for (int i = 0; i < mr; i++) {
        rows[i] = i * 7;
        for (int p = 0; p < kc; p++) {
          int q = q0 + p;
          packed[p * mr + i] = a[rows[i] + q / segment * segmentStride + q % segment * step];
        }
      }
      assertTileOfThePackedPanel(kernel, kc, packed, rng, "step " + step + " segment " + segment,
          (b, c, add) -> kernel.computeRows(kc, q0, segment, segmentStride, step, a, rows, b, 4, c, 0, nr + 2, add));
    }
  }

  /**
   * Rows the kernel's own stride apart, an odd number of steps from the middle of the rows, against the same values
   * packed, bit for bit. A kernel without that loop refuses it.
   */
  @Test
  void kernelsWithARowStrideReadRowsThatFarApartAsFromAPackedPanel() {
    for (MicroKernel kernel : KERNELS) {
      int stride = kernel.rowStride();
      if (stride == 0) {
        assertThrows(UnsupportedOperationException.class, () -> kernel.computeStrided(1, new float[8], 0, new float[64], 0, new float[256], 0, 32, false));
        continue;
      }
      int mr = kernel.mr();
      int nr = kernel.nr();
      int kc = 37;
      int aOff = 3 + Q0;
      Rng rng = new Rng(mr * 57L + nr);
      float[] a = rng.gaussians(aOff + mr * stride, 1);
      float[] packed = new float[mr * kc];
      for (int i = 0; i < mr; i++) {
        for (int p = 0; p < kc; p++) {
          packed[p * mr + i] = a[aOff + i * stride + p];
        }
      }
      assertTileOfThePackedPanel(kernel, kc, packed, rng, "stride " + stride, (b, c, add) -> kernel.computeStrided(kc, a, aOff, b, 4, c, 0, nr + 2, add));
    }
  }

  /** A kernel's tile computed from A's rows in place, from B at 4 into C's rows {@code nr() + 2} apart. */
  private interface TileInPlace {
    void compute(float[] b, float[] c, boolean add);
  }

  /**
   * {@code tile} against {@link MicroKernel#compute} on the same rows packed, bit for bit, overwriting and adding
   * into the same C; B and C's first values drawn from {@code rng}.
   */
  private static void assertTileOfThePackedPanel(MicroKernel kernel, int kc, float[] packed, Rng rng, String what, TileInPlace tile) {
    int mr = kernel.mr();
    int nr = kernel.nr();
    float[] b = rng.gaussians(4 + nr * kc, 1);
    float[] initial = rng.gaussians(mr * (nr + 2), 1);
    for (boolean add : new boolean[] {false, true}) {
      float[] expected = initial.clone();
      kernel.compute(kc, packed, 0, b, 4, expected, 0, nr + 2, add);
      float[] actual = initial.clone();
      tile.compute(b, actual, add);
      assertArrayEquals(expected, actual, kernel.describe() + " " + what + " add=" + add);
    }
  }

  /** A panel and the first half of the next in one pass over A's rows: the bits of two passes, one per panel. */
  @Test
  void kernelsReadingRowsInPlaceComputeAPanelAndAHalfPanelInOnePassAsInTwo() {
    for (MicroKernel kernel : KERNELS) {
      if (!kernel.readsRowsInPlace()) {
        continue;
      }
      int mr = kernel.mr();
      int nr = kernel.nr();
      // At conv1's stride of 4.
      int kc = 41;
      int step = 4;
      Rng rng = new Rng(mr * 17L + nr);
      float[] a = rng.gaussians(mr * 7 + 8 * SEGMENT_STRIDE + SEGMENT * step, 1);
      int[] rows = java.util.stream.IntStream.range(0, mr).map(i -> i * 7).toArray();
      float[] b = rng.gaussians(4 + 2 * nr * kc, 1);
      int halfOff = 4 + nr * kc;
      float[] initial = rng.gaussians(mr * (nr + 2), 1);
      for (boolean add : new boolean[] {false, true}) {
        float[] expected = initial.clone();
        kernel.computeRows(kc, Q0, SEGMENT, SEGMENT_STRIDE, step, a, rows, b, 4, expected, 0, nr + 2, add);
        float[] expectedHalf = new float[mr * nr];
        kernel.computeRows(kc, Q0, SEGMENT, SEGMENT_STRIDE, step, a, rows, b, halfOff, expectedHalf, 0, nr, false);
        float[] actual = initial.clone();
        float[] half = new float[mr * nr];
        java.util.Arrays.fill(half, Float.NaN);
        kernel.computeRowsWithHalfPanel(kc, Q0, SEGMENT, SEGMENT_STRIDE, step, a, rows, b, 4, halfOff, actual, 0, nr + 2, add, half);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, kernel.describe() + " add=" + add);
        for (int r = 0; r < mr; r++) {
          for (int j = 0; j < nr / 2; j++) {
            assertEquals(expectedHalf[r * nr + j], half[r * nr + j], kernel.describe() + " half[" + r + "][" + j + "] add=" + add);
          }
        }
      }
    }
  }

  @Test
  void everyKernelGathersAPanelRowAndWriteNothingElse() {
    for (MicroKernel kernel : KERNELS) {
      int nr = kernel.nr();
      Rng rng = new Rng(nr);
      float[] src = rng.gaussians(200, 1);
      int[] lanes = new int[nr];
      for (int j = 0; j < nr; j++) {
        lanes[j] = rng.nextInt(150);
      }
      float[] dst = rng.gaussians(nr + 9, 1);
      float[] initial = dst.clone();
      kernel.gatherPanel(src, 40, lanes, dst, 4);
      for (int i = 0; i < dst.length; i++) {
        float expected = i >= 4 && i < 4 + nr ? src[40 + lanes[i - 4]] : initial[i];
        assertEquals(expected, dst[i], kernel.describe() + " dst[" + i + "]");
      }
    }
  }

  @Test
  void everyKernelAddsARunOfEveryLengthAndChangeNothingElse() {
    for (MicroKernel kernel : KERNELS) {
      Rng rng = new Rng(kernel.nr() * 7L);
      for (int length = 0; length <= 40; length++) {
        float[] src = rng.gaussians(4 + length + kernel.copySlack(), 1);
        // An infinity right past the run: its lanes are masked off, so it must not reach dst.
        src[3 + length] = Float.POSITIVE_INFINITY;
        float[] dst = rng.gaussians(5 + length + kernel.copySlack(), 1);
        float[] initial = dst.clone();
        kernel.addRun(src, 3, dst, 5, length);
        for (int i = 0; i < dst.length; i++) {
          float expected = i >= 5 && i < 5 + length ? initial[i] + src[i - 2] : initial[i];
          assertEquals(expected, dst[i], kernel.describe() + " length " + length + " dst[" + i + "]");
        }
      }
    }
  }

  @Test
  void everyKernelCopiesTheKeptFloatsAndClearTheOthers() {
    for (MicroKernel kernel : KERNELS) {
      Rng rng = new Rng(kernel.nr() * 11L);
      for (int length = 0; length <= 40; length++) {
        float[] src = rng.gaussians(2 + length + kernel.copySlack(), 1);
        int[] keep = new int[1 + length + kernel.copySlack()];
        for (int i = 0; i < length; i++) {
          keep[1 + i] = i % 3 == 1 ? 0 : -1;
          if (i % 3 == 1) {
            // A dropped float leaves no trace, even an infinity or a NaN.
            src[2 + i] = i % 2 == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
          }
        }
        float[] dst = rng.gaussians(5 + length + kernel.copySlack(), 1);
        float[] initial = dst.clone();
        kernel.copyRunKeeping(src, 2, dst, 5, length, keep, 1);
        for (int i = 0; i < 5 + length; i++) {
          float expected = i < 5 ? initial[i] : (i - 5) % 3 == 1 ? 0f : src[i - 3];
          assertEquals(expected, dst[i], kernel.describe() + " length " + length + " dst[" + i + "]");
        }
      }
    }
  }

  /**
   * The same products summed in the same order: each vector kernel's tile of one A (packed for its own panel height)
   * and one B, the rows they have in common bit for bit, overwriting and accumulating. Checkpoints keep their bits
   * whichever of the two a machine's vector width picks. (The scalar kernel's sums are its own: Math.fma one lane at a
   * time, within rounding of the others.)
   */
  @Test
  void bothVectorKernelsGiveTheSameBits() {
    MicroKernel sixRows = new VectorMicroKernel();
    MicroKernel eightRows = new WideVectorMicroKernel();
    int kc = 37;
    int columns = sixRows.nr();
    Rng rng = new Rng(8);
    float[] a = rng.gaussians(eightRows.mr() * kc, 1);
    float[] b = rng.gaussians(kc * columns, 1);
    float[] initial = rng.gaussians(eightRows.mr() * columns, 1);
    for (boolean add : new boolean[] {false, true}) {
      float[] six = tile(sixRows, a, kc, b, initial, add);
      float[] eight = tile(eightRows, a, kc, b, initial, add);
      for (int i = 0; i < sixRows.mr() * columns; i++) {
        assertEquals(six[i], eight[i], 0f, "C[" + i / columns + "][" + i % columns + "] add=" + add);
      }
    }
  }

  /** {@code kernel}'s tile of A's first {@code mr()} rows (rows of {@code kc}) and B, packed for it, into a copy of {@code initial}. */
  private static float[] tile(MicroKernel kernel, float[] a, int kc, float[] b, float[] initial, boolean add) {
    int mr = kernel.mr();
    int nr = kernel.nr();
    float[] packedA = new float[mr * kc];
    for (int p = 0; p < kc; p++) {
      for (int r = 0; r < mr; r++) {
        packedA[p * mr + r] = a[r * kc + p];
      }
    }
    float[] c = initial.clone();
    kernel.compute(kc, packedA, 0, b, 0, c, 0, nr, add);
    return c;
  }
}
