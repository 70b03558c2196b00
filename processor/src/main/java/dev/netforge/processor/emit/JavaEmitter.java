package dev.netforge.processor.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.netforge.processor.plan.ParameterPlan;
import dev.netforge.processor.plan.Parametric;
import dev.netforge.processor.plan.Plan;
import dev.netforge.processor.plan.Schedule;
import dev.netforge.processor.plan.Stage;
import dev.netforge.processor.plan.StageNames;
import dev.netforge.processor.plan.Text;
import dev.netforge.processor.plan.TowerSlice;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Writes the CPU class of one planned network: a subclass of {@code CompiledNetwork} holding one runtime stage object
 * per fused stage and tower ({@link JavaStage}), each documented with its shapes, parameters, FLOPs, fusions and tower
 * exchanges, built in the constructor with every size a compile-time constant and bound to its buffers when a batch
 * size is planned. The passes print the schedule's steps ({@link Schedule#forward}, {@link Schedule#backward}): a
 * region of stages the towers run side by side is one method per direction, one line per stage, run on each tower's
 * threads; a gather is where the towers meet (they share memory, so nothing is copied); a sum of gradient copies is a
 * {@code TowerGradient}'s reduce, and a mask draw a {@code drawMask} line before the region that applies it.
 *
 * <p>One departure from the schedule's regions, because these towers share memory: where the first layer with
 * parameters has towers that all read the same whole tensor (the network's input, as in AlexNet's conv1), it runs as
 * one object over all the towers' outputs, on every thread, before the towers start ({@link #sharedInputLayer}). Each
 * tower would otherwise make the same patches or Winograd input tiles of that input for its own filters; once is
 * enough, and with no copies of the input's gradient there is nothing to sum. The outputs are computed element by
 * element as each tower computed its own — the same bits wherever the runtime picks the same algorithm for all the
 * filters as for one tower's (it picks by the filter count; the runtime's {@code MergedTowersTest}) — and the CUDA
 * engine, whose towers are separate devices, keeps the schedule's split.
 */
public final class JavaEmitter {
  private static final String RUNTIME = "dev.netforge.runtime";
  private static final ClassName COMPILED = ClassName.get(RUNTIME, "CompiledNetwork");
  private static final ClassName INIT = COMPILED.nestedClass("Init");
  private static final ClassName PARAMETER = ClassName.get(RUNTIME, "Parameter");
  private static final ClassName BUFFER_PLAN = ClassName.get(RUNTIME, "BufferPlan");
  private static final ClassName STAGE_LIST = ClassName.get(RUNTIME, "StageProfile", "Stages");
  private static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");
  private static final TypeName FLOATS = TypeName.get(float[].class);
  private static final ClassName INT_CONSUMER = ClassName.get("java.util.function", "IntConsumer");
  private static final TypeName INTS = TypeName.get(int[].class);

  private final Plan plan;
  private final Schedule schedule;
  private final StageNames names;
  private final String processorName;
  private final List<JavaStage> stages = new ArrayList<>();
  /** The layer run as one object over all the towers' outputs (the class javadoc), or −1. */
  private final int sharedInputLayer;

  private JavaEmitter(Schedule schedule, String processorName) {
    this.plan = schedule.plan();
    this.schedule = schedule;
    this.names = schedule.names();
    this.processorName = processorName;
    this.sharedInputLayer = sharedInputLayer(schedule);
    for (int i = 0; i < plan.stages().size(); i++) {
      stages.add(new JavaStage(schedule, i, i == sharedInputLayer));
    }
  }

  /**
   * The first layer with parameters where the schedule sums whole copies of its input's gradient ({@link
   * Schedule.Reduce.Kind#WHOLE}: its towers all read the whole tensor, so each has one slice, all of the input, and
   * their outputs follow each other tower by tower); else −1.
   */
  private static int sharedInputLayer(Schedule schedule) {
    Plan plan = schedule.plan();
    int first = plan.firstParametric();
    if (!schedule.reducesGradient(first - 1) || schedule.reduceOf(first - 1).kind() != Schedule.Reduce.Kind.WHOLE) {
      return -1;
    }
    List<TowerSlice> slices = ((Parametric) plan.stages().get(first)).slices();
    int next = 0;
    for (int t = 0; t < slices.size(); t++) {
      TowerSlice s = slices.get(t);
      if (s.tower() != t || s.outStart() != next || s.inStart() != slices.get(0).inStart() || s.inCount() != slices.get(0).inCount()) {
        throw new IllegalStateException(schedule.names().of(first) + "'s towers all read one input, but its slices " + slices + " are not one per tower in order");
      }
      next += s.outCount();
    }
    return first;
  }

