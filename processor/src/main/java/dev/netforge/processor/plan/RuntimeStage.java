package dev.netforge.processor.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * How the CPU engine runs one stage: an object of a runtime stage class ({@code dev.netforge.runtime.nn}), one per tower
 * for a stage that runs per tower, built once with every size a compile-time constant and bound to its buffers when a
 * batch size is planned. The op kind says what it passes; the Java emitter prints it.
 *
 * @param type the runtime stage's simple class name: {@code Conv2d}
 * @param geometry the value its objects share, declared once as a constant ({@link Argument.Geometry}), or {@code null}
 *     for a kind that needs none
 * @param objects each object's constructor arguments, tower by tower (one list for a stage run over whole tensors)
 * @param bind what its {@code bind} takes in the forward pass, the same for every tower (each reads its own channels)
 */
public record RuntimeStage(String type, Argument.New geometry, List<List<Argument>> objects, List<Argument> bind) {
  public RuntimeStage {
    objects = objects.stream().map(List::copyOf).toList();
    bind = List.copyOf(bind);
  }

  /** Objects for towers {@code 0} to {@code towers − 1}, tower t's arguments {@code arguments.apply(t)}. */
  static List<List<Argument>> eachTower(int towers, IntFunction<List<Argument>> arguments) {
    List<List<Argument>> objects = new ArrayList<>();
    for (int t = 0; t < towers; t++) {
      objects.add(arguments.apply(t));
    }
    return objects;
  }

  /** {@code first} followed by {@code rest}: a constructor's leading arguments and its varargs. */
  static List<Argument> concat(List<Argument> first, List<Argument> rest) {
    List<Argument> all = new ArrayList<>(first);
    all.addAll(rest);
    return all;
  }
}
