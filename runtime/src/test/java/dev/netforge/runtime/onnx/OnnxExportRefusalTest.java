package dev.netforge.runtime.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A layer ONNX export cannot write is refused by name, and no file is left behind. */
class OnnxExportRefusalTest {
  @TempDir Path tmp;

  @Test
  void unknownLayerIsNamed() {
    Path out = tmp.resolve("up.onnx");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxExport.write(new UpsamplingNetwork(), out));
    assertEquals("up1: ONNX export does not know layers of kind \"upsample\"", e.getMessage());
    assertFalse(Files.exists(out));
  }
}
