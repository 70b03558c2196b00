package dev.netforge.runtime.images;

import dev.netforge.runtime.CompiledNetwork;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * The paper's preprocessing: the shorter side scaled to {@value #SIZE}, then the central {@value #SIZE}×{@value #SIZE}
 * patch, kept as bytes in C, H, W order (the network's layout; 192 KiB an image).
 */
public final class Preprocessing {
  public static final int SIZE = 256;

  private Preprocessing() {}

  /**
   * The crop an image network takes: its input height, when the input is square, RGB and no larger than the
   * preprocessed image.
   *
   * @throws IllegalArgumentException naming the network and its input shape otherwise
   */
  public static int cropFor(CompiledNetwork net) {
    int[] in = net.inputShape();
    if (in[0] != 3 || in[1] != in[2] || in[1] > SIZE) {
      throw new IllegalArgumentException(net.name() + " takes " + in[0] + "×" + in[1] + "×" + in[2] + " inputs; image files give 3-channel "
          + "square crops of at most " + SIZE + " pixels");
    }
    return in[1];
  }

  public static byte[] square(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    double scale = (double) SIZE / Math.min(w, h);
    int sw = Math.max(SIZE, (int) Math.round(w * scale));
    int sh = Math.max(SIZE, (int) Math.round(h * scale));
    BufferedImage scaled = resize(image, sw, sh);
    int x0 = (sw - SIZE) / 2;
    int y0 = (sh - SIZE) / 2;
    byte[] out = new byte[3 * SIZE * SIZE];
    int[] row = new int[SIZE];
    for (int y = 0; y < SIZE; y++) {
      scaled.getRGB(x0, y0 + y, SIZE, 1, row, 0, SIZE);
      for (int x = 0; x < SIZE; x++) {
        int rgb = row[x];
        int at = y * SIZE + x;
        out[at] = (byte) (rgb >> 16);
        out[SIZE * SIZE + at] = (byte) (rgb >> 8);
        out[2 * SIZE * SIZE + at] = (byte) rgb;
      }
    }
    return out;
  }

  /**
   * Bilinear resampling, halving first while the image is more than twice the target: one bilinear step from a large
   * photo would skip most of its pixels and alias.
   */
  static BufferedImage resize(BufferedImage image, int width, int height) {
    BufferedImage current = image;
    while (current.getWidth() >= 2 * width && current.getHeight() >= 2 * height) {
      current = draw(current, current.getWidth() / 2, current.getHeight() / 2);
    }
    return current.getWidth() == width && current.getHeight() == height ? current : draw(current, width, height);
  }

  private static BufferedImage draw(BufferedImage image, int width, int height) {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    g.drawImage(image, 0, 0, width, height, null);
    g.dispose();
    return out;
  }
}
