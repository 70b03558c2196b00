package com.example.consumer;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.cuda.CudaException;
import dev.netforge.runtime.cuda.Devices;
import dev.netforge.runtime.onnx.OnnxExport;
import dev.netforge.runtime.train.Sgd;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Trains the generated {@code TinyNet} a few steps through the public API, prints the loss and exports it to ONNX; exits
 * with status 1 when a jar of the application or of JCuda is on the classpath, or when the loss does not fall.
 */
public final class TrainTinyNet {
  /** The Maven groups of the jars only the netforge command or the CUDA engine's GPUs need. */
  private static final List<String> BANNED_GROUPS = List.of("info/picocli/", "me/tongfei/", "org/jline/", "jline/",
      "org/knowm/xchart/", "org/apache/pdfbox/", "junit/", "org/junit/", "com/twelvemonkeys/", "org/jcuda/");

  private TrainTinyNet() {}

  public static void main(String[] args) throws IOException {
    List<String> failures = new ArrayList<>();
    String[] classpath = System.getProperty("java.class.path").split(File.pathSeparator);
    for (String entry : classpath) {
      String path = entry.replace(File.separatorChar, '/');
      boolean banned = BANNED_GROUPS.stream().anyMatch(group -> path.contains("/" + group));
      System.out.println("classpath " + entry);
      if (banned) {
        failures.add("banned jar on the classpath: " + entry);
      }
    }

    CompiledNetwork net = new TinyNet();
    net.initialize(7);
    Sgd sgd = new Sgd(net.parameters(), 0.9, 5e-4);
    int batch = 16;
    float[] images = new float[batch * net.inputSize()];
    int[] labels = new int[batch];
    Random random = new Random(11);
    for (int i = 0; i < batch; i++) {
      // Each class lights up its own quadrant of the image, so a few steps visibly lower the loss.
      labels[i] = i % 4;
      for (int y = 0; y < 8; y++) {
        for (int x = 0; x < 8; x++) {
          boolean lit = (y < 4 ? 0 : 2) + (x < 4 ? 0 : 1) == labels[i];
          images[i * 64 + y * 8 + x] = (lit ? 1f : 0f) + 0.1f * (float) random.nextGaussian();
        }
      }
    }
    double first = 0;
    double loss = 0;
    for (int step = 1; step <= 10; step++) {
      net.forward(images, batch, true);
      loss = net.backward(labels, null);
      sgd.step(net.parameters(), 0.05);
      first = step == 1 ? loss : first;
      System.out.printf("step %2d  loss %.4f%n", step, loss);
    }

    if (!(loss < first)) {
      failures.add("the loss did not fall: " + first + " -> " + loss);
    }
    // Deployed elsewhere through ONNX: the runtime alone writes it (ONNX Runtime checks exports in netforge's own tests).
    Path onnx = Path.of("target", "tinynet.onnx");
    OnnxExport.write(net, onnx);
    System.out.println("exported " + onnx + " (" + Files.size(onnx) + " bytes)");
    try {
      Devices.open("cuda", 0, net.towers());
      failures.add("--device cuda opened GPUs without netforge-jcuda");
    } catch (CudaException e) {
      System.out.println("--device cuda without netforge-jcuda: " + e.getMessage());
    }

    if (!failures.isEmpty()) {
      failures.forEach(failure -> System.out.println("FAILED: " + failure));
      System.exit(1);
    }
    System.out.printf("%d classpath entries, none banned; loss %.4f -> %.4f%n", classpath.length, first, loss);
  }
}
