package dev.netforge.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.netforge.runtime.Reference;
import dev.netforge.runtime.io.SafeTensors;
import dev.netforge.runtime.io.Tensor;
import dev.netforge.runtime.train.Checkpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AlexNetTorchvision reads a safetensors file of torchvision's {@code alexnet} state_dict as-is and gives PyTorch's
 * logits and top-5. Weights and input come from an integer formula that tools/torchvision_alexnet_reference.py
 * shares, so the test needs no download and no PyTorch; the logits PyTorch gave are the checked-in reference.
 */
class TorchvisionAlexNetTest {
  @TempDir Path tmp;

  /** {@code scale · (u − ½)}, u the top 24 bits of a hash of (index, salt) over 2²⁴: exact in float32, as in the script. */
  static float[] formula(int count, long salt, float scale) {
    float[] v = new float[count];
    for (int i = 0; i < count; i++) {
      long h = (i * 2654435761L + salt * 40503L + 12345L) & 0xffff_ffffL;
      float u = (float) (h >>> 8) / (float) (1 << 24);
      v[i] = (u - 0.5f) * scale;
    }
    return v;
  }

  @Test
  void torchvisionWeightsGivePyTorchsLogits() throws Exception {
    SafeTensors reference = SafeTensors.read(Path.of(getClass().getResource("/torchvision_alexnet_reference.safetensors").toURI()));
    List<Tensor> state = new ArrayList<>();
    String[] entries = reference.metadata().get("state_dict").split(",");
    for (int k = 0; k < entries.length; k++) {
      String[] parts = entries[k].split(":");
      int[] shape = Arrays.stream(parts[1].split("x")).mapToInt(Integer::parseInt).toArray();
      int count = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
      state.add(Tensor.of(parts[0], formula(count, k + 1, Float.intBitsToFloat(Integer.parseUnsignedInt(parts[2]))), shape));
    }
    Path weights = tmp.resolve("alexnet.safetensors");
    SafeTensors.write(weights, Map.of(), state);

    AlexNetTorchvision net = new AlexNetTorchvision();
    Checkpoint.loadWeights(weights, net);
    float[] logits = net.forward(formula(3 * 224 * 224, 1000, 4f), 1, false);
    float[] expected = reference.get("logits", 1, 1000).floats();
    Reference.assertClose("logits", Arrays.copyOf(logits, 1000), expected);
    assertArrayEquals(top5(expected), top5(logits), "top-5 classes");
    assertTrue(state.stream().anyMatch(t -> t.name().equals("classifier.6.weight")), "torchvision's own names");
  }

  private static int[] top5(float[] logits) {
    return IntStream.range(0, 1000).boxed().sorted((a, b) -> Float.compare(logits[b], logits[a])).limit(5).mapToInt(Integer::intValue).toArray();
  }
}
