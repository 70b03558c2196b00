package dev.netforge.processor.model;

import dev.netforge.dsl.Rounding;

/** One declared operation, as read from one annotation, with the location it came from. */
public sealed interface Op {
  Location location();

  /** {@code @Conv}. */
  record Conv(
      Location location,
      int filters,
      int kernel,
      int stride,
      int padding,
      int groups,
      Rounding rounding,
      double bias)
      implements Op {}

  /** {@code @Dense}. */
  record Dense(Location location, int units, double bias) implements Op {}

  /** {@code @Relu}. */
  record Relu(Location location) implements Op {}

  /** {@code @Lrn}. */
  record Lrn(Location location, int size, double alpha, double beta, double k) implements Op {}

  /** {@code @MaxPool}. */
  record MaxPool(Location location, int kernel, int stride, Rounding rounding) implements Op {}

  /** {@code @AvgPool}. */
  record AvgPool(Location location, int kernel, int stride, int padding, Rounding rounding) implements Op {}

  /** {@code @Dropout}. */
  record Dropout(Location location, double rate) implements Op {}

  /** {@code @Softmax}. */
  record Softmax(Location location) implements Op {}

  /** Whether this op owns parameters. */
  default boolean isParametric() {
    return this instanceof Conv || this instanceof Dense;
  }
}
