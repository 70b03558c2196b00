package dev.netforge.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** An epoch's draws are functions of (seed, epoch, example): the same wherever and in whatever batch they are made. */
class EpochRandomTest {
  @Test
  void theOrderIsAPermutationFixedBySeedAndEpoch() {
    int[] order = new EpochRandom(5, 3).order(1000);
    assertArrayEquals(java.util.stream.IntStream.range(0, 1000).toArray(), Arrays.stream(order).sorted().toArray());
    assertArrayEquals(order, new EpochRandom(5, 3).order(1000));
    assertFalse(Arrays.equals(order, new EpochRandom(5, 4).order(1000)), "another epoch, another order");
    assertFalse(Arrays.equals(order, new EpochRandom(6, 3).order(1000)), "another seed, another order");
  }

  @Test
  void everyPlaceIsReachedAboutEquallyOften() {
    int n = 8;
    int[][] counts = new int[n][n];
    for (int epoch = 1; epoch <= 8000; epoch++) {
      int[] order = new EpochRandom(1, epoch).order(n);
      for (int place = 0; place < n; place++) {
        counts[place][order[place]]++;
      }
    }
    for (int[] row : counts) {
      for (int c : row) {
        assertTrue(Math.abs(c - 1000) < 150, "example at a place " + c + " times of 8000, expected about 1000");
      }
    }
  }

  /** Filling one batch, or its two halves as two processes would, gives the same flipped images. */
  @Test
  void aShardedBatchIsAugmentedAsTheWholeOne() {
    int count = 64;
    int w = 5;
    byte[] pixels = new byte[count * w * w];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 7 + i / 3);
    }
    int[] labels = new int[count];
    ImageSet set = new ImageSet("test", count, 1, w, w, pixels, labels, 1);
    Batcher batcher = new Batcher(set, new Normalization(new float[] {0.5f}, new float[] {0.25f}));
    EpochRandom random = new EpochRandom(9, 2);
    int[] order = random.order(count);
    float[] whole = new float[count * w * w];
    batcher.fill(order, 0, count, whole, new int[count], random);
    float[] halves = new float[count * w * w];
    float[] half = new float[count / 2 * w * w];
    for (int part = 0; part < 2; part++) {
      batcher.fill(order, part * count / 2, count / 2, half, new int[count / 2], random);
      System.arraycopy(half, 0, halves, part * half.length, half.length);
    }
    assertArrayEquals(whole, halves);
    float[] plain = new float[count * w * w];
    batcher.fill(order, 0, count, plain, new int[count], null);
    int flipped = 0;
    for (int i = 0; i < count; i++) {
      flipped += Arrays.equals(whole, i * w * w, (i + 1) * w * w, plain, i * w * w, (i + 1) * w * w) ? 0 : 1;
    }
    assertTrue(flipped > count / 4 && flipped < 3 * count / 4, flipped + " of " + count + " images flipped");
    assertEquals(random.example(17).nextLong(), new EpochRandom(9, 2).example(17).nextLong());
  }
}
