package dev.netforge.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netforge.runtime.data.IdxFormatException;
import dev.netforge.runtime.data.IdxReader;
import dev.netforge.runtime.data.ImageSet;
import dev.netforge.runtime.io.SafeTensors;
import dev.netforge.runtime.io.Tensor;
import dev.netforge.runtime.io.TensorFormatException;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad files give errors that name the file and what is wrong, and never allocate what the file claims unchecked. */
class MalformedFilesTest {
  @TempDir Path tmp;

  private static byte[] idx(int magic, int[] dims, int dataBytes) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(bytes);
    d.writeInt(magic);
    for (int dim : dims) {
      d.writeInt(dim);
    }
    d.write(new byte[dataBytes]);
    return bytes.toByteArray();
  }

  private Path write(String name, byte[] content, boolean gzip) throws IOException {
    Path p = tmp.resolve(name);
    try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
      out.write(content);
    }
    return p;
  }

  @Test
  void idxRoundTripGzippedAndPlain() throws IOException {
    Path images = write("img.gz", idx(0x0803, new int[] {3, 2, 2}, 12), true);
    Path labels = write("lab", idx(0x0801, new int[] {3}, 3), false);
    ImageSet set = IdxReader.read(images, labels, 10);
    assertEquals(3, set.count());
    assertEquals(2, set.height());
  }

  @Test
  void truncatedIdxNamesTheFileAndTheSizes() throws IOException {
    Path images = write("train-images.gz", idx(0x0803, new int[] {10, 28, 28}, 5000), true);
    Path labels = write("train-labels", idx(0x0801, new int[] {10}, 10), false);
    IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(images, labels, 10));
    assertTrue(e.getMessage().contains("train-images.gz is truncated: expected 7840 bytes of data after the header, found 5000"), e.getMessage());
  }

  @Test
  void mislabelledIdxIsAnError() throws IOException {
    Path images = write("img", idx(0x0803, new int[] {4, 2, 2}, 16), false);
    Path fewer = write("lab", idx(0x0801, new int[] {3}, 3), false);
    assertTrue(assertThrows(IdxFormatException.class, () -> IdxReader.read(images, fewer, 10)).getMessage()
        .contains("lab holds 3 labels but img holds 4 images"));
    byte[] bad = idx(0x0801, new int[] {4}, 0);
    byte[] withLabels = java.util.Arrays.copyOf(bad, bad.length + 4);
    withLabels[bad.length + 2] = 12;
    Path outOfRange = write("lab2", withLabels, false);
    assertTrue(assertThrows(IdxFormatException.class, () -> IdxReader.read(images, outOfRange, 10)).getMessage()
        .contains("label 12 of example 2 is outside [0, 10)"));
    Path wrongMagic = write("lab3", idx(0x0D01, new int[] {4}, 4), false);
    assertTrue(assertThrows(IdxFormatException.class, () -> IdxReader.read(images, wrongMagic, 10)).getMessage()
        .contains("is not an unsigned-byte IDX file"));
  }

  @Test
  void idxHeaderClaimingHugeSizesIsRejectedBeforeAllocating() throws IOException {
    Path images = write("img", idx(0x0803, new int[] {Integer.MAX_VALUE, 60000, 60000}, 0), false);
    Path labels = write("lab", idx(0x0801, new int[] {1}, 1), false);
    assertTrue(assertThrows(IdxFormatException.class, () -> IdxReader.read(images, labels, 10)).getMessage().contains("claims more than"));
  }

  @Test
  void safetensorsRoundTripIsAtomic() throws IOException {
    Path file = tmp.resolve("w.safetensors");
    SafeTensors.write(file, Map.of("epoch", "3"), List.of(Tensor.of("a.weight", new float[] {1, 2, 3, 4, 5, 6}, 2, 3),
        Tensor.ofLongs("labels", new long[] {7, 8}, 2)));
    SafeTensors st = SafeTensors.read(file);
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, st.get("a.weight", 2, 3).floats());
    assertArrayEquals(new int[] {7, 8}, st.get("labels").toInts());
    assertEquals("3", st.metadata().get("epoch"));
    try (var files = Files.list(tmp)) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
  }

  private Path safetensors(String header, int dataBytes) throws IOException {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    Path p = tmp.resolve("bad.safetensors");
    Files.write(p, b.array());
    return p;
  }

  @Test
  void headerThatLiesAboutSizesIsAClearError() throws IOException {
    Path shapeTooBig = safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[1000000,1000000],\"data_offsets\":[0,16]}}", 16);
    assertTrue(assertThrows(TensorFormatException.class, () -> SafeTensors.read(shapeTooBig)).getMessage().contains("too many elements"));
    Path pastEnd = safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[1000],\"data_offsets\":[0,4000]}}", 16);
    String m = assertThrows(TensorFormatException.class, () -> SafeTensors.read(pastEnd)).getMessage();
    assertTrue(m.contains("bad.safetensors") && m.contains("tensor \"w\": bytes [0, 4000) lie outside the 16 data bytes"), m);
    Path mismatch = safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,16]}}", 16);
    assertTrue(assertThrows(TensorFormatException.class, () -> SafeTensors.read(mismatch)).getMessage().contains("needs 12 bytes"));
    Path overlap = safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 16);
    assertTrue(assertThrows(TensorFormatException.class, () -> SafeTensors.read(overlap)).getMessage().contains("overlap"));
  }

  @Test
  void headerLengthBeyondTheFileIsRejectedBeforeAllocating() throws IOException {
    Path p = tmp.resolve("huge.safetensors");
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE - 3).putLong(0);
    Files.write(p, b.array());
    assertTrue(assertThrows(TensorFormatException.class, () -> SafeTensors.read(p)).getMessage().contains("does not fit in the file"));
    Path deep = safetensors("[".repeat(100) + "]".repeat(100), 0);
    assertTrue(assertThrows(TensorFormatException.class, () -> SafeTensors.read(deep)).getMessage().contains("nested deeper"));
    Path garbage = safetensors("{\"w\": nope}", 0);
    assertTrue(assertThrows(TensorFormatException.class, () -> SafeTensors.read(garbage)).getMessage().contains("malformed header JSON"));
  }

  @Test
  void wrongShapeNamesTheTensor() throws IOException {
    Path file = tmp.resolve("w.safetensors");
    SafeTensors.write(file, Map.of(), List.of(Tensor.of("conv1.weight", new float[6], 2, 3)));
    String m = assertThrows(TensorFormatException.class, () -> SafeTensors.read(file).get("conv1.weight", 3, 2)).getMessage();
    assertTrue(m.contains("tensor \"conv1.weight\" has shape [2, 3], expected [3, 2]"), m);
    String missing = assertThrows(TensorFormatException.class, () -> SafeTensors.read(file).get("conv2.weight")).getMessage();
    assertTrue(missing.contains("no tensor \"conv2.weight\""), missing);
  }

  @Test
  void aDirectoryIsNotReadAsAWeightsFile() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("weights.safetensors"));
    String m = assertThrows(TensorFormatException.class, () -> SafeTensors.read(dir)).getMessage();
    assertTrue(m.contains("weights.safetensors: is a directory"), m);
  }
}
