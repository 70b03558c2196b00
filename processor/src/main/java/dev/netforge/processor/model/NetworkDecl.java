package dev.netforge.processor.model;

import dev.netforge.dsl.Init;
import java.util.List;

/**
 * A whole declared network, independent of {@code javax.lang.model}: what the front-end read from one
 * {@code @Network} interface.
 *
 * @param packageName the package of the interface, where the generated class goes
 * @param name the generated class's simple name
 * @param specName the declaring interface's simple name (for generated documentation)
 * @param towers the tower count
 * @param init the weight initialization
 * @param input the input shape, or {@code null} when {@code @Input} is missing
 * @param layers the layers in declaration order
 */
public record NetworkDecl(
    String packageName, String name, String specName, int towers, Init init, Shape input, List<Layer> layers) {
  public NetworkDecl {
    layers = List.copyOf(layers);
  }
}
