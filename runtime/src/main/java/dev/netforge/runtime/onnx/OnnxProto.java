package dev.netforge.runtime.onnx;

import java.util.List;

/**
 * The few messages of ONNX's {@code onnx.proto} (proto2) an inference graph needs, with the schema's field numbers.
 * Repeated integers are written unpacked, proto2's default, which every parser reads.
 */
final class OnnxProto {
  private OnnxProto() {}

  /** {@code TensorProto.DataType.FLOAT}. */
  private static final int FLOAT = 1;
  private static final int INT64 = 7;

  // AttributeProto.AttributeType
  private static final int ATTRIBUTE_FLOAT = 1;
  private static final int ATTRIBUTE_INT = 2;
  private static final int ATTRIBUTE_INTS = 7;

  static ProtoMessage model(ProtoMessage graph, long irVersion, long opset, String producer) {
    return new ProtoMessage()
        .varint(1, irVersion)
        .string(2, producer)
        .message(7, graph)
        .message(8, new ProtoMessage().string(1, "").varint(2, opset));
  }

  static ProtoMessage graph(String name, List<ProtoMessage> nodes, List<ProtoMessage> initializers, ProtoMessage input, ProtoMessage output) {
    ProtoMessage graph = new ProtoMessage();
    nodes.forEach(n -> graph.message(1, n));
    graph.string(2, name);
    initializers.forEach(t -> graph.message(5, t));
    return graph.message(11, input).message(12, output);
  }

  static ProtoMessage node(String name, String opType, List<String> inputs, List<String> outputs, List<ProtoMessage> attributes) {
    ProtoMessage node = new ProtoMessage();
    inputs.forEach(i -> node.string(1, i));
    outputs.forEach(o -> node.string(2, o));
    node.string(3, name).string(4, opType);
    attributes.forEach(a -> node.message(5, a));
    return node;
  }

  static ProtoMessage intAttribute(String name, long value) {
    return new ProtoMessage().string(1, name).varint(3, value).varint(20, ATTRIBUTE_INT);
  }

  static ProtoMessage floatAttribute(String name, float value) {
    return new ProtoMessage().string(1, name).float32(2, value).varint(20, ATTRIBUTE_FLOAT);
  }

  static ProtoMessage intsAttribute(String name, long... values) {
    ProtoMessage attribute = new ProtoMessage().string(1, name);
    for (long v : values) {
      attribute.varint(8, v);
    }
    return attribute.varint(20, ATTRIBUTE_INTS);
  }

  /** A float tensor whose values are {@code raw_data}. */
  /** A one-dimensional int64 tensor (the axes or shape an operator takes as an input). */
  static ProtoMessage longs(String name, long... values) {
    return new ProtoMessage().varint(1, values.length).varint(2, INT64).string(8, name).packedVarints(7, values);
  }

  static ProtoMessage tensor(String name, int[] dims, float[] values) {
    ProtoMessage tensor = new ProtoMessage();
    for (int d : dims) {
      tensor.varint(1, d);
    }
    return tensor.varint(2, FLOAT).string(8, name).littleEndianFloats(9, values);
  }

  /** A float tensor's name and shape; the first dimension symbolic, {@code batch}, the rest fixed. */
  static ProtoMessage valueInfo(String name, String batch, int[] dims) {
    ProtoMessage shape = new ProtoMessage().message(1, new ProtoMessage().string(2, batch));
    for (int d : dims) {
      shape.message(1, new ProtoMessage().varint(1, d));
    }
    ProtoMessage tensorType = new ProtoMessage().varint(1, FLOAT).message(2, shape);
    return new ProtoMessage().string(1, name).message(2, new ProtoMessage().message(1, tensorType));
  }
}
