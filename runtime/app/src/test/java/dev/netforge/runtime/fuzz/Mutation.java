package dev.netforge.runtime.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * One edit of a file's bytes, as jqwik draws them. Every parser here reads a header first and lengths from it, so the
 * edits favour what breaks headers: integers at their boundaries, cut files, repeated and removed ranges, JSON tokens;
 * and half of them land in the first {@link #HEADER_REGION} bytes, where the headers are.
 *
 * @param kind what the edit does
 * @param at where, before it is reduced to the file's length (its lowest bit picks the header region or the whole file)
 * @param length how many bytes a range edit spans
 * @param value the byte, integer or token index written
 */
record Mutation(Kind kind, int at, int length, long value) {
  static final int HEADER_REGION = 512;

  enum Kind {
    FLIP_BIT,
    SET_BYTE,
    SET_INT_BIG_ENDIAN,
    SET_INT_LITTLE_ENDIAN,
    SET_LONG_LITTLE_ENDIAN,
    DELETE,
    DUPLICATE,
    TRUNCATE,
    INSERT_TOKEN
  }

  /** Values at the edges of the integer types and of what the formats allow. */
  private static final long[] BOUNDARIES = {0, 1, -1, 2, 3, 8, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 1 << 24,
      100L << 20, Integer.MAX_VALUE, Integer.MIN_VALUE, 0xffffffffL, 1L << 32, Long.MAX_VALUE, Long.MIN_VALUE};

  /** JSON fragments and safetensors keys, for the header parser. */
  private static final String[] TOKENS = {"{", "}", "[", "]", "\"", ",", ":", "-", "1e999", "-0", "99999999999999999999", "\"\\u",
      "\\", "null", "true", "\"dtype\"", "\"F16\"", "\"BF16\"", "\"I64\"", "\"F64\"", "\"shape\"", "\"data_offsets\"", "\"__metadata__\"",
      "[0,1]", "[]", "{}", "-1", "4294967296", "\u00e9", "\ud800"};

  /** A sequence of one to eight edits. */
  static Arbitrary<List<Mutation>> sequences() {
    Arbitrary<Long> values = Arbitraries.oneOf(Arbitraries.of(Arrays.stream(BOUNDARIES).boxed().toList()), Arbitraries.longs());
    Arbitrary<Mutation> one = Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(0, 1 << 22),
        Arbitraries.integers().between(1, 256), values).as(Mutation::new);
    return one.list().ofMinSize(1).ofMaxSize(8);
  }

  static byte[] applyAll(byte[] seed, List<Mutation> mutations) {
    byte[] bytes = seed;
    for (Mutation m : mutations) {
      bytes = m.applyTo(bytes);
    }
    return bytes;
  }

  byte[] applyTo(byte[] in) {
    if (in.length == 0) {
      return kind == Kind.INSERT_TOKEN ? token() : in;
    }
    int region = (at & 1) == 0 ? Math.min(in.length, HEADER_REGION) : in.length;
    int pos = (at >>> 1) % region;
    int span = Math.min(length, in.length - pos);
    byte[] out = in.clone();
    switch (kind) {
      case FLIP_BIT -> out[pos] ^= (byte) (1 << (value & 7));
      case SET_BYTE -> out[pos] = (byte) value;
      case SET_INT_BIG_ENDIAN -> put(out, pos, ByteBuffer.allocate(4).putInt((int) value).array());
      case SET_INT_LITTLE_ENDIAN -> put(out, pos, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) value).array());
      case SET_LONG_LITTLE_ENDIAN -> put(out, pos, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
      case DELETE -> out = concat(Arrays.copyOfRange(in, 0, pos), Arrays.copyOfRange(in, pos + span, in.length));
      case DUPLICATE -> out = concat(Arrays.copyOfRange(in, 0, pos + span), Arrays.copyOfRange(in, pos, in.length));
      case TRUNCATE -> out = Arrays.copyOf(in, pos);
      case INSERT_TOKEN -> out = concat(concat(Arrays.copyOfRange(in, 0, pos), token()), Arrays.copyOfRange(in, pos, in.length));
    }
    return out;
  }

  private byte[] token() {
    return TOKENS[(int) Math.floorMod(value, (long) TOKENS.length)].getBytes(StandardCharsets.UTF_8);
  }

  private static void put(byte[] out, int pos, byte[] value) {
    System.arraycopy(value, 0, out, pos, Math.min(value.length, out.length - pos));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
