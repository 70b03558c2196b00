package dev.netforge.runtime.nn;

import java.util.Arrays;

/**
 * Where a block of {@link WinogradConvolution}'s output tiles lies in an output tensor: as runs of consecutive
 * outputs of a plane, each with the place of its outputs in the block's rows of tiles. The output transform writes
 * output (row i, column k) of the block's tile j to {@code rows[(tile·i + k)·ld + j]}, so output {@code q} of run
 * {@code r} is {@code rows[tile0[r] + map[position[r] + q]]}, and goes to {@code channel + at[r] + q}.
 *
 * <p>A block's tiles of one example that fill whole rows of tiles cover one run of the plane (a 13×13 plane in tiles
 * of 4: all 169 outputs); a row of tiles the block takes only part of gives a run per row of outputs. {@link TileCopy}
 * writes the runs a vector at a time, where the tiles' outputs one by one (each to a place {@code tile} floats from the
 * last) took a tenth of AlexNetTorchvision's forward pass.
 */
final class TileRuns {
  private static final ThreadLocal<TileRuns> RUNS = ThreadLocal.withInitial(TileRuns::new);

  /** Runs of this block. */
  int count;
  /** Run r's first output in channel 0 of the tensor: add the channel's offset. */
  int[] at = new int[0];
  /** Run r's first position in its plane ({@code y · width + x}): where its outputs start in {@link #map}. */
  int[] position = new int[0];
  int[] length = new int[0];
  /** The index in the block's rows of tiles of the tile at the top left of run r's plane: negative if it precedes the block. */
  int[] tile0 = new int[0];
  /**
   * For each position {@code y · width + x} of a plane, where its output lies in the rows of tiles, from its plane's
   * first tile: {@code (tile·(y mod tile) + x mod tile)·ld + tilesWide·(y / tile) + x / tile}.
   */
  int[] map = new int[0];

  /** The shape {@link #map} was worked out for. */
  private int mapWidth;
  private int mapHeight;
  private int mapTile;
  private int mapLd;

  private TileRuns() {}

  /**
   * The runs of tiles {@code [start, start + n)} (of {@code tile × tile} outputs, numbered example by example, row by
   * row), of an {@code s.outHeight() × s.outWidth()} plane per example and channel, the examples {@code channels}
   * planes apart from example {@code first}; their outputs in rows {@code ld} apart. Kept per thread: valid until the
   * thread's next call.
   */
  static TileRuns of(ConvShape s, int tile, int ld, int first, int start, int n, int channels) {
    TileRuns runs = RUNS.get();
    runs.count = 0;
    int width = s.outWidth();
    int height = s.outHeight();
    int tilesWide = WinogradConvolution.tilesWide(s, tile);
    int tiles = WinogradConvolution.tiles(s, tile);
    runs.mapFor(width, height, tile, ld, tilesWide);
    int end = start + n;
    for (int e = start / tiles; e * tiles < end; e++) {
      int exampleStart = e * tiles;
      int from = Math.max(start, exampleStart) - exampleStart;
      int to = Math.min(end, exampleStart + tiles) - exampleStart;
      int tile0 = exampleStart - start;
      int plane = (first + e) * channels * s.outPlane();
      // A partial first row of tiles, then the whole rows as one run, then a partial last row.
      int firstWhole = (from + tilesWide - 1) / tilesWide;
      int lastWhole = to / tilesWide;
      if (firstWhole > lastWhole) {
        runs.addPartialRow(plane, tile0, tile, width, height, tilesWide, from, to);
        continue;
      }
      if (from < firstWhole * tilesWide) {
        runs.addPartialRow(plane, tile0, tile, width, height, tilesWide, from, firstWhole * tilesWide);
      }
      if (firstWhole < lastWhole) {
        int p = firstWhole * tile * width;
        runs.add(plane, tile0, p, Math.min(height, lastWhole * tile) * width - p);
      }
      if (lastWhole * tilesWide < to) {
        runs.addPartialRow(plane, tile0, tile, width, height, tilesWide, lastWhole * tilesWide, to);
      }
    }
    return runs;
  }

  /** Tiles {@code [from, to)} of one row of tiles: one run per row of outputs inside the plane. */
  private void addPartialRow(int plane, int tile0, int tile, int width, int height, int tilesWide, int from, int to) {
    int top = tile * (from / tilesWide);
    int left = tile * (from % tilesWide);
    int right = Math.min(width, tile * ((to - 1) % tilesWide + 1));
    for (int y = top; y < Math.min(height, top + tile); y++) {
      add(plane, tile0, y * width + left, right - left);
    }
  }

  private void add(int plane, int tile0, int p, int n) {
    if (count == at.length) {
      int grown = Math.max(8, 2 * count);
      at = Arrays.copyOf(at, grown);
      position = Arrays.copyOf(position, grown);
      length = Arrays.copyOf(length, grown);
      this.tile0 = Arrays.copyOf(this.tile0, grown);
    }
    at[count] = plane + p;
    position[count] = p;
    length[count] = n;
    this.tile0[count] = tile0;
    count++;
  }

  private void mapFor(int width, int height, int tile, int ld, int tilesWide) {
    if (width == mapWidth && height == mapHeight && tile == mapTile && ld == mapLd) {
      return;
    }
    if (map.length < width * height) {
      map = new int[width * height];
    }
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        map[y * width + x] = (tile * (y % tile) + x % tile) * ld + tilesWide * (y / tile) + x / tile;
      }
    }
    mapWidth = width;
    mapHeight = height;
    mapTile = tile;
    mapLd = ld;
  }
}
