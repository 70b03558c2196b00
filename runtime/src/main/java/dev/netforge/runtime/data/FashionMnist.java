package dev.netforge.runtime.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Fashion-MNIST (or MNIST) as Debian's {@code dataset-fashion-mnist} package installs it. */
public final class FashionMnist {
  /** Where Debian's package puts it. */
  public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  /** Class names, in label order. */
  public static final String[] CLASSES = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"
  };

  private FashionMnist() {}

  public static ImageSet train(Path dir) throws IOException {
    return IdxReader.read(find(dir, "train-images-idx3-ubyte"), find(dir, "train-labels-idx1-ubyte"), 10);
  }

  public static ImageSet test(Path dir) throws IOException {
    return IdxReader.read(find(dir, "t10k-images-idx3-ubyte"), find(dir, "t10k-labels-idx1-ubyte"), 10);
  }

  private static Path find(Path dir, String stem) throws IOException {
    for (String name : new String[] {stem + ".gz", stem}) {
      Path p = dir.resolve(name);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    String hint = dir.equals(DEFAULT_DIR)
        ? "; install it with: sudo apt-get install dataset-fashion-mnist"
        : "; pass --data DIR with the four IDX files (gzipped or not)";
    throw new NoSuchFileException(dir.resolve(stem + ".gz").toString(), null, "Fashion-MNIST file missing" + hint);
  }
}
