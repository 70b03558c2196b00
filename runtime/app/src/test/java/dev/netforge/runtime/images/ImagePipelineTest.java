package dev.netforge.runtime.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netforge.runtime.Rng;
import dev.netforge.runtime.io.SafeTensors;
import dev.netforge.runtime.io.Tensor;
import dev.netforge.runtime.io.TensorFormatException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decoding, folders, statistics and augmentation of the ImageNet pipeline, on small sets the test writes. */
class ImagePipelineTest {
  @TempDir Path tmp;

  @Test
  void decodesCmykJpegsPngsAndAppliesExifOrientation() throws IOException {
    Path cmyk = tmp.resolve("cmyk.jpg");
    ImageSetWriter.cmykJpeg(cmyk, 40, 24);
    BufferedImage decoded = ImageDecoder.decode(cmyk);
    assertEquals(List.of(40, 24), List.of(decoded.getWidth(), decoded.getHeight()));

    BufferedImage wide = ImageSetWriter.pattern(30, 10, 1);
    Path rotated = tmp.resolve("rotated.jpg");
    Files.write(rotated, ImageSetWriter.withExifOrientation(ImageSetWriter.jpeg(wide), 6));
    BufferedImage upright = ImageDecoder.decode(rotated);
    assertEquals(List.of(10, 30), List.of(upright.getWidth(), upright.getHeight()), "orientation 6 is a quarter turn clockwise");

    Path png = tmp.resolve("p.png");
    ImageSetWriter.png(png, wide);
    assertEquals(wide.getRGB(7, 3), ImageDecoder.decode(png).getRGB(7, 3));
  }

  @Test
  void orientationsMapPixelsAsExifSays() {
    BufferedImage image = ImageSetWriter.pattern(3, 2, 4);
    BufferedImage turned = ImageDecoder.orient(image, 6);
    // A quarter turn clockwise: the stored bottom-left pixel becomes the top-left one.
    assertEquals(image.getRGB(0, 1), turned.getRGB(0, 0));
    assertEquals(image.getRGB(0, 0), turned.getRGB(1, 0));
    BufferedImage mirrored = ImageDecoder.orient(image, 2);
    assertEquals(image.getRGB(2, 1), mirrored.getRGB(0, 1));
  }

  @Test
  void truncatedFileIsAnErrorNamingIt() throws IOException {
    Path file = tmp.resolve("cut.jpg");
    byte[] jpeg = ImageSetWriter.jpeg(ImageSetWriter.pattern(64, 64, 2));
    Files.write(file, Arrays.copyOf(jpeg, 40));
    IOException e = assertThrows(IOException.class, () -> ImageDecoder.decode(file));
    assertTrue(e.getMessage().contains("cut.jpg"), e.getMessage());
  }

  @Test
  void foldersAreClassesInSortedOrder() throws IOException {
    ImageSetWriter.png(tmp.resolve("set/zebra/a.png"), ImageSetWriter.pattern(8, 8, 1));
    ImageSetWriter.png(tmp.resolve("set/apple/b.png"), ImageSetWriter.pattern(8, 8, 2));
    Files.writeString(tmp.resolve("set/apple/notes.txt"), "not an image");
    ImageFolder folder = ImageFolder.scan(tmp.resolve("set"));
    assertEquals(List.of("apple", "zebra"), folder.classes());
    assertEquals(2, folder.count());
    assertEquals(0, folder.items().get(0).label());
    assertThrows(IOException.class, () -> ImageFolder.scan(tmp.resolve("missing")));
  }

  @Test
  void preprocessingKeepsTheCentralSquareOfTheShorterSide() {
    BufferedImage image = ImageSetWriter.pattern(512, 256, 3);
    byte[] square = Preprocessing.square(image);
    assertEquals(3 * 256 * 256, square.length);
    // 512×256 is already 256 high: the central 256 columns start at x = 128.
    assertEquals((image.getRGB(128 + 10, 20) >> 16) & 0xff, square[20 * 256 + 10] & 0xff);
  }

