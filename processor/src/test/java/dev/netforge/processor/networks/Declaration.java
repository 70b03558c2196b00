package dev.netforge.processor.networks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A network declaration as the random-network tests write it: the interface's annotations, method by method, in the
 * order written. It renders itself as Java source, and {@link Float64Network} computes it independently of the
 * processor.
 *
 * @param name the {@code @Network(name)}; the interface is {@code name + "Spec"}
 * @param softmax whether the last method ends in {@code @Softmax}
 */
record Declaration(String name, int towers, int channels, int height, int width, List<Method> methods, boolean softmax) {
  Declaration {
    methods = List.copyOf(methods);
  }

  /** The package every generated test network is in. */
  static final String PACKAGE = "test";

  /** Line of the first method's first annotation in {@link #source}. */
  static final int FIRST_METHOD_LINE = 6;

  /**
   * One method: its annotations in order ({@code @Softmax} is not among them: {@link Declaration#softmax} adds it last).
   *
   * @param param the {@code @Param} prefix, or {@code null} for none
   */
  record Method(String name, String param, List<Op> ops) {
    Method {
      ops = List.copyOf(ops);
    }
  }

  /** One annotation with its attributes. */
  sealed interface Op {
    String annotation();
  }

  record Conv(int filters, int kernel, int stride, int padding, int groups, boolean floor) implements Op {
    @Override
    public String annotation() {
      return "@Conv(filters = " + filters + ", kernel = " + kernel + ", stride = " + stride + ", padding = " + padding + ", groups = " + groups
          + rounding(floor) + ")";
    }
  }

  record Dense(int units) implements Op {
    @Override
    public String annotation() {
      return "@Dense(units = " + units + ")";
    }
  }

  record Relu() implements Op {
    @Override
    public String annotation() {
      return "@Relu";
    }
  }

  record Lrn(int size, double alpha, double beta, double k) implements Op {
    @Override
    public String annotation() {
      return String.format(Locale.ROOT, "@Lrn(size = %d, alpha = %s, beta = %s, k = %s)", size, alpha, beta, k);
    }
  }

  record MaxPool(int kernel, int stride, boolean floor) implements Op {
    @Override
    public String annotation() {
      return "@MaxPool(kernel = " + kernel + ", stride = " + stride + rounding(floor) + ")";
    }
  }

  record AvgPool(int kernel, int stride, int padding, boolean floor) implements Op {
    @Override
    public String annotation() {
      return "@AvgPool(kernel = " + kernel + ", stride = " + stride + ", padding = " + padding + rounding(floor) + ")";
    }
  }

  record Dropout(double rate) implements Op {
    @Override
    public String annotation() {
      return "@Dropout(" + rate + ")";
    }
  }

  private static String rounding(boolean floor) {
    return floor ? ", rounding = Rounding.FLOOR" : "";
  }

  String interfaceName() {
    return name + "Spec";
  }

  String className() {
    return PACKAGE + "." + name;
  }

  /** The interface's source, one annotation a line, so that a compile error's line says which annotation it is on. */
  List<String> source() {
    List<String> lines = new ArrayList<>();
    lines.add("package " + PACKAGE + ";");
    lines.add("import dev.netforge.dsl.*;");
    lines.add("@Network(name = \"" + name + "\", towers = " + towers + ", init = Init.HE)");
    lines.add("@Input(channels = " + channels + ", height = " + height + ", width = " + width + ")");
    lines.add("public interface " + interfaceName() + " {");
    for (int m = 0; m < methods.size(); m++) {
      Method method = methods.get(m);
      if (method.param() != null) {
        lines.add("  @Param(\"" + method.param() + "\")");
      }
      for (Op op : method.ops()) {
        lines.add("  " + op.annotation());
      }
      if (softmax && m == methods.size() - 1) {
        lines.add("  @Softmax");
      }
      lines.add("  void " + method.name() + "();");
    }
    lines.add("}");
    return lines;
  }

  @Override
  public String toString() {
    return String.join("\n", source());
  }
}
