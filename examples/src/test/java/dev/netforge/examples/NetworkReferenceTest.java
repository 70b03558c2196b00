package dev.netforge.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.netforge.dsl.AvgPool;
import dev.netforge.dsl.Conv;
import dev.netforge.dsl.Dense;
import dev.netforge.dsl.Input;
import dev.netforge.dsl.Lrn;
import dev.netforge.dsl.MaxPool;
import dev.netforge.dsl.Network;
import dev.netforge.dsl.Relu;
import dev.netforge.dsl.Rounding;
import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.Reference;
import dev.netforge.runtime.cli.Cli;
import dev.netforge.runtime.io.SafeTensors;
import dev.netforge.runtime.io.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Small networks beyond the examples through {@code gradients --grad-output}, on the CPU and emulated CUDA engines:
 * output and every gradient equal PyTorch's within 1e-4 ({@code tools/network_references.py} made the files).
 */
class NetworkReferenceTest {
  @TempDir Path tmp;

  /** Pools and normalizes its input before any parameters; ends in a feature map, LRN within each tower. */
  @Network(name = "FeatureMapTrunk", towers = 2)
  @Input(channels = 3, height = 15, width = 13)
  interface FeatureMapTrunkSpec {
    @MaxPool(kernel = 2, stride = 1)
    @Lrn(size = 3, alpha = 0.1, beta = 0.75, k = 2)
    void prepare();

    @Conv(filters = 8, kernel = 3, padding = 1)
    @Relu
    @MaxPool(kernel = 3, stride = 2, rounding = Rounding.FLOOR)
    void conv1();

    @Conv(filters = 6, kernel = 3, padding = 1, groups = 2)
    @Lrn(size = 5, alpha = 0.01, beta = 0.75, k = 1)
    void conv2();
  }

  /** Average pooling with padding and floor rounding, on the whole input and on each tower's channels. */
  @Network(name = "AvgPoolProbe", towers = 2)
  @Input(channels = 3, height = 12, width = 9)
  interface AvgPoolProbeSpec {
    @AvgPool(kernel = 3, stride = 2, padding = 1, rounding = Rounding.FLOOR)
    void smooth();

    @Conv(filters = 8, kernel = 3, padding = 1)
    @Relu
    @AvgPool(kernel = 2, stride = 2, padding = 1, rounding = Rounding.FLOOR)
    void conv1();

    @Dense(units = 6)
    void fc2();
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "emulated"})
  void featureMapOutputMatchesPyTorch(String device) throws Exception {
    assertArrayEquals(new int[] {6, 6, 5}, new FeatureMapTrunk().outputShape());
    assertMatchesPyTorch(new FeatureMapTrunk(), "feature_map", device);
  }

  @ParameterizedTest
  @ValueSource(strings = {"cpu", "emulated"})
  void averagePoolingMatchesPyTorch(String device) throws Exception {
    assertMatchesPyTorch(new AvgPoolProbe(), "avg_pool", device);
  }

  /** {@code gradients --grad-output} from the case's weights, input and upstream gradient; every tensor as PyTorch's. */
  private void assertMatchesPyTorch(CompiledNetwork net, String referenceCase, String device) throws Exception {
    SafeTensors reference = SafeTensors.read(Path.of("src/test/resources", referenceCase + "_reference.safetensors"));
    List<Tensor> weights = new ArrayList<>();
    for (Parameter p : net.parameters()) {
      weights.add(reference.get(p.name(), p.shape()));
    }
    Path weightsFile = tmp.resolve("weights.safetensors");
    SafeTensors.write(weightsFile, Map.of(), weights);
    Path input = tmp.resolve("input.safetensors");
    SafeTensors.write(input, Map.of(), List.of(reference.get("input")));
    Path upstream = tmp.resolve("upstream.safetensors");
    SafeTensors.write(upstream, Map.of(), List.of(reference.get("grad_output")));
    Path out = tmp.resolve("out.safetensors");
    assertEquals(0, Cli.run(Main.models(), null, "gradients", "--model", net.getClass().getName(), "--weights", weightsFile.toString(),
        "--input", input.toString(), "--grad-output", upstream.toString(), "--out", out.toString(), "--device", device));
    SafeTensors result = SafeTensors.read(out);
    assertArrayEquals(reference.get("output").shape(), result.get("output").shape());
    Reference.assertClose("output", result.get("output").floats(), reference.get("output").floats());
    Reference.assertClose("grad.input", result.get("grad.input").floats(), reference.get("grad.input").floats());
    for (Parameter p : net.parameters()) {
      Reference.assertClose("grad." + p.name(), result.get("grad." + p.name()).floats(), reference.get("grad." + p.name()).floats());
    }
  }
}
