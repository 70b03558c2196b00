package dev.netforge.processor.plan;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stage as the network description ({@code <Network>.network.json}) names it for the runtime's exporters: its kind
 * and its attributes, in order.
 *
 * @param kind the format's name for the op kind: {@code convolution}, {@code maxPool}
 * @param attributes each attribute's value: an {@link Integer}, a {@link Double}, a {@link Boolean} or a {@link String}
 */
public record Description(String kind, Map<String, Object> attributes) {
  public Description {
    attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
  }

  /** A description of {@code kind} with attributes given as name, value, name, value... in order. */
  static Description of(String kind, Object... namesAndValues) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    for (int k = 0; k < namesAndValues.length; k += 2) {
      attributes.put((String) namesAndValues[k], namesAndValues[k + 1]);
    }
    return new Description(kind, attributes);
  }
}
