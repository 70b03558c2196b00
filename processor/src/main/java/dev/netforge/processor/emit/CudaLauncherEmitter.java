package dev.netforge.processor.emit;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.netforge.processor.plan.Plan;
import dev.netforge.processor.plan.Text;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code <Network>Cuda}, the launcher of the generated kernels: the per-tower buffer plan, and the forward,
 * backward and update passes as kernel launches with their grids, and the lowered schedule's exchanges and mask draws
 * where it puts them ({@link CudaSchedule}).
 */
public final class CudaLauncherEmitter {
  private static final String CUDA = "dev.netforge.runtime.cuda";
  private static final ClassName CUDA_NETWORK = ClassName.get(CUDA, "CudaNetwork");
  private static final ClassName DEVICE = ClassName.get(CUDA, "Device");
  private static final ClassName BUFFER = CUDA_NETWORK.nestedClass("Buffer");
  private static final ClassName SLICES = CUDA_NETWORK.nestedClass("ParameterSlices");
  private static final ClassName LAYOUT = CUDA_NETWORK.nestedClass("Layout");
  private static final ClassName LIST = ClassName.get(List.class);
  private static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");

  private CudaLauncherEmitter() {}

  public static JavaFile emit(CudaSchedule schedule, String processorName) {
    Plan plan = schedule.plan;
    String name = plan.name() + "Cuda";
    long fixed = schedule.buffers.stream().mapToLong(CudaSchedule.Buffer::fixed).sum() * 4;
    long perImage = schedule.buffers.stream().mapToLong(CudaSchedule.Buffer::perImage).sum() * 4;
    TypeSpec.Builder type =
        TypeSpec.classBuilder(name)
            .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
            .superclass(CUDA_NETWORK)
            .addAnnotation(AnnotationSpec.builder(GENERATED).addMember("value", "$S", processorName).build())
            .addJavadoc("The CUDA launcher of {@link $L}: its kernels ({@code $L.cu}, $L of them) run on $L.\n\n", plan.name(), plan.name(),
                schedule.kernels.size(), plan.towers() == 1 ? "one device" : plan.towers() + " towers, tower t on device t mod (device count)")
            .addJavadoc("<p>Memory per tower: $L bytes of parameters, their gradients (with the convolutions' partial weight gradients "
                + "by chunk of the batch) and momentum, plus $L bytes per example (activations, their gradients, masks, LRN "
                + "denominators, arg-maxes, exchange staging); each buffer below is one slice of one allocation, planned once per "
                + "batch size.\n\n", Text.count(fixed), Text.count(perImage))
            .addJavadoc("<p>Exchanged between towers per training step: $L bytes per example (the plan's all-gathers forward and "
                + "reduces backward, and the all-gather of the output so that each tower computes the softmax gradient).\n",
                Text.count(schedule.exchangeBytesPerImage));
    if (!schedule.weightGradientGrids.isEmpty()) {
      type.addJavadoc("\n<p>Convolution weight gradients' blocks per tower, the batch split into chunks where one GEMM would leave a GPU's "
          + "SMs idle (aiming at $L blocks, twice a 132-SM H100's or H200's, with at most $L chunks, and at most one chunk per example): "
          + "$L.\n", CudaSchedule.WEIGHT_BLOCKS, CudaSchedule.MAX_WEIGHT_CHUNKS, String.join("; ", schedule.weightGradientGrids));
    }
    for (int i = 0; i < schedule.buffers.size(); i++) {
      CudaSchedule.Buffer b = schedule.buffers.get(i);
      type.addField(
          FieldSpec.builder(TypeName.INT, b.constant(), Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
              .initializer("$L", i)
              .addJavadoc("$L$L: $L.\n", Docs.capitalize(b.doc()), b.ints() ? " (int32)" : "", size(b))
              .build());
    }
    type.addField(FieldSpec.builder(LAYOUT, "LAYOUT", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL).initializer(layout(schedule)).build());
    ClassName host = ClassName.get(plan.packageName(), plan.name());
    type.addMethod(
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc("Places the towers of {@code host} on {@code devices} and loads the kernels on each device.\n")
            .addParameter(host, "host")
            .addParameter(ParameterizedTypeName.get(LIST, DEVICE), "devices")
            .addStatement("super(host, devices, LAYOUT)")
            .build());
    type.addMethod(pass("forwardPass", "The forward pass; dropout masks are drawn on the host when training.", schedule.forward));
    type.addMethod(pass("backwardPass", "The backward pass from ∂loss/∂output, last stage first.", schedule.backward));
    type.addMethod(pass("inputGradientPass", "∂loss/∂input, each tower's partial sum: the first parametric layer's input gradient and the stages before it.", schedule.inputGradient));
    MethodSpec.Builder update =
        MethodSpec.methodBuilder("updatePass")
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PROTECTED)
            .addJavadoc("Each tower updates the part of every parameter it computes.\n")
            .addParameter(TypeName.FLOAT, "momentum")
            .addParameter(TypeName.FLOAT, "decay")
            .addParameter(TypeName.FLOAT, "rate");
    for (CudaSchedule.Step step : schedule.update) {
      CudaSchedule.Update u = (CudaSchedule.Update) step;
      update.addStatement("update($L, $L, $L_GRAD, $L_VELOCITY, $LL, $LL, momentum, decay, rate)", u.tower(), u.parameter(), u.parameter(), u.parameter(),
          u.start(), u.count());
    }
    type.addMethod(update.build());
    return JavaFile.builder(plan.packageName(), type.build()).skipJavaLangImports(true).indent("  ").build();
  }

