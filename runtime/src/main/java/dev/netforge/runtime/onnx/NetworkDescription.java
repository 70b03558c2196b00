package dev.netforge.runtime.onnx;

import dev.netforge.runtime.CompiledNetwork;
import dev.netforge.runtime.io.HeaderJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A generated network's {@code <Network>.network.json}, which the processor writes beside the class: the input and
 * output shapes, whether the output is softmax class scores, and each stage in order (the format is documented on the
 * processor's {@code NetworkDescription}).
 */
record NetworkDescription(String name, int[] input, int[] output, boolean softmax, List<Stage> stages) {

  /** One stage: its name, kind ({@code convolution}, {@code lrn}, ...), shapes and the attributes of its kind. */
  record Stage(String name, String kind, int[] in, int[] out, Map<?, ?> attributes) {
    int integer(String key) {
      return Math.toIntExact((Long) required(key));
    }

    double real(String key) {
      return ((Number) required(key)).doubleValue();
    }

    boolean flag(String key) {
      return (Boolean) required(key);
    }

    String text(String key) {
      return (String) required(key);
    }

    private Object required(String key) {
      Object value = attributes.get(key);
      if (value == null) {
        throw new IllegalStateException(name + ": the network description has no \"" + key + "\"");
      }
      return value;
    }
  }

  /** The description beside {@code net}'s class on the class path. */
  static NetworkDescription of(CompiledNetwork net) throws IOException {
    String resource = net.getClass().getSimpleName() + ".network.json";
    try (InputStream in = net.getClass().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException(resource + " is not on the classpath beside " + net.getClass().getName() + "; the netforge processor writes it");
      }
      return parse((Map<?, ?>) HeaderJson.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    }
  }

  private static NetworkDescription parse(Map<?, ?> json) {
    List<Stage> stages = new ArrayList<>();
    for (Object s : (List<?>) json.get("stages")) {
      Map<?, ?> stage = (Map<?, ?>) s;
      stages.add(new Stage((String) stage.get("name"), (String) stage.get("kind"), dims(stage.get("in")), dims(stage.get("out")), stage));
    }
    return new NetworkDescription((String) json.get("name"), dims(json.get("input")), dims(json.get("output")), (Boolean) json.get("softmax"), stages);
  }

  private static int[] dims(Object list) {
    return ((List<?>) list).stream().mapToInt(d -> Math.toIntExact((Long) d)).toArray();
  }
}