  @Test
  void statisticsAreTheMeanImageAndTheRgbPrincipalComponents() throws IOException {
    for (int i = 0; i < 6; i++) {
      ImageSetWriter.png(tmp.resolve("set/c" + (i % 2) + "/" + i + ".png"), ImageSetWriter.pattern(256, 256, i));
    }
    Files.write(tmp.resolve("set/c0/broken.png"), new byte[] {1, 2, 3});
    ImageFolder folder = ImageFolder.scan(tmp.resolve("set"));
    ColourStatistics stats = ColourStatistics.ofFolder(folder, 2);
    assertEquals(6, stats.images(), "the broken file is skipped");
    assertTrue(Files.exists(ColourStatistics.fileFor(folder)), "stored beside the data");
    // Mean of pixel (0, 0)'s red channel over the six images.
    double red = 0;
    for (int i = 0; i < 6; i++) {
      red += (i * 31) & 0xff;
    }
    assertEquals(red / 6, stats.mean()[0], 1e-3);
    // The eigenvectors are orthonormal and ordered by eigenvalue.
    float[] p = stats.eigenvectors();
    for (int a = 0; a < 3; a++) {
      for (int b = 0; b < 3; b++) {
        double dot = p[a] * p[b] + p[3 + a] * p[3 + b] + p[6 + a] * p[6 + b];
        assertEquals(a == b ? 1 : 0, dot, 1e-5);
      }
    }
    assertTrue(stats.eigenvalues()[0] >= stats.eigenvalues()[1] && stats.eigenvalues()[1] >= stats.eigenvalues()[2]);
    ColourStatistics again = ColourStatistics.read(ColourStatistics.fileFor(folder));
    assertArrayEquals(stats.mean(), again.mean());
  }

  @Test
  void jacobiReconstructsTheMatrix() {
    double[] a = {4, 1, 0.5, 1, 3, 0.25, 0.5, 0.25, 2};
    double[] values = new double[3];
    double[] vectors = new double[9];
    SymmetricEigen.decompose(a, 3, values, vectors);
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double sum = 0;
        for (int k = 0; k < 3; k++) {
          sum += vectors[i * 3 + k] * values[k] * vectors[j * 3 + k];
        }
        assertEquals(a[i * 3 + j], sum, 1e-12);
      }
    }
  }

  @Test
  void colourNoiseHasTheStatedCovariance() {
    float[] p = {0.6f, 0.8f, 0, -0.8f, 0.6f, 0, 0, 0, 1};
    float[] lambda = {50, 20, 5};
    Augmentation augmentation = new Augmentation(new ColourStatistics(new float[3 * 256 * 256], lambda, p, 1), 224);
    Rng rng = new Rng(3);
    int n = 200_000;
    double[] sum = new double[9];
    for (int i = 0; i < n; i++) {
      float[] z = augmentation.colourNoise(rng);
      for (int a = 0; a < 3; a++) {
        for (int b = 0; b < 3; b++) {
          sum[a * 3 + b] += z[a] * z[b];
        }
      }
    }
    // Cov(P α∘λ) = P diag(0.1² λ²) Pᵀ.
    for (int a = 0; a < 3; a++) {
      for (int b = 0; b < 3; b++) {
        double expected = 0;
        for (int k = 0; k < 3; k++) {
          expected += p[a * 3 + k] * 0.01 * lambda[k] * lambda[k] * p[b * 3 + k];
        }
        assertEquals(expected, sum[a * 3 + b] / n, 0.02 * 25 + 0.02 * Math.abs(expected), "covariance " + a + "," + b);
      }
    }
  }

  @Test
  void cropsStayInBoundsAndFlipsMirror() {
    byte[] image = new byte[3 * 256 * 256];
    for (int i = 0; i < image.length; i++) {
      image[i] = (byte) (i * 13);
    }
    ColourStatistics flat = new ColourStatistics(new float[3 * 256 * 256], new float[3], new float[9], 1);
    Augmentation augmentation = new Augmentation(flat, 227);
    Rng rng = new Rng(1);
    float[] out = new float[3 * 227 * 227];
    for (int i = 0; i < 500; i++) {
      augmentation.train(image, rng, out, 0);
    }
    float[] plain = new float[out.length];
    float[] mirror = new float[out.length];
    augmentation.view(image, 29, 0, false, null, plain, 0);
    augmentation.view(image, 29, 0, true, null, mirror, 0);
    for (int y = 0; y < 227; y += 50) {
      for (int x = 0; x < 227; x += 37) {
        assertEquals(plain[y * 227 + x], mirror[y * 227 + 226 - x]);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> augmentation.view(image, 30, 0, false, null, plain, 0));
  }

  @Test
  void statisticsWithADamagedImageCountNameTheFile() throws IOException {
    Path file = tmp.resolve("netforge-statistics.safetensors");
    float[] mean = new float[3 * Preprocessing.SIZE * Preprocessing.SIZE];
    new ColourStatistics(mean, new float[3], new float[9], 5).write(file);
    ColourStatistics good = ColourStatistics.read(file);
    assertEquals(5, good.images());
    SafeTensors.write(file, Map.of("images", "five"), List.of(Tensor.of("mean", mean, 3, Preprocessing.SIZE, Preprocessing.SIZE),
        Tensor.of("eigenvalues", new float[3], 3), Tensor.of("eigenvectors", new float[9], 3, 3)));
    String m = assertThrows(TensorFormatException.class, () -> ColourStatistics.read(file)).getMessage();
    assertTrue(m.contains("netforge-statistics.safetensors: metadata \"images\" is \"five\""), m);
  }
}
