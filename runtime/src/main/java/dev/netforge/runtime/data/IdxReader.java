package dev.netforge.runtime.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the IDX files of MNIST and Fashion-MNIST, gzipped or plain. The header's sizes are checked against bounds
 * before anything is allocated, and a file that ends early or disagrees with its partner is an error naming the file
 * and the expected and found sizes.
 */
public final class IdxReader {
  /** No IDX set this tool reads is larger; a header claiming more is corrupt. */
  static final long MAX_BYTES = 1L << 30;
  /** The data buffer's first size; it doubles up to what the header claims as the data arrives. */
  private static final int FIRST_CHUNK = 1 << 20;

  private IdxReader() {}

  /** Reads an image file ({@code ubyte}, 3 dimensions) and its label file ({@code ubyte}, 1 dimension). */
  public static ImageSet read(Path images, Path labels, int classes) throws IOException {
    Contents imageFile = contents(images, 3);
    Contents labelFile = contents(labels, 1);
    int[] dims = imageFile.dims();
    if (labelFile.dims()[0] != dims[0]) {
      throw new IdxFormatException(labels, "holds " + labelFile.dims()[0] + " labels but " + images.getFileName() + " holds " + dims[0] + " images");
    }
    byte[] pixels = imageFile.data();
    byte[] labelBytes = labelFile.data();
    int[] ys = new int[dims[0]];
    for (int i = 0; i < ys.length; i++) {
      ys[i] = labelBytes[i] & 0xff;
      if (ys[i] >= classes) {
        throw new IdxFormatException(labels, "label " + ys[i] + " of example " + i + " is outside [0, " + classes + ")");
      }
    }
    return new ImageSet(images.toString(), dims[0], 1, dims[1], dims[2], pixels, ys, classes);
  }

  /** An IDX file's dimensions and its data bytes. */
  private record Contents(int[] dims, byte[] data) {}

  /**
   * Reads one IDX file with {@code expectedDims} dimensions. A damaged gzip stream surfaces as the decompressor's own
   * exception, whose message names no file; it becomes an {@link IdxFormatException} naming it.
   */
  private static Contents contents(Path file, int expectedDims) throws IOException {
    try (DataInputStream in = open(file)) {
      int[] dims = header(in, file, expectedDims);
      long size = 1;
      for (int d : dims) {
        size *= d;
      }
      return new Contents(dims, body(in, file, size));
    } catch (ZipException | EOFException e) {
      throw new IdxFormatException(file, "is truncated or not a valid gzip file: " + e.getMessage());
    }
  }

  private static DataInputStream open(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "IDX file not found");
    }
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    boolean gzip = b0 == 0x1f && b1 == 0x8b;
    return new DataInputStream(gzip ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw);
  }

  private static int[] header(DataInputStream in, Path file, int expectedDims) throws IOException {
    int magic;
    try {
      magic = in.readInt();
    } catch (EOFException e) {
      throw new IdxFormatException(file, "is empty or shorter than an IDX header");
    }
    int type = (magic >>> 8) & 0xff;
    int dims = magic & 0xff;
    if ((magic >>> 16) != 0 || type != 0x08) {
      throw new IdxFormatException(file, String.format("is not an unsigned-byte IDX file (magic 0x%08x, expected 0x%08x)", magic,
          0x0800 | expectedDims));
    }
    if (dims != expectedDims) {
      throw new IdxFormatException(file, "has " + dims + " dimensions, expected " + expectedDims);
    }
    int[] sizes = new int[dims];
    long total = 1;
    for (int i = 0; i < dims; i++) {
      try {
        sizes[i] = in.readInt();
      } catch (EOFException e) {
        throw new IdxFormatException(file, "ends inside its header");
      }
      if (sizes[i] <= 0) {
        throw new IdxFormatException(file, "dimension " + i + " is " + sizes[i]);
      }
      total *= sizes[i];
      if (total > MAX_BYTES) {
        throw new IdxFormatException(file, "claims more than " + MAX_BYTES + " bytes of data");
      }
    }
    return sizes;
  }

  private static byte[] body(DataInputStream in, Path file, long size) throws IOException {
    // Grown as the bytes arrive rather than allocated at the size the header claims: a header corrupted into claiming
    // a gigabyte (the bound) must cost no more memory than the data the file really holds.
    byte[] data = new byte[(int) Math.min(size, FIRST_CHUNK)];
    int read = 0;
    while (read < size) {
      if (read == data.length) {
        data = Arrays.copyOf(data, (int) Math.min(size, 2L * data.length));
      }
      int n = in.read(data, read, data.length - read);
      if (n < 0) {
        throw new IdxFormatException(file, "is truncated: expected " + size + " bytes of data after the header, found " + read);
      }
      read += n;
    }
    return data;
  }
}
