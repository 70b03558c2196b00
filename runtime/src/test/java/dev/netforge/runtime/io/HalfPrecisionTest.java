package dev.netforge.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Published weights in F16 or BF16 load as float32; other dtypes are an error naming the file, tensor and dtype. */
class HalfPrecisionTest {
  @TempDir Path tmp;

  /** A safetensors file written byte by byte, as another tool would write it: one tensor of 16-bit values. */
  private Path halfFile(String name, String dtype, short... values) throws IOException {
    String header = "{\"w\":{\"dtype\":\"" + dtype + "\",\"shape\":[" + values.length + "],\"data_offsets\":[0," + 2 * values.length + "]}}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + 2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    for (short v : values) {
      b.putShort(v);
    }
    Path file = tmp.resolve(name);
    Files.write(file, b.array());
    return file;
  }

  @Test
  void f16LoadsExactlyIncludingSubnormalsAndInfinities() throws IOException {
    Path file = halfFile("f16.safetensors", "F16", (short) 0x3c00, (short) 0xc000, (short) 0x7bff, (short) 0x0001, (short) 0x8000,
        (short) 0x7c00, (short) 0x3555);
    Tensor w = SafeTensors.read(file).get("w", 7);
    assertEquals("F32", w.dtype());
    assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f, -0f, Float.POSITIVE_INFINITY, 0.333251953125f}, w.floats());
    assertTrue(Float.isNaN(SafeTensors.read(halfFile("nan.safetensors", "F16", (short) 0x7e00)).get("w").floats()[0]));
  }

  @Test
  void bf16LoadsAsTheUpperHalfOfFloat32() throws IOException {
    Path file = halfFile("bf16.safetensors", "BF16", (short) 0x3f80, (short) 0xbf00, (short) 0x4049, (short) 0xff80);
    assertArrayEquals(new float[] {1f, -0.5f, 3.140625f, Float.NEGATIVE_INFINITY}, SafeTensors.read(file).get("w", 4).floats());
  }

  @Test
  void otherDtypeNamesFileTensorAndDtype() throws IOException {
    Path file = halfFile("f8.safetensors", "F8_E4M3", (short) 0, (short) 0);
    String m = assertThrows(TensorFormatException.class, () -> SafeTensors.read(file)).getMessage();
    assertTrue(m.contains("f8.safetensors") && m.contains("tensor \"w\"") && m.contains("dtype F8_E4M3 is not supported"), m);
  }
}
