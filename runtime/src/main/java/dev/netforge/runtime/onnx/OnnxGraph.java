package dev.netforge.runtime.onnx;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * An ONNX inference graph under construction: a chain of nodes from tensor {@code input}, each stage's nodes reading
 * the tensor the previous stage left, and the network's parameters as initializers under their own (PyTorch) names.
 * The tensor left last becomes {@code output}; the batch dimension of both is the symbol {@code N}.
 */
final class OnnxGraph {
  static final String INPUT = "input";
  static final String OUTPUT = "output";
  private static final String BATCH = "N";

  private record Node(String name, String opType, List<String> inputs, List<String> outputs, List<ProtoMessage> attributes) {}

  private final CompiledNetwork net;
  private final List<Node> nodes = new ArrayList<>();
  private final List<ProtoMessage> initializers = new ArrayList<>();
  private final List<String> initialized = new ArrayList<>();
  private String last = INPUT;

  OnnxGraph(CompiledNetwork net) {
    this.net = net;
  }

  /** The tensor the next stage reads. */
  String last() {
    return last;
  }

  /**
   * Adds a node whose one output, named after the node, is the tensor the next stage reads. A stage named like the
   * graph's input or output gets another tensor name, so that those two stay unique.
   */
  void chain(String name, String opType, List<String> inputs, ProtoMessage... attributes) {
    String tensor = name.equals(INPUT) || name.equals(OUTPUT) ? name + ".value" : name;
    add(name, opType, inputs, List.of(tensor), attributes);
    last = tensor;
  }

  /** Adds a node whose outputs the caller goes on to read itself (as a split's parts). */
  void add(String name, String opType, List<String> inputs, List<String> outputs, ProtoMessage... attributes) {
    nodes.add(new Node(name, opType, inputs, outputs, List.of(attributes)));
  }

  /** The network's parameter {@code name} as an initializer (once); returns the name to read it by. */
  String parameter(String name) {
    if (!initialized.contains(name)) {
      Parameter p = net.parameter(name);
      initializers.add(OnnxProto.tensor(name, p.shape(), p.value));
      initialized.add(name);
    }
    return name;
  }

  /** An int64 constant {@code name} as an initializer; returns the name to read it by. */
  String longs(String name, long... values) {
    initializers.add(OnnxProto.longs(name, values));
    initialized.add(name);
    return name;
  }

  ProtoMessage toProto(int[] inputDims, int[] outputDims) {
    if (last.equals(INPUT)) {
      chain("identity", "Identity", List.of(INPUT));
    }
    List<ProtoMessage> encoded = new ArrayList<>();
    for (Node n : nodes) {
      encoded.add(OnnxProto.node(n.name(), n.opType(), n.inputs().stream().map(this::renamed).toList(), n.outputs().stream().map(this::renamed).toList(),
          n.attributes()));
    }
    return OnnxProto.graph(net.name(), encoded, initializers, OnnxProto.valueInfo(INPUT, BATCH, inputDims), OnnxProto.valueInfo(OUTPUT, BATCH, outputDims));
  }

  private String renamed(String tensor) {
    return tensor.equals(last) ? OUTPUT : tensor;
  }
}
