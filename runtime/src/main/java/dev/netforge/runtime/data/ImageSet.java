package dev.netforge.runtime.data;

/**
 * A labelled set of 8-bit images held compactly in memory, NCHW per image.
 *
 * @param name where it came from, for messages
 * @param pixels {@code count × channels × height × width} bytes, unsigned
 * @param labels one class index per image
 * @param classes number of classes
 */
public record ImageSet(String name, int count, int channels, int height, int width, byte[] pixels, int[] labels, int classes) {
  public int imageSize() {
    return channels * height * width;
  }

  /** The first {@code n} images (for quick runs and tests). */
  public ImageSet head(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("the first " + n + " images of " + name + ": a count is at least 0");
    }
    int k = Math.min(n, count);
    return new ImageSet(name, k, channels, height, width, java.util.Arrays.copyOf(pixels, k * imageSize()), java.util.Arrays.copyOf(labels, k),
        classes);
  }

  /** Per-channel mean and standard deviation of the pixel values scaled to [0, 1]. */
  public Normalization statistics() {
    double[] sum = new double[channels];
    double[] sq = new double[channels];
    int plane = height * width;
    for (int i = 0; i < count; i++) {
      for (int c = 0; c < channels; c++) {
        int base = (i * channels + c) * plane;
        for (int p = 0; p < plane; p++) {
          double v = (pixels[base + p] & 0xff) / 255.0;
          sum[c] += v;
          sq[c] += v * v;
        }
      }
    }
    float[] mean = new float[channels];
    float[] std = new float[channels];
    double n = (double) count * plane;
    for (int c = 0; c < channels; c++) {
      mean[c] = (float) (sum[c] / n);
      std[c] = (float) Math.sqrt(Math.max(sq[c] / n - mean[c] * (double) mean[c], 1e-12));
    }
    return new Normalization(mean, std);
  }
}
