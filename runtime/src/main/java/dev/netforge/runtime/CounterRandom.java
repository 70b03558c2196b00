package dev.netforge.runtime;

/**
 * A counter-based generator: each number is a function of a key and a counter alone (SplitMix64's finalizer over
 * their mix), not a position in one sequential stream. So a value can be drawn for (seed, step, layer, example, unit)
 * by whichever thread, engine or process computes that example, and one and two threads, the CPU and CUDA engines,
 * and a batch split over processes draw the same ones.
 */
public final class CounterRandom {
  private CounterRandom() {}

  /** A key for the stream of {@code parts} (a seed, a step, a layer...): distinct parts give unrelated streams. */
  public static long key(long... parts) {
    long k = 0x243F6A8885A308D3L;
    for (long p : parts) {
      k = mix(k ^ mix(p + 0x9E3779B97F4A7C15L));
    }
    return k;
  }

  /** 64 random bits: number {@code counter} of the stream {@code key}. */
  public static long bits(long key, long counter) {
    return mix(key + counter * 0x9E3779B97F4A7C15L);
  }

  /** Uniform in [0, 1) with 24 random bits: number {@code counter} of the stream {@code key}. */
  public static float uniform(long key, long counter) {
    return uniformBits(key, counter) * 0x1.0p-24f;
  }

  /** {@link #uniform}'s 24 bits as an integer in [0, 2²⁴): {@code uniform(key, counter)} is exactly it times 2⁻²⁴. */
  public static int uniformBits(long key, long counter) {
    return (int) (bits(key, counter) >>> 40);
  }

  /**
   * The least integer n ≥ 0 with n · 2⁻²⁴ ≥ p, at most 2²⁴: {@code uniform(key, counter) < p} exactly when {@code
   * uniformBits(key, counter) < uniformThreshold(p)}, for every p (none below 0 or at NaN, all from 1 on), so that a
   * draw can be compared as an integer without a branch.
   */
  public static int uniformThreshold(float p) {
    return p > 0 ? (int) Math.min(Math.ceil(p * 0x1p24), 0x1p24) : 0;
  }

  /** Uniform in [0, bound): number {@code counter} of the stream {@code key}, as {@link Rng#nextInt} maps bits. */
  public static int below(long key, long counter, int bound) {
    return (int) ((bits(key, counter) >>> 33) * bound >>> 31);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
