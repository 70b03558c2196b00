package dev.netforge.runtime.onnx;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One protocol-buffers message in its wire encoding, built field by field. Nested messages and float arrays are kept
 * as references and encoded only when written, so a model's weights are streamed to the file from the parameters
 * themselves rather than copied once per level of nesting.
 */
final class ProtoMessage {
  private static final int VARINT = 0;
  private static final int LENGTH_DELIMITED = 2;
  private static final int FIXED32 = 5;

  /** A piece of the encoding: bytes already encoded, a nested message or a float array. */
  private interface Part {
    long size();

    void writeTo(OutputStream out) throws IOException;
  }

  private final List<Part> parts = new ArrayList<>();

  ProtoMessage varint(int field, long value) {
    byte[] encoded = new byte[20];
    int n = putVarint(encoded, putVarint(encoded, 0, tag(field, VARINT)), value);
    return bytes(encoded, n);
  }

  ProtoMessage float32(int field, float value) {
    byte[] encoded = new byte[10];
    int n = putVarint(encoded, 0, tag(field, FIXED32));
    int bits = Float.floatToRawIntBits(value);
    for (int i = 0; i < 4; i++) {
      encoded[n++] = (byte) (bits >>> (8 * i));
    }
    return bytes(encoded, n);
  }

  ProtoMessage string(int field, String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    byte[] encoded = new byte[20 + utf8.length];
    int n = putVarint(encoded, putVarint(encoded, 0, tag(field, LENGTH_DELIMITED)), utf8.length);
    System.arraycopy(utf8, 0, encoded, n, utf8.length);
    return bytes(encoded, n + utf8.length);
  }

  ProtoMessage message(int field, ProtoMessage nested) {
    parts.add(new Part() {
      @Override
      public long size() {
        long length = nested.size();
        return varintSize(tag(field, LENGTH_DELIMITED)) + varintSize(length) + length;
      }

      @Override
      public void writeTo(OutputStream out) throws IOException {
        writeVarint(out, tag(field, LENGTH_DELIMITED));
        writeVarint(out, nested.size());
        nested.writeTo(out);
      }
    });
    return this;
  }

  /** The values as one bytes field, little-endian IEEE 754 (as ONNX's {@code raw_data} stores them). */
  /** A packed repeated varint field (an int64 tensor's data). */
  ProtoMessage packedVarints(int field, long... values) {
    long length = 0;
    for (long v : values) {
      length += varintSize(v);
    }
    long payload = length;
    parts.add(new Part() {
      @Override
      public long size() {
        return varintSize(tag(field, LENGTH_DELIMITED)) + varintSize(payload) + payload;
      }

      @Override
      public void writeTo(OutputStream out) throws IOException {
        writeVarint(out, tag(field, LENGTH_DELIMITED));
        writeVarint(out, payload);
        for (long v : values) {
          writeVarint(out, v);
        }
      }
    });
    return this;
  }

  ProtoMessage littleEndianFloats(int field, float[] values) {
    parts.add(new Part() {
      @Override
      public long size() {
        long length = 4L * values.length;
        return varintSize(tag(field, LENGTH_DELIMITED)) + varintSize(length) + length;
      }

      @Override
      public void writeTo(OutputStream out) throws IOException {
        writeVarint(out, tag(field, LENGTH_DELIMITED));
        writeVarint(out, 4L * values.length);
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (int from = 0; from < values.length; from += chunk.capacity() / 4) {
          int count = Math.min(chunk.capacity() / 4, values.length - from);
          chunk.clear();
          chunk.asFloatBuffer().put(values, from, count);
          out.write(chunk.array(), 0, 4 * count);
        }
      }
    });
    return this;
  }

  long size() {
    long size = 0;
    for (Part p : parts) {
      size += p.size();
    }
    return size;
  }

  void writeTo(OutputStream out) throws IOException {
    for (Part p : parts) {
      p.writeTo(out);
    }
  }

  private ProtoMessage bytes(byte[] encoded, int length) {
    parts.add(new Part() {
      @Override
      public long size() {
        return length;
      }

      @Override
      public void writeTo(OutputStream out) throws IOException {
        out.write(encoded, 0, length);
      }
    });
    return this;
  }

  private static long tag(int field, int wireType) {
    return ((long) field << 3) | wireType;
  }

  private static int varintSize(long value) {
    int size = 1;
    while ((value & ~0x7FL) != 0) {
      value >>>= 7;
      size++;
    }
    return size;
  }

  /** Writes {@code value} as a varint at {@code at}; returns the index after it. Negative values take ten bytes. */
  private static int putVarint(byte[] dst, int at, long value) {
    while ((value & ~0x7FL) != 0) {
      dst[at++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    dst[at++] = (byte) value;
    return at;
  }

  private static void writeVarint(OutputStream out, long value) throws IOException {
    byte[] encoded = new byte[10];
    out.write(encoded, 0, putVarint(encoded, 0, value));
  }
}
