package dev.netforge.runtime.images;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** Writes the small image files the tests read: PNGs, RGB and CMYK JPEGs, EXIF-rotated JPEGs, truncated files. */
final class ImageSetWriter {
  private ImageSetWriter() {}

  /** An RGB image whose pixel (x, y) is a function of x, y and {@code seed}. */
  static BufferedImage pattern(int width, int height, int seed) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int r = (x * 7 + seed * 31) & 0xff;
        int g = (y * 5 + seed * 17) & 0xff;
        int b = ((x + y) * 3 + seed * 11) & 0xff;
        image.setRGB(x, y, r << 16 | g << 8 | b);
      }
    }
    return image;
  }

  static void png(Path file, BufferedImage image) throws IOException {
    Files.createDirectories(file.getParent());
    ImageIO.write(image, "png", file.toFile());
  }

  static byte[] jpeg(BufferedImage image) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "jpg", out);
    return out.toByteArray();
  }

  /** A four-channel (CMYK) JPEG, which the JDK's own reader refuses. */
  static void cmykJpeg(Path file, int width, int height) throws IOException {
    WritableRaster raster = Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, width, height, 4, null);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        raster.setPixel(x, y, new int[] {x * 8 & 0xff, y * 8 & 0xff, 60, 20});
      }
    }
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
    ImageWriter writer = writers.next();
    Files.createDirectories(file.getParent());
    try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(raster, null, null), writer.getDefaultWriteParam());
    } finally {
      writer.dispose();
    }
  }

  /** A JPEG with an EXIF APP1 segment whose orientation tag is {@code orientation}. */
  static byte[] withExifOrientation(byte[] jpeg, int orientation) {
    // TIFF little-endian header, one IFD entry: tag 0x0112 (orientation), type SHORT, count 1, the value; no next IFD.
    byte[] tiff = {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte) orientation, 0, 0, 0, 0, 0, 0, 0};
    byte[] header = {'E', 'x', 'i', 'f', 0, 0};
    int length = 2 + header.length + tiff.length;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, 2);
    out.write(0xff);
    out.write(0xe1);
    out.write(length >> 8);
    out.write(length & 0xff);
    out.writeBytes(header);
    out.writeBytes(tiff);
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }
}
