package dev.netforge.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Both implementations of {@link TileCopy} give the same bits: runs shorter than a vector, of whole vectors and with
 * tails (the vector one ends a run by a vector overlapping its last whole one), with and without ReLU, mask and
 * accumulation; and the loads of a panel's lanes, those past the last filter cleared.
 */
class TileCopyTest {
  private final Random random = new Random(38);

  @Test
  void storesGiveTheSameBits() {
    float[] rows = gaussian(4096);
    // Negative zeros and NaNs too: ReLU is Math.max in both.
    rows[7] = -0f;
    rows[11] = Float.NaN;
    int[] map = new int[200];
    for (int q = 0; q < map.length; q++) {
      map[q] = random.nextInt(rows.length - 64);
    }
    // Every run's first output reads the NaN (rows[5 + map[3]]): with ReLU and without (a floor of −∞ there).
    map[3] = 6;
    float[] mask = gaussian(300);
    TileCopy[] copies = {new ScalarTileCopy(), new VectorTileCopy()};
    for (int n : new int[] {0, 1, 6, 13, 15, 16, 17, 27, 32, 55, 64, 169}) {
      for (int variant = 0; variant < 5; variant++) {
        boolean accumulate = variant == 4;
        boolean relu = variant % 2 == 1;
        float[] useMask = variant >= 2 && !accumulate ? mask : null;
        float[][] results = new float[2][];
        float[] start = gaussian(300);
        for (int i = 0; i < 2; i++) {
          results[i] = start.clone();
          copies[i].store(rows, 5, map, 3, results[i], 7, n, 0.25f, relu, useMask, accumulate);
        }
        assertArrayEquals(results[0], results[1], "run of " + n + ", variant " + variant);
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
