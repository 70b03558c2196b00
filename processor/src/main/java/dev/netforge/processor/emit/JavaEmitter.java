package dev.netforge.processor.emit;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.netforge.processor.plan.ParameterPlan;
import dev.netforge.processor.plan.Plan;
import dev.netforge.processor.plan.Stage;
import dev.netforge.processor.plan.TowerSlice;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.lang.model.element.Modifier;

/**
 * Writes the CPU class of one planned network: a subclass of {@code CompiledNetwork} with one forward and one
 * backward method per fused stage, each documented with its shapes, parameters, FLOPs, fusions and tower exchanges,
 * calling the runtime's kernels with every size a compile-time constant. The passes call the stages region by region
 * ({@link TowerRegions}): a tower's share of each stage in a region runs on that tower's threads.
 */
public final class JavaEmitter {
  private static final String RUNTIME = "dev.netforge.runtime";
  private static final ClassName COMPILED = ClassName.get(RUNTIME, "CompiledNetwork");
  private static final ClassName INIT = COMPILED.nestedClass("Init");
  private static final ClassName PARAMETER = ClassName.get(RUNTIME, "Parameter");
  private static final ClassName BUFFER_PLAN = ClassName.get(RUNTIME, "BufferPlan");
  private static final ClassName CONV_SHAPE = ClassName.get(RUNTIME + ".nn", "ConvShape");
  private static final ClassName POOL_SHAPE = ClassName.get(RUNTIME + ".nn", "PoolShape");
  private static final ClassName LRN_SHAPE = ClassName.get(RUNTIME + ".nn", "LrnShape");
  private static final ClassName CONV2D = ClassName.get(RUNTIME + ".nn", "Conv2d");
  private static final ClassName DENSE = ClassName.get(RUNTIME + ".nn", "Dense");
  private static final ClassName LRN = ClassName.get(RUNTIME + ".nn", "LocalResponseNorm");
  private static final ClassName MAX_POOL = ClassName.get(RUNTIME + ".nn", "MaxPool2d");
  private static final ClassName RELU = ClassName.get(RUNTIME + ".nn", "Relu");
  private static final ClassName DROPOUT = ClassName.get(RUNTIME + ".nn", "Dropout");
  private static final ClassName TOWER_GRADIENT = ClassName.get(RUNTIME + ".nn", "TowerGradient");
  private static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");
  private static final TypeName FLOATS = TypeName.get(float[].class);
  private static final ClassName INT_CONSUMER = ClassName.get("java.util.function", "IntConsumer");
  private static final TypeName INTS = TypeName.get(int[].class);

  private final Plan plan;
  private final StageNames names;
  private final TowerRegions regions;
  private final String processorName;

  private JavaEmitter(Plan plan, String processorName) {
    this.plan = plan;
    this.names = new StageNames(plan);
    this.regions = new TowerRegions(plan);
    this.processorName = processorName;
  }

  /** The generated source of {@code plan}'s network class. */
  public static JavaFile emit(Plan plan, String processorName) {
    return new JavaEmitter(plan, processorName).file();
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
            .addJavadoc("Trainable parameters: $L.\n", Docs.count(plan.parameterCount()))
            .initializer("$LL", plan.parameterCount())
            .build());
    type.addField(
        FieldSpec.builder(long.class, "MULTIPLY_ADDS", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("Multiply-adds of one example's forward pass: $L.\n", Docs.count(plan.macs()))
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
    type.addMethod(constructor());
    type.addMethod(
        MethodSpec.methodBuilder("summary")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PUBLIC)
            .returns(String.class)
            .addStatement("return $S", Docs.summary(plan))
            .build());
    type.addMethod(planMethod(false));
    type.addMethod(planMethod(true));
    type.addMethod(forwardMethod());
    type.addMethod(backwardMethod());
    addTowerRegions(type);
    for (int i = 0; i < plan.stages().size(); i++) {
      type.addMethod(stageForward(i));
      type.addMethod(stageBackward(i));
    }
    return JavaFile.builder(plan.packageName(), type.build()).skipJavaLangImports(true).indent("  ").build();
  }

  private com.palantir.javapoet.AnnotationSpec generatedAnnotation() {
    return com.palantir.javapoet.AnnotationSpec.builder(GENERATED).addMember("value", "$S", processorName).build();
  }

