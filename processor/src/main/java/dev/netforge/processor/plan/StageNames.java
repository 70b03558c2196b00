package dev.netforge.processor.plan;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Unique Java names for each stage's buffers and methods: {@code conv1}, {@code conv1Lrn}, {@code conv1Pool}. */
public final class StageNames {
  private final List<String> names = new ArrayList<>();

  StageNames(Plan plan) {
    Set<String> used = new HashSet<>(List.of("input", "batch", "training", "inputGradient", "outputGradient", "scratch", "tower"));
    for (Stage s : plan.stages()) {
      String base = s.layer() + s.suffix();
      String name = base;
      for (int i = 2; !used.add(name); i++) {
        name = base + i;
      }
      names.add(name);
    }
  }

  /** The stage's output buffer and the stem of its other names. */
  public String of(int stage) {
    return names.get(stage);
  }

  /** An UPPER_SNAKE constant name for the stage's geometry. */
  public String constant(int stage) {
    return constant(names.get(stage));
  }

  /** {@code conv1LrnGrad} → {@code CONV1_LRN_GRAD}, {@code features.0.weight} → {@code FEATURES_0_WEIGHT}. */
  public static String constant(String name) {
    return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
  }

  /** A camelCase Java identifier for a parameter, from its dotted PyTorch name: {@code features.0.weight} → {@code features0Weight}. */
  public static String parameterField(String parameterName) {
    StringBuilder b = new StringBuilder();
    boolean upper = false;
    for (char c : parameterName.toCharArray()) {
      if (!Character.isJavaIdentifierPart(c)) {
        upper = true;
        continue;
      }
      b.append(upper && b.length() > 0 ? Character.toUpperCase(c) : c);
      upper = false;
    }
    if (b.length() == 0 || !Character.isJavaIdentifierStart(b.charAt(0))) {
      b.insert(0, 'p');
    }
    return b.toString();
  }
}
