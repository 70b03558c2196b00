package dev.netforge.runtime.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netforge.runtime.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every entry point of the GEMM against a float64 triple loop, on shapes that leave partial micro-tiles in both
 * directions and span several k blocks ({@value Sgemm#KC}), m blocks ({@value Sgemm#MC}) and whole column panels
 * (three of 32 on AVX-512, six of 16 on AVX2: B packed a few rows at a time across its panels must put each panel's
 * rows in its own place).
 */
class SgemmTest {
  private static final int M = 131;
  private static final int N = 101;
  private static final int K = 300;

  @ParameterizedTest
  @CsvSource({"false,false", "true,false", "false,true", "true,true"})
  void transposesAndAccumulation(boolean transA, boolean transB) {
    float[] a = random(M * K, 1);
    float[] b = random(K * N, 2);
    float[] c = random(M * N, 3);
    double[] expected = product(a, transA, b, transB);
    for (int i = 0; i < c.length; i++) {
      expected[i] += c[i];
    }
    Sgemm.gemm(transA, transB, M, N, K, a, 0, transA ? M : K, b, 0, transB ? K : N, c, 0, N, true, Epilogue.NONE);
    assertClose(expected, c);
  }

  /**
   * Within one k block, accumulating adds the product to C as one float sum: C + Σ, Σ bit for bit the product computed
   * alone. The batch-sum trees add a leaf's gradient this way, and a batch's gradient is the sum of its halves' only
   * if it is exact.
   */
  @ParameterizedTest
  @CsvSource({"false,false", "true,true"})
  void accumulatingAddsTheProductToCBitForBit(boolean transA, boolean transB) {
    int k = 40;
    float[] a = random(M * k, 6);
    float[] b = random(k * N, 7);
    float[] c = random(M * N, 8);
    float[] product = new float[M * N];
    Sgemm.gemm(transA, transB, M, N, k, a, 0, transA ? M : k, b, 0, transB ? k : N, product, 0, N, false, Epilogue.NONE);
    float[] expected = new float[M * N];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = c[i] + product[i];
    }
    Sgemm.gemm(transA, transB, M, N, k, a, 0, transA ? M : k, b, 0, transB ? k : N, c, 0, N, true, Epilogue.NONE);
    org.junit.jupiter.api.Assertions.assertArrayEquals(expected, c);
  }

  @Test
  void packedOperandsGiveTheSameProduct() {
    float[] a = random(M * K, 4);
    float[] b = random(K * N, 5);
    double[] expected = product(a, false, b, false);
    float[] packedA = new float[Sgemm.packedASize(M, K)];
    Sgemm.packA(false, M, K, a, 0, K, packedA);
    float[] packedB = packB(b);

    float[] c = new float[M * N];
    Sgemm.gemmPacked(M, N, K, packedA, 0, packedB, 0, c, 0, N, false, Epilogue.NONE);
    assertClose(expected, c);

    c = new float[M * N];
    Sgemm.gemmPackedA(M, N, K, packedA, false, b, 0, N, c, 0, N, false, Epilogue.NONE);
    assertClose(expected, c);

    c = new float[M * N];
    Sgemm.gemmPackedB(false, M, N, K, a, 0, K, packedB, 0, c, 0, N, false, Epilogue.NONE);
    assertClose(expected, c);
  }

  @ParameterizedTest
  // n = 101 and 48 end in a panel of at most half the kernel's columns on AVX-512, which the kernel computes with the
  // panel before it (48: AlexNet2012's conv1 filters a tower, at its stride of 4). Runs of 23 cross every k block;
  // in runs of 280 the first block lies within one run (the kernel's loop without jumps) and the second crosses; a
  // run of 300 is the whole of k, as a dense layer's rows are.
  @CsvSource({"1,101,23", "3,101,23", "4,48,23", "1,101,280", "1,101,300", "1,48,300", "2,101,300"})
  void rowsReadInPlaceGiveTheBitsOfThePackedProduct(int step, int n, int segment) {
    // A's rows as runs of `segment` floats `step` apart, the runs at least 70 apart, each row starting 3 floats after
    // the last.
    int segmentStride = Math.max(70, segment * step);
    int[] rowOffsets = new int[M];
    for (int i = 0; i < M; i++) {
      rowOffsets[i] = 3 * i;
    }
    float[] storage = random(5 + 3 * M + (K / segment + 1) * segmentStride, 17);
    float[] a = new float[M * K];
    for (int i = 0; i < M; i++) {
      for (int q = 0; q < K; q++) {
        a[i * K + q] = storage[5 + rowOffsets[i] + q / segment * segmentStride + q % segment * step];
      }
    }
    float[] bt = random(n * K, 18);
    float[] initial = random(M * n, 19);
    for (boolean accumulate : new boolean[] {false, true}) {
      float[] expected = initial.clone();
      Sgemm.gemm(false, true, M, n, K, a, 0, K, bt, 0, K, expected, 0, n, accumulate, Epilogue.NONE);
      float[] actual = initial.clone();
      Sgemm.gemmRowsA(M, n, K, storage, 5, rowOffsets, segment, segmentStride, step, true, bt, 0, K, actual, 0, n, accumulate);
      org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, "segment " + segment + " accumulate=" + accumulate);
    }
    double[] product = product(a, false, bt, true, n);
    float[] c = new float[M * n];
    Sgemm.gemmRowsA(M, n, K, storage, 5, rowOffsets, segment, segmentStride, step, true, bt, 0, K, c, 0, n, false);
    assertClose(product, c);
  }

  /** A's rows in place given by their stride give the bits of the same rows given by their offsets, as a dense layer reads its weights. */
  @ParameterizedTest
  @CsvSource({"101", "48"})
  void rowsInPlaceByStrideGiveTheBitsOfTheRowsByOffsets(int n) {
    int lda = K + 7;
    float[] storage = random(11 + M * lda, 24);
    int[] rowOffsets = new int[M];
    for (int i = 0; i < M; i++) {
      rowOffsets[i] = i * lda;
    }
    float[] bt = random(n * K, 25);
    float[] initial = random(M * n, 26);
    for (boolean accumulate : new boolean[] {false, true}) {
      float[] expected = initial.clone();
      Sgemm.gemmRowsA(M, n, K, storage, 11, rowOffsets, K, 0, 1, true, bt, 0, K, expected, 0, n, accumulate);
      float[] actual = initial.clone();
      Sgemm.gemmRowsA(M, n, K, storage, 11, lda, true, bt, 0, K, actual, 0, n, accumulate);
      org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, "n " + n + " accumulate=" + accumulate);
    }
  }

  /**
   * A's rows in place against a packed B give {@link Sgemm#gemmPackedB}'s bits on the same matrices, overwriting and
   * accumulating: the Winograd weight gradients' GEMMs read their V this way. Rows 307 floats apart (k = 300 of them
   * used, several k blocks), n = 48 ending in a panel of at most half the kernel's columns on AVX-512; and rows the
   * kernel's own stride apart ({@link Sgemm#fastRowStride}, lda 0 here; 128 where it has none), as V's blocks lie,
   * read by its one-index loop, k odd and even.
   */
  @ParameterizedTest
  @CsvSource({"101, 307, 300", "48, 307, 300", "101, 0, 127", "96, 0, 128"})
  void rowsInPlaceAgainstAPackedBGiveTheBitsOfThePackedProduct(int n, int lda, int k) {
    int stride = lda > 0 ? lda : Sgemm.fastRowStride() > 0 ? Sgemm.fastRowStride() : 128;
    float[] storage = random(11 + M * stride, 21);
    float[] b = random(k * n, 22);
    float[] packedB = packB(b, n, k);
    float[] initial = random(M * n, 23);
    for (boolean accumulate : new boolean[] {false, true}) {
      float[] expected = initial.clone();
      Sgemm.gemmPackedB(false, M, n, k, storage, 11, stride, packedB, 0, expected, 0, n, accumulate, Epilogue.NONE);
      float[] actual = initial.clone();
      Sgemm.gemmRowsAPackedB(M, n, k, storage, 11, stride, packedB, 0, actual, 0, n, accumulate);
      org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, "n " + n + " lda " + stride + " accumulate=" + accumulate);
    }
  }

  @Test
  void packedRowsWithBiasReluAndMaskEqualTheEpilogueOfTheProduct() {
    float[] a = random(M * K, 12);
    float[] b = random(K * N, 13);
    float[] bias = random(M + 5, 14);
    int ldc = N + 3;
    float[] mask = random(M * ldc + 7, 15);
    double[] product = product(a, false, b, false);
    float[] packedA = new float[Sgemm.packedASize(M, K)];
    Sgemm.packA(false, M, K, a, 0, K, packedA);
    // Into a larger array at an offset, rows ldc apart, as a convolution writes its output channels.
    float[] c = random(7 + M * ldc, 16);
    float[] before = c.clone();
    Sgemm.gemmPackedRows(M, N, K, packedA, packB(b), c, 7, ldc, bias, 5, true, mask);
    double[] expected = new double[M * N];
    float[] actual = new float[M * N];
    for (int i = 0; i < M; i++) {
      for (int j = 0; j < N; j++) {
        int at = 7 + i * ldc + j;
        expected[i * N + j] = Math.max(product[i * N + j] + bias[5 + i], 0) * mask[at];
        actual[i * N + j] = c[at];
        c[at] = before[at];
      }
    }
    assertClose(expected, actual);
    org.junit.jupiter.api.Assertions.assertArrayEquals(before, c, "floats outside the product's rows changed");
  }

  @Test
  void transposedPackedAIsTheTranspose() {
    float[] at = random(K * M, 6);
    float[] b = random(K * N, 7);
    float[] packedA = new float[Sgemm.packedASize(M, K)];
    Sgemm.packA(true, M, K, at, 0, M, packedA);
    float[] c = new float[M * N];
    Sgemm.gemmPackedA(M, N, K, packedA, false, b, 0, N, c, 0, N, false, Epilogue.NONE);
    assertClose(product(at, true, b, false), c);
  }

  @Test
  void parallelColumnsGiveTheProduct() {
    float[] a = random(M * K, 8);
    float[] b = random(K * N, 9);
    float[] c = new float[M * N];
    Sgemm.parallel(false, false, M, N, K, a, 0, K, b, 0, N, c, 0, N, false, null);
    assertClose(product(a, false, b, false), c);
  }

  /**
   * With a {@link SumTree}, each element is the tree's leaves' products summed as separate GEMMs added up in the tree's
   * order would give it, bit for bit — the dense layers' weight gradient was computed that way, and its bits must not
   * depend on how the sum is carried out. A tree of leaves of 32 over k = 100 is two nodes of two leaves, the right
   * one's sum added (the kernel's pair of sums); over k = 200 the right half is two such nodes, summed in a tile of
   * its own and then added. Leaves of 64 (the dense layers' for a global batch above 64): over k = 128 two leaves, over
   * k = 260 two nodes of two. C is accumulated onto, and M and N leave partial tiles.
   */
  @ParameterizedTest
  @CsvSource({"32, 100, false", "32, 100, true", "32, 200, false", "32, 200, true", "64, 128, false", "64, 260, true"})
  void treeOrderedSumEqualsTheLeavesAddedInThatOrder(int leaf, int k, boolean accumulate) {
    SumTree leaves = new SumTree() {
      @Override
      public boolean isLeaf(int lo, int hi) {
        return hi - lo <= leaf;
      }

      @Override
      public int middle(int lo, int hi) {
        return lo + (hi - lo) / 2;
      }
    };
    float[] a = random(k * M, 10);
    float[] b = random(k * N, 11);
    float[] c = random(M * N, 12);
    float[] expected = c.clone();
    float[] left = leafSums(leaves, 0, k / 2, a, b);
    float[] right = leafSums(leaves, k / 2, k, a, b);
    for (int i = 0; i < expected.length; i++) {
      float sum = left[i] + right[i];
      expected[i] = accumulate ? expected[i] + sum : sum;
    }
    Sgemm.parallel(true, false, M, N, k, a, 0, M, b, 0, N, c, 0, N, accumulate, leaves);
    org.junit.jupiter.api.Assertions.assertArrayEquals(expected, c);
  }

  /** {@code Aᵀ[:, lo:hi] · B[lo:hi, :]} as the tree sums it, one plain GEMM per leaf added onto the left ones' sum. */
  private static float[] leafSums(SumTree tree, int lo, int hi, float[] a, float[] b) {
    float[] sum = new float[M * N];
    if (tree.isLeaf(lo, hi)) {
      Sgemm.gemm(true, false, M, N, hi - lo, a, lo * M, M, b, lo * N, N, sum, 0, N, false, Epilogue.NONE);
      return sum;
    }
    int mid = tree.middle(lo, hi);
    float[] left = leafSums(tree, lo, mid, a, b);
    float[] right = leafSums(tree, mid, hi, a, b);
    for (int i = 0; i < sum.length; i++) {
      sum[i] = left[i] + right[i];
    }
    return sum;
  }

  private static float[] packB(float[] b) {
    return packB(b, N, K);
  }

  /** B of k × n in {@link Sgemm#packedSize}'s layout. */
  private static float[] packB(float[] b, int n, int k) {
    int nr = Sgemm.panelWidth();
    float[] packed = new float[Sgemm.packedSize(k, n)];
    for (int j = 0; j < n; j++) {
      for (int p = 0; p < k; p++) {
        packed[((j / nr) * k + p) * nr + j % nr] = b[p * n + j];
      }
    }
    return packed;
  }

  private static double[] product(float[] a, boolean transA, float[] b, boolean transB) {
    return product(a, transA, b, transB, N);
  }

  /** The M × n product of A and B in float64. */
  private static double[] product(float[] a, boolean transA, float[] b, boolean transB, int n) {
    double[] c = new double[M * n];
    for (int i = 0; i < M; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        for (int p = 0; p < K; p++) {
          sum += (double) (transA ? a[p * M + i] : a[i * K + p]) * (transB ? b[j * K + p] : b[p * n + j]);
        }
        c[i * n + j] = sum;
      }
    }
    return c;
  }

  private static void assertClose(double[] expected, float[] actual) {
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-4 * (1 + Math.abs(expected[i])), "element " + i);
    }
  }

  private static float[] random(int size, long seed) {
    return new Rng(seed).gaussians(size, 1);
  }
}
