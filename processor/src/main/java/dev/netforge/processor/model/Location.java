package dev.netforge.processor.model;

/**
 * Where a declaration came from, so a problem found by the compiler-free planner can be reported on the exact
 * element, annotation and attribute by the front-end.
 *
 * @param method the layer method's name, or {@code null} for the network interface itself
 * @param annotation the annotation's simple name, for example {@code "Conv"}
 * @param attribute the attribute the problem is in, or {@code null} for the annotation as a whole
 */
public record Location(String method, String annotation, String attribute) {
  public static Location onNetwork(String annotation, String attribute) {
    return new Location(null, annotation, attribute);
  }

  /** The same annotation, pointing at one of its attributes. */
  public Location at(String otherAttribute) {
    return new Location(method, annotation, otherAttribute);
  }
}
