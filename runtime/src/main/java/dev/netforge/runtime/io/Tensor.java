package dev.netforge.runtime.io;

import java.util.Arrays;

/**
 * A named tensor as stored in a safetensors file: float32 ({@code floats}) or int64 ({@code longs}, for labels).
 */
public record Tensor(String name, int[] shape, float[] floats, long[] longs) {
  public static Tensor of(String name, float[] data, int... shape) {
    return new Tensor(name, shape.clone(), data, null);
  }

  public static Tensor ofLongs(String name, long[] data, int... shape) {
    return new Tensor(name, shape.clone(), null, data);
  }

  public boolean isFloat() {
    return floats != null;
  }

  public String dtype() {
    return isFloat() ? "F32" : "I64";
  }

  public long elementCount() {
    long n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  /** The values as ints (labels), whatever the stored type. */
  public int[] toInts() {
    int[] out = new int[(int) elementCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = isFloat() ? (int) floats[i] : Math.toIntExact(longs[i]);
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t && name.equals(t.name) && Arrays.equals(shape, t.shape) && Arrays.equals(floats, t.floats)
        && Arrays.equals(longs, t.longs);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + Arrays.toString(shape) + " " + dtype();
  }
}
