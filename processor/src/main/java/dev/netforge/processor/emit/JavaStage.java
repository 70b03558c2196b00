package dev.netforge.processor.emit;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.netforge.processor.plan.AvgPool;
import dev.netforge.processor.plan.Convolution;
import dev.netforge.processor.plan.Dense;
import dev.netforge.processor.plan.Dropout;
import dev.netforge.processor.plan.Lrn;
import dev.netforge.processor.plan.MaxPool;
import dev.netforge.processor.plan.Parametric;
import dev.netforge.processor.plan.Plan;
import dev.netforge.processor.plan.Relu;
import dev.netforge.processor.plan.Schedule;
import dev.netforge.processor.plan.Stage;
import dev.netforge.processor.plan.StageNames;
import dev.netforge.processor.plan.TowerSlice;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import javax.lang.model.element.Modifier;

/**
 * One stage of the CPU class: its geometry constant, and the runtime stage object of its op kind — one per tower for a
 * per-tower stage — built in the constructor with every size a compile-time constant and bound to its buffers when
 * a batch size is planned. The passes then run it with one short line ({@code conv1Stage[tower].forward(batch,
 * training)}).
 */
final class JavaStage {
  private static final String NN = "dev.netforge.runtime.nn";
  private static final ClassName CONV_SHAPE = ClassName.get(NN, "ConvShape");
  private static final ClassName POOL_SHAPE = ClassName.get(NN, "PoolShape");
  private static final ClassName LRN_SHAPE = ClassName.get(NN, "LrnShape");
  private static final ClassName TOWER_SLICE = ClassName.get(NN, "TowerSlice");
  static final ClassName TOWER_GRADIENT = ClassName.get(NN, "TowerGradient");

  private final Schedule schedule;
  private final Plan plan;
  private final int i;
  private final Stage stage;
  private final String name;
  private final boolean perTower;
  private final Call call;

