package dev.netforge.examples;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Writes {@code root/train} and {@code root/val} folders of three colour classes (mostly red, green or blue PNGs). */
final class TinyImages {
  enum Folder {
    TRAIN,
    VAL
  }

  private TinyImages() {}

  static Path write(Path root, int perClass, Folder... folders) throws IOException {
    for (Folder folder : folders) {
      for (int c = 0; c < 3; c++) {
        Path dir = root.resolve(folder.name().toLowerCase(java.util.Locale.ROOT)).resolve("c" + c);
        java.nio.file.Files.createDirectories(dir);
        for (int i = 0; i < perClass; i++) {
          BufferedImage image = new BufferedImage(40 + 7 * i, 36 + 5 * i, BufferedImage.TYPE_INT_RGB);
          for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
              int noise = (x * 31 + y * 17 + i * 7) % 60;
              int strong = 180 + noise;
              image.setRGB(x, y, (c == 0 ? strong : noise) << 16 | (c == 1 ? strong : noise) << 8 | (c == 2 ? strong : noise));
            }
          }
          ImageIO.write(image, "png", dir.resolve(i + ".png").toFile());
        }
      }
    }
    return root;
  }
}
