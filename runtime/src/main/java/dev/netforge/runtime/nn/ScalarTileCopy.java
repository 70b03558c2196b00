package dev.netforge.runtime.nn;

/** {@link TileCopy} one float at a time, for JVMs without the Vector API and for the runs' tails. */
final class ScalarTileCopy implements TileCopy {
  @Override
  public void store(float[] rows, TileRuns runs, float[] dst, int channel, float bias, boolean relu, float[] mask, boolean accumulate) {
    for (int r = 0; r < runs.count; r++) {
      storeRun(rows, runs.tile0[r], runs.map, runs.position[r], dst, channel + runs.at[r], runs.length[r], bias, relu, mask, accumulate);
    }
  }

  /** Outputs {@code [0, n)} of one run, output q from {@code rows[src + map[at + q]]} to {@code dst[d + q]} ({@link #store}). */
  static void storeRun(
      float[] rows, int src, int[] map, int at, float[] dst, int d, int n, float bias, boolean relu, float[] mask, boolean accumulate) {
    for (int q = 0; q < n; q++) {
      float v = rows[src + map[at + q]];
      if (accumulate) {
        dst[d + q] += v;
        continue;
      }
      v += bias;
      if (relu) {
        v = Math.max(v, 0f);
      }
      dst[d + q] = mask == null ? v : v * mask[d + q];
    }
  }

  @Override
  public void load(float[] g, int at, int[] lanes, int[] keep, int l0, float[] rows, int r, int count) {
    for (int l = 0; l < count; l++) {
      rows[r + l] = keep[l0 + l] == 0 ? 0f : g[at + lanes[l0 + l]];
    }
  }
}