  /**
   * Whether the towers' copies of stage {@code i}'s output gradient are summed here: an exchange's, not a whole
   * tensor's — the one layer whose towers all read a whole tensor runs as one object ({@link #sharedInputLayer}) and
   * writes that gradient whole.
   */
  private boolean sumsCopies(int i) {
    return schedule.reducesGradient(i) && schedule.reduceOf(i).kind() != Schedule.Reduce.Kind.WHOLE;
  }

  /** The schedule's buffers this class holds: all but the gradient copies {@link #sumsCopies} does not sum. */
  private List<Schedule.Buffer> buffers() {
    return schedule.buffers().stream().filter(b -> b.role() != Schedule.Role.TOWER_GRADIENT || sumsCopies(b.stage())).toList();
  }

  /** The first stage region {@code r}'s towers run side by side: past {@link #sharedInputLayer} where it starts there. */
  private int towersFrom(Schedule.Region r) {
    return r.first() == sharedInputLayer ? r.first() + 1 : r.first();
  }

  /** The generated source of the network class {@code schedule} lowers. */
  public static JavaFile emit(Schedule schedule, String processorName) {
    return new JavaEmitter(schedule, processorName).file();
  }

  private JavaFile file() {
    TypeSpec.Builder type =
        TypeSpec.classBuilder(plan.name())
            .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
            .superclass(COMPILED)
            .addAnnotation(generatedAnnotation())
            .addJavadoc(classDoc());
    type.addField(
        FieldSpec.builder(long.class, "PARAMETER_COUNT", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("Trainable parameters: $L.\n", Text.count(plan.parameterCount()))
            .initializer("$LL", plan.parameterCount())
            .build());
    type.addField(
        FieldSpec.builder(long.class, "MULTIPLY_ADDS", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("Multiply-adds of one example's forward pass: $L.\n", Text.count(plan.macs()))
            .initializer("$LL", plan.macs())
            .build());
    addGeometry(type);
    for (ParameterPlan p : plan.parameters()) {
      type.addField(
          FieldSpec.builder(PARAMETER, StageNames.parameterField(p.name()), Modifier.PRIVATE, Modifier.FINAL)
              .addJavadoc("{@code $L}, shape $L.\n", p.name(), p.shape())
              .build());
    }
    addBuffers(type);
    addStages(type);
    type.addMethod(constructor());
    type.addMethod(
        MethodSpec.methodBuilder("summary")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(String.class)
            .addStatement("return $S", Docs.summary(schedule))
            .build());
    type.addMethod(stagesMethod());
    type.addMethod(planMethod(false));
    type.addMethod(planMethod(true));
    type.addMethod(forwardMethod());
    type.addMethod(backwardMethod());
    addTowerRegions(type);
    return JavaFile.builder(plan.packageName(), type.build()).skipJavaLangImports(true).indent("  ").build();
  }

  private com.palantir.javapoet.AnnotationSpec generatedAnnotation() {
    return com.palantir.javapoet.AnnotationSpec.builder(GENERATED).addMember("value", "$S", processorName).build();
  }

  private CodeBlock classDoc() {
    CodeBlock.Builder doc = CodeBlock.builder();
    doc.add("$L, generated by netforge from {@link $L}: $L, input $L, output $L.\n\n", plan.name(), plan.specName(),
        plan.towers() == 1 ? "one tower" : plan.towers() + " towers", plan.input(), plan.output());
    doc.add("<p>$L parameters; $L multiply-adds per example forward.\n\n", Text.count(plan.parameterCount()), Text.count(plan.macs()));
    doc.add("<table>\n<caption>Layers</caption>\n");
    doc.add("<tr><th>stage</th><th>operation</th><th>input</th><th>output</th><th>parameters</th><th>MACs/example</th></tr>\n");
    for (int i = 0; i < plan.stages().size(); i++) {
      Stage s = plan.stages().get(i);
      long params = s instanceof Parametric p ? p.parameterCount() : 0;
      doc.add("<tr><td>$L</td><td>$L</td><td>$L</td><td>$L</td><td>$L</td><td>$L</td></tr>\n", names.of(i), s.operation(), s.in(), s.out(),
          Text.count(params), Text.count(s.macs()));
    }
    doc.add("</table>\n");
    List<String> exchanges = new ArrayList<>();
    for (Schedule.ForwardStep step : schedule.forward()) {
      if (step instanceof Schedule.Gather g && g.kind() == Schedule.Gather.Kind.EXCHANGE) {
        exchanges.add(names.of(g.stage() + 1) + " (" + Text.count(g.bytesPerExample()) + " bytes per example each way)");
      }
    }
    if (!exchanges.isEmpty()) {
      doc.add("\n<p>Tower exchanges (forward all-gather of the input, backward reduce of its gradient): $L. Between them each tower runs on its"
          + " own threads.\n", String.join(", ", exchanges));
    }
    return doc.build();
  }

  private void addGeometry(TypeSpec.Builder type) {
    for (JavaStage stage : stages) {
      FieldSpec geometry = stage.geometry();
      if (geometry != null) {
        type.addField(geometry);
      }
    }
  }

  private void addBuffers(TypeSpec.Builder type) {
    if (plan.firstParametric() > 0) {
      type.addField(FieldSpec.builder(FLOATS, "inputGradient", Modifier.PRIVATE)
          .addJavadoc("Where the running backward pass writes ∂loss/∂input, or {@code null}: the stages before the first layer with"
              + " parameters run backward only for it.\n").build());
    }
    for (Schedule.Buffer b : buffers()) {
      type.addField(FieldSpec.builder(b.ints() ? INTS : FLOATS, b.name(), Modifier.PRIVATE).addJavadoc("$L\n", bufferDoc(b)).build());
    }
  }

  /** Each stage's object(s), the reduce in front of its backward where it has one, and the input gradient's reduce. */
  private void addStages(TypeSpec.Builder type) {
    for (int i = 0; i < stages.size(); i++) {
      type.addField(stages.get(i).stageField());
      if (sumsCopies(i)) {
        type.addField(stages.get(i).reduceFieldSpec());
      }
    }
  }

  private String bufferDoc(Schedule.Buffer b) {
    String n = names.of(b.stage());
    return switch (b.role()) {
      case OUTPUT -> "Output of " + n + ", [batch, " + StageDocs.dims(plan.stages().get(b.stage()).out()) + "].";
      case GRADIENT -> "∂loss/∂" + n + ".";
      case MASK -> "Dropout multipliers of the last training pass.";
      case LRN_SCALE -> "The reciprocals of the LRN denominators, 1 / (k + α Σ a²), kept for backward.";
      case ARGMAX -> "Where each maximum came from, for backward.";
      case TOWER_GRADIENT -> "Tower " + b.tower() + "'s copy of ∂loss/∂" + n + ", which " + names.of(b.stage() + 1)
          + "'s towers all read; summed into {@code " + n + "Grad} after the barrier.";
    };
  }

  /** {@code new BufferPlan(...)} for every stage's buffers: forward and gradient elements per example, the largest. */
  private CodeBlock bufferPlan() {
    long forward = 0;
    long gradients = 0;
    Schedule.Buffer largest = null;
    for (Schedule.Buffer b : buffers()) {
      if (b.role().lifetime() == Schedule.Lifetime.GRADIENTS) {
        gradients += b.perExample();
      } else {
        forward += b.perExample();
      }
      if (largest == null || b.perExample() > largest.perExample()) {
        largest = b;
      }
    }
    return CodeBlock.of("new $T($LL, $LL, $S, $LL)", BUFFER_PLAN, forward, gradients, largest.name(), largest.perExample());
  }

  private MethodSpec constructor() {
    MethodSpec.Builder m =
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc("Creates the network with every parameter zero; call {@link #initialize(long)} or load weights.\n")
            .addStatement("super($S, $L, new int[] {$L, $L, $L}, new int[] {$L}, $L, $T.$L,\n$L)", plan.name(), plan.towers(),
                plan.input().channels(), plan.input().height(), plan.input().width(),
                plan.outputDimensions().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", ")), plan.softmax(), INIT,
                plan.init().name(), bufferPlan());
    for (ParameterPlan p : plan.parameters()) {
      StringBuilder shape = new StringBuilder();
      for (int d : p.shape()) {
        shape.append(", ").append(d);
      }
      m.addStatement("$L = parameter($S, $L, $L, $Lf$L)", StageNames.parameterField(p.name()), p.name(), p.fanIn(), p.bias(),
          (float) p.initialBias(), shape);
    }
    for (int i = 0; i < stages.size(); i++) {
      stages.get(i).construct(m);
      if (sumsCopies(i)) {
        stages.get(i).constructReduce(m);
      }
    }
    return m.build();
  }

