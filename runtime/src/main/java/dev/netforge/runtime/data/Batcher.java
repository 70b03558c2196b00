package dev.netforge.runtime.data;

/**
 * Turns images into normalized float batches, optionally with the training augmentation used for the small
 * networks: a random horizontal flip (clothes and shoes are left–right symmetric in kind).
 */
public final class Batcher implements TrainingData {
  private final ImageSet set;
  private final Normalization norm;

  public Batcher(ImageSet set, Normalization norm) {
    this.set = set;
    this.norm = norm;
  }

  public ImageSet set() {
    return set;
  }

  @Override
  public int count() {
    return set.count();
  }

  /** Decoded sets are in memory: each batch is filled on the caller's thread. */
  @Override
  public Epoch epoch(int[] order, int[] sizes, EpochRandom random) {
    return new Epoch() {
      private int from;
      private int step;

      @Override
      public int next(float[] x, int[] labels) {
        int n = step < sizes.length ? sizes[step++] : 0;
        fill(order, from, n, x, labels, random);
        from += n;
        return n;
      }
    };
  }

  /**
   * Fills {@code x} with images {@code order[from..from+n)} and {@code labels} with their labels.
   *
   * @param random draws each image's flip from its own generator, or {@code null} for none
   */
  public void fill(int[] order, int from, int n, float[] x, int[] labels, EpochRandom random) {
    int h = set.height();
    int w = set.width();
    int plane = h * w;
    for (int i = 0; i < n; i++) {
      int img = order == null ? from + i : order[from + i];
      labels[i] = set.labels()[img];
      boolean flip = random != null && random.example(img).nextFloat() < 0.5f;
      for (int c = 0; c < set.channels(); c++) {
        float scale = 1f / (255f * norm.std()[c]);
        float shift = norm.mean()[c] / norm.std()[c];
        int src = (img * set.channels() + c) * plane;
        int dst = (i * set.channels() + c) * plane;
        for (int y = 0; y < h; y++) {
          for (int xx = 0; xx < w; xx++) {
            int sx = flip ? w - 1 - xx : xx;
            x[dst + y * w + xx] = (set.pixels()[src + y * w + sx] & 0xff) * scale - shift;
          }
        }
      }
    }
  }
}
