package dev.netforge.runtime.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes safetensors files: an 8-byte little-endian header length, a JSON header naming each tensor's
 * dtype, shape and byte range, then the raw little-endian data. The reader trusts nothing in the header: its length
 * is bounded by the file, every tensor's byte range must lie in the data and match its dtype and shape, and ranges
 * may not overlap, so a corrupt or hostile file is an error naming the file and tensor, never an out-of-memory.
 * F16 and BF16 tensors are widened to float32 on load; the writer writes float32 and int64 only.
 * The writer writes to a temporary file beside the target and renames it, so a crash never leaves half a file.
 */
public final class SafeTensors {
  /** The largest header accepted (the format's own reference implementation uses the same bound). */
  static final long MAX_HEADER = 100L * 1024 * 1024;

  private final Path file;
  private final Map<String, String> metadata;
  private final Map<String, Tensor> tensors;

  private SafeTensors(Path file, Map<String, String> metadata, Map<String, Tensor> tensors) {
    this.file = file;
    this.metadata = metadata;
    this.tensors = tensors;
  }

  public Path file() {
    return file;
  }

  /** The header's {@code __metadata__} strings. */
  public Map<String, String> metadata() {
    return Collections.unmodifiableMap(metadata);
  }

  /** Tensors in header order. */
  public Map<String, Tensor> tensors() {
    return Collections.unmodifiableMap(tensors);
  }

  public boolean has(String name) {
    return tensors.containsKey(name);
  }

  /** The tensor of that name, or an error naming the file, the tensor and what the file does hold. */
  public Tensor get(String name) throws TensorFormatException {
    Tensor t = tensors.get(name);
    if (t == null) {
      throw new TensorFormatException(file, "no tensor \"" + name + "\" (the file holds " + tensors.keySet() + ")");
    }
    return t;
  }

  /** A float32 tensor of exactly {@code expectedShape}. */
  public Tensor get(String name, int... expectedShape) throws TensorFormatException {
    Tensor t = get(name);
    if (!java.util.Arrays.equals(t.shape(), expectedShape)) {
      throw new TensorFormatException(file, "tensor \"" + name + "\" has shape " + java.util.Arrays.toString(t.shape()) + ", expected "
          + java.util.Arrays.toString(expectedShape));
    }
    if (!t.isFloat()) {
      throw new TensorFormatException(file, "tensor \"" + name + "\" is " + t.dtype() + ", expected F32");
    }
    return t;
  }

