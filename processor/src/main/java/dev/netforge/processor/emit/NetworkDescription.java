package dev.netforge.processor.emit;

import dev.netforge.processor.model.Shape;
import dev.netforge.processor.plan.Description;
import dev.netforge.processor.plan.Plan;
import dev.netforge.processor.plan.Schedule;
import dev.netforge.processor.plan.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes {@code <Network>.network.json}: the network as the runtime's exporters read it beside the generated class —
 * input and output shapes, and each stage in order with its kind, shapes, attributes and parameter names. The output
 * shapes carry the rounding the declaration chose, so a reader needs no rounding rule of its own.
 *
 * <pre>
 * {"name": "MiniAlexNet", "towers": 2, "input": [1, 28, 28], "output": [10], "softmax": true, "stages": [
 *   {"name": "conv1", "kind": "convolution", "in": [1, 28, 28], "out": [64, 28, 28], "kernel": 5, "stride": 1,
 *    "padding": 2, "groups": 1, "relu": true, "dropout": 0, "weight": "conv1.weight", "bias": "conv1.bias"},
 *   {"name": "conv1Lrn", "kind": "lrn", ..., "size": 5, "alpha": 0.0001, "beta": 0.75, "k": 2, "towers": 2}, ...]}
 * </pre>
 *
 * <p>Each stage's kind and attributes are what its op class describes ({@link Stage#description}); this printer knows
 * no kind. A dense output's shape is {@code [units]}.
 */
public final class NetworkDescription {
  private NetworkDescription() {}

  public static String json(Schedule schedule) {
    Plan plan = schedule.plan();
    List<String> stages = new ArrayList<>();
    for (int i = 0; i < plan.stages().size(); i++) {
      Stage s = plan.stages().get(i);
      Description described = s.description();
      stages.add("    {\"name\": " + quote(schedule.names().of(i)) + ", \"kind\": " + quote(described.kind()) + ", \"in\": "
          + dims(s.in(), i > 0 && plan.isFlat(i - 1)) + ", \"out\": " + dims(s.out(), plan.isFlat(i)) + attributes(described) + "}");
    }
    return "{\"name\": " + quote(plan.name()) + ", \"towers\": " + plan.towers() + ", \"input\": " + dims(plan.input(), false) + ", \"output\": "
        + plan.outputDimensions() + ", \"softmax\": " + plan.softmax() + ", \"stages\": [\n" + String.join(",\n", stages) + "\n]}\n";
  }

  private static String dims(Shape shape, boolean flat) {
    return flat ? "[" + shape.channels() + "]" : "[" + shape.channels() + ", " + shape.height() + ", " + shape.width() + "]";
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v).replace("E", "e");
  }

  /** The description's attributes as JSON members, each with a leading comma. */
  private static String attributes(Description described) {
    StringBuilder b = new StringBuilder();
    described.attributes().forEach((name, value) -> b.append(", ").append(quote(name)).append(": ").append(value(value)));
    return b.toString();
  }

  private static String value(Object value) {
    if (value instanceof Double d) {
      return number(d);
    } else if (value instanceof String s) {
      return quote(s);
    } else if (value instanceof Integer || value instanceof Boolean) {
      return value.toString();
    }
    throw new IllegalStateException("no JSON for " + value);
  }
}
