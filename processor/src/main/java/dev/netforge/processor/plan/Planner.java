package dev.netforge.processor.plan;

import dev.netforge.dsl.Rounding;
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
 * Shape inference, checks and planning for one declared network: walks the layers in order, computes every shape,
 * reports each wrong declaration on its annotation, fuses element-wise ops into the parametric layer before them,
 * and splits every parametric layer over the towers.
 */
public final class Planner {
  private final NetworkDecl decl;
  private final List<Diagnostic> diagnostics = new ArrayList<>();
  private final List<Stage> stages = new ArrayList<>();
  private final Map<String, Location> parameterNames = new HashMap<>();
  private boolean sawDense;
  private boolean softmax;
  /**
   * Whether a parametric layer has run: from then on every activation's channels are split over the towers. Before
   * it the input, and what LRN or pooling make of it, is whole on every tower.
   */
  private boolean splitOverTowers;

  private Planner(NetworkDecl decl) {
    this.decl = decl;
  }

  /** The outcome: a plan when there were no diagnostics. */
  public record Result(Optional<Plan> plan, List<Diagnostic> diagnostics) {}

  public static Result plan(NetworkDecl decl) {
    Planner planner = new Planner(decl);
    planner.run();
    Optional<Plan> plan =
        planner.diagnostics.isEmpty()
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
    return new Result(plan, List.copyOf(planner.diagnostics));
  }

  private void error(Location where, String message) {
    diagnostics.add(new Diagnostic(where, message));
  }

  private void run() {
    Location network = Location.onNetwork("Network", null);
    if (!decl.name().matches("[A-Za-z_$][A-Za-z0-9_$]*")) {
      error(network.at("name"), "name \"" + decl.name() + "\" is not a valid Java class name");
    } else {
      checkClassName(network.at("name"));
    }
    if (decl.towers() != 1 && decl.towers() != 2) {
      error(network.at("towers"), "towers = " + decl.towers() + " is not supported; use 1 or 2");
      return;
    }
    Shape input = decl.input();
    if (input == null) {
      error(network, "missing @Input(channels, height, width) on the network interface");
      return;
    }
    Location in = Location.onNetwork("Input", null);
    positive(in.at("channels"), "channels", input.channels());
    positive(in.at("height"), "height", input.height());
    positive(in.at("width"), "width", input.width());
    if (decl.layers().isEmpty()) {
      error(network, "the network declares no layers; add a method annotated with @Conv or @Dense");
    }
    if (!diagnostics.isEmpty()) {
      return;
    }
    Shape shape = input;
    for (int i = 0; i < decl.layers().size() && shape != null; i++) {
      shape = layer(decl.layers().get(i), shape, i == decl.layers().size() - 1);
    }
    if (shape != null && !splitOverTowers) {
      error(network, "the network has no layer with parameters to train; add a method annotated with @Conv or @Dense");
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
      error(at, "name \"" + decl.name() + "\" would make the generated class " + clash + " replace the interface " + topLevel
          + " that declares it; name the network differently, for example name = \"" + suggestion + "\"");
    }
  }

