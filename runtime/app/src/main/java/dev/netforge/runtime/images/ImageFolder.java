package dev.netforge.runtime.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A folder-per-class image set, {@code root/<class>/*.jpg|jpeg|png}: classes are the sorted folder names, so the
 * class index of a folder is its rank (ImageNet's synset folders give the usual 0–999 order).
 */
public final class ImageFolder {
  /** One image and its class. */
  public record Item(Path file, int label) {}

  private final Path root;
  private final List<String> classes;
  private final List<Item> items;

  private ImageFolder(Path root, List<String> classes, List<Item> items) {
    this.root = root;
    this.classes = List.copyOf(classes);
    this.items = List.copyOf(items);
  }

  /**
   * @throws IOException naming the folder when it is missing or has no class folders with images
   */
  public static ImageFolder scan(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new IOException(root + " is not a directory of class folders (root/<class>/*.jpg)");
    }
    List<Path> folders;
    try (Stream<Path> s = Files.list(root)) {
      folders = s.filter(Files::isDirectory).sorted().toList();
    }
    List<String> classes = new ArrayList<>();
    List<Item> items = new ArrayList<>();
    for (Path folder : folders) {
      int label = classes.size();
      classes.add(folder.getFileName().toString());
      try (Stream<Path> s = Files.list(folder)) {
        s.filter(ImageFolder::isImage).sorted().forEach(f -> items.add(new Item(f, label)));
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
    if (items.isEmpty()) {
      throw new IOException(root + " has no images in class folders (root/<class>/*.jpg, *.jpeg or *.png)");
    }
    return new ImageFolder(root, classes, items);
  }

  private static boolean isImage(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return Files.isRegularFile(file) && (name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".png"));
  }

  public Path root() {
    return root;
  }

  public List<String> classes() {
    return classes;
  }

  public List<Item> items() {
    return items;
  }

  public int count() {
    return items.size();
  }
}