  private CodeBlock classDoc() {
    CodeBlock.Builder doc = CodeBlock.builder();
    doc.add("$L, generated by netforge from {@link $L}: $L, input $L, output $L.\n\n", plan.name(), plan.specName(),
        plan.towers() == 1 ? "one tower" : plan.towers() + " towers", plan.input(), plan.output());
    doc.add("<p>$L parameters; $L multiply-adds per example forward.\n\n", Docs.count(plan.parameterCount()), Docs.count(plan.macs()));
    doc.add("<table>\n<caption>Layers</caption>\n");
    doc.add("<tr><th>stage</th><th>operation</th><th>input</th><th>output</th><th>parameters</th><th>MACs/example</th></tr>\n");
    for (int i = 0; i < plan.stages().size(); i++) {
      Stage s = plan.stages().get(i);
      long params = s instanceof Stage.Parametric p ? p.parameterCount() : 0;
      doc.add("<tr><td>$L</td><td>$L</td><td>$L</td><td>$L</td><td>$L</td><td>$L</td></tr>\n", names.of(i), Docs.operation(s), s.in(), s.out(),
          Docs.count(params), Docs.count(s.macs()));
    }
    doc.add("</table>\n");
    List<String> exchanges = new ArrayList<>();
    for (Stage.Parametric p : plan.parametric()) {
      if (p.exchange() != null) {
        exchanges.add(p.layer() + " (" + Docs.count(p.exchange().bytesPerImage()) + " bytes per example each way)");
      }
    }
    if (!exchanges.isEmpty()) {
      doc.add("\n<p>Tower exchanges (forward all-gather of the input, backward reduce of its gradient): $L. Between them each tower runs on its"
          + " own threads.\n", String.join(", ", exchanges));
    }
    return doc.build();
  }

