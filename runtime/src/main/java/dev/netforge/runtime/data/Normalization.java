package dev.netforge.runtime.data;

/** Per-channel {@code (x / 255 − mean) / std}, with the statistics of the training set. */
public record Normalization(float[] mean, float[] std) {
  /** "0.286,0.353" style, for checkpoint metadata. */
  public String encode() {
    StringBuilder b = new StringBuilder();
    for (int c = 0; c < mean.length; c++) {
      b.append(c == 0 ? "" : ";").append(mean[c]).append(',').append(std[c]);
    }
    return b.toString();
  }

  public static Normalization decode(String s) {
    String[] parts = s.split(";");
    float[] mean = new float[parts.length];
    float[] std = new float[parts.length];
    for (int c = 0; c < parts.length; c++) {
      String[] ms = parts[c].split(",");
      mean[c] = Float.parseFloat(ms[0]);
      std[c] = Float.parseFloat(ms[1]);
    }
    return new Normalization(mean, std);
  }
}
