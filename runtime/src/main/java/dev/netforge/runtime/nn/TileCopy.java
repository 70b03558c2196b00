package dev.netforge.runtime.nn;

import dev.netforge.runtime.VectorApi;

/**
 * Copies between a block's rows of tiles (output (row i, column k) of the block's tile j at {@code (tile·i + k)·ld +
 * j}) and the planes of a tensor of outputs or output gradients, a vector at a time: the tiles' values one by one, each
 * at a place {@code tile} floats from the last, took a tenth of AlexNetTorchvision's forward pass. The implementations
 * give the same bits.
 */
interface TileCopy {
  /** The vector implementation when this JVM has the Vector API, else the scalar one. */
  static TileCopy forThisJvm() {
    return VectorApi.present() ? new VectorTileCopy() : new ScalarTileCopy();
  }

  /**
   * One of {@link TileRuns}' runs from the rows of tiles into its plane: {@code dst[d + q] = mask[d + q] ·
   * relu(rows[src + map[at + q]] + bias)} for {@code q < n} ({@code mask} may be {@code null}; ReLU as {@code
   * Math.max(v, 0)}, as {@link dev.netforge.runtime.gemm.Epilogue#biasReluMask}), or, {@code accumulate}, {@code dst[d
   * + q] += rows[src + map[at + q]]}.
   */
  void store(
      float[] rows, int src, int[] map, int at, float[] dst, int d, int n, float bias, boolean relu, float[] mask, boolean accumulate);

  /**
   * {@link TileSlots}' slots of a block from the planes into the rows of tiles: {@code rows[q] = g[channel + index[q]]}
   * where {@code keep[q]} is −1 and +0.0 where it is 0, for {@code q < n}: whole panels of the GEMM, a multiple of
   * the vector length.
   */
  void load(float[] g, int channel, int[] index, int[] keep, float[] rows, int n);
}