  /** Plans one method; returns its output shape, or null when planning cannot go on. */
  private Shape layer(Layer layer, Shape shape, boolean last) {
    List<Op> ops = layer.ops();
    if (ops.isEmpty()) {
      error(
          new Location(layer.method(), null, null),
          layer.method() + " declares no layer; annotate it with @Conv, @Dense, @Lrn, @MaxPool, @Relu or @Dropout");
      return null;
    }
    int parametricCount = 0;
    for (Op op : ops) {
      if (op.isParametric() && ++parametricCount == 2) {
        error(
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
        shape = operation(layer, op, shape, last && i == ops.size() - 1);
        continue;
      }
      // ReLU and dropout written right after a convolution or dense layer run in its GEMM's epilogue.
      boolean relu = false;
      double dropout = 0;
      while (i + 1 < ops.size()) {
        Op next = ops.get(i + 1);
        if (next instanceof Op.Relu && !relu) {
          relu = true;
        } else if (next instanceof Op.Dropout d && dropout == 0 && checkRate(d)) {
          dropout = d.rate();
        } else {
          break;
        }
        i++;
      }
      shape =
          op instanceof Op.Conv c
              ? conv(layer, c, shape, relu, dropout)
              : dense(layer, (Op.Dense) op, shape, relu, dropout);
      if (shape != null) {
        checkName(layer);
        splitOverTowers = true;
      }
    }
    return shape;
  }

  /** Plans an op without parameters: ReLU, dropout, LRN, max pooling or the softmax marker. */
  private Shape operation(Layer layer, Op op, Shape shape, boolean lastOp) {
    if (op instanceof Op.Relu) {
      stages.add(new Relu(layer.method(), shape));
      return shape;
    } else if (op instanceof Op.Dropout d) {
      if (checkRate(d)) {
        stages.add(new Dropout(layer.method(), shape, d.rate()));
      }
      return shape;
    } else if (op instanceof Op.Lrn l) {
      return lrn(layer, l, shape);
    } else if (op instanceof Op.MaxPool p) {
      return pool(layer, p, shape);
    } else if (op instanceof Op.AvgPool p) {
      return averagePool(layer, p, shape);
    } else if (op instanceof Op.Softmax s) {
      if (!lastOp) {
        error(s.location(), "@Softmax must be the last operation of the last layer; it marks the network's output");
        return null;
      }
      if (!shape.isFlat()) {
        error(s.location(), "@Softmax needs class scores, but " + layer.method() + " outputs " + shape + "; add a @Dense layer first");
        return null;
      }
      softmax = true;
      return shape;
    }
    throw new IllegalStateException("no plan for " + op);
  }

  private boolean checkRate(Op.Dropout d) {
    if (!(d.rate() >= 0 && d.rate() < 1)) {
      error(d.location().at("value"), "dropout rate " + d.rate() + " is outside [0, 1)");
      return false;
    }
    return true;
  }

  private boolean positive(Location where, String what, int value) {
    if (value <= 0) {
      error(where, what + " = " + value + " must be positive");
      return false;
    }
    return true;
  }

  private void checkName(Layer layer) {
    String prefix = layer.paramPrefix();
    Location where = layer.paramLocation() != null ? layer.paramLocation() : new Location(layer.method(), null, null);
    if (prefix.isEmpty()) {
      error(where.at("value"), "the parameter prefix is empty");
      return;
    }
    Location previous = parameterNames.putIfAbsent(prefix, where);
    if (previous != null) {
      error(
          layer.paramLocation() != null ? where.at("value") : where,
          "parameter names " + prefix + ".weight and " + prefix + ".bias are already used by " + previous.method() + "; give this layer another @Param");
    }
  }

  private Shape conv(Layer layer, Op.Conv c, Shape in, boolean relu, double dropout) {
    Location at = c.location();
    boolean ok = positive(at.at("filters"), "filters", c.filters());
    ok &= positive(at.at("kernel"), "kernel", c.kernel());
    ok &= positive(at.at("stride"), "stride", c.stride());
    ok &= positive(at.at("groups"), "groups", c.groups());
    if (c.padding() < 0) {
      error(at.at("padding"), "padding = " + c.padding() + " must not be negative");
      ok = false;
    }
    if (!ok) {
      return null;
    }
    if (sawDense) {
      error(at, "a convolution cannot follow a dense layer: its input " + in + " has no spatial extent");
      return null;
    }
    if (in.channels() % c.groups() != 0) {
      error(
          at.at("groups"),
          "input channels " + in.channels() + " are not divisible by groups = " + c.groups() + suggestDivisor(in.channels(), c.groups()));
      ok = false;
    }
    if (c.filters() % c.groups() != 0) {
      error(at.at("filters"), "filters = " + c.filters() + " is not divisible by groups = " + c.groups());
      ok = false;
    }
    int towers = decl.towers();
    if (c.filters() % towers != 0) {
      error(at.at("filters"), "filters = " + c.filters() + " is not divisible by the network's " + towers + " towers; use " + roundUp(c.filters(), towers));
      ok = false;
    }
    if (c.groups() != 1 && c.groups() % towers != 0) {
      error(at.at("groups"), "groups = " + c.groups() + " must be 1 or a multiple of the network's " + towers + " towers");
      ok = false;
    }
    if (!ok) {
      return null;
    }
    Integer h = spatial(at, "", "height", in.height(), c.kernel(), c.stride(), c.padding(), c.rounding(), true, in.width() == in.height());
    Integer w = in.width() == in.height() ? h : spatial(at, "", "width", in.width(), c.kernel(), c.stride(), c.padding(), c.rounding(), true, false);
    if (h == null || w == null) {
      return null;
    }
    Shape out = new Shape(c.filters(), h, w);
    int groupIn = in.channels() / c.groups();
    int groupOut = c.filters() / c.groups();
    List<TowerSlice> slices = new ArrayList<>();
    int perTower = c.filters() / towers;
    for (int t = 0; t < towers; t++) {
      for (int g = 0; g < c.groups(); g++) {
        int start = Math.max(g * groupOut, t * perTower);
        int end = Math.min((g + 1) * groupOut, (t + 1) * perTower);
        if (start < end) {
          slices.add(new TowerSlice(t, g * groupIn, groupIn, start, end - start));
        }
      }
    }
    Exchange exchange = towers > 1 && c.groups() == 1 && splitOverTowers ? new Exchange(in.size() * (towers - 1)) : null;
    stages.add(
        new Convolution(
            layer.method(), layer.paramPrefix(), in, out, c.kernel(), c.stride(), c.padding(), c.groups(), relu, dropout, c.bias(), slices, exchange));
    return out;
  }

  private Shape dense(Layer layer, Op.Dense d, Shape in, boolean relu, double dropout) {
    Location at = d.location();
    if (!positive(at.at("units"), "units", d.units())) {
      return null;
    }
    int towers = decl.towers();
    if (d.units() % towers != 0) {
      error(at.at("units"), "units = " + d.units() + " is not divisible by the network's " + towers + " towers; use " + roundUp(d.units(), towers));
      return null;
    }
    if (in.size() > Integer.MAX_VALUE / Math.max(1, d.units())) {
      error(at.at("units"), "a dense layer of " + in.size() + " × " + d.units() + " weights is too large for one array");
      return null;
    }
    sawDense = true;
    Shape out = new Shape(d.units(), 1, 1);
    int perTower = d.units() / towers;
    List<TowerSlice> slices = new ArrayList<>();
    for (int t = 0; t < towers; t++) {
      slices.add(new TowerSlice(t, 0, (int) in.size(), t * perTower, perTower));
    }
    Exchange exchange = towers > 1 && splitOverTowers ? new Exchange(in.size() * (towers - 1)) : null;
    stages.add(new Dense(layer.method(), layer.paramPrefix(), in, out, relu, dropout, d.bias(), slices, exchange));
    return out;
  }

  private Shape lrn(Layer layer, Op.Lrn l, Shape in) {
    Location at = l.location();
    if (l.size() <= 0 || l.size() % 2 == 0) {
      error(at.at("size"), "size = " + l.size() + " must be a positive odd number of channels (the window is centred)");
      return null;
    }
    if (!(l.k() > 0) || !(l.alpha() >= 0) || !(l.beta() > 0)) {
      error(at, "LRN needs k > 0, alpha >= 0 and beta > 0 (got k = " + l.k() + ", alpha = " + l.alpha() + ", beta = " + l.beta() + ")");
      return null;
    }
    stages.add(new Lrn(layer.method(), in, l.size(), l.alpha(), l.beta(), l.k(), splitOverTowers ? decl.towers() : 1));
    return in;
  }

  private Shape pool(Layer layer, Op.MaxPool p, Shape in) {
    Location at = p.location();
    boolean ok = positive(at.at("kernel"), "kernel", p.kernel());
    ok &= positive(at.at("stride"), "stride", p.stride());
    if (!ok) {
      return null;
    }
    if (in.isFlat() && sawDense) {
      error(at, "max pooling cannot follow a dense layer: its input " + in + " has no spatial extent");
      return null;
    }
    Integer h = spatial(at, "max pool ", "height", in.height(), p.kernel(), p.stride(), 0, p.rounding(), false, in.width() == in.height());
    Integer w = in.width() == in.height() ? h : spatial(at, "max pool ", "width", in.width(), p.kernel(), p.stride(), 0, p.rounding(), false, false);
    if (h == null || w == null) {
      return null;
    }
    Shape out = new Shape(in.channels(), h, w);
    stages.add(new MaxPool(layer.method(), in, out, p.kernel(), p.stride(), splitOverTowers ? decl.towers() : 1));
    return out;
  }

  private Shape averagePool(Layer layer, Op.AvgPool p, Shape in) {
    Location at = p.location();
    boolean ok = positive(at.at("kernel"), "kernel", p.kernel());
    ok &= positive(at.at("stride"), "stride", p.stride());
    if (p.padding() < 0 || p.padding() > p.kernel() / 2) {
      error(at.at("padding"), "padding = " + p.padding() + " must be between 0 and half the kernel, " + Math.max(0, p.kernel() / 2)
          + " (a window may not lie in the padding alone)");
      ok = false;
    }
    if (!ok) {
      return null;
    }
    if (in.isFlat() && sawDense) {
      error(at, "average pooling cannot follow a dense layer: its input " + in + " has no spatial extent");
      return null;
    }
    boolean square = in.width() == in.height();
    Integer h = spatial(at, "average pool ", "height", in.height(), p.kernel(), p.stride(), p.padding(), p.rounding(), true, square);
    Integer w = square ? h : spatial(at, "average pool ", "width", in.width(), p.kernel(), p.stride(), p.padding(), p.rounding(), true, false);
    if (h == null || w == null) {
      return null;
    }
    Shape out = new Shape(in.channels(), h, w);
    stages.add(new AvgPool(layer.method(), in, out, p.kernel(), p.stride(), p.padding(), splitOverTowers ? decl.towers() : 1));
    return out;
  }

  /**
   * @param what how the message names the operation when the layer's name alone would not say it ({@code "max pool "}:
   *     the pooling of a layer whose name is its convolution's)
   */
  private Integer spatial(
      Location at, String what, String axis, int in, int kernel, int stride, int padding, Rounding rounding, boolean hasPadding, boolean square) {
    String axes = square ? "height and width" : axis;
    if (!OutputSize.fits(in, kernel, padding)) {
      error(
          at.at("kernel"),
          "the " + what + kernel + "×" + kernel + " window is larger than the input " + axes + " " + in + (padding > 0 ? " + 2*" + padding + " padding" : "")
              + "; use a kernel of at most " + (in + 2 * padding));
      return null;
    }
    if (rounding == Rounding.EXACT) {
      Optional<String> problem = OutputSize.inexact(axes, in, kernel, stride, padding, hasPadding);
      if (problem.isPresent()) {
        error(at, what + problem.get());
        return null;
      }
    }
    int out = OutputSize.of(in, kernel, stride, padding);
    if (out <= 0) {
      error(at, what + "output " + axes + " reaches " + out);
      return null;
    }
    return out;
  }

  private static int roundUp(int value, int multiple) {
    return (value + multiple - 1) / multiple * multiple;
  }

  private static String suggestDivisor(int channels, int groups) {
    for (int g = groups - 1; g >= 1; g--) {
      if (channels % g == 0) {
        return "; use groups = " + g + " or an input with a multiple of " + groups + " channels";
      }
    }
    return "";
  }
}
