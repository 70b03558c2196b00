package dev.netforge.processor.model;

import java.util.List;

/**
 * One method of a network interface: at most one parametric op followed by the ops applied to its output.
 *
 * @param method the method name, used in messages and generated comments
 * @param paramPrefix the parameter-name prefix ({@code @Param} or the method name)
 * @param paramLocation where the prefix was declared ({@code @Param}), or {@code null} when it is the method name
 * @param ops the operations in the order written
 */
public record Layer(String method, String paramPrefix, Location paramLocation, List<Op> ops) {
  public Layer {
    ops = List.copyOf(ops);
  }
}
