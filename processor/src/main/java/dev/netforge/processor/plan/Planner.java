package dev.netforge.processor.plan;

import dev.netforge.processor.model.Layer;
import dev.netforge.processor.model.Location;
import dev.netforge.processor.model.NetworkDecl;
import dev.netforge.processor.model.Op;
import dev.netforge.processor.model.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Shape inference, checks and planning for one declared network: walks the layers in order, fuses element-wise ops
 * into the parametric layer before them, and has each op kind check its declaration, compute its shape and split
 * itself over the towers ({@link Convolution#plan}, {@link Lrn#plan}, ...), every wrong declaration reported on its
 * annotation; the network-wide checks (its name, input, parameter names, {@code @Softmax}) are here.
 */
public final class Planner {
  private final NetworkDecl decl;
  private final Planning planning;
  private final List<Stage> stages = new ArrayList<>();
  private final Map<String, Location> parameterNames = new HashMap<>();
  private boolean softmax;

  private Planner(NetworkDecl decl) {
    this.decl = decl;
    this.planning = new Planning(decl.towers());
  }

  /** The outcome: a plan when there were no diagnostics. */
  public record Result(Optional<Plan> plan, List<Diagnostic> diagnostics) {}

  public static Result plan(NetworkDecl decl) {
    Planner planner = new Planner(decl);
    planner.run();
    Optional<Plan> plan =
        !planner.planning.hasErrors()
            ? Optional.of(
                new Plan(
                    decl.packageName(),
                    decl.name(),
                    decl.specName(),
                    decl.towers(),
                    decl.init(),
                    decl.input(),
                    planner.stages,
                    planner.softmax))
            : Optional.empty();
    return new Result(plan, planner.planning.diagnostics());
  }

  private void run() {
    Location network = Location.onNetwork("Network", null);
    if (!decl.name().matches("[A-Za-z_$][A-Za-z0-9_$]*")) {
      planning.error(network.at("name"), "name \"" + decl.name() + "\" is not a valid Java class name");
    } else {
      checkClassName(network.at("name"));
    }
    if (decl.towers() != 1 && decl.towers() != 2) {
      planning.error(network.at("towers"), "towers = " + decl.towers() + " is not supported; use 1 or 2");
      return;
    }
    Shape input = decl.input();
    if (input == null) {
      planning.error(network, "missing @Input(channels, height, width) on the network interface");
      return;
    }
    Location in = Location.onNetwork("Input", null);
    planning.positive(in.at("channels"), "channels", input.channels());
    planning.positive(in.at("height"), "height", input.height());
    planning.positive(in.at("width"), "width", input.width());
    if (decl.layers().isEmpty()) {
      planning.error(network, "the network declares no layers; add a method annotated with @Conv or @Dense");
    }
    if (planning.hasErrors()
        || !planning.fitsOneArray(in, "the input " + input + " of one example", input.size(), "use a smaller input")) {
      return;
    }
    Shape shape = input;
    for (int i = 0; i < decl.layers().size() && shape != null; i++) {
      shape = layer(decl.layers().get(i), shape, i == decl.layers().size() - 1);
    }
    if (shape != null && !planning.splitOverTowers()) {
      planning.error(network, "the network has no layer with parameters to train; add a method annotated with @Conv or @Dense");
    }
  }

  /**
   * The generated classes ({@code name} and {@code name + "Cuda"}) go beside the declaring interface: neither may
   * take the interface's own name.
   */
  private void checkClassName(Location at) {
    String topLevel = decl.specName().split("\\.")[0];
    String clash = decl.name().equals(topLevel) ? decl.name() : (decl.name() + "Cuda").equals(topLevel) ? decl.name() + "Cuda" : null;
    if (clash != null) {
      String suggestion = topLevel.endsWith("Spec") && topLevel.length() > 4 ? topLevel.substring(0, topLevel.length() - 4) : topLevel + "Net";
      planning.error(at, "name \"" + decl.name() + "\" would make the generated class " + clash + " replace the interface " + topLevel
          + " that declares it; name the network differently, for example name = \"" + suggestion + "\"");
    }
  }

  /** Plans one method; returns its output shape, or null when planning cannot go on. */
  private Shape layer(Layer layer, Shape shape, boolean last) {
    List<Op> ops = layer.ops();
    if (ops.isEmpty()) {
      planning.error(
          new Location(layer.method(), null, null),
          layer.method() + " declares no layer; annotate it with @Conv, @Dense, @Lrn, @MaxPool, @Relu or @Dropout");
      return null;
    }
    int parametricCount = 0;
    for (Op op : ops) {
      if (op.isParametric() && ++parametricCount == 2) {
        planning.error(
            op.location(),
            layer.method()
                + " declares two parametric layers; move @"
                + op.location().annotation()
                + " to a method of its own");
        return null;
      }
    }
    for (int i = 0; i < ops.size() && shape != null; i++) {
      Op op = ops.get(i);
      if (!op.isParametric()) {
        shape = fitting(op, layer, operation(layer, op, shape, last && i == ops.size() - 1));
        continue;
      }
      // ReLU and dropout written right after a convolution or dense layer run in its GEMM's epilogue.
      boolean relu = false;
      double dropout = 0;
      while (i + 1 < ops.size()) {
        Op next = ops.get(i + 1);
        if (next instanceof Op.Relu && !relu) {
          relu = true;
        } else if (next instanceof Op.Dropout d && dropout == 0 && Dropout.checkRate(planning, d)) {
          dropout = d.rate();
        } else {
          break;
        }
        i++;
      }
      Parametric planned =
          op instanceof Op.Conv c
              ? Convolution.plan(planning, layer, c, shape, relu, dropout)
              : Dense.plan(planning, layer, (Op.Dense) op, shape, relu, dropout);
      shape = fitting(op, layer, add(planned));
      if (planned != null) {
        checkName(layer);
        planning.planned(planned);
      }
    }
    return shape;
  }

  /** {@code out}, the output of {@code op}, where one example's fits one array; else {@code null}, reported on the op. */
  private Shape fitting(Op op, Layer layer, Shape out) {
    return out == null || planning.fitsOneArray(op.location(), layer.method() + ": the output " + out + " of one example", out.size(),
        "use a smaller input, a larger stride or fewer filters") ? out : null;
  }

  /** Plans an op without parameters: ReLU, dropout, LRN, max pooling or the softmax marker. */
  private Shape operation(Layer layer, Op op, Shape shape, boolean lastOp) {
    if (op instanceof Op.Relu) {
      stages.add(new Relu(layer.method(), shape));
      return shape;
    } else if (op instanceof Op.Dropout d) {
      if (Dropout.checkRate(planning, d)) {
        stages.add(new Dropout(layer.method(), shape, d.rate()));
      }
      return shape;
    } else if (op instanceof Op.Lrn l) {
      Lrn lrn = Lrn.plan(planning, layer, l, shape);
      // Right after a convolution's ReLU the LRN reads a, so its backward pass applies [a > 0] as it writes ∂a.
      return add(lrn != null && deferReluDerivative() ? lrn.applyingReluDerivative() : lrn);
    } else if (op instanceof Op.MaxPool p) {
      MaxPool pool = MaxPool.plan(planning, layer, p, shape);
      // Likewise max pooling: a window's gradient reaches its arg-max only where the maximum, y there, is above 0.
      return add(pool != null && deferReluDerivative() ? pool.applyingReluDerivative() : pool);
    } else if (op instanceof Op.AvgPool p) {
      return add(AvgPool.plan(planning, layer, p, shape));
    } else if (op instanceof Op.Softmax s) {
      if (!lastOp) {
        planning.error(s.location(), "@Softmax must be the last operation of the last layer; it marks the network's output");
        return null;
      }
      if (!shape.isFlat()) {
        planning.error(s.location(), "@Softmax needs class scores, but " + layer.method() + " outputs " + shape + "; add a @Dense layer first");
        return null;
      }
      softmax = true;
      return shape;
    }
    throw new IllegalStateException("no plan for " + op);
  }

  /**
   * Whether the stage about to be added applies the ReLU derivative of the convolution planned last, right before it
   * ({@link Convolution#canDeferReluDerivative}); if so, that convolution is marked as leaving it.
   */
  private boolean deferReluDerivative() {
    if (!stages.isEmpty() && stages.get(stages.size() - 1) instanceof Convolution c && c.canDeferReluDerivative()) {
      stages.set(stages.size() - 1, c.deferringReluDerivative());
      return true;
    }
    return false;
  }

  /** Adds a planned stage; its output shape, or {@code null} when it could not be planned. */
  private Shape add(Stage stage) {
    if (stage == null) {
      return null;
    }
    stages.add(stage);
    return stage.out();
  }

  private void checkName(Layer layer) {
    String prefix = layer.paramPrefix();
    Location where = layer.paramLocation() != null ? layer.paramLocation() : new Location(layer.method(), null, null);
    if (prefix.isEmpty()) {
      planning.error(where.at("value"), "the parameter prefix is empty");
      return;
    }
    Location previous = parameterNames.putIfAbsent(prefix, where);
    if (previous != null) {
      planning.error(
          layer.paramLocation() != null ? where.at("value") : where,
          "parameter names " + prefix + ".weight and " + prefix + ".bias are already used by " + previous.method() + "; give this layer another @Param");
    }
  }

}