  private void addGeometry(TypeSpec.Builder type) {
    for (int i = 0; i < plan.stages().size(); i++) {
      Stage s = plan.stages().get(i);
      if (s instanceof Stage.Parametric p && !p.dense()) {
        type.addField(
            FieldSpec.builder(CONV_SHAPE, names.constant(i), Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer("new $T($L, $L, $L, $L, $L, $L, $L, $L, $L, $L)", CONV_SHAPE, p.in().channels(), p.in().height(), p.in().width(),
                    p.out().channels(), p.out().height(), p.out().width(), p.kernel(), p.stride(), p.padding(), p.groupInputs())
                .build());
      } else if (s instanceof Stage.MaxPool m) {
        type.addField(
            FieldSpec.builder(POOL_SHAPE, names.constant(i), Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer("new $T($L, $L, $L, $L, $L, $L, $L)", POOL_SHAPE, m.in().channels(), m.in().height(), m.in().width(),
                    m.out().height(), m.out().width(), m.kernel(), m.stride())
                .build());
      } else if (s instanceof Stage.Lrn l) {
        type.addField(
            FieldSpec.builder(LRN_SHAPE, names.constant(i), Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer("new $T($L, $L, $L, $Lf, $Lf, $Lf, $L)", LRN_SHAPE, l.in().channels(), l.in().height() * l.in().width(), l.size(),
                    (float) l.alpha(), (float) l.beta(), (float) l.k(), l.towers())
                .build());
      }
    }
  }

  private void addBuffers(TypeSpec.Builder type) {
    type.addField(FieldSpec.builder(FLOATS, "lastInput", Modifier.PRIVATE).addJavadoc("The input of the last forward pass, read by the first layer's backward.\n").build());
    type.addField(FieldSpec.builder(FLOATS, "outputGradient", Modifier.PRIVATE).addJavadoc("∂loss/∂output of the running backward pass.\n").build());
    type.addField(FieldSpec.builder(FLOATS, "inputGradient", Modifier.PRIVATE)
        .addJavadoc("Where the running backward pass writes ∂loss/∂input, or {@code null}.\n").build());
    for (int t = 1; regions.sharedInput(0) && t < plan.towers(); t++) {
      type.addField(FieldSpec.builder(FLOATS, "inputGradientTower" + t, Modifier.PRIVATE)
          .addJavadoc("Tower $L's copy of {@code inputGradient} (every tower reads the whole input).\n", t).build());
    }
    for (int i = 0; i < plan.stages().size(); i++) {
      String n = names.of(i);
      for (PlannedBuffer b : buffers(i)) {
        type.addField(FieldSpec.builder(b.type(), b.field(), Modifier.PRIVATE).addJavadoc("$L\n", b.doc()).build());
      }
      if (regions.reducesGradient(i) && plan.towers() > 1) {
        type.addField(FieldSpec.builder(ArrayTypeName.of(FLOATS), n + "GradTowers", Modifier.PRIVATE)
            .addJavadoc("The towers' copies of ∂loss/∂$L in tower order, as the one array the reduce takes (made once, so the step allocates none).\n", n)
            .build());
      }
    }
  }

  /** The buffers {@code planForward} and {@code planBackward} allocate for stage {@code i}, in that order. */
  private List<PlannedBuffer> buffers(int i) {
    Stage s = plan.stages().get(i);
    String n = names.of(i);
    long size = s.out().size();
    List<PlannedBuffer> buffers = new ArrayList<>();
    buffers.add(new PlannedBuffer(n, FLOATS, size, false, "Output of " + n + ", [batch, " + dims(s.out()) + "]."));
    buffers.add(new PlannedBuffer(n + "Grad", FLOATS, size, true, "∂loss/∂" + n + "."));
    if (hasMask(s)) {
      buffers.add(new PlannedBuffer(n + "Mask", FLOATS, size, false, "Dropout multipliers of the last training pass."));
    }
    if (s instanceof Stage.Lrn) {
      buffers.add(new PlannedBuffer(n + "Scale", FLOATS, size, false, "The LRN denominators k + α Σ a², kept for backward."));
    }
    if (s instanceof Stage.MaxPool) {
      buffers.add(new PlannedBuffer(n + "Argmax", INTS, size, false, "Where each maximum came from, for backward."));
    }
    for (int t = 1; regions.reducesGradient(i) && t < plan.towers(); t++) {
      buffers.add(new PlannedBuffer(n + "GradTower" + t, FLOATS, size, true, "Tower " + t + "'s copy of ∂loss/∂" + n + ", which "
          + names.of(i + 1) + "'s towers all read; summed into {@code " + n + "Grad} after the barrier."));
    }
    return buffers;
  }

  /** {@code new BufferPlan(...)} for every stage's buffers: forward and gradient elements per example, the largest. */
  private CodeBlock bufferPlan() {
    long forward = 0;
    long gradients = 0;
    PlannedBuffer largest = null;
    for (int i = 0; i < plan.stages().size(); i++) {
      for (PlannedBuffer b : buffers(i)) {
        if (b.gradient()) {
          gradients += b.perExample();
        } else {
          forward += b.perExample();
        }
        if (largest == null || b.perExample() > largest.perExample()) {
          largest = b;
        }
      }
    }
    return CodeBlock.of("new $T($LL, $LL, $S, $LL)", BUFFER_PLAN, forward, gradients, largest.field(), largest.perExample());
  }

  private static boolean hasMask(Stage s) {
    return s instanceof Stage.Dropout || (s instanceof Stage.Parametric p && p.dropout() > 0);
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
    return m.build();
  }

  /** {@code planForward} or {@code planBackward}: allocates the forward pass's buffers or the gradients. */
  private MethodSpec planMethod(boolean gradients) {
    MethodSpec.Builder m =
        MethodSpec.methodBuilder(gradients ? "planBackward" : "planForward")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PROTECTED)
            .addParameter(int.class, "batch");
    for (int i = 0; i < plan.stages().size(); i++) {
      String n = names.of(i);
      for (PlannedBuffer b : buffers(i)) {
        if (b.gradient() == gradients) {
          m.addStatement("$L = new $L[batch * $L]", b.field(), b.type() == INTS ? "int" : "float", b.perExample());
        }
      }
      if (gradients && regions.reducesGradient(i) && plan.towers() > 1) {
        StringBuilder copies = new StringBuilder();
        for (int t = 1; t < plan.towers(); t++) {
          copies.append(t > 1 ? ", " : "").append(n).append("GradTower").append(t);
        }
        m.addStatement("$LGradTowers = new float[][] {$L}", n, copies);
      }
    }
    return m.build();
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
    m.addStatement("lastInput = input");
    for (TowerRegions.Region r : regions.regions()) {
      if (!r.perTower()) {
        m.addStatement("$LForward($L, batch, training)", names.of(r.first()), forwardInput(r.first()));
        continue;
      }
      for (int i = r.first(); i < r.end(); i++) {
        if (hasMask(plan.stages().get(i))) {
          // Drawn here, in layer order, so that the towers share one mask and the generator's sequence does not
          // depend on which tower runs first.
          m.beginControlFlow("if (training)").addStatement(drawMask(i)).endControlFlow();
        }
      }
      if (r.first() > 0 && regions.sharedInput(r.first())) {
        m.addComment("$L: every tower reads all of $L, so the towers meet here", names.of(r.first()), forwardInput(r.first()));
      }
      m.addStatement("towers($L)", regionField(r, true));
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
    if (regions.regions().stream().anyMatch(r -> !r.perTower())) {
      m.addStatement("boolean training = lastPassWasTraining()");
    }
    m.addStatement("this.outputGradient = outputGradient");
    m.addStatement("this.inputGradient = inputGradient");
    boolean sharedFirst = regions.sharedInput(0);
    for (int t = 1; sharedFirst && t < plan.towers(); t++) {
      m.addStatement("inputGradientTower$L = partialInputGradient($L, inputGradient)", t, t);
    }
    List<TowerRegions.Region> list = regions.regions();
    for (int r = list.size() - 1; r >= 0; r--) {
      TowerRegions.Region region = list.get(r);
      if (!region.perTower()) {
        m.addStatement("$LBackward($L)", names.of(region.first()), backwardArguments(region.first()));
        continue;
      }
      m.addStatement("towers($L)", regionField(region, false));
    }
    if (sharedFirst) {
      long size = plan.input().size();
      m.beginControlFlow("if (inputGradient != null)")
          .addStatement("$T.reduce(inputGradient, batch, $L, 0, $L$L)", TOWER_GRADIENT, size, size, partials(0))
          .endControlFlow();
    }
    return m.build();
  }

  /**
   * For each region the towers run side by side: a method that runs one tower's share of it, in the forward and the
   * backward direction, and a field holding that method as the {@code IntConsumer} {@code towers} takes — made once,
   * because a lambda written at the call would capture the pass's arguments and be a new object every pass.
   */
  private void addTowerRegions(TypeSpec.Builder type) {
    for (boolean forward : new boolean[] {true, false}) {
      for (TowerRegions.Region r : regions.regions()) {
        if (!r.perTower()) {
          continue;
        }
        String field = regionField(r, forward);
        String method = field.substring(0, field.length() - 1);
        String stages = r.end() - r.first() == 1 ? names.of(r.first()) : names.of(r.first()) + " to " + names.of(r.end() - 1);
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
                    forward ? "forward" : "backward", stages)
                .addStatement("int batch = batch()")
                .addStatement("boolean training = lastPassWasTraining()");
        if (forward) {
          for (int i = r.first(); i < r.end(); i++) {
            m.addStatement("$LForward(tower, $L, batch, training)", names.of(i), forwardInput(i));
          }
        } else {
          for (int i = r.end() - 1; i >= r.first(); i--) {
            m.addStatement("$LBackward(tower, $L)", names.of(i), backwardArguments(i));
          }
        }
        type.addMethod(m.build());
      }
    }
  }

  /** The field holding region {@code r}'s tower method: {@code conv1ToConv2PoolForwardTowers}, {@code fc6BackwardTowers}. */
  private String regionField(TowerRegions.Region r, boolean forward) {
    String first = names.of(r.first());
    String name = r.end() - r.first() == 1 ? first : first + "To" + Docs.capitalize(names.of(r.end() - 1));
    return name + (forward ? "Forward" : "Backward") + "Towers";
  }

  /** What stage {@code i} reads: the stage before's output, or the input forwardPass keeps in {@code lastInput}. */
  private String forwardInput(int i) {
    return i == 0 ? "lastInput" : names.of(i - 1);
  }

  private String backwardArguments(int i) {
    String input = i == 0 ? "lastInput" : names.of(i - 1);
    String gradOut = i == plan.stages().size() - 1 ? "outputGradient" : names.of(i) + "Grad";
    String gradIn = i == 0 ? "inputGradient" : onlyForInputGradient(i, names.of(i - 1) + "Grad");
    return input + ", batch, training, " + gradOut + ", " + gradIn + partials(i);
  }

  /** {@code ", <stage>GradTower1, …"}: the other towers' copies of the input gradient of a shared-input stage. */
  private String partials(int i) {
    StringBuilder b = new StringBuilder();
    for (int t = 1; regions.sharedInput(i) && t < plan.towers(); t++) {
      b.append(", ").append(i == 0 ? "inputGradient" + "Tower" + t : onlyForInputGradient(i, names.of(i - 1) + "GradTower" + t));
    }
    return b.toString();
  }

  /**
   * A gradient buffer the first parametric layer writes for the stages before it, which only ∂loss/∂input needs:
   * {@code null} (nothing to compute) when the caller did not ask for it.
   */
  private String onlyForInputGradient(int i, String buffer) {
    return i == plan.firstParametric() ? "inputGradient == null ? null : " + buffer : buffer;
  }

  /** How a stage's call names its tower: the running tower, or tower 0's share (all channels) for a stage run whole. */
  private static String towerOf(boolean perTower) {
    return perTower ? "tower" : "0";
  }

  private CodeBlock drawMask(int i) {
    Stage s = plan.stages().get(i);
    double rate = s instanceof Stage.Dropout d ? d.rate() : ((Stage.Parametric) s).dropout();
    return CodeBlock.of("$T.drawMask(dropoutRng, $LMask, batch * $L, $Lf)", DROPOUT, names.of(i), s.out().size(), (float) rate);
  }

  private CodeBlock stageDoc(int i, boolean backward) {
    Stage s = plan.stages().get(i);
    CodeBlock.Builder doc = CodeBlock.builder();
    doc.add("$L $L: $L.\n\n", backward ? "Backward of" : "Forward of", names.of(i), Docs.operation(s));
    doc.add("<p>Input [batch, $L]$L → output [batch, $L]", dims(s.in()),
        s instanceof Stage.Parametric p && p.dense() && !s.in().isFlat() ? " (flattened in C, H, W order)" : "", dims(s.out()));
    if (s instanceof Stage.Parametric p) {
      doc.add("; parameters {@code $L.weight} $L and {@code $L.bias} [$L] ($L); $L FLOPs per example forward.\n", p.paramPrefix(),
          weightShape(p), p.paramPrefix(), p.out().channels(), Docs.count(p.parameterCount()), Docs.count(2 * p.macs()));
      doc.add("\n<p>Towers: $L.\n", Docs.towers(p, plan.towers()));
      if (p.exchange() != null) {
        doc.add("\n<p>Exchange: $L, $L bytes per example in all ($L into each tower).\n",
            backward ? "the input gradient each tower computes is reduced onto the tower that owns each slice"
                : "every tower reads all of the input, so each gathers the slices the other towers own",
            Docs.count(p.exchange().bytesPerImage()), Docs.count(p.exchange().bytesPerImage() / plan.towers()));
      }
      doc.add("\n<p>Fused: $L.\n", backward ? backwardFusion(p) : forwardFusion(p));
    } else {
      doc.add(".\n");
    }
    return doc.build();
  }

  /** A shape's dimensions without brackets, to follow "batch, ". */
  private static String dims(dev.netforge.processor.model.Shape shape) {
    String s = shape.toString();
    return s.substring(1, s.length() - 1);
  }

  /** What one tower slice computes, for the comment above its kernel call. */
  private String sliceComment(Stage.Parametric p, TowerSlice slice) {
    String who = plan.towers() > 1 ? "tower " + slice.tower() + ": " : "";
    String out = (p.dense() ? "units " : "filters ") + slice.outStart() + "–" + (slice.outStart() + slice.outCount() - 1);
    return who + out + (p.dense() ? " from all " + slice.inCount() + " inputs"
        : " from input channels " + slice.inStart() + "–" + (slice.inStart() + slice.inCount() - 1));
  }

  private static String weightShape(Stage.Parametric p) {
    return p.dense() ? "[" + p.out().channels() + ", " + p.fanIn() + "]"
        : "[" + p.out().channels() + ", " + p.groupInputs() + ", " + p.kernel() + ", " + p.kernel() + "]";
  }

  private static String forwardFusion(Stage.Parametric p) {
    StringBuilder b = new StringBuilder("bias");
    if (p.relu()) {
      b.append(", ReLU");
    }
    if (p.dropout() > 0) {
      b.append(", dropout mask");
    }
    return b.append(" applied in the GEMM's store epilogue").toString();
  }

  private static String backwardFusion(Stage.Parametric p) {
    StringBuilder b = new StringBuilder();
    if (p.dropout() > 0) {
      b.append("dropout mask, ");
    }
    if (p.relu()) {
      b.append("ReLU derivative, ");
    }
    return b.append("bias gradient in one pass over ∂output; then weight and input gradients as GEMMs").toString();
  }

  private MethodSpec stageForward(int i) {
    Stage s = plan.stages().get(i);
    String n = names.of(i);
    boolean perTower = regions.perTower(i);
    MethodSpec.Builder m = MethodSpec.methodBuilder(n + "Forward").addModifiers(Modifier.PRIVATE).addJavadoc(stageDoc(i, false));
    if (perTower) {
      m.addParameter(int.class, "tower");
    }
    m.addParameter(FLOATS, "in").addParameter(int.class, "batch").addParameter(boolean.class, "training");
    String mask = hasMask(s) ? "training ? " + n + "Mask : null" : "null";
    if (s instanceof Stage.Parametric p) {
      String w = StageNames.parameterField(p.paramPrefix() + ".weight");
      String b = StageNames.parameterField(p.paramPrefix() + ".bias");
      forEachTower(m, p, slices -> {
        for (TowerSlice slice : slices) {
          m.addComment("$L", sliceComment(p, slice));
          if (p.dense()) {
            m.addStatement("$T.forward(in,$Wbatch,$W$L,$W$L.value,$W$L.value,$W$L,$W$L,$W$L,$W$L,$W$L,$W$L)", DENSE, p.in().size(), w, b, n,
                p.out().channels(), slice.outStart(), slice.outCount(), p.relu(), mask);
          } else {
            m.addStatement("$T.forward(scratch(tower),$W$L,$Win,$Wbatch,$W$L.value,$W$L.value,$W$L,$W$L,$W$L,$W$L,$W$L,$W$L)", CONV2D, names.constant(i),
                w, b, n, slice.inStart(), slice.outStart(), slice.outCount(), p.relu(), mask);
          }
        }
      });
    } else if (s instanceof Stage.Lrn) {
      m.addStatement("$T.forward($L,$W$L,$Win,$W$L,$W$LScale,$Wbatch)", LRN, names.constant(i), towerOf(perTower), n, n);
    } else if (s instanceof Stage.MaxPool pool) {
      int perTowerChannels = s.in().channels() / pool.towers();
      m.addStatement("$T.forward($L,$W$L * $L,$W$L,$Win,$W$L,$W$LArgmax,$Wbatch)", MAX_POOL, names.constant(i), towerOf(perTower), perTowerChannels,
          perTowerChannels, n, n);
    } else if (s instanceof Stage.Relu) {
      m.addStatement("$T.forward(in,$W$L,$Wbatch * $L)", RELU, n, s.out().size());
    } else {
      m.beginControlFlow("if (training)").addStatement(drawMask(i)).endControlFlow();
      m.addStatement("$T.forward(in,$W$L,$W$L,$Wbatch * $L)", DROPOUT, mask, n, s.out().size());
    }
    return m.build();
  }

  private MethodSpec stageBackward(int i) {
    Stage s = plan.stages().get(i);
    String n = names.of(i);
    boolean perTower = regions.perTower(i);
    MethodSpec.Builder m = MethodSpec.methodBuilder(n + "Backward").addModifiers(Modifier.PRIVATE).addJavadoc(stageDoc(i, true));
    if (perTower) {
      m.addParameter(int.class, "tower");
    }
    m.addParameter(FLOATS, "in")
        .addParameter(int.class, "batch")
        .addParameter(boolean.class, "training")
        .addParameter(FLOATS, "gradOut")
        .addParameter(FLOATS, "gradIn");
    for (int t = 1; regions.sharedInput(i) && t < plan.towers(); t++) {
      m.addParameter(FLOATS, "gradInTower" + t);
    }
    if (i < plan.firstParametric()) {
      m.addComment("Before the first layer with parameters only ∂loss/∂input needs this pass");
      m.beginControlFlow("if (inputGradient == null)").addStatement("return").endControlFlow();
    }
    if (regions.reducesGradient(i)) {
      long size = s.out().size();
      String copies = ", " + n + "GradTowers";
      m.addComment("The exchange's reduce: the other towers' copies of ∂$L (all of which $L read) into $L", n, names.of(i + 1),
          perTower ? "this tower's channels" : "the whole gradient");
      if (perTower) {
        long own = size / plan.towers();
        m.addStatement("$T.reduce(gradOut,$Wbatch,$W$L,$Wtower * $L,$W(tower + 1) * $L$L)", TOWER_GRADIENT, size, own, own, copies);
      } else {
        m.addStatement("$T.reduce(gradOut,$Wbatch,$W$L,$W0,$W$L$L)", TOWER_GRADIENT, size, size, copies);
      }
    }
    String mask = hasMask(s) ? "training ? " + n + "Mask : null" : "null";
    if (s instanceof Stage.Parametric p) {
      String w = StageNames.parameterField(p.paramPrefix() + ".weight");
      String b = StageNames.parameterField(p.paramPrefix() + ".bias");
      boolean shared = regions.sharedInput(i);
      forEachTower(m, p, slices -> {
        List<TowerSlice> done = new ArrayList<>();
        for (TowerSlice slice : slices) {
          boolean accumulate = done.stream().anyMatch(slice::readsSameInputAs);
          done.add(slice);
          boolean ownCopy = shared && slice.tower() > 0;
          String dx = ownCopy ? "gradInTower" + slice.tower() : "gradIn";
          m.addComment("$L", sliceComment(p, slice)
              + (ownCopy ? "; into this tower's own copy of the input gradient" : "")
              + (accumulate ? "; adds to the input gradient the slice above wrote" : ""));
          if (p.dense()) {
            m.addStatement("$T.backward(in,$Wbatch,$W$L,$W$L.value,$W$L,$W$L,$W$L,$WgradOut,$W$L.grad,$W$L.grad,$W$L,$W$L,$W$L,$W$L,$W$L)", DENSE,
                p.in().size(), w, n, mask, p.relu(), w, b, dx, accumulate, p.out().channels(), slice.outStart(), slice.outCount());
          } else {
            m.addStatement("$T.backward(scratch(tower),$W$L,$Win,$Wbatch,$W$L.value,$W$L,$W$L,$W$L,$WgradOut,$W$L.grad,$W$L.grad,$W$L,$W$L,$W$L,$W$L,$W$L)",
                CONV2D, names.constant(i), w, n, mask, p.relu(), w, b, dx, accumulate, slice.inStart(), slice.outStart(), slice.outCount());
          }
        }
      });
    } else if (s instanceof Stage.Lrn) {
      m.addStatement("$T.backward($L,$W$L,$Win,$W$L,$W$LScale,$WgradOut,$WgradIn,$Wscratch($L),$Wbatch)", LRN, names.constant(i), towerOf(perTower), n,
          n, towerOf(perTower));
    } else if (s instanceof Stage.MaxPool pool) {
      int perTowerChannels = s.in().channels() / pool.towers();
      m.addStatement("$T.backward($L,$W$L * $L,$W$L,$WgradOut,$W$LArgmax,$WgradIn,$Wbatch)", MAX_POOL, names.constant(i), towerOf(perTower),
          perTowerChannels, perTowerChannels, n);
    } else if (s instanceof Stage.Relu) {
      m.addStatement("$T.backward($L,$WgradOut,$WgradIn,$Wbatch * $L)", RELU, n, s.out().size());
    } else {
      m.addStatement("$T.backward(gradOut,$W$L,$WgradIn,$Wbatch * $L)", DROPOUT, mask, s.out().size());
    }
    return m.build();
  }

  /** Emits each tower's slices: a {@code switch (tower)} with one case per tower, or the slices alone for one tower. */
  private void forEachTower(MethodSpec.Builder m, Stage.Parametric p, Consumer<List<TowerSlice>> emitSlices) {
    if (plan.towers() == 1) {
      emitSlices.accept(p.slices());
      return;
    }
    m.beginControlFlow("switch (tower)");
    for (int t = 0; t < plan.towers(); t++) {
      int tower = t;
      m.beginControlFlow("case $L ->", t);
      emitSlices.accept(p.slices().stream().filter(slice -> slice.tower() == tower).toList());
      m.endControlFlow();
    }
    m.addStatement("default -> throw new $T($S + tower)", IllegalArgumentException.class, "no such tower: ");
    m.endControlFlow();
  }
}
