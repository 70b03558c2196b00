package dev.netforge.processor.emit;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.netforge.processor.plan.Argument;
import dev.netforge.processor.plan.Parametric;
import dev.netforge.processor.plan.Plan;
import dev.netforge.processor.plan.RuntimeStage;
import dev.netforge.processor.plan.Schedule;
import dev.netforge.processor.plan.Stage;
import dev.netforge.processor.plan.StageNames;
import dev.netforge.processor.plan.TowerSlice;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * One stage of the CPU class: its geometry constant, and the runtime stage object of its op kind — one per tower for a
 * per-tower stage — built in the constructor with every size a compile-time constant and bound to its buffers when
 * a batch size is planned, all printed from what the op kind gives ({@link Stage#runtimeStage}). The passes then run it with one short line ({@code conv1Stage[tower].forward(batch,
 * training)}).
 */
final class JavaStage {
  private static final String NN = "dev.netforge.runtime.nn";
  static final ClassName TOWER_GRADIENT = ClassName.get(NN, "TowerGradient");

  private final Schedule schedule;
  private final Plan plan;
  private final int i;
  private final Stage stage;
  private final String name;
  private final boolean perTower;
  /** Whether the stage's towers are one object over all their outputs (the constructor's {@code sharedInput}). */
  private final boolean merged;
  private final RuntimeStage runtime;
  private final ClassName type;

  /**
   * @param sharedInput whether the stage is a layer whose towers all read the same whole input, run here as one object
   *     over all the towers' outputs ({@link JavaEmitter}'s class javadoc says why)
   */
  JavaStage(Schedule schedule, int stage, boolean sharedInput) {
    this.schedule = schedule;
    this.plan = schedule.plan();
    this.i = stage;
    this.stage = plan.stages().get(stage);
    this.name = schedule.names().of(stage);
    this.merged = sharedInput;
    this.perTower = schedule.perTower(stage) && !sharedInput;
    this.runtime = this.stage.runtimeStage();
    this.type = ClassName.get(NN, runtime.type());
    if (!merged && runtime.objects().size() != objects()) {
      throw new IllegalStateException(name + "'s runtime stage has " + runtime.objects().size() + " objects, its schedule " + objects());
    }
  }

  /** The stage's name in the generated class: {@code conv1}, {@code conv1Lrn}. */
  String name() {
    return name;
  }

  /** The stage's multiply-adds per example in the forward pass (all towers together). */
  long multiplyAdds() {
    return stage.macs();
  }

  /** Whether the stage has one object per tower, run on each tower's threads; else one, run over whole tensors. */
  boolean perTower() {
    return perTower;
  }

  /** The field holding the stage object(s): {@code conv1Stage}. */
  String field() {
    return name + "Stage";
  }

  /** The field holding the sum of this stage's output gradient copies ({@link Schedule.Reduce}): {@code fc3Reduce}. */
  String reduceField() {
    return name + "Reduce";
  }

  /** How a pass names the object it runs: {@code conv1Stage[tower]}, or {@code conv2DropoutStage} for a stage run whole. */
  String runs() {
    return perTower ? field() + "[tower]" : field();
  }

  /** How a pass names the reduce in front of this stage's backward: {@code fc3Reduce[tower]} or {@code fc3Reduce}. */
  String reduces() {
    return perTower ? reduceField() + "[tower]" : reduceField();
  }

  /**
   * {@code drawMask(...)} of the schedule's {@code draw} of this stage's mask: a function of the network's seed, the
   * training step, this stage's index and each example's ({@code CompiledNetwork.drawMask}).
   */
  CodeBlock drawMask(Schedule.DrawMask draw) {
    return CodeBlock.of("drawMask($L, $LMask, $L, $Lf)", draw.stage(), name, draw.perExample(), (float) draw.rate());
  }

  /** The stage's geometry as a constant its objects are built from, or {@code null} for kinds that need none. */
  FieldSpec geometry() {
    if (runtime.geometry() == null) {
      return null;
    }
    return FieldSpec.builder(ClassName.get(NN, runtime.geometry().type()), schedule.names().constant(i), Modifier.PRIVATE, Modifier.STATIC,
            Modifier.FINAL)
        .initializer(print(runtime.geometry(), null))
        .build();
  }

  /** The field of the stage object(s), documented as the stage: shapes, parameters, towers, exchange, fusions. */
  FieldSpec stageField() {
    return FieldSpec.builder(perTower ? ArrayTypeName.of(type) : type, field(), Modifier.PRIVATE, Modifier.FINAL)
        .addJavadoc(StageDocs.of(plan, name, stage, perTower, merged))
        .build();
  }

  /** The field of the reduce in front of this stage's backward; only for a stage that {@link Schedule#reducesGradient}. */
  FieldSpec reduceFieldSpec() {
    TypeName reduceType = perTower ? ArrayTypeName.of(TOWER_GRADIENT) : TOWER_GRADIENT;
    String sum = schedule.reduceOf(i).kind() == Schedule.Reduce.Kind.EXCHANGE ? "The exchange's reduce" : "The sum";
    return FieldSpec.builder(reduceType, reduceField(), Modifier.PRIVATE, Modifier.FINAL)
        .addJavadoc("$L in front of $L's backward: the other towers' copies of ∂$L (all of which $L read) summed into $L.\n", sum,
            name, name, schedule.names().of(i + 1), perTower ? "each tower's own channels (one object per tower)" : "the whole gradient")
        .build();
  }

