package dev.netforge.runtime.images;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Names of a network's output classes: a labels file (one name a line), or ImageNet's 1000 for a 1000-way output. */
public final class ClassNames {
  private static final String IMAGENET = "imagenet-classes.txt";

  private ClassNames() {}

  /**
   * @param labels a file of names, one a line, or {@code null}
   * @param classes the network's outputs
   * @return one name per class: the file's, ImageNet's when there is no file and 1000 classes, else {@code class 7}
   */
  public static List<String> of(Path labels, int classes) throws IOException {
    List<String> names;
    if (labels != null) {
      names = Files.readAllLines(labels, StandardCharsets.UTF_8).stream().filter(line -> !line.isBlank()).toList();
      if (names.size() != classes) {
        throw new IOException(labels + " names " + names.size() + " classes, but the network has " + classes + " outputs");
      }
      return names;
    }
    if (classes == 1000) {
      try (InputStream in = ClassNames.class.getResourceAsStream(IMAGENET)) {
        if (in == null) {
          throw new IllegalStateException(IMAGENET + " is missing from the runtime's jar");
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      }
    }
    names = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      names.add("class " + c);
    }
    return names;
  }
}
