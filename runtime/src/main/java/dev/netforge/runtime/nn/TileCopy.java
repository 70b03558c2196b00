package dev.netforge.runtime.nn;

import dev.netforge.runtime.VectorApi;

/**
 * Copies between Winograd's rows of tiles and the planes of a tensor of outputs or output gradients, a vector at a
 * time: the output transform's rows (lanes over a block's tiles) into runs of output planes ({@link #store}), and the
 * output gradient's tiles into rows of lanes over a panel of filters for the weight gradient's transform ({@link
 * #load}). The tiles' values one by one, each at a place {@code tile} floats from the last, took a tenth of
 * AlexNetTorchvision's forward pass. The implementations give the same bits.
 */
interface TileCopy {
  /** The vector implementation when this JVM has the Vector API, else the scalar one. */
  static TileCopy forThisJvm() {
    return VectorApi.present() ? new VectorTileCopy() : new ScalarTileCopy();
  }

  /**
   * One filter's outputs of a block, every run of {@code runs}, from its rows of tiles into its plane: output {@code
   * q} of run r, {@code v = rows[runs.tile0[r] + runs.map[runs.position[r] + q]]}, to {@code dst[e] = mask[e] ·
   * relu(v + bias)} with {@code e = channel + runs.at[r] + q} ({@code mask} may be {@code null}; ReLU as {@code
   * Math.max(v, 0)}, as {@link dev.netforge.runtime.gemm.Epilogue#biasReluMask}), or, {@code accumulate}, {@code dst[e]
   * += v}.
   */
  void store(float[] rows, TileRuns runs, float[] dst, int channel, float bias, boolean relu, float[] mask, boolean accumulate);

  /**
   * One of {@link TileSlots}' slots for a panel of filters, from their staged rows into a row of lanes: {@code rows[r +
   * l] = g[at + lanes[l0 + l]]} where {@code keep[l0 + l]} is −1 and +0.0 where it is 0, for {@code l < count} (the
   * GEMM's panel width, a multiple of the vector length).
   */
  void load(float[] g, int at, int[] lanes, int[] keep, int l0, float[] rows, int r, int count);
}
