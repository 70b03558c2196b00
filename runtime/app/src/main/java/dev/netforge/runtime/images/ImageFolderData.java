package dev.netforge.runtime.images;

import dev.netforge.runtime.data.EpochRandom;
import dev.netforge.runtime.data.TrainingData;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An image folder as training or test data: files are decoded, preprocessed and augmented on background threads a
 * few batches ahead of the trainer, so a step waits only when the decoders cannot keep up. Each image's augmentation
 * comes from its own generator for the epoch ({@link EpochRandom#example}), keyed by its index in the folder, so
 * results do not depend on which thread, batch or process decoded it. Undecodable files are left out of their batch,
 * counted, and the first few named.
 */
public final class ImageFolderData implements TrainingData {
  /** How an example becomes network inputs. */
  public enum Mode {
    /** A random patch, mirrored half the time, with PCA colour noise; the central patch in a pass without draws. */
    TRAIN,
    /** The central patch. */
    CENTER,
    /** The four corner and the central patches and their mirrors: 10 inputs whose softmax outputs are averaged. */
    TEN_CROP
  }

  private static final int NAMED_FAILURES = 5;

  private final ImageFolder folder;
  private final Augmentation augmentation;
  private final Mode mode;
  private final int threads;
  private final AtomicLong skipped = new AtomicLong();
  private final List<String> failures = Collections.synchronizedList(new ArrayList<>());

  public ImageFolderData(ImageFolder folder, Augmentation augmentation, Mode mode, int threads) {
    this.folder = folder;
    this.augmentation = augmentation;
    this.mode = mode;
    this.threads = Math.max(1, threads);
  }

  @Override
  public int count() {
    return folder.count();
  }

  @Override
  public int views() {
    return mode == Mode.TEN_CROP ? 10 : 1;
  }

  public ImageFolder folder() {
    return folder;
  }

  /** Files that could not be decoded so far. */
  public long skipped() {
    return skipped.get();
  }

  /** The names of the first few of them, with the reason. */
  public List<String> failures() {
    synchronized (failures) {
      return List.copyOf(failures);
    }
  }

  @Override
  public Epoch epoch(int[] order, int[] sizes, EpochRandom random) {
    return new Loader(order, sizes, random);
  }

  private record Batch(float[] x, int[] labels, int count) {}

  /** The batches of one pass, each decoded by a pool task, at most {@code 2 × threads} of them ahead. */
  private final class Loader implements Epoch {
    private final int[] order;
    private final int[] sizes;
    /** Where in {@code order} each batch starts. */
    private final int[] starts;
    private final EpochRandom random;
    private final ExecutorService pool;
    private final ArrayDeque<Future<Batch>> ahead = new ArrayDeque<>();
    private int submitted;
    private long waitNanos;

    Loader(int[] order, int[] sizes, EpochRandom random) {
      this.order = order;
      this.sizes = sizes;
      this.starts = new int[sizes.length];
      for (int b = 1; b < sizes.length; b++) {
        starts[b] = starts[b - 1] + sizes[b - 1];
      }
      this.random = random;
      this.pool = Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(r, "netforge-images");
        t.setDaemon(true);
        return t;
      });
      while (submitted < Math.min(sizes.length, 2 * threads)) {
        submit();
      }
    }

    private void submit() {
      int b = submitted++;
      ahead.add(pool.submit(() -> load(b)));
    }

    private Batch load(int b) {
      int from = starts[b];
      int n = sizes[b];
      int size = 3 * augmentation.crop() * augmentation.crop() * views();
      float[] x = new float[n * size];
      int[] labels = new int[n];
      int count = 0;
      for (int i = 0; i < n; i++) {
        int position = from + i;
        int index = order == null ? position : order[position];
        ImageFolder.Item item = folder.items().get(index);
        byte[] image;
        try {
          image = Preprocessing.square(ImageDecoder.decode(item.file()));
        } catch (IOException e) {
          if (skipped.incrementAndGet() <= NAMED_FAILURES) {
            failures.add(e.getMessage());
          }
          continue;
        }
        switch (mode) {
          case TRAIN -> {
            if (random != null) {
              augmentation.train(image, random.example(index), x, count * size);
            } else {
              augmentation.center(image, x, count * size);
            }
          }
          case CENTER -> augmentation.center(image, x, count * size);
          case TEN_CROP -> augmentation.tenCrops(image, x, count * size);
        }
        labels[count++] = item.label();
      }
      return new Batch(x, labels, count);
    }

    @Override
    public int next(float[] x, int[] labels) throws IOException {
      Future<Batch> next = ahead.poll();
      if (next == null) {
        return 0;
      }
      long start = System.nanoTime();
      Batch b;
      try {
        b = next.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while loading images from " + folder.root(), e);
      } catch (ExecutionException e) {
        throw new IOException("loading images from " + folder.root() + " failed: " + e.getCause(), e.getCause());
      }
      waitNanos += System.nanoTime() - start;
      if (submitted < sizes.length) {
        submit();
      }
      System.arraycopy(b.x(), 0, x, 0, b.x().length);
      System.arraycopy(b.labels(), 0, labels, 0, b.count());
      return b.count();
    }

    @Override
    public double waitSeconds() {
      return waitNanos / 1e9;
    }

    @Override
    public void close() {
      pool.shutdownNow();
    }
  }
}
