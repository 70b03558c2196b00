package dev.netforge.processor;

import dev.netforge.processor.model.Location;
import dev.netforge.processor.plan.Diagnostic;
import java.util.Map;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.tools.Diagnostic.Kind;

/**
 * Turns a planner {@link Diagnostic} into a compile error on the exact element, annotation and attribute value that
 * its {@link Location} names, so IDEs and javac point at the wrong number itself.
 */
final class Reporter {
  private static final String DSL = "dev.netforge.dsl.";

  private final Messager messager;
  private final Element network;

  Reporter(Messager messager, Element network) {
    this.messager = messager;
    this.network = network;
  }

  void report(Diagnostic d) {
    Location at = d.location();
    Element element = element(at.method());
    String prefix = at.method() == null ? network.getSimpleName() + ": " : at.method() + ": ";
    String message = prefix + d.message();
    AnnotationMirror mirror = at.annotation() == null ? null : mirror(element, at.annotation());
    if (mirror == null) {
      messager.printMessage(Kind.ERROR, message, element);
      return;
    }
    AnnotationValue value = at.attribute() == null ? null : value(mirror, at.attribute());
    if (value == null) {
      messager.printMessage(Kind.ERROR, message, element, mirror);
    } else {
      messager.printMessage(Kind.ERROR, message, element, mirror, value);
    }
  }

  private Element element(String method) {
    if (method != null && network instanceof TypeElement type) {
      for (ExecutableElement m : ElementFilter.methodsIn(type.getEnclosedElements())) {
        if (m.getSimpleName().contentEquals(method)) {
          return m;
        }
      }
    }
    return network;
  }

  private static AnnotationMirror mirror(Element element, String simpleName) {
    for (AnnotationMirror m : element.getAnnotationMirrors()) {
      TypeElement type = (TypeElement) m.getAnnotationType().asElement();
      if (type.getQualifiedName().contentEquals(DSL + simpleName)) {
        return m;
      }
    }
    return null;
  }

  private static AnnotationValue value(AnnotationMirror mirror, String attribute) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e : mirror.getElementValues().entrySet()) {
      if (e.getKey().getSimpleName().contentEquals(attribute)) {
        return e.getValue();
      }
    }
    return null;
  }
}
