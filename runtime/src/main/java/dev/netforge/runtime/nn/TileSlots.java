package dev.netforge.runtime.nn;

/**
 * Where a block of {@link WinogradWeightGradient}'s output-gradient tiles lies once a panel of filters' rows under
 * the block are staged: for each of the block's {@link #examples} examples (from {@link #firstExample} of the call),
 * the rows {@code [rowStart[e], rowStart[e] + rowCount[e])} of each filter's plane, copied to the stage at {@code (e ·
 * panelWidth + f) · stagePlane} (filter f of the panel). Slot {@code q = (tile·i + k)·n + j} (output row i, column k of
 * the block's tile j) is at {@code index[q]} from there for filter 0, or −1 where it lies outside the plane (the parts
 * of edge tiles past it); lane {@code l} of the GEMM's panels is filter {@code l mod panelWidth} of its panel, {@code
 * filterLanes[l]} floats on, with {@code filterKeep[l]} −1, and the lanes past the last filter 0 and 0. Worked out once
 * per block for every panel of filters ({@link TileCopy#load}).
 */
final class TileSlots {
  private static final ThreadLocal<TileSlots> SLOTS = ThreadLocal.withInitial(TileSlots::new);

  int[] index = new int[0];
  int[] filterLanes = new int[0];
  int[] filterKeep = new int[0];
  int firstExample;
  int examples;
  int[] rowStart = new int[0];
  int[] rowCount = new int[0];
  /** Floats of one filter's staged rows of one example: the most rows any of the block's examples has, whole rows. */
  int stagePlane;

  private TileSlots() {}

  /** Floats the stage of one panel of filters takes. */
  int stageSize(int panelWidth) {
    return examples * panelWidth * stagePlane;
  }

  /**
   * The slots of tiles {@code [start, start + n)} (of {@code tile × tile} outputs, numbered example by example, row by
   * row, from the call's first example) in planes of {@code s.outHeight() × s.outWidth()}, and the lanes of {@code
   * outCount} filters in panels of {@code panelWidth}. Kept per thread: valid until the thread's next call.
   */
  static TileSlots of(ConvShape s, int tile, int start, int n, int outCount, int panelWidth) {
    TileSlots slots = SLOTS.get();
    int width = s.outWidth();
    int height = s.outHeight();
    int tilesWide = WinogradConvolution.tilesWide(s, tile);
    int tiles = WinogradConvolution.tiles(s, tile);
    slots.firstExample = start / tiles;
    slots.examples = (start + n - 1) / tiles - slots.firstExample + 1;
    if (slots.rowStart.length < slots.examples) {
      slots.rowStart = new int[slots.examples];
      slots.rowCount = new int[slots.examples];
    }
    int mostRows = 0;
    for (int e = 0; e < slots.examples; e++) {
      int exampleStart = (slots.firstExample + e) * tiles;
      int firstTile = Math.max(start, exampleStart) - exampleStart;
      int lastTile = Math.min(start + n, exampleStart + tiles) - 1 - exampleStart;
      slots.rowStart[e] = tile * (firstTile / tilesWide);
      slots.rowCount[e] = Math.min(height, tile * (lastTile / tilesWide + 1)) - slots.rowStart[e];
      mostRows = Math.max(mostRows, slots.rowCount[e]);
    }
    slots.stagePlane = mostRows * width;
    if (slots.index.length < tile * tile * n) {
      slots.index = new int[tile * tile * n];
    }
    for (int j = 0; j < n; j++) {
      int e = (start + j) / tiles - slots.firstExample;
      int t = (start + j) % tiles;
      int top = tile * (t / tilesWide);
      int left = tile * (t % tilesWide);
      int corner = e * panelWidth * slots.stagePlane + (top - slots.rowStart[e]) * width + left;
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
      slots.filterLanes[f] = f < outCount ? f % panelWidth * slots.stagePlane : 0;
      slots.filterKeep[f] = f < outCount ? -1 : 0;
    }
    return slots;
  }
}
