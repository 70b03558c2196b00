package dev.netforge.runtime.onnx;

import static dev.netforge.runtime.onnx.OnnxProto.floatAttribute;
import static dev.netforge.runtime.onnx.OnnxProto.intAttribute;
import static dev.netforge.runtime.onnx.OnnxProto.intsAttribute;

import dev.netforge.runtime.CompiledNetwork;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a generated network with its current weights as an ONNX inference model (opset 17, IR version 8): tensor
 * {@code input} [N, C, H, W] to tensor {@code output}, with a {@code Softmax} at the end when the network declares its
 * output softmax class scores (so {@code output} is {@code softmax(forward(input))}) unless written with
 * {@link #writeLogits}; dropout leaves nothing. The
 * stages come from the {@code <Network>.network.json} the processor writes beside the generated class.
 *
 * <pre>
 * OnnxExport.write(net, Path.of("model.onnx"));
 * </pre>
 */
public final class OnnxExport {
  public static final int OPSET = 17;
  public static final int IR_VERSION = 8;

  private OnnxExport() {}

  /**
   * Writes {@code net} to {@code out}, ending in a softmax when the network declares one.
   *
   * @throws IllegalArgumentException naming the layer, when ONNX cannot express one of the network's layers
   */
  public static void write(CompiledNetwork net, Path out) throws IOException {
    write(net, out, true);
  }

  /**
   * Writes {@code net} to {@code out} without the declared softmax: {@code output} is {@code forward}'s logits, for
   * serving that needs only the top class or applies its own softmax.
   */
  public static void writeLogits(CompiledNetwork net, Path out) throws IOException {
    write(net, out, false);
  }

  private static void write(CompiledNetwork net, Path out, boolean declaredSoftmax) throws IOException {
    ProtoMessage model = model(net, declaredSoftmax);
    try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
      model.writeTo(file);
    }
  }

  private static ProtoMessage model(CompiledNetwork net, boolean declaredSoftmax) throws IOException {
    NetworkDescription description = NetworkDescription.of(net);
    OnnxGraph graph = new OnnxGraph(net);
    for (NetworkDescription.Stage stage : description.stages()) {
      add(graph, stage);
    }
    if (declaredSoftmax && description.softmax()) {
      if (description.output().length != 1) {
        throw new IllegalArgumentException(net.name() + ": softmax over a feature map " + Arrays.toString(description.output())
            + ", which ONNX export does not write");
      }
      graph.chain("softmax", "Softmax", List.of(graph.last()), intAttribute("axis", 1));
    }
    return OnnxProto.model(graph.toProto(description.input(), description.output()), IR_VERSION, OPSET, "netforge");
  }

  private static void add(OnnxGraph graph, NetworkDescription.Stage s) {
    String name = s.name();
    switch (s.kind()) {
      case "convolution" -> {
        int k = s.integer("kernel");
        int stride = s.integer("stride");
        int pad = s.integer("padding");
        checkFloorRounding(s, k, stride, pad);
        graph.chain(name, "Conv", List.of(graph.last(), graph.parameter(s.text("weight")), graph.parameter(s.text("bias"))),
            intsAttribute("kernel_shape", k, k), intsAttribute("strides", stride, stride), intsAttribute("pads", pad, pad, pad, pad),
            intAttribute("group", s.integer("groups")));
        reluIfFused(graph, s);
      }
      case "dense" -> {
        if (s.in().length == 3) {
          // C, H, W order, as the dense weight's columns are.
          graph.chain(name + "/flatten", "Flatten", List.of(graph.last()), intAttribute("axis", 1));
        }
        graph.chain(name, "Gemm", List.of(graph.last(), graph.parameter(s.text("weight")), graph.parameter(s.text("bias"))), intAttribute("transB", 1));
        reluIfFused(graph, s);
      }
      case "lrn" -> lrn(graph, s);
      case "maxPool" -> {
        int k = s.integer("kernel");
        int stride = s.integer("stride");
        checkFloorRounding(s, k, stride, 0);
        graph.chain(name, "MaxPool", List.of(graph.last()), intsAttribute("kernel_shape", k, k), intsAttribute("strides", stride, stride));
      }
      case "avgPool" -> {
        int k = s.integer("kernel");
        int stride = s.integer("stride");
        int pad = s.integer("padding");
        checkFloorRounding(s, k, stride, pad);
        graph.chain(name, "AveragePool", List.of(graph.last()), intsAttribute("kernel_shape", k, k), intsAttribute("strides", stride, stride),
            intsAttribute("pads", pad, pad, pad, pad), intAttribute("count_include_pad", 1));
      }
      case "relu" -> graph.chain(name, "Relu", List.of(graph.last()));
      case "dropout" -> {
        // The identity at inference.
      }
      default -> throw new IllegalArgumentException(name + ": ONNX export does not know layers of kind \"" + s.kind() + "\"");
    }
  }

  private static void reluIfFused(OnnxGraph graph, NetworkDescription.Stage s) {
    if (s.flag("relu")) {
      graph.chain(s.name() + "/relu", "Relu", List.of(graph.last()));
    }
  }

  /**
   * Local response normalization within each tower's channels: a Split into the towers, an LRN on each and a Concat.
   * The window (odd, as the processor requires) is centred in both; ONNX divides α by the size, netforge does not, so
   * α is written as {@code α · size}.
   */
  private static void lrn(OnnxGraph graph, NetworkDescription.Stage s) {
    if (s.in().length == 1) {
      // After a dense layer: ONNX's LRN takes [N, C, H, W] only, so the units become C of a 1 × 1 map and back.
      graph.chain(s.name() + "/unsqueeze", "Unsqueeze", List.of(graph.last(), graph.longs(s.name() + "/axes", 2, 3)));
      lrnOverChannels(graph, s);
      graph.chain(s.name() + "/flatten", "Flatten", List.of(graph.last()), intAttribute("axis", 1));
    } else {
      lrnOverChannels(graph, s);
    }
  }

  private static void lrnOverChannels(OnnxGraph graph, NetworkDescription.Stage s) {
    int towers = s.integer("towers");
    int channels = s.in()[0];
    if (channels % towers != 0) {
      throw new IllegalArgumentException(s.name() + ": " + channels + " channels do not split into " + towers + " equal towers");
    }
    int size = s.integer("size");
    ProtoMessage[] attributes = {
      intAttribute("size", size),
      floatAttribute("alpha", (float) (s.real("alpha") * size)),
      floatAttribute("beta", (float) s.real("beta")),
      floatAttribute("bias", (float) s.real("k"))
    };
    if (towers == 1) {
      graph.chain(s.name(), "LRN", List.of(graph.last()), attributes);
      return;
    }
    List<String> parts = new ArrayList<>();
    List<String> normalized = new ArrayList<>();
    for (int t = 0; t < towers; t++) {
      parts.add(s.name() + "/tower" + t);
      normalized.add(s.name() + "/tower" + t + "/lrn");
    }
    // Split-13 without its "split" input cuts the channels into equal parts, one per output.
    graph.add(s.name() + "/split", "Split", List.of(graph.last()), parts, intAttribute("axis", 1));
    for (int t = 0; t < towers; t++) {
      graph.add(normalized.get(t), "LRN", List.of(parts.get(t)), List.of(normalized.get(t)), attributes);
    }
    graph.chain(s.name(), "Concat", normalized, intAttribute("axis", 1));
  }

  /**
   * ONNX's convolution and pooling (ceil_mode 0) round their output size down; netforge's declaration gave the size
   * in the description, floor or exact (a special case of floor). A size that floor does not give is refused.
   */
  private static void checkFloorRounding(NetworkDescription.Stage s, int kernel, int stride, int pad) {
    int height = Math.floorDiv(s.in()[1] + 2 * pad - kernel, stride) + 1;
    int width = Math.floorDiv(s.in()[2] + 2 * pad - kernel, stride) + 1;
    if (s.out()[1] != height || s.out()[2] != width) {
      throw new IllegalArgumentException(s.name() + ": output " + Arrays.toString(s.out()) + " is not what ONNX's floor rounding gives ("
          + height + " x " + width + ")");
    }
  }
}
