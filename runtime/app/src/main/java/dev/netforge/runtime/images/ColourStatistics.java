package dev.netforge.runtime.images;

import dev.netforge.runtime.io.SafeTensors;
import dev.netforge.runtime.io.Tensor;
import dev.netforge.runtime.io.TensorFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What the paper computes once over the training set: the mean image (subtracted from every pixel) and the principal
 * components of the RGB values (eigenvalues λ, eigenvectors p as columns) for the colour noise. Stored as a
 * safetensors file beside the data and read back by later runs.
 *
 * @param mean the mean 256×256 image, C, H, W, in 0–255 units
 * @param eigenvalues λ₁ ≥ λ₂ ≥ λ₃ of the RGB covariance
 * @param eigenvectors p₁ p₂ p₃ as the columns of a row-major 3×3 matrix
 * @param images images the statistics cover
 */
public record ColourStatistics(float[] mean, float[] eigenvalues, float[] eigenvectors, long images) {
  private static final int PLANE = Preprocessing.SIZE * Preprocessing.SIZE;

  /** The statistics file of an image folder: {@code <root>/netforge-statistics.safetensors}. */
  public static Path fileFor(ImageFolder folder) {
    return fileFor(folder.root());
  }

  /** The statistics file of the image folder at {@code root}. */
  public static Path fileFor(Path root) {
    return root.resolve("netforge-statistics.safetensors");
  }

  /** Reads the statistics file beside the data, computing and writing it first when there is none. */
  public static ColourStatistics ofFolder(ImageFolder folder, int threads) throws IOException {
    Path file = fileFor(folder);
    if (Files.exists(file)) {
      return read(file);
    }
    ColourStatistics stats = compute(folder, threads);
    stats.write(file);
    return stats;
  }

  /** One pass over every image of the folder (undecodable ones skipped, as everywhere). */
  public static ColourStatistics compute(ImageFolder folder, int threads) throws IOException {
    List<ImageFolder.Item> items = folder.items();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Sums>> parts = new ArrayList<>();
      for (int w = 0; w < threads; w++) {
        int worker = w;
        parts.add(pool.submit(() -> {
          Sums sums = new Sums();
          for (int i = worker; i < items.size(); i += threads) {
            try {
              sums.add(Preprocessing.square(ImageDecoder.decode(items.get(i).file())));
            } catch (IOException e) {
              sums.skipped++;
            }
          }
          return sums;
        }));
      }
      Sums total = new Sums();
      for (Future<Sums> part : parts) {
        total.merge(part.get());
      }
      if (total.images == 0) {
        throw new IOException(folder.root() + ": none of its " + items.size() + " images could be decoded");
      }
      return total.statistics();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while computing the statistics of " + folder.root(), e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException("computing the statistics of " + folder.root() + " failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** Per-pixel sums for the mean image and the sums of RGB products for the covariance. */
  private static final class Sums {
    final double[] pixels = new double[3 * PLANE];
    final double[] rgb = new double[3];
    final double[] products = new double[9];
    long images;
    long skipped;

    void add(byte[] image) {
      for (int i = 0; i < 3 * PLANE; i++) {
        pixels[i] += image[i] & 0xff;
      }
      for (int p = 0; p < PLANE; p++) {
        double r = image[p] & 0xff;
        double g = image[PLANE + p] & 0xff;
        double b = image[2 * PLANE + p] & 0xff;
        rgb[0] += r;
        rgb[1] += g;
        rgb[2] += b;
        products[0] += r * r;
        products[1] += r * g;
        products[2] += r * b;
        products[4] += g * g;
        products[5] += g * b;
        products[8] += b * b;
      }
      images++;
    }

    void merge(Sums o) {
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] += o.pixels[i];
      }
      for (int i = 0; i < 3; i++) {
        rgb[i] += o.rgb[i];
      }
      for (int i = 0; i < 9; i++) {
        products[i] += o.products[i];
      }
      images += o.images;
      skipped += o.skipped;
    }

    ColourStatistics statistics() {
      float[] mean = new float[3 * PLANE];
      for (int i = 0; i < mean.length; i++) {
        mean[i] = (float) (pixels[i] / images);
      }
      double n = (double) images * PLANE;
      double[] covariance = new double[9];
      for (int a = 0; a < 3; a++) {
        for (int b = a; b < 3; b++) {
          double c = products[a * 3 + b] / n - (rgb[a] / n) * (rgb[b] / n);
          covariance[a * 3 + b] = c;
          covariance[b * 3 + a] = c;
        }
      }
      double[] values = new double[3];
      double[] vectors = new double[9];
      SymmetricEigen.decompose(covariance, 3, values, vectors);
      float[] lambda = new float[3];
      float[] p = new float[9];
      for (int i = 0; i < 3; i++) {
        lambda[i] = (float) values[i];
      }
      for (int i = 0; i < 9; i++) {
        p[i] = (float) vectors[i];
      }
      return new ColourStatistics(mean, lambda, p, images);
    }
  }

  public void write(Path file) throws IOException {
    SafeTensors.write(
        file,
        Map.of("images", Long.toString(images), "what", "netforge mean image (C,H,W, 0-255) and RGB principal components"),
        List.of(
            Tensor.of("mean", mean, 3, Preprocessing.SIZE, Preprocessing.SIZE),
            Tensor.of("eigenvalues", eigenvalues, 3),
            Tensor.of("eigenvectors", eigenvectors, 3, 3)));
  }

  public static ColourStatistics read(Path file) throws IOException {
    SafeTensors st = SafeTensors.read(file);
    String images = st.metadata().getOrDefault("images", "0");
    long count;
    try {
      count = Long.parseLong(images);
    } catch (NumberFormatException e) {
      throw new TensorFormatException(file, "metadata \"images\" is \"" + images + "\", not a count of images");
    }
    return new ColourStatistics(
        st.get("mean", 3, Preprocessing.SIZE, Preprocessing.SIZE).floats(),
        st.get("eigenvalues", 3).floats(),
        st.get("eigenvectors", 3, 3).floats(),
        count);
  }
}