  /**
   * {@code stages}: every stage's objects by the stage's name, with its forward multiply-adds per example, in the
   * forward pass's order, for {@code bench --stages}.
   */
  private MethodSpec stagesMethod() {
    MethodSpec.Builder m =
        MethodSpec.methodBuilder("stages")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PROTECTED)
            .addParameter(STAGE_LIST, "stages")
            .addJavadoc("Each stage's objects by the stage's name, with its forward multiply-adds per example, for {@code bench --stages}\n"
                + "({@code CompiledNetwork.profileStages}).\n");
    for (JavaStage stage : stages) {
      m.addStatement("stages.add($S, $LL, $L)", stage.name(), stage.multiplyAdds(), stage.field());
    }
    return m.build();
  }

  /**
   * {@code planForward} or {@code planBackward}: allocates the forward pass's buffers or the gradients, and binds the
   * stages to them — all but those bound on every pass to the caller's arrays ({@link #boundEveryPass}).
   */
  private MethodSpec planMethod(boolean gradients) {
    MethodSpec.Builder m =
        MethodSpec.methodBuilder(gradients ? "planBackward" : "planForward")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PROTECTED)
            .addParameter(int.class, "batch");
    Schedule.Lifetime lifetime = gradients ? Schedule.Lifetime.GRADIENTS : Schedule.Lifetime.FORWARD;
    for (Schedule.Buffer b : buffers()) {
      if (b.role().lifetime() == lifetime) {
        m.addStatement("$L = new $L[batch * $L]", b.name(), b.ints() ? "int" : "float", b.perExample());
      }
    }
    for (int i = 0; i < stages.size(); i++) {
      JavaStage stage = stages.get(i);
      if (!gradients && i > 0) {
        stage.bind(m, "bind", Collections.nCopies(stage.objects(), stage.forwardArrays(names.of(i - 1))));
      }
      if (gradients && !boundEveryPass(i)) {
        stage.bind(m, "bindGradients", gradientArrays(i));
      }
      if (gradients && sumsCopies(i)) {
        StringBuilder copies = new StringBuilder(names.of(i) + "Grad");
        for (int t = 1; t < plan.towers(); t++) {
          copies.append(", ").append(names.of(i)).append("GradTower").append(t);
        }
        stage.bindReduce(m, CodeBlock.of("$L", copies));
      }
    }
    return m.build();
  }

  /**
   * Whether stage {@code i}'s gradients are bound on every backward pass: the first stage's input gradient and the last
   * stage's output gradient are the caller's arrays, and the first layer with parameters computes its input gradient
   * only when the caller asked for ∂loss/∂input.
   */
  private boolean boundEveryPass(int i) {
    return i == 0 || i == plan.firstParametric() || i == stages.size() - 1;
  }

  /** Each tower's {@code dy, dx} of stage {@code i}: a tower other than 0 of a layer after an exchange writes its own copy of dx. */
  private List<CodeBlock> gradientArrays(int i) {
    String dy = i == stages.size() - 1 ? "outputGradient" : names.of(i) + "Grad";
    List<CodeBlock> towers = new ArrayList<>();
    for (int t = 0; t < stages.get(i).objects(); t++) {
      boolean ownCopy = sumsCopies(i - 1) && t > 0;
      String dx;
      if (i == 0) {
        dx = "inputGradient";
      } else {
        dx = names.of(i - 1) + (ownCopy ? "GradTower" + t : "Grad");
        if (i == plan.firstParametric()) {
          dx = "inputGradient == null ? null : " + dx;
        }
      }
      towers.add(CodeBlock.of("$L, $L", dy, dx));
    }
    return towers;
  }

  private MethodSpec forwardMethod() {
    MethodSpec.Builder m =
        MethodSpec.methodBuilder("forwardPass")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PROTECTED)
            .returns(FLOATS)
            .addParameter(FLOATS, "input")
            .addParameter(int.class, "batch")
            .addParameter(boolean.class, "training");
    m.addComment("The caller's input, bound on every pass");
    JavaStage first = stages.get(0);
    first.bind(m, "bind", Collections.nCopies(first.objects(), first.forwardArrays("input")));
    for (Schedule.ForwardStep step : schedule.forward()) {
      step.accept(new Schedule.ForwardPrinter() {
        @Override
        public void region(Schedule.Region r) {
          if (r.first() == sharedInputLayer) {
            m.addComment("$L: every tower reads the same input, so one object computes all the towers' outputs, on every thread", names.of(r.first()));
          }
          if (!r.perTower() || r.first() == sharedInputLayer) {
            m.addStatement("$L.forward(batch, training)", stages.get(r.first()).runs());
          }
          if (r.perTower() && towersFrom(r) < r.end()) {
            m.addStatement("towers($L)", regionField(r, true));
          }
        }

        @Override
        public void gather(Schedule.Gather g) {
          // The towers share memory: a gather is where they meet, at the end of the region before; nothing is copied.
          if (g.kind() == Schedule.Gather.Kind.EXCHANGE) {
            m.addComment("$L: every tower reads all of $L, so the towers meet here", names.of(g.stage() + 1), names.of(g.stage()));
          } else {
            m.addComment("The towers have met: every tower's share of $L is in the one array returned", names.of(g.stage()));
          }
        }


        @Override
        public void drawMask(Schedule.DrawMask d) {
          // Drawn before the region runs, so that the towers share one mask and the generator's sequence does not depend
          // on which tower runs first.
          m.beginControlFlow("if (training)").addStatement(stages.get(d.stage()).drawMask(d)).endControlFlow();
        }
      });
    }
    m.addStatement("return $L", names.of(plan.stages().size() - 1));
    return m.build();
  }

  private MethodSpec backwardMethod() {
    MethodSpec.Builder m =
        MethodSpec.methodBuilder("backwardPass")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PROTECTED)
            .addParameter(FLOATS, "outputGradient")
            .addParameter(int.class, "batch")
            .addParameter(FLOATS, "inputGradient");
    if (sharedInputLayer >= 0 || schedule.regions().stream().anyMatch(r -> !r.perTower())) {
      m.addStatement("boolean training = lastPassWasTraining()");
    }
    if (plan.firstParametric() > 0) {
      m.addStatement("this.inputGradient = inputGradient");
    }
    m.addComment("The caller's gradient arrays (and whether it wants ∂loss/∂input), bound on every pass");
    for (int i = 0; i < stages.size(); i++) {
      if (boundEveryPass(i)) {
        stages.get(i).bind(m, "bindGradients", gradientArrays(i));
      }
    }
    for (Schedule.BackwardStep step : schedule.backward()) {
      step.accept(new Schedule.BackwardPrinter() {
        @Override
        public void region(Schedule.Region r) {
          if (r.perTower() && towersFrom(r) < r.end()) {
            m.addStatement("towers($L)", regionField(r, false));
          }
          if (!r.perTower() || r.first() == sharedInputLayer) {
            backward(m, r.first());
          }
          gradientsReady(m, r);
        }

        @Override
        public void reduce(Schedule.Reduce r) {
          // A whole tensor's copies are never made here (sumsCopies); where the stage runs per tower, each tower sums its
          // own channels of an exchange's copies at the start of its share of the region.
          if (sumsCopies(r.stage()) && !stages.get(r.stage()).perTower()) {
            m.addStatement("$L.reduce(batch)", stages.get(r.stage()).reduces());
          }
        }
      });
    }
    return m.build();
  }

  /**
   * After region {@code r}'s backward (every tower's): its layers' parameter gradients are final, so the runtime may sum
   * them over processes while the regions before it run backward ({@code CompiledNetwork.gradientsReady}).
   */
  private void gradientsReady(MethodSpec.Builder m, Schedule.Region r) {
    int first = plan.parametersBefore(r.first());
    int count = plan.parametersBefore(r.end()) - first;
    if (count > 0) {
      List<String> layers = new ArrayList<>();
      for (int i = r.first(); i < r.end(); i++) {
        if (plan.stages().get(i) instanceof Parametric) {
          layers.add(names.of(i));
        }
      }
      m.addComment("$L: parameter gradients final", String.join(", ", layers));
      m.addStatement("gradientsReady($L, $L)", first, count);
    }
  }

  /** Stage {@code i}'s backward line; before the first layer with parameters only ∂loss/∂input needs it. */
  private void backward(MethodSpec.Builder m, int i) {
    if (i < plan.firstParametric()) {
      m.beginControlFlow("if (inputGradient != null)").addStatement("$L.backward(batch, training)", stages.get(i).runs()).endControlFlow();
    } else {
      m.addStatement("$L.backward(batch, training)", stages.get(i).runs());
    }
  }

  /**
   * For each region the towers run side by side: a method that runs one tower's share of it, in the forward and the
   * backward direction, one line per stage, and a field holding that method as the {@code IntConsumer} {@code towers}
   * takes — made once, because a lambda written at the call would capture the pass's arguments and be a new object
   * every pass.
   */
  private void addTowerRegions(TypeSpec.Builder type) {
    for (boolean forward : new boolean[] {true, false}) {
      for (Schedule.Region r : schedule.regions()) {
        int first = towersFrom(r);
        if (!r.perTower() || first == r.end()) {
          continue;
        }
        String field = regionField(r, forward);
        String method = field.substring(0, field.length() - 1);
        String names = r.end() - first == 1 ? this.names.of(first) : this.names.of(first) + " to " + this.names.of(r.end() - 1);
        type.addField(
            FieldSpec.builder(INT_CONSUMER, field, Modifier.PRIVATE, Modifier.FINAL)
                .addJavadoc("{@link #$L}, handed to {@code towers}.\n", method)
                .initializer("this::$L", method)
                .build());
        MethodSpec.Builder m =
            MethodSpec.methodBuilder(method)
                .addModifiers(Modifier.PRIVATE)
                .addParameter(int.class, "tower")
                .addJavadoc("Tower {@code tower}'s share of the $L pass through $L; the towers meet when every one has run it.\n",
                    forward ? "forward" : "backward", names)
                .addStatement("int batch = batch()")
                .addStatement("boolean training = lastPassWasTraining()");
        if (forward) {
          for (int i = first; i < r.end(); i++) {
            m.addStatement("$L.forward(batch, training)", stages.get(i).runs());
          }
        } else {
          for (int i = r.end() - 1; i >= first; i--) {
            if (sumsCopies(i)) {
              m.addStatement("$L.reduce(batch)", stages.get(i).reduces());
            }
            backward(m, i);
          }
        }
        type.addMethod(m.build());
      }
    }
  }

  /** The field holding region {@code r}'s tower method: {@code conv1ToConv2PoolForwardTowers}, {@code fc6BackwardTowers}. */
  private String regionField(Schedule.Region r, boolean forward) {
    int from = towersFrom(r);
    String first = names.of(from);
    String name = r.end() - from == 1 ? first : first + "To" + Docs.capitalize(names.of(r.end() - 1));
    return name + (forward ? "Forward" : "Backward") + "Towers";
  }
}
