package dev.netforge.runtime.images;

import dev.netforge.runtime.Rng;

/**
 * Turns a preprocessed 256×256 image into a network input of {@code crop}×{@code crop}: the pixels of a patch less
 * the mean image at the same place, optionally mirrored, plus the paper's colour noise
 * {@code [p₁ p₂ p₃][α₁λ₁ α₂λ₂ α₃λ₃]ᵀ} with α ~ N(0, 0.1²) drawn for each use of the image.
 */
public final class Augmentation {
  /** Standard deviation of the α's. */
  public static final double ALPHA_STD = 0.1;

  private static final int S = Preprocessing.SIZE;

  private final ColourStatistics statistics;
  private final int crop;

  public Augmentation(ColourStatistics statistics, int crop) {
    if (crop > S) {
      throw new IllegalArgumentException("a " + crop + "-pixel input cannot be cropped from a " + S + "-pixel image");
    }
    this.statistics = statistics;
    this.crop = crop;
  }

  public int crop() {
    return crop;
  }

  /** Training view: a random patch, mirrored with probability ½, with colour noise. */
  public void train(byte[] image, Rng rng, float[] out, int offset) {
    int x0 = rng.nextInt(S - crop + 1);
    int y0 = rng.nextInt(S - crop + 1);
    boolean flip = rng.nextFloat() < 0.5f;
    view(image, x0, y0, flip, colourNoise(rng), out, offset);
  }

  /** The central patch, as used for single-crop testing. */
  public void center(byte[] image, float[] out, int offset) {
    view(image, (S - crop) / 2, (S - crop) / 2, false, null, out, offset);
  }

  /** The RGB offset {@code Σᵢ pᵢ αᵢ λᵢ} for one use of an image. */
  public float[] colourNoise(Rng rng) {
    float[] alpha = new float[3];
    for (int i = 0; i < 3; i++) {
      alpha[i] = (float) (rng.nextGaussian() * ALPHA_STD) * statistics.eigenvalues()[i];
    }
    float[] noise = new float[3];
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < 3; i++) {
        noise[c] += statistics.eigenvectors()[c * 3 + i] * alpha[i];
      }
    }
    return noise;
  }

  /**
   * The patch with top-left corner (x0, y0), mirrored if asked, less the mean image, plus {@code noise} (or none).
   */
  public void view(byte[] image, int x0, int y0, boolean flip, float[] noise, float[] out, int offset) {
    if (x0 < 0 || y0 < 0 || x0 + crop > S || y0 + crop > S) {
      throw new IllegalArgumentException("patch at (" + x0 + ", " + y0 + ") of " + crop + " pixels leaves the " + S + "-pixel image");
    }
    float[] mean = statistics.mean();
    for (int c = 0; c < 3; c++) {
      float shift = noise == null ? 0f : noise[c];
      for (int y = 0; y < crop; y++) {
        int src = c * S * S + (y0 + y) * S + x0;
        int dst = offset + (c * crop + y) * crop;
        for (int x = 0; x < crop; x++) {
          int from = src + (flip ? crop - 1 - x : x);
          out[dst + x] = (image[from] & 0xff) - mean[from] + shift;
        }
      }
    }
  }

  /** The ten test views: four corners and the centre, each also mirrored, written one after another. */
  public void tenCrops(byte[] image, float[] out, int offset) {
    int far = S - crop;
    int[][] corners = {{0, 0}, {far, 0}, {0, far}, {far, far}, {far / 2, far / 2}};
    int size = 3 * crop * crop;
    int v = 0;
    for (int[] corner : corners) {
      view(image, corner[0], corner[1], false, null, out, offset + size * v++);
      view(image, corner[0], corner[1], true, null, out, offset + size * v++);
    }
  }
}
