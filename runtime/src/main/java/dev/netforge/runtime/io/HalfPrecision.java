package dev.netforge.runtime.io;

/**
 * The two 16-bit float formats published safetensors weights often use, widened to float32 on load: IEEE binary16
 * ({@code F16}) and bfloat16 ({@code BF16}, the top half of a float32). Java 17 has no {@code Float.float16ToFloat}.
 */
final class HalfPrecision {
  private HalfPrecision() {}

  /** An IEEE binary16 value (1 sign, 5 exponent, 10 fraction bits) as float32; exact, as every F16 is a float32. */
  static float f16(short bits) {
    int sign = (bits >>> 15) & 1;
    int exponent = (bits >>> 10) & 0x1f;
    int fraction = bits & 0x3ff;
    float magnitude;
    if (exponent == 0) {
      magnitude = Math.scalb((float) fraction, -24);  // zero or subnormal: fraction · 2^-24
    } else if (exponent == 0x1f) {
      magnitude = fraction == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
    } else {
      magnitude = Float.intBitsToFloat((exponent - 15 + 127) << 23 | fraction << 13);
    }
    return sign == 0 ? magnitude : -magnitude;
  }

  /** A bfloat16 value as float32: its bits are the upper 16 of the float32. */
  static float bf16(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }
}
