package dev.netforge.runtime.train;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.Parameter;
import dev.netforge.runtime.io.SafeTensors;
import dev.netforge.runtime.io.Tensor;
import dev.netforge.runtime.io.TensorFormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A training checkpoint as a safetensors file: every parameter under its PyTorch name (so the file doubles as a
 * weights file), every momentum buffer as {@code momentum.<name>}, and in the metadata the epoch, step, learning-rate
 * schedule state, random-generator states and normalization, so that a resumed run continues exactly.
 */
public final class Checkpoint {
  public static final String MOMENTUM = "momentum.";

  private Checkpoint() {}

  /** Writes atomically (temporary file, then rename). */
  public static void write(Path file, CompiledNetwork net, Sgd sgd, Map<String, String> metadata) throws IOException {
    List<Tensor> tensors = new ArrayList<>();
    for (Parameter p : net.parameters()) {
      tensors.add(Tensor.of(p.name(), p.value, p.shape()));
    }
    if (sgd != null) {
      for (Parameter p : net.parameters()) {
        tensors.add(Tensor.of(MOMENTUM + p.name(), sgd.velocity(p.name()), p.shape()));
      }
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("network", net.name());
    meta.put("format", "netforge-checkpoint-1");
    // Sorted: a caller's Map.of iterates in a different order in every JVM, and the same state should give the same bytes.
    meta.putAll(new TreeMap<>(metadata));
    SafeTensors.write(file, meta, tensors);
  }

  /** Loads every parameter of {@code net} from a weights or checkpoint file; shapes must match exactly. */
  public static SafeTensors loadWeights(Path file, CompiledNetwork net) throws IOException {
    SafeTensors st = SafeTensors.read(file);
    for (Parameter p : net.parameters()) {
      Tensor t = st.get(p.name(), p.shape());
      System.arraycopy(t.floats(), 0, p.value, 0, p.size());
    }
    return st;
  }

  /** Restores the momentum buffers of a checkpoint. */
  public static void loadMomentum(SafeTensors st, CompiledNetwork net, Sgd sgd) throws TensorFormatException {
    for (Parameter p : net.parameters()) {
      Tensor t = st.get(MOMENTUM + p.name(), p.shape());
      System.arraycopy(t.floats(), 0, sgd.velocity(p.name()), 0, p.size());
    }
  }

  /** A metadata value that must be present. */
  public static String required(SafeTensors st, String key) throws TensorFormatException {
    String v = st.metadata().get(key);
    if (v == null) {
      throw new TensorFormatException(st.file(), "is not a netforge training checkpoint: metadata \"" + key + "\" is missing");
    }
    return v;
  }
}
