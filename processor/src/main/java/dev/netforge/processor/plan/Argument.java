package dev.netforge.processor.plan;

import java.util.Arrays;
import java.util.List;

/**
 * A typed value an op kind passes to its runtime stage ({@link RuntimeStage}): a literal, a runtime value object, or a
 * name only the generated class knows — a parameter's field, a tower's scratch space, one of the stage's buffers. The
 * op says what it passes; the Java emitter says how that is spelt.
 */
public sealed interface Argument {
  /** The array the stage reads. */
  Argument INPUT = new Input();

  /** The stage's output. */
  Argument OUTPUT = new Buffer(Schedule.Role.OUTPUT);

  /** ∂loss/∂output of the stage. */
  Argument GRADIENT = new Buffer(Schedule.Role.GRADIENT);

  /** ∂loss/∂input of the stage. */
  Argument INPUT_GRADIENT = new InputGradient();

  Argument BATCH = new Batch();

  /** An integer literal. */
  record Int(long value) implements Argument {}

  /** A float literal, rounded to float as the runtime computes in it. */
  record Real(float value) implements Argument {}

  record Bool(boolean value) implements Argument {}

  /** {@code null}: an array the stage does without (a mask where no dropout is fused). */
  record None() implements Argument {}

  /**
   * A value object of the runtime's {@code nn} package built from {@code arguments}: {@code new TowerSlice(0, 0, 4,
   * false)}.
   */
  record New(String type, List<Argument> arguments) implements Argument {
    public New {
      arguments = List.copyOf(arguments);
    }
  }

  /** The stage's geometry constant ({@link RuntimeStage#geometry}), which the generated class declares once. */
  record Geometry() implements Argument {}

  /** The generated field of parameter {@code name}, PyTorch's dotted name: {@code conv1.weight}. */
  record Parameter(String name) implements Argument {}

  /** Tower {@code tower}'s scratch space. */
  record Scratch(int tower) implements Argument {}

  /** The array the stage reads: the previous stage's output, or the network's input. */
  record Input() implements Argument {}

  /** The stage's own buffer of {@code role}. */
  record Buffer(Schedule.Role role) implements Argument {}

  /** The gradient of the array the stage reads, which its backward pass writes. */
  record InputGradient() implements Argument {}

  /** The batch size of the pass. */
  record Batch() implements Argument {}

  /** {@code ints} as {@link Int}s, in order. */
  static List<Argument> ints(long... ints) {
    return Arrays.stream(ints).<Argument>mapToObj(Int::new).toList();
  }

  /** The stage's dropout mask where it applies one, else {@link None}. */
  static Argument maskOf(Stage stage) {
    return stage.maskRate() > 0 ? new Buffer(Schedule.Role.MASK) : new None();
  }
}
