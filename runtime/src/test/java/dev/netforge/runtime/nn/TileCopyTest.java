package dev.netforge.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Both implementations of {@link TileCopy} give the same bits: a block's runs ({@link TileRuns}) shorter than a vector,
 * of whole vectors and with tails (the vector one ends a run by a vector overlapping its last whole one), with and
 * without ReLU, mask and accumulation; and the loads of a panel's lanes, those past the last filter cleared.
 */
class TileCopyTest {
  private final Random random = new Random(38);

  @Test
  void storesGiveTheSameBits() {
    // Blocks of 32 tiles of the planes the networks have (and one of 3×10) with their tiles: runs of whole planes, of
    // rows, shorter than a vector, of whole vectors and with tails.
    int[][] planes = {{13, 13, 4}, {27, 27, 3}, {6, 6, 3}, {55, 55, 5}, {3, 10, 4}, {14, 14, 3}};
    int ld = 32;
    for (int[] plane : planes) {
      int tile = plane[2];
      ConvShape s = new ConvShape(1, plane[0], plane[1], 2, plane[0], plane[1], 3, 1, 1, 1);
      int tiles = WinogradConvolution.tiles(s, tile);
      for (int start : new int[] {0, 5, tiles - 3, 2 * tiles - 7}) {
        float[] rows = gaussian(tile * tile * ld);
        // NaNs and negative zeros too: ReLU is Math.max in both.
        for (int i = 0; i < rows.length; i += 37) {
          rows[i] = i % 2 == 0 ? Float.NaN : -0f;
        }
        TileRuns runs = TileRuns.of(s, tile, ld, 0, Math.max(0, start), ld, 2);
        int size = ((start + ld) / tiles + 2) * 2 * s.outPlane();
        float[] mask = gaussian(size);
        TileCopy[] copies = {new ScalarTileCopy(), new VectorTileCopy()};
        for (int variant = 0; variant < 5; variant++) {
          boolean accumulate = variant == 4;
          boolean relu = variant % 2 == 1;
          float[] useMask = variant >= 2 && !accumulate ? mask : null;
          float[] begin = gaussian(size);
          float[][] results = new float[2][];
          for (int i = 0; i < 2; i++) {
            results[i] = begin.clone();
            copies[i].store(rows, runs, results[i], s.outPlane(), variant == 0 ? -0f : 0.25f, relu, useMask, accumulate);
          }
          assertArrayEquals(results[0], results[1], plane[0] + "×" + plane[1] + " in tiles of " + tile + " from tile " + start + ", variant " + variant);
        }
      }
    }
  }

  @Test
  void loadsGiveTheSameBits() {
    float[] g = gaussian(2000);
    int panel = 64;
    int[] lanes = new int[panel];
    int[] keep = new int[panel];
    for (int l = 0; l < panel; l++) {
      lanes[l] = l < 40 ? random.nextInt(1900) : 0;
      keep[l] = l < 40 ? -1 : 0;
    }
    float[][] results = new float[2][];
    float[] start = gaussian(100);
    TileCopy[] copies = {new ScalarTileCopy(), new VectorTileCopy()};
    for (int i = 0; i < 2; i++) {
      results[i] = start.clone();
      copies[i].load(g, 17, lanes, keep, 32, results[i], 3, 32);
    }
    assertArrayEquals(results[0], results[1]);
  }

  private float[] gaussian(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }
}