  /** Builds the stage object(s) in the constructor: one per tower with its slices, or one for a stage run whole. */
  void construct(MethodSpec.Builder m) {
    if (!perTower) {
      m.addStatement("$L = $L", field(), construct(0));
      return;
    }
    List<CodeBlock> towers = new ArrayList<>();
    for (int t = 0; t < plan.towers(); t++) {
      towers.add(construct(t));
    }
    m.addStatement("$L = new $T[] {\n$L}", field(), type, CodeBlock.join(towers, ",\n"));
  }

  /** Tower {@code t}'s object: {@code new Conv2d(CONV1, conv1Weight, conv1Bias, true, scratch(0), new TowerSlice(0, 0, 4, false))}. */
  private CodeBlock construct(int t) {
    return CodeBlock.of("new $T($L)", type, print(merged ? mergedObject() : runtime.objects().get(t), null));
  }

  /**
   * The one object of a merged stage: tower 0's leading arguments (its scratch among them, which has room for every
   * worker), then one slice from the towers' common input to all their outputs — contiguous, tower after tower.
   */
  private List<Argument> mergedObject() {
    Parametric layer = (Parametric) stage;
    List<Argument> arguments = new ArrayList<>();
    for (Argument a : runtime.objects().get(0)) {
      if (!Parametric.isSliceArgument(a)) {
        arguments.add(a);
      }
    }
    int outputs = layer.slices().stream().mapToInt(TowerSlice::outCount).sum();
    arguments.add(Parametric.sliceArgument(layer.slices().get(0).inStart(), 0, outputs, false));
    return arguments;
  }

  /** Builds the reduce object(s) in the constructor: each tower sums its own channels, or one sums the whole gradient. */
  void constructReduce(MethodSpec.Builder m) {
    long size = stage.out().size();
    if (!perTower) {
      m.addStatement("$L = new $T($L, 0, $L)", reduceField(), TOWER_GRADIENT, size, size);
      return;
    }
    long own = size / plan.towers();
    List<CodeBlock> towers = new ArrayList<>();
    for (int t = 0; t < plan.towers(); t++) {
      towers.add(CodeBlock.of("new $T($L, $L, $L)", TOWER_GRADIENT, size, t * own, (t + 1) * own));
    }
    m.addStatement("$L = new $T[] {$L}", reduceField(), TOWER_GRADIENT, CodeBlock.join(towers, ", "));
  }

  /** The forward pass's arrays of {@code bind}, reading {@code input}: the same for every tower (each reads its own channels). */
  CodeBlock forwardArrays(String input) {
    return print(runtime.bind(), input);
  }

  /**
   * {@code bind(...)} or {@code bindGradients(...)} of every stage object, given each tower's arguments: one statement
   * for a stage run whole, a loop where every tower binds the same arrays, else one statement per tower.
   */
  void bind(MethodSpec.Builder m, String method, List<CodeBlock> towerArguments) {
    bind(m, field(), type, "stage", method, towerArguments);
  }

  /** {@code bind(gradient, copies...)} of the reduce object(s), the same arrays for every tower. */
  void bindReduce(MethodSpec.Builder m, CodeBlock arguments) {
    bind(m, reduceField(), TOWER_GRADIENT, "reduce", "bind", Collections.nCopies(objects(), arguments));
  }

  /** @param each the loop variable's name where every tower binds the same arrays */
  private void bind(MethodSpec.Builder m, String field, ClassName element, String each, String method, List<CodeBlock> towerArguments) {
    if (!perTower) {
      m.addStatement("$L.$L($L)", field, method, towerArguments.get(0));
    } else if (towerArguments.stream().distinct().count() == 1) {
      m.beginControlFlow("for ($T $L : $L)", element, each, field).addStatement("$L.$L($L)", each, method, towerArguments.get(0)).endControlFlow();
    } else {
      for (int t = 0; t < towerArguments.size(); t++) {
        m.addStatement("$L[$L].$L($L)", field, t, method, towerArguments.get(t));
      }
    }
  }

  /** The objects a pass binds: one per tower, or one for a stage run whole. */
  int objects() {
    return perTower ? plan.towers() : 1;
  }

  /**
   * {@code argument} as the generated class spells it.
   *
   * @param input the array the stage reads, where {@code argument} may name it (a {@code bind}), else {@code null}
   */
  private CodeBlock print(Argument argument, String input) {
    if (argument instanceof Argument.Int integer) {
      return CodeBlock.of("$L", integer.value());
    } else if (argument instanceof Argument.Real r) {
      return CodeBlock.of("$Lf", r.value());
    } else if (argument instanceof Argument.Bool b) {
      return CodeBlock.of("$L", b.value());
    } else if (argument instanceof Argument.None) {
      return CodeBlock.of("null");
    } else if (argument instanceof Argument.New n) {
      return CodeBlock.of("new $T($L)", ClassName.get(NN, n.type()), print(n.arguments(), input));
    } else if (argument instanceof Argument.Geometry) {
      return CodeBlock.of("$L", schedule.names().constant(i));
    } else if (argument instanceof Argument.Parameter p) {
      return CodeBlock.of("$L", StageNames.parameterField(p.name()));
    } else if (argument instanceof Argument.Scratch s) {
      return CodeBlock.of("scratch($L)", s.tower());
    } else if (argument instanceof Argument.Input && input != null) {
      return CodeBlock.of("$L", input);
    } else if (argument instanceof Argument.Buffer b) {
      return CodeBlock.of("$L$L", name, b.role().suffix());
    }
    throw new IllegalStateException("no spelling for " + argument);
  }

  private CodeBlock print(List<Argument> arguments, String input) {
    return CodeBlock.join(arguments.stream().map(a -> print(a, input)).toList(), ", ");
  }
}