  JavaStage(Schedule schedule, int stage) {
    this.schedule = schedule;
    this.plan = schedule.plan();
    this.i = stage;
    this.stage = plan.stages().get(stage);
    this.name = schedule.names().of(stage);
    this.perTower = schedule.perTower(stage);
    this.call = this.stage.accept(new Calls());
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
    if (call.geometryType() == null) {
      return null;
    }
    return FieldSpec.builder(call.geometryType(), schedule.names().constant(i), Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
        .initializer(call.geometry())
        .build();
  }

  /** The field of the stage object(s), documented as the stage: shapes, parameters, towers, exchange, fusions. */
  FieldSpec stageField() {
    return FieldSpec.builder(perTower ? ArrayTypeName.of(call.type()) : call.type(), field(), Modifier.PRIVATE, Modifier.FINAL)
        .addJavadoc(StageDocs.of(plan, name, stage, perTower))
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
      m.addStatement("$L = $L", field(), call.construct().apply(0));
      return;
    }
    List<CodeBlock> towers = new ArrayList<>();
    for (int t = 0; t < plan.towers(); t++) {
      towers.add(call.construct().apply(t));
    }
    m.addStatement("$L = new $T[] {\n$L}", field(), call.type(), CodeBlock.join(towers, ",\n"));
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

  /**
   * Tower {@code t}'s slices of a parametric layer, in order; a slice reading input channels a slice before it in the
   * same tower read adds to their gradient.
   */
  private CodeBlock slices(Parametric p, int t) {
    List<CodeBlock> out = new ArrayList<>();
    List<TowerSlice> done = new ArrayList<>();
    for (TowerSlice slice : p.slices()) {
      if (slice.tower() != t) {
        continue;
      }
      boolean accumulate = done.stream().anyMatch(slice::readsSameInputAs);
      done.add(slice);
      out.add(CodeBlock.of("new $T($L, $L, $L, $L)", TOWER_SLICE, slice.inStart(), slice.outStart(), slice.outCount(), accumulate));
    }
    return CodeBlock.join(out, ", ");
  }

  /** The forward pass's arrays of {@code bind}, reading {@code input}: the same for every tower (each reads its own channels). */
  CodeBlock forwardArrays(String input) {
    return call.forwardArrays().apply(input);
  }

  /**
   * {@code bind(...)} or {@code bindGradients(...)} of every stage object, given each tower's arguments: one statement
   * for a stage run whole, a loop where every tower binds the same arrays, else one statement per tower.
   */
  void bind(MethodSpec.Builder m, String method, List<CodeBlock> towerArguments) {
    bind(m, field(), call.type(), "stage", method, towerArguments);
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
   * How the CPU class uses one op kind's runtime stage.
   *
   * @param type the runtime stage class
   * @param geometryType the type of the geometry constant its objects are built from, or {@code null} when none
   * @param geometry the constant's initializer, or {@code null}
   * @param construct tower t's object, built in the constructor:
   *     {@code new Conv2d(CONV1, conv1Weight, conv1Bias, true, scratch(0), new TowerSlice(0, 0, 4, false))}
   * @param forwardArrays what its {@code bind} takes, given the array it reads
   */
  private record Call(
      ClassName type, ClassName geometryType, CodeBlock geometry, IntFunction<CodeBlock> construct, Function<String, CodeBlock> forwardArrays) {}

  /** Each op kind's {@link Call}: all that the CPU class writes differently for it, in one method per kind. */
  private final class Calls implements Stage.Visitor<Call> {
    private final String constant = schedule.names().constant(i);
    private final String mask = stage.maskRate() > 0 ? name + "Mask" : "null";

    @Override
    public Call convolution(Convolution c) {
      ClassName type = ClassName.get(NN, "Conv2d");
      CodeBlock geometry = CodeBlock.of("new $T($L, $L, $L, $L, $L, $L, $L, $L, $L, $L)", CONV_SHAPE, c.in().channels(), c.in().height(),
          c.in().width(), c.out().channels(), c.out().height(), c.out().width(), c.kernel(), c.stride(), c.padding(), c.groupInputs());
      return new Call(type, CONV_SHAPE, geometry,
          t -> CodeBlock.of("new $T($L, $L, $L, $L, scratch($L), $L)", type, constant, weight(c), bias(c), c.relu(), t, slices(c, t)),
          input -> CodeBlock.of("$L, $L, $L", input, name, mask));
    }

    @Override
    public Call dense(Dense d) {
      ClassName type = ClassName.get(NN, "Dense");
      return new Call(type, null, null,
          t -> CodeBlock.of("new $T($L, $L, $L, $L, $L, $L)", type, d.in().size(), d.out().channels(), weight(d), bias(d), d.relu(), slices(d, t)),
          input -> CodeBlock.of("$L, $L, $L", input, name, mask));
    }

    @Override
    public Call lrn(Lrn l) {
      ClassName type = ClassName.get(NN, "LocalResponseNorm");
      CodeBlock geometry = CodeBlock.of("new $T($L, $L, $L, $Lf, $Lf, $Lf, $L)", LRN_SHAPE, l.in().channels(), l.in().height() * l.in().width(),
          l.size(), (float) l.alpha(), (float) l.beta(), (float) l.k(), l.towers());
      return new Call(type, LRN_SHAPE, geometry, t -> CodeBlock.of("new $T($L, $L, scratch($L))", type, constant, t, t),
          input -> CodeBlock.of("$L, $L, $LScale", input, name, name));
    }

    @Override
    public Call maxPool(MaxPool p) {
      ClassName type = ClassName.get(NN, "MaxPool2d");
      CodeBlock geometry = CodeBlock.of("new $T($L, $L, $L, $L, $L, $L, $L)", POOL_SHAPE, p.in().channels(), p.in().height(), p.in().width(),
          p.out().height(), p.out().width(), p.kernel(), p.stride());
      int channels = p.in().channels() / p.towers();
      return new Call(type, POOL_SHAPE, geometry, t -> CodeBlock.of("new $T($L, $L, $L)", type, constant, t * channels, channels),
          input -> CodeBlock.of("$L, $L, $LArgmax", input, name, name));
    }

    @Override
    public Call avgPool(AvgPool a) {
      ClassName type = ClassName.get(NN, "AvgPool2d");
      CodeBlock geometry = CodeBlock.of("new $T($L, $L, $L, $L, $L, $L, $L, $L)", POOL_SHAPE, a.in().channels(), a.in().height(), a.in().width(),
          a.out().height(), a.out().width(), a.kernel(), a.stride(), a.padding());
      int channels = a.in().channels() / a.towers();
      return new Call(type, POOL_SHAPE, geometry, t -> CodeBlock.of("new $T($L, $L, $L)", type, constant, t * channels, channels),
          input -> CodeBlock.of("$L, $L", input, name));
    }

    @Override
    public Call relu(Relu r) {
      ClassName type = ClassName.get(NN, "Relu");
      return new Call(type, null, null, t -> CodeBlock.of("new $T($L)", type, r.out().size()), input -> CodeBlock.of("$L, $L", input, name));
    }

    @Override
    public Call dropout(Dropout d) {
      ClassName type = ClassName.get(NN, "Dropout");
      return new Call(type, null, null, t -> CodeBlock.of("new $T($L)", type, d.out().size()), input -> CodeBlock.of("$L, $L, $L", input, name, mask));
    }
  }

  private static String weight(Parametric p) {
    return StageNames.parameterField(p.paramPrefix() + ".weight");
  }

  private static String bias(Parametric p) {
    return StageNames.parameterField(p.paramPrefix() + ".bias");
  }
}
