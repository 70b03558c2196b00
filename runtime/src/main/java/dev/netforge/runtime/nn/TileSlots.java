package dev.netforge.runtime.nn;

/**
 * Where a block of {@link WinogradWeightGradient}'s output-gradient tiles lies in the gradient's planes, and where a
 * panel of its filters lies: slot {@code q = (tile·i + k)·n + j} (output row i, column k of the block's tile j) is at
 * {@code index[q]} in channel 0, or −1 where it lies outside the plane (the parts of edge tiles past it); filter
 * {@code f} of the block's {@code outCount} is {@code filterLanes[f]} floats from channel 0, with {@code
 * filterKeep[f]} −1, and the lanes past {@code outCount}, up to whole panels of the GEMM, are 0 and 0. Worked out once
 * per block for every panel of filters ({@link TileCopy#load}).
 */
final class TileSlots {
  private static final ThreadLocal<TileSlots> SLOTS = ThreadLocal.withInitial(TileSlots::new);

  int[] index = new int[0];
  int[] filterLanes = new int[0];
  int[] filterKeep = new int[0];

  private TileSlots() {}

  /**
   * The slots of tiles {@code [start, start + n)} (of {@code tile × tile} outputs, numbered example by example, row by
   * row) of the examples from {@code first} in a tensor of {@code channels} planes of {@code s.outHeight() ×
   * s.outWidth()}, and the lanes of {@code outCount} filters in panels of {@code panelWidth}. Kept per thread: valid
   * until the thread's next call.
   */
  static TileSlots of(ConvShape s, int tile, int first, int start, int n, int channels, int outCount, int panelWidth) {
    TileSlots slots = SLOTS.get();
    if (slots.index.length < tile * tile * n) {
      slots.index = new int[tile * tile * n];
    }
    int width = s.outWidth();
    int height = s.outHeight();
    int tilesWide = WinogradConvolution.tilesWide(s, tile);
    int tiles = WinogradConvolution.tiles(s, tile);
    for (int j = 0; j < n; j++) {
      int e = (start + j) / tiles;
      int t = (start + j) % tiles;
      int top = tile * (t / tilesWide);
      int left = tile * (t % tilesWide);
      int corner = (first + e) * channels * s.outPlane() + top * width + left;
      for (int i = 0; i < tile; i++) {
        for (int k = 0; k < tile; k++) {
          boolean inside = top + i < height && left + k < width;
          slots.index[(tile * i + k) * n + j] = inside ? corner + i * width + k : -1;
        }
      }
    }
    int lanes = (outCount + panelWidth - 1) / panelWidth * panelWidth;
    if (slots.filterLanes.length < lanes) {
      slots.filterLanes = new int[lanes];
      slots.filterKeep = new int[lanes];
    }
    for (int f = 0; f < lanes; f++) {
      slots.filterLanes[f] = f < outCount ? f * s.outPlane() : 0;
      slots.filterKeep[f] = f < outCount ? -1 : 0;
    }
    return slots;
  }
}
