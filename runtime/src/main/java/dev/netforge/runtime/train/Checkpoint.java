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
    copyWeights(st, net);
    return st;
  }

  private static void copyWeights(SafeTensors st, CompiledNetwork net) throws TensorFormatException {
    for (Parameter p : net.parameters()) {
      Tensor t = st.get(p.name(), p.shape());
      System.arraycopy(t.floats(), 0, p.value, 0, p.size());
    }
  }

  /** Restores the momentum buffers of a checkpoint. */
  public static void loadMomentum(SafeTensors st, CompiledNetwork net, Sgd sgd) throws TensorFormatException {
    for (Parameter p : net.parameters()) {
      Tensor t = st.get(MOMENTUM + p.name(), p.shape());
      System.arraycopy(t.floats(), 0, sgd.velocity(p.name()), 0, p.size());
    }
  }

  /** The metadata of a run's settings that a resumed run is compared with ({@link Trainer}): batch, seed, schedule, momentum, weight decay. */
  public static final List<String> RUN_SETTINGS = List.of("batch", "seed", "schedule", "momentum", "weight_decay");

  /**
   * Restores a checkpoint into a run of {@code net}: weights, momentum, learning-rate schedule and dropout masks;
   * returns where the run stood, with the seed of its data draws. Another network's checkpoint, or one whose metadata or tensors are damaged, is an
   * error naming the file and what is wrong.
   */
  public static ResumePoint resume(Path file, CompiledNetwork net, Sgd sgd, LearningRateSchedule schedule) throws IOException {
    SafeTensors st = SafeTensors.read(file);
    String network = required(st, "network");
    if (!network.equals(net.name())) {
      throw new TensorFormatException(file, "is a checkpoint of " + network + ", not " + net.name());
    }
    int epoch = (int) number(st, "epoch", 0, Integer.MAX_VALUE - 1);
    long step = number(st, "step", 0, Long.MAX_VALUE);
    // Shuffles and augmentation are counter-based (seed, epoch, example); before that a checkpoint kept a sequential
    // generator's state, which serves as the seed: the run goes on with other draws than it would have.
    long dataSeed = number(st, st.metadata().containsKey("data.seed") ? "data.seed" : "rng.data", Long.MIN_VALUE, Long.MAX_VALUE);
    // Dropout masks are counter-based (seed, step); a checkpoint from before that kept a sequential generator's state,
    // which serves as the seed, the steps starting again from 0: the run goes on with other masks than it would have.
    boolean counterBased = st.metadata().containsKey("dropout.seed");
    long dropoutSeed = number(st, counterBased ? "dropout.seed" : "rng.dropout", Long.MIN_VALUE, Long.MAX_VALUE);
    long dropoutSteps = counterBased ? number(st, "dropout.steps", 0, Long.MAX_VALUE) : 0;
    try {
      schedule.restore(required(st, "schedule.state"));
    } catch (IllegalArgumentException e) {
      throw new TensorFormatException(file, "metadata \"schedule.state\" is damaged: " + e.getMessage());
    }
    copyWeights(st, net);
    loadMomentum(st, net, sgd);
    net.restoreDropout(dropoutSeed, dropoutSteps);
    Map<String, String> settings = new LinkedHashMap<>();
    for (String key : RUN_SETTINGS) {
      String value = st.metadata().get(key);
      if (value != null) {
        settings.put(key, value);
      }
    }
    return new ResumePoint(epoch, step, dataSeed, settings);
  }

  /** An integer metadata value that must be present and within [min, max]. */
  private static long number(SafeTensors st, String key, long min, long max) throws TensorFormatException {
    String v = required(st, key);
    try {
      long n = Long.parseLong(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below, with the expected range
    }
    throw new TensorFormatException(st.file(), "metadata \"" + key + "\" is \"" + v + "\", expected an integer in [" + min + ", " + max + "]");
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
