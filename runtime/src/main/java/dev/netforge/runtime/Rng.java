package dev.netforge.runtime;

/**
 * SplitMix64: a small, fast generator whose whole state is one {@code long}, so a checkpoint can store it and a
 * resumed run continues the exact same stream (shuffling, dropout masks).
 */
public final class Rng {
  private long state;

  public Rng(long seed) {
    this.state = seed;
  }

  public long state() {
    return state;
  }

  public void setState(long state) {
    this.state = state;
  }

  public long nextLong() {
    long z = (state += 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Uniform in [0, 1) with 24 random bits. */
  public float nextFloat() {
    return (nextLong() >>> 40) * 0x1.0p-24f;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [0, bound). */
  public int nextInt(int bound) {
    return (int) ((nextLong() >>> 33) * bound >>> 31);
  }

  /** {@code count} standard normal draws times {@code scale}, as floats, in order: random inputs and weights. */
  public float[] gaussians(int count, double scale) {
    float[] values = new float[count];
    fillGaussian(values, scale);
    return values;
  }

  /** Fills {@code values} with standard normal draws times {@code scale}, in order. */
  public void fillGaussian(float[] values, double scale) {
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (scale * nextGaussian());
    }
  }

  /** Standard normal, by Box–Muller (one of the pair is used, so the state stays a single long). */
  public double nextGaussian() {
    double u1 = 1.0 - nextDouble();
    double u2 = nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }

  /** Fisher–Yates shuffle of {@code order}. */
  public void shuffle(int[] order) {
    for (int i = order.length - 1; i > 0; i--) {
      int j = nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }
}
