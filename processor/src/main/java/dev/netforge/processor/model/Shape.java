package dev.netforge.processor.model;

/** The shape of one example's activations: channels × height × width; a dense output has height = width = 1. */
public record Shape(int channels, int height, int width) {
  public long size() {
    return (long) channels * height * width;
  }

  public boolean isFlat() {
    return height == 1 && width == 1;
  }

  @Override
  public String toString() {
    return isFlat() ? "[" + channels + "]" : "[" + channels + ", " + height + ", " + width + "]";
  }
}
