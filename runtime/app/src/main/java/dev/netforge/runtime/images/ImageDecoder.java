package dev.netforge.runtime.images;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes one image file to RGB. JPEGs go through the TwelveMonkeys ImageIO plugin (on the classpath, so ImageIO
 * finds it), which reads the CMYK, YCCK and progressive files real photo sets contain; the EXIF orientation a camera
 * wrote is applied, so the picture stands the way it was taken.
 */
public final class ImageDecoder {
  /** Files larger than this are refused before reading: no real photo is, and a bad file must not exhaust memory. */
  static final long MAX_FILE_BYTES = 256L << 20;
  /** What decoding holds per pixel at most: the decoder's raster, a progressive JPEG's coefficients, the RGB copy. */
  static final long DECODING_BYTES_PER_PIXEL = 16;

  private ImageDecoder() {}

  /**
   * @throws IOException naming the file when it cannot be decoded
   */
  public static BufferedImage decode(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      throw new IOException(file + ": is a directory, not an image");
    }
    long size = Files.size(file);
    if (size > MAX_FILE_BYTES) {
      throw new IOException(file + ": " + size + " bytes is larger than the " + MAX_FILE_BYTES + " an image may have");
    }
    byte[] bytes = Files.readAllBytes(file);
    BufferedImage image;
    try {
      image = read(bytes);
    } catch (IOException | RuntimeException e) {
      throw new IOException(file + ": cannot decode: " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()), e);
    }
    if (image == null) {
      throw new IOException(file + ": not an image format this reader knows (JPEG, PNG, GIF, BMP)");
    }
    BufferedImage rgb = toRgb(image);
    int orientation = exifOrientation(bytes);
    return orientation <= 1 ? rgb : orient(rgb, orientation);
  }

  /**
   * Decodes the first image of {@code bytes}, or returns null when no reader knows the format. The size the header
   * claims is checked against the heap first: decoders allocate the whole raster before reading a pixel, so a few
   * corrupt header bytes would otherwise ask for gigabytes.
   */
  private static BufferedImage read(byte[] bytes) throws IOException {
    try (ImageInputStream stream = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
      if (!readers.hasNext()) {
        return null;
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(stream, true, true);
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        if (width <= 0 || height <= 0) {
          throw new IOException("the header claims " + width + "x" + height + " pixels");
        }
        long needed = (long) width * height * DECODING_BYTES_PER_PIXEL;
        long heap = Runtime.getRuntime().maxMemory();
        if (needed > heap / 2) {
          throw new IOException(String.format(Locale.ROOT, "%dx%d pixels need about %d MiB to decode, more than half the JVM's heap "
              + "(%d MiB); a larger -Xmx would decode it", width, height, needed >> 20, heap >> 20));
        }
        return reader.read(0);
      } finally {
        reader.dispose();
      }
    }
  }

  private static BufferedImage toRgb(BufferedImage image) {
    if (image.getType() == BufferedImage.TYPE_INT_RGB) {
      return image;
    }
    BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = rgb.createGraphics();
    g.drawImage(image, 0, 0, null);
    g.dispose();
    return rgb;
  }

  /** The EXIF orientation tag of a JPEG (1 = as stored), 1 when there is none or the file is not a JPEG. */
  static int exifOrientation(byte[] bytes) {
    if (bytes.length < 2 || (bytes[0] & 0xff) != 0xff || (bytes[1] & 0xff) != 0xd8) {
      return 1;
    }
    try (ImageInputStream stream = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      List<JPEGSegment> exif = JPEGSegmentUtil.readSegments(stream, JPEG.APP1, "Exif");
      if (exif.isEmpty()) {
        return 1;
      }
      InputStream data = exif.get(0).data();
      if (data.read() == -1) {
        return 1;  // the pad byte after "Exif\0" is missing: no TIFF structure follows
      }
      Directory directory = new TIFFReader().read(ImageIO.createImageInputStream(data));
      Entry entry = directory.getEntryById(TIFF.TAG_ORIENTATION);
      return entry != null && entry.getValue() instanceof Number n ? n.intValue() : 1;
    } catch (IOException | RuntimeException e) {
      return 1;  // unreadable EXIF does not make the picture unreadable
    }
  }

  /** Applies EXIF orientation 2–8 (mirrors and quarter turns). */
  static BufferedImage orient(BufferedImage image, int orientation) {
    int w = image.getWidth();
    int h = image.getHeight();
    boolean swap = orientation >= 5 && orientation <= 8;
    AffineTransform t = new AffineTransform();
    switch (orientation) {
      case 2 -> t.setTransform(-1, 0, 0, 1, w, 0);
      case 3 -> t.setTransform(-1, 0, 0, -1, w, h);
      case 4 -> t.setTransform(1, 0, 0, -1, 0, h);
      case 5 -> t.setTransform(0, 1, 1, 0, 0, 0);
      case 6 -> t.setTransform(0, 1, -1, 0, h, 0);
      case 7 -> t.setTransform(0, -1, -1, 0, h, w);
      case 8 -> t.setTransform(0, -1, 1, 0, 0, w);
      default -> {
        return image;
      }
    }
    BufferedImage out = new BufferedImage(swap ? h : w, swap ? w : h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.drawImage(image, t, null);
    g.dispose();
    return out;
  }
}
