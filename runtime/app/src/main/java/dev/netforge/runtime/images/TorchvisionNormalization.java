package dev.netforge.runtime.images;

/**
 * The input convention of torchvision's pretrained ImageNet models: RGB in [0, 1], less the per-channel mean
 * (0.485, 0.456, 0.406), over the standard deviation (0.229, 0.224, 0.225); the central patch of the 256-pixel image.
 */
public final class TorchvisionNormalization {
  private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  private static final float[] STD = {0.229f, 0.224f, 0.225f};

  private TorchvisionNormalization() {}

  /** The central {@code crop}×{@code crop} patch of a preprocessed 256×256 image, normalized, into {@code out}. */
  public static void center(byte[] image, int crop, float[] out, int offset) {
    int s = Preprocessing.SIZE;
    int x0 = (s - crop) / 2;
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < crop; y++) {
        int src = c * s * s + (x0 + y) * s + x0;
        int dst = offset + (c * crop + y) * crop;
        for (int x = 0; x < crop; x++) {
          out[dst + x] = ((image[src + x] & 0xff) / 255f - MEAN[c]) / STD[c];
        }
      }
    }
  }
}
