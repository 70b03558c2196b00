package dev.netforge.processor.emit;

import dev.netforge.processor.model.Shape;
import dev.netforge.processor.plan.AvgPool;
import dev.netforge.processor.plan.Convolution;
import dev.netforge.processor.plan.Dense;
import dev.netforge.processor.plan.Dropout;
import dev.netforge.processor.plan.Lrn;
import dev.netforge.processor.plan.MaxPool;
import dev.netforge.processor.plan.Parametric;
import dev.netforge.processor.plan.Plan;
import dev.netforge.processor.plan.Relu;
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
 * <p>Kinds and their attributes: {@code convolution} (kernel, stride, padding, groups, relu, dropout, weight, bias),
 * {@code dense} (relu, dropout, weight, bias; its input flattened in C, H, W order), {@code lrn} (size, alpha — the
 * paper's, not divided by size — beta, k, towers: the window stays within each of that many equal channel groups),
 * {@code maxPool} (kernel, stride), {@code avgPool} (kernel, stride, padding; padding counted), {@code relu},
 * {@code dropout} (rate). A dense output's shape is {@code [units]}.
 */
public final class NetworkDescription {
  private NetworkDescription() {}

  public static String json(Schedule schedule) {
    Plan plan = schedule.plan();
    List<String> stages = new ArrayList<>();
    for (int i = 0; i < plan.stages().size(); i++) {
      Stage s = plan.stages().get(i);
      Described described = s.accept(DESCRIBE);
      stages.add("    {\"name\": " + quote(schedule.names().of(i)) + ", \"kind\": " + quote(described.kind()) + ", \"in\": "
          + dims(s.in(), i > 0 && plan.isFlat(i - 1)) + ", \"out\": " + dims(s.out(), plan.isFlat(i)) + described.attributes() + "}");
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

  /** A stage's kind, as the format names it, and its attributes as JSON members, each with a leading comma. */
  private record Described(String kind, String attributes) {}

  private static final Stage.Visitor<Described> DESCRIBE = new Stage.Visitor<>() {
    @Override
    public Described convolution(Convolution s) {
      return new Described("convolution", ", \"kernel\": " + s.kernel() + ", \"stride\": " + s.stride() + ", \"padding\": " + s.padding()
          + ", \"groups\": " + s.groups() + parametric(s));
    }

    @Override
    public Described dense(Dense s) {
      return new Described("dense", parametric(s));
    }

    @Override
    public Described lrn(Lrn s) {
      return new Described("lrn", ", \"size\": " + s.size() + ", \"alpha\": " + number(s.alpha()) + ", \"beta\": " + number(s.beta())
          + ", \"k\": " + number(s.k()) + ", \"towers\": " + s.towers());
    }

    @Override
    public Described maxPool(MaxPool s) {
      return new Described("maxPool", ", \"kernel\": " + s.kernel() + ", \"stride\": " + s.stride());
    }

    @Override
    public Described avgPool(AvgPool s) {
      return new Described("avgPool", ", \"kernel\": " + s.kernel() + ", \"stride\": " + s.stride() + ", \"padding\": " + s.padding());
    }

    @Override
    public Described relu(Relu s) {
      return new Described("relu", "");
    }

    @Override
    public Described dropout(Dropout s) {
      return new Described("dropout", ", \"rate\": " + number(s.rate()));
    }

    private String parametric(Parametric p) {
      return ", \"relu\": " + p.relu() + ", \"dropout\": " + number(p.dropout()) + ", \"weight\": " + quote(p.paramPrefix() + ".weight")
          + ", \"bias\": " + quote(p.paramPrefix() + ".bias");
    }
  };
}
