package dev.netforge.processor;

import dev.netforge.dsl.Init;
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
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * The annotation front-end: reads one {@code @Network} interface into a {@link NetworkDecl}, keeping the source
 * order of methods and of the annotations on each method. It checks nothing about shapes; the planner does.
 */
final class Reader {
  private static final String DSL = "dev.netforge.dsl.";

  private final Elements elements;
  private final TypeElement type;
  Reader(Elements elements, TypeElement type) {
    this.elements = elements;
    this.type = type;
  }

  /** The declaration as written; the planner checks it. */
  NetworkDecl read() {
    Map<String, Object> network = values(type, "Network");
    Map<String, Object> input = values(type, "Input");
    Shape inputShape = input == null ? null : new Shape((int) input.get("channels"), (int) input.get("height"), (int) input.get("width"));
    List<Layer> layers = new ArrayList<>();
    for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
      if (method.getModifiers().contains(Modifier.STATIC) || method.getModifiers().contains(Modifier.DEFAULT)
          || method.getModifiers().contains(Modifier.PRIVATE)) {
        continue;
      }
      layers.add(layer(method));
    }
    PackageElement pkg = elements.getPackageOf(type);
    String packageName = pkg.isUnnamed() ? "" : pkg.getQualifiedName().toString();
    String qualified = type.getQualifiedName().toString();
    // A nested interface is named from its package down (Outer.Spec), so the generated javadoc can link to it.
    String specName = packageName.isEmpty() ? qualified : qualified.substring(packageName.length() + 1);
    return new NetworkDecl(
        packageName,
        (String) network.get("name"),
        specName,
        (int) network.get("towers"),
        Init.valueOf((String) network.get("init")),
        inputShape,
        layers);
  }

  private Layer layer(ExecutableElement method) {
    String name = method.getSimpleName().toString();
    String prefix = name;
    Location prefixAt = null;
    List<Op> ops = new ArrayList<>();
    for (AnnotationMirror mirror : method.getAnnotationMirrors()) {
      String annotation = dslName(mirror);
      if (annotation == null) {
        continue;
      }
      Map<String, Object> v = values(mirror);
      Location at = new Location(name, annotation, null);
      switch (annotation) {
        case "Param" -> {
          prefix = (String) v.get("value");
          prefixAt = at;
        }
        case "Conv" -> ops.add(new Op.Conv(at, (int) v.get("filters"), (int) v.get("kernel"), (int) v.get("stride"), (int) v.get("padding"),
            (int) v.get("groups"), Rounding.valueOf((String) v.get("rounding")), (double) v.get("bias")));
        case "Dense" -> ops.add(new Op.Dense(at, (int) v.get("units"), (double) v.get("bias")));
        case "Relu" -> ops.add(new Op.Relu(at));
        case "Lrn" -> ops.add(new Op.Lrn(at, (int) v.get("size"), (double) v.get("alpha"), (double) v.get("beta"), (double) v.get("k")));
        case "MaxPool" -> ops.add(new Op.MaxPool(at, (int) v.get("kernel"), (int) v.get("stride"), Rounding.valueOf((String) v.get("rounding"))));
        case "AvgPool" -> ops.add(new Op.AvgPool(at, (int) v.get("kernel"), (int) v.get("stride"), (int) v.get("padding"),
            Rounding.valueOf((String) v.get("rounding"))));
        case "Dropout" -> ops.add(new Op.Dropout(at, (double) v.get("value")));
        case "Softmax" -> ops.add(new Op.Softmax(at));
        default -> {
          // @Network and @Input belong on the interface; on a method they are ignored by javac's @Target already.
        }
      }
    }
    return new Layer(name, prefix, prefixAt, ops);
  }

  private static String dslName(AnnotationMirror mirror) {
    String qualified = ((TypeElement) mirror.getAnnotationType().asElement()).getQualifiedName().toString();
    return qualified.startsWith(DSL) ? qualified.substring(DSL.length()) : null;
  }

  private Map<String, Object> values(TypeElement element, String annotation) {
    for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
      if (annotation.equals(dslName(mirror))) {
        return values(mirror);
      }
    }
    return null;
  }

  /**
   * A value javac could not resolve (an unknown constant, say). javac has already reported it on the right line, so
   * the network is skipped without a second error.
   */
  static final class Unresolved extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unresolved() {
      super(null, null, false, false);
    }
  }

  /** Attribute values with defaults filled in; enum constants as their names. */
  private Map<String, Object> values(AnnotationMirror mirror) {
    Map<String, Object> result = new HashMap<>();
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e : elements.getElementValuesWithDefaults(mirror).entrySet()) {
      Object value = e.getValue().getValue();
      if (value instanceof VariableElement constant) {
        value = constant.getSimpleName().toString();
      }
      TypeKind expected = e.getKey().getReturnType().getKind();
      boolean fits = switch (expected) {
        case INT -> value instanceof Integer;
        case DOUBLE -> value instanceof Double;
        default -> value instanceof String;
      };
      if (!fits) {
        throw new Unresolved();
      }
      result.put(e.getKey().getSimpleName().toString(), value);
    }
    return result;
  }
}
