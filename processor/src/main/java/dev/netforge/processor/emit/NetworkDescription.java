package dev.netforge.processor.emit;

import dev.netforge.processor.model.Shape;
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
      String common = "\"name\": " + quote(schedule.names().of(i)) + ", \"kind\": " + quote(s.accept(KIND)) + ", \"in\": "
          + dims(s.in(), i > 0 && isAfterDense(plan, i - 1)) + ", \"out\": " + dims(s.out(), isAfterDense(plan, i));
      stages.add("    {" + common + s.accept(ATTRIBUTES) + "}");
    }
    return "{\"name\": " + quote(plan.name()) + ", \"towers\": " + plan.towers() + ", \"input\": " + dims(plan.input(), false) + ", \"output\": "
        + plan.outputDimensions() + ", \"softmax\": " + plan.softmax() + ", \"stages\": [\n" + String.join(",\n", stages) + "\n]}\n";
  }

  /** Whether stage {@code stage}'s output is flat: a dense layer is at or before it. */
  private static boolean isAfterDense(Plan plan, int stage) {
    for (int i = 0; i <= stage; i++) {
      if (plan.stages().get(i) instanceof Stage.Dense) {
        return true;
      }
    }
    return false;
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

  private static final Stage.Visitor<String> KIND = new Stage.Visitor<>() {
    @Override
    public String convolution(Stage.Convolution s) {
      return "convolution";
    }

    @Override
    public String dense(Stage.Dense s) {
      return "dense";
    }

    @Override
    public String lrn(Stage.Lrn s) {
      return "lrn";
    }

    @Override
    public String maxPool(Stage.MaxPool s) {
      return "maxPool";
    }

    @Override
    public String avgPool(Stage.AvgPool s) {
      return "avgPool";
    }

    @Override
    public String relu(Stage.Relu s) {
      return "relu";
    }

    @Override
    public String dropout(Stage.Dropout s) {
      return "dropout";
    }
  };

  private static final Stage.Visitor<String> ATTRIBUTES = new Stage.Visitor<>() {
    @Override
    public String convolution(Stage.Convolution s) {
      return ", \"kernel\": " + s.kernel() + ", \"stride\": " + s.stride() + ", \"padding\": " + s.padding() + ", \"groups\": " + s.groups()
          + parametric(s);
    }

    @Override
    public String dense(Stage.Dense s) {
      return parametric(s);
    }

    @Override
    public String lrn(Stage.Lrn s) {
      return ", \"size\": " + s.size() + ", \"alpha\": " + number(s.alpha()) + ", \"beta\": " + number(s.beta()) + ", \"k\": " + number(s.k())
          + ", \"towers\": " + s.towers();
    }

    @Override
    public String maxPool(Stage.MaxPool s) {
      return ", \"kernel\": " + s.kernel() + ", \"stride\": " + s.stride();
    }

    @Override
    public String avgPool(Stage.AvgPool s) {
      return ", \"kernel\": " + s.kernel() + ", \"stride\": " + s.stride() + ", \"padding\": " + s.padding();
    }

    @Override
    public String relu(Stage.Relu s) {
      return "";
    }

    @Override
    public String dropout(Stage.Dropout s) {
      return ", \"rate\": " + number(s.rate());
    }

    private String parametric(Stage.Parametric p) {
      return ", \"relu\": " + p.relu() + ", \"dropout\": " + number(p.dropout()) + ", \"weight\": " + quote(p.paramPrefix() + ".weight")
          + ", \"bias\": " + quote(p.paramPrefix() + ".bias");
    }
  };
}
