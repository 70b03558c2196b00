package dev.netforge.runtime.nn;

/**
 * Where each slot of a block's rows of tiles lies in a tensor of output gradients: slot {@code q = (tile·i + k)·ld +
 * j} holds output (row i, column k) of the block's tile j, {@code g[channel + index[q]]} where {@code keep[q]} is −1;
 * where it is 0 (the parts of edge tiles outside the plane, and the spare columns of the block's last panel) it holds
 * +0.0. Worked out once per block for every filter's pass ({@link WinogradWeightGradient}'s gradient transform,
 * through {@link TileCopy#load}).
 */
final class TileSlots {
  private static final ThreadLocal<TileSlots> SLOTS = ThreadLocal.withInitial(TileSlots::new);

  int[] index = new int[0];
  int[] keep = new int[0];

  private TileSlots() {}

  /**
   * The slots of tiles {@code [start, start + n)} (of {@code tile × tile} outputs, numbered example by example, row by
   * row), rows {@code ld} apart, of the examples from {@code first} in a tensor of {@code channels} planes of {@code
   * s.outHeight() × s.outWidth()}. Kept per thread: valid until the thread's next call.
   */
  static TileSlots of(ConvShape s, int tile, int ld, int first, int start, int n, int channels) {
    TileSlots slots = SLOTS.get();
    int size = tile * tile * ld;
    if (slots.index.length < size) {
      slots.index = new int[size];
      slots.keep = new int[size];
    }
    int width = s.outWidth();
    int height = s.outHeight();
    int tilesWide = (width + tile - 1) / tile;
    int tiles = ((height + tile - 1) / tile) * tilesWide;
    for (int j = 0; j < ld; j++) {
      int e = (start + j) / tiles;
      int t = (start + j) % tiles;
      int top = tile * (t / tilesWide);
      int left = tile * (t % tilesWide);
      int corner = (first + e) * channels * s.outPlane() + top * width + left;
      for (int i = 0; i < tile; i++) {
        for (int k = 0; k < tile; k++) {
          int q = (tile * i + k) * ld + j;
          boolean inside = j < n && top + i < height && left + k < width;
          slots.index[q] = inside ? corner + i * width + k : 0;
          slots.keep[q] = inside ? -1 : 0;
        }
      }
    }
    return slots;
  }
}