  private static String size(CudaSchedule.Buffer b) {
    if (b.perImage() == 0) {
      return Text.count(b.fixed()) + " elements";
    }
    return Text.count(b.perImage()) + " per example";
  }


  private static CodeBlock layout(CudaSchedule schedule) {
    CodeBlock.Builder buffers = CodeBlock.builder().add("$T.of(\n", LIST).indent().indent();
    for (int i = 0; i < schedule.buffers.size(); i++) {
      CudaSchedule.Buffer b = schedule.buffers.get(i);
      buffers.add("new $T($S, $LL, $LL, $L)$L\n", BUFFER, b.constant().toLowerCase(java.util.Locale.ROOT), b.fixed(), b.perImage(), b.zeroed(),
          i + 1 < schedule.buffers.size() ? "," : ")");
    }
    buffers.unindent().unindent();
    CodeBlock.Builder parameters = CodeBlock.builder().add("$T.of(\n", LIST).indent().indent();
    for (int i = 0; i < schedule.parameters.size(); i++) {
      CudaSchedule.ParameterSlices p = schedule.parameters.get(i);
      parameters.add("new $T($S, $L, $L_GRAD, $L_VELOCITY, new long[] {$L}, new long[] {$L})$L\n", SLICES, p.name(), p.value(), p.value(), p.value(),
          longs(p.start()), longs(p.count()), i + 1 < schedule.parameters.size() ? "," : ")");
    }
    parameters.unindent().unindent();
    String last = schedule.outputBuffer;
    return CodeBlock.builder()
        .add("new $T(\n", LAYOUT)
        .indent()
        .indent()
        .add(buffers.build())
        .add(",\n")
        .add(parameters.build())
        .add(",\nINPUT, INPUT_GRAD, $L, $L_GRAD, LABELS, LOSSES)", last, last)
        .unindent()
        .unindent()
        .build();
  }

  private static String longs(long[] values) {
    return Arrays.stream(values).mapToObj(v -> v + "L").collect(Collectors.joining(", "));
  }

  private static MethodSpec pass(String name, String doc, List<CudaSchedule.Step> steps) {
    MethodSpec.Builder m =
        MethodSpec.methodBuilder(name)
            .addAnnotation(Override.class)
            .addModifiers(Modifier.PROTECTED)
            .addJavadoc("$L\n", doc)
            .addParameter(TypeName.INT, "batch")
            .addParameter(TypeName.BOOLEAN, "training");
    for (CudaSchedule.Step step : steps) {
      if (step instanceof CudaSchedule.Kernel k) {
        CudaSchedule.Launch l = k.launch();
        m.addComment("$L", l.comment());
        CodeBlock.Builder call = CodeBlock.builder().add("launch($L, $S,$W$L, $L, $L", l.tower(), k.name(), l.gridX(), l.gridY(), l.gridZ());
        for (String arg : l.args()) {
          call.add(",$W$L", arg);
        }
        m.addStatement(call.add(")").build());
      } else if (step instanceof CudaSchedule.Gather g) {
        m.addComment("exchange: all-gather, $L", g.comment());
        m.addStatement("gather($L, $LL)", g.buffer(), g.perImage());
      } else if (step instanceof CudaSchedule.Reduce r) {
        m.addComment("exchange: reduce, $L", r.comment());
        m.addStatement("reduce($L, $LL, STAGING)", r.buffer(), r.perImage());
      } else if (step instanceof CudaSchedule.ReduceWhole r) {
        m.addComment("exchange: reduce, $L", r.comment());
        m.addStatement("reduceWhole($L, $LL, STAGING)", r.buffer(), r.perImage());
      } else if (step instanceof CudaSchedule.HostReduce r) {
        m.addComment("exchange: reduce, $L", r.comment());
      } else if (step instanceof CudaSchedule.DrawMask d) {
        m.beginControlFlow("if (training)").addStatement("drawMask($L, $L, $LL, $L)", d.buffer(), d.layer(), d.perImage(), d.rate()).endControlFlow();
      }
    }
    return m.build();
  }
}