  public static SafeTensors read(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      // Linux opens a directory for reading and fails only at the first read, with a message that names no file.
      throw new TensorFormatException(file, "is a directory, not a safetensors file");
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        throw new TensorFormatException(file, "too short for a safetensors file (" + size + " bytes)");
      }
      ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lengthBytes, 0, file);
      long headerLength = lengthBytes.flip().getLong();
      if (headerLength < 2 || headerLength > size - 8 || headerLength > MAX_HEADER) {
        throw new TensorFormatException(file, "header length " + Long.toUnsignedString(headerLength) + " does not fit in the file of " + size
            + " bytes (at most " + MAX_HEADER + ")");
      }
      ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
      readFully(ch, headerBytes, 8, file);
      Object parsed;
      try {
        parsed = HeaderJson.parse(new String(headerBytes.array(), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new TensorFormatException(file, e.getMessage());
      }
      if (!(parsed instanceof Map<?, ?> header)) {
        throw new TensorFormatException(file, "the header is not a JSON object");
      }
      long dataStart = 8 + headerLength;
      long dataLength = size - dataStart;
      Map<String, String> metadata = new LinkedHashMap<>();
      List<long[]> ranges = new ArrayList<>();
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : header.entrySet()) {
        String name = (String) e.getKey();
        if (name.equals("__metadata__")) {
          if (!(e.getValue() instanceof Map<?, ?> m)) {
            throw new TensorFormatException(file, "__metadata__ is not an object");
          }
          for (Map.Entry<?, ?> me : m.entrySet()) {
            metadata.put((String) me.getKey(), String.valueOf(me.getValue()));
          }
          continue;
        }
        tensors.put(name, tensor(ch, file, name, e.getValue(), dataStart, dataLength, ranges));
      }
      return new SafeTensors(file, metadata, tensors);
    }
  }

  private static Tensor tensor(FileChannel ch, Path file, String name, Object entry, long dataStart, long dataLength, List<long[]> ranges)
      throws IOException {
    if (!(entry instanceof Map<?, ?> info)) {
      throw new TensorFormatException(file, "tensor \"" + name + "\": header entry is not an object");
    }
    Object dtype = info.get("dtype");
    int elementSize;
    if ("F32".equals(dtype)) {
      elementSize = 4;
    } else if ("F16".equals(dtype) || "BF16".equals(dtype)) {
      elementSize = 2;
    } else if ("I64".equals(dtype)) {
      elementSize = 8;
    } else {
      throw new TensorFormatException(file, "tensor \"" + name + "\": dtype " + dtype + " is not supported (F32, F16, BF16 or I64)");
    }
    if (!(info.get("shape") instanceof List<?> shapeList) || shapeList.size() > 8) {
      throw new TensorFormatException(file, "tensor \"" + name + "\": shape is missing or has more than 8 dimensions");
    }
    int[] shape = new int[shapeList.size()];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      if (!(shapeList.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
        throw new TensorFormatException(file, "tensor \"" + name + "\": bad dimension " + shapeList.get(i));
      }
      shape[i] = (int) (long) d;
      count *= d;
      if (count > Integer.MAX_VALUE - 8) {
        throw new TensorFormatException(file, "tensor \"" + name + "\": " + shapeList + " is too many elements for one array");
      }
    }
    if (!(info.get("data_offsets") instanceof List<?> offsets) || offsets.size() != 2 || !(offsets.get(0) instanceof Long begin)
        || !(offsets.get(1) instanceof Long end)) {
      throw new TensorFormatException(file, "tensor \"" + name + "\": data_offsets must be [begin, end]");
    }
    if (begin < 0 || end < begin || end > dataLength) {
      throw new TensorFormatException(file, "tensor \"" + name + "\": bytes [" + begin + ", " + end + ") lie outside the " + dataLength
          + " data bytes the file holds");
    }
    if (end - begin != count * elementSize) {
      throw new TensorFormatException(file, "tensor \"" + name + "\": shape " + shapeList + " of " + dtype + " needs " + count * elementSize
          + " bytes, but its data_offsets span " + (end - begin));
    }
    for (long[] r : ranges) {
      if (begin < r[1] && r[0] < end) {
        throw new TensorFormatException(file, "tensor \"" + name + "\": bytes [" + begin + ", " + end + ") overlap another tensor's");
      }
    }
    ranges.add(new long[] {begin, end});
    ByteBuffer data = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, data, dataStart + begin, file);
    data.flip();
    if ("I64".equals(dtype)) {
      long[] values = new long[(int) count];
      data.asLongBuffer().get(values);
      return new Tensor(name, shape, null, values);
    }
    float[] values = new float[(int) count];
    if ("F32".equals(dtype)) {
      data.asFloatBuffer().get(values);
    } else {
      // Half-precision weights are widened once here, so everything downstream sees float32 only.
      boolean bfloat = "BF16".equals(dtype);
      for (int i = 0; i < values.length; i++) {
        short bits = data.getShort();
        values[i] = bfloat ? HalfPrecision.bf16(bits) : HalfPrecision.f16(bits);
      }
    }
    return new Tensor(name, shape, values, null);
  }

  private static void readFully(FileChannel ch, ByteBuffer buffer, long position, Path file) throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = ch.read(buffer, at);
      if (n < 0) {
        throw new TensorFormatException(file, "truncated at byte " + at);
      }
      at += n;
    }
  }

  /**
   * Writes {@code tensors} with {@code metadata} to {@code file} atomically: a temporary file in the same directory,
   * forced to disk, then renamed over the target.
   */
  public static void write(Path file, Map<String, String> metadata, List<Tensor> tensors) throws IOException {
    StringBuilder header = new StringBuilder("{");
    if (!metadata.isEmpty()) {
      header.append("\"__metadata__\":{");
      boolean first = true;
      for (Map.Entry<String, String> e : metadata.entrySet()) {
        header.append(first ? "" : ",").append(HeaderJson.quote(e.getKey())).append(':').append(HeaderJson.quote(e.getValue()));
        first = false;
      }
      header.append('}');
    }
    long offset = 0;
    for (Tensor t : tensors) {
      long bytes = t.elementCount() * (t.isFloat() ? 4 : 8);
      header.append(header.length() > 1 ? "," : "").append(HeaderJson.quote(t.name())).append(":{\"dtype\":\"").append(t.dtype())
          .append("\",\"shape\":").append(java.util.Arrays.toString(t.shape()).replace(" ", "")).append(",\"data_offsets\":[").append(offset)
          .append(',').append(offset + bytes).append("]}");
      offset += bytes;
    }
    header.append('}');
    byte[] unpadded = header.toString().getBytes(StandardCharsets.UTF_8);
    // Pad with spaces so the data starts 8-byte aligned, as the format recommends.
    byte[] headerBytes = java.util.Arrays.copyOf(unpadded, (unpadded.length + 7) / 8 * 8);
    java.util.Arrays.fill(headerBytes, unpadded.length, headerBytes.length, (byte) ' ');
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    // Not Files.createTempFile: that makes the file owner-only (0600), and the renamed checkpoint would keep it.
    Path tmp = dir.resolve(file.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
        ByteBuffer head = ByteBuffer.allocate(8 + headerBytes.length).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(headerBytes.length).put(headerBytes).flip();
        writeFully(ch, head);
        for (Tensor t : tensors) {
          ByteBuffer data = ByteBuffer.allocate((int) (t.elementCount() * (t.isFloat() ? 4 : 8))).order(ByteOrder.LITTLE_ENDIAN);
          if (t.isFloat()) {
            data.asFloatBuffer().put(t.floats(), 0, (int) t.elementCount());
          } else {
            data.asLongBuffer().put(t.longs(), 0, (int) t.elementCount());
          }
          writeFully(ch, data);
        }
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      ch.write(buffer);
    }
  }
}
