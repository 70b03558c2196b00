package dev.netforge.processor.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.netforge.processor.plan.Plan;
import dev.netforge.processor.plan.Schedule;
import dev.netforge.processor.plan.Stage;
import dev.netforge.processor.plan.StageNames;
import dev.netforge.processor.plan.TowerSlice;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.lang.model.element.Modifier;

/**
 * One stage of the CPU class: its geometry constant and its forward and backward methods, each a call into the
 * runtime kernel of its op kind with every size a compile-time constant. Per-tower stages take the tower they run.
 */
final class JavaCalls {
  private static final String NN = "dev.netforge.runtime.nn";
  private static final ClassName CONV_SHAPE = ClassName.get(NN, "ConvShape");
  private static final ClassName POOL_SHAPE = ClassName.get(NN, "PoolShape");
  private static final ClassName LRN_SHAPE = ClassName.get(NN, "LrnShape");
  private static final ClassName CONV2D = ClassName.get(NN, "Conv2d");
  private static final ClassName DENSE = ClassName.get(NN, "Dense");
  private static final ClassName LRN = ClassName.get(NN, "LocalResponseNorm");
  private static final ClassName MAX_POOL = ClassName.get(NN, "MaxPool2d");
  private static final ClassName AVG_POOL = ClassName.get(NN, "AvgPool2d");
  private static final ClassName RELU = ClassName.get(NN, "Relu");
  private static final ClassName DROPOUT = ClassName.get(NN, "Dropout");
  private static final ClassName TOWER_GRADIENT = ClassName.get(NN, "TowerGradient");
  private static final TypeName FLOATS = TypeName.get(float[].class);

  private final Schedule schedule;
  private final Plan plan;
  private final int i;
  private final Stage stage;
  private final String name;
  private final boolean perTower;
  /** The mask argument: this stage's mask after a training pass, else none. */
  private final String mask;

  JavaCalls(Schedule schedule, int stage) {
    this.schedule = schedule;
    this.plan = schedule.plan();
    this.i = stage;
    this.stage = plan.stages().get(stage);
    this.name = schedule.names().of(stage);
    this.perTower = schedule.perTower(stage);
    this.mask = this.stage.maskRate() > 0 ? "training ? " + name + "Mask : null" : "null";
  }

  /**
   * {@code drawMask(...)} for this stage's mask, which the forward pass draws before the stage runs: a function of the
   * network's seed, the training step, this stage's index and each example's ({@code CompiledNetwork.drawMask}).
   */
  CodeBlock drawMask() {
    return CodeBlock.of("drawMask($L, $LMask, $L, $Lf)", i, name, stage.out().size(), (float) stage.maskRate());
  }

  /** The stage's geometry as a constant its calls pass, or {@code null} for kinds that need none. */
  Stage.Visitor<FieldSpec> geometry() {
    String constant = schedule.names().constant(i);
    return new Stage.Visitor<>() {
      @Override
      public FieldSpec convolution(Stage.Convolution c) {
        return constant(CONV_SHAPE, "new $T($L, $L, $L, $L, $L, $L, $L, $L, $L, $L)", CONV_SHAPE, c.in().channels(), c.in().height(), c.in().width(),
            c.out().channels(), c.out().height(), c.out().width(), c.kernel(), c.stride(), c.padding(), c.groupInputs());
      }

      @Override
      public FieldSpec dense(Stage.Dense d) {
        return null;
      }

      @Override
      public FieldSpec lrn(Stage.Lrn l) {
        return constant(LRN_SHAPE, "new $T($L, $L, $L, $Lf, $Lf, $Lf, $L)", LRN_SHAPE, l.in().channels(), l.in().height() * l.in().width(), l.size(),
            (float) l.alpha(), (float) l.beta(), (float) l.k(), l.towers());
      }

      @Override
      public FieldSpec maxPool(Stage.MaxPool m) {
        return constant(POOL_SHAPE, "new $T($L, $L, $L, $L, $L, $L, $L)", POOL_SHAPE, m.in().channels(), m.in().height(), m.in().width(),
            m.out().height(), m.out().width(), m.kernel(), m.stride());
      }

      @Override
      public FieldSpec avgPool(Stage.AvgPool a) {
        return constant(POOL_SHAPE, "new $T($L, $L, $L, $L, $L, $L, $L, $L)", POOL_SHAPE, a.in().channels(), a.in().height(), a.in().width(),
            a.out().height(), a.out().width(), a.kernel(), a.stride(), a.padding());
      }

      @Override
      public FieldSpec relu(Stage.Relu r) {
        return null;
      }

      @Override
      public FieldSpec dropout(Stage.Dropout d) {
        return null;
      }

      private FieldSpec constant(ClassName type, String format, Object... args) {
        return FieldSpec.builder(type, constant, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL).initializer(format, args).build();
      }
    };
  }

  MethodSpec forward() {
    MethodSpec.Builder m = MethodSpec.methodBuilder(name + "Forward").addModifiers(Modifier.PRIVATE).addJavadoc(StageDocs.of(plan, name, stage, false));
    if (perTower) {
      m.addParameter(int.class, "tower");
    }
    m.addParameter(FLOATS, "in").addParameter(int.class, "batch").addParameter(boolean.class, "training");
    String constant = schedule.names().constant(i);
    stage.accept(new Stage.Visitor<Void>() {
      @Override
      public Void convolution(Stage.Convolution c) {
        forEachTower(m, c, slices -> {
          for (TowerSlice slice : slices) {
            m.addComment("$L", sliceComment(c, slice));
            m.addStatement("$T.forward(scratch(tower),$W$L,$Win,$Wbatch,$W$L.value,$W$L.value,$W$L,$W$L,$W$L,$W$L,$W$L,$W$L)", CONV2D, constant,
                weight(c), bias(c), name, slice.inStart(), slice.outStart(), slice.outCount(), c.relu(), mask);
          }
        });
        return null;
      }

      @Override
      public Void dense(Stage.Dense d) {
        forEachTower(m, d, slices -> {
          for (TowerSlice slice : slices) {
            m.addComment("$L", sliceComment(d, slice));
            m.addStatement("$T.forward(in,$Wbatch,$W$L,$W$L.value,$W$L.value,$W$L,$W$L,$W$L,$W$L,$W$L,$W$L)", DENSE, d.in().size(), weight(d), bias(d),
                name, d.out().channels(), slice.outStart(), slice.outCount(), d.relu(), mask);
          }
        });
        return null;
      }

      @Override
      public Void lrn(Stage.Lrn l) {
        m.addStatement("$T.forward($L,$W$L,$Win,$W$L,$W$LScale,$Wbatch)", LRN, constant, tower(), name, name);
        return null;
      }

      @Override
      public Void maxPool(Stage.MaxPool p) {
        int channels = p.in().channels() / p.towers();
        m.addStatement("$T.forward($L,$W$L * $L,$W$L,$Win,$W$L,$W$LArgmax,$Wbatch)", MAX_POOL, constant, tower(), channels, channels, name, name);
        return null;
      }

      @Override
      public Void avgPool(Stage.AvgPool a) {
        int channels = a.in().channels() / a.towers();
        m.addStatement("$T.forward($L,$W$L * $L,$W$L,$Win,$W$L,$Wbatch)", AVG_POOL, constant, tower(), channels, channels, name);
        return null;
      }

      @Override
      public Void relu(Stage.Relu r) {
        m.addStatement("$T.forward(in,$W$L,$Wbatch * $L)", RELU, name, r.out().size());
        return null;
      }

      @Override
      public Void dropout(Stage.Dropout d) {
        m.addStatement("$T.forward(in,$W$L,$W$L,$Wbatch * $L)", DROPOUT, mask, name, d.out().size());
        return null;
      }
    });
    return m.build();
  }

  MethodSpec backward() {
    MethodSpec.Builder m = MethodSpec.methodBuilder(name + "Backward").addModifiers(Modifier.PRIVATE).addJavadoc(StageDocs.of(plan, name, stage, true));
    if (perTower) {
      m.addParameter(int.class, "tower");
    }
    m.addParameter(FLOATS, "in")
        .addParameter(int.class, "batch")
        .addParameter(boolean.class, "training")
        .addParameter(FLOATS, "gradOut")
        .addParameter(FLOATS, "gradIn");
    for (int t = 1; schedule.sharedInput(i) && t < plan.towers(); t++) {
      m.addParameter(FLOATS, "gradInTower" + t);
    }
    if (i < plan.firstParametric()) {
      m.addComment("Before the first layer with parameters only ∂loss/∂input needs this pass");
      m.beginControlFlow("if (inputGradient == null)").addStatement("return").endControlFlow();
    }
    if (schedule.reducesGradient(i)) {
      long size = stage.out().size();
      String copies = ", " + name + "GradTowers";
      m.addComment("The exchange's reduce: the other towers' copies of ∂$L (all of which $L read) into $L", name, schedule.names().of(i + 1),
          perTower ? "this tower's channels" : "the whole gradient");
      if (perTower) {
        long own = size / plan.towers();
        m.addStatement("$T.reduce(gradOut,$Wbatch,$W$L,$Wtower * $L,$W(tower + 1) * $L$L)", TOWER_GRADIENT, size, own, own, copies);
      } else {
        m.addStatement("$T.reduce(gradOut,$Wbatch,$W$L,$W0,$W$L$L)", TOWER_GRADIENT, size, size, copies);
      }
    }
    String constant = schedule.names().constant(i);
    stage.accept(new Stage.Visitor<Void>() {
      @Override
      public Void convolution(Stage.Convolution c) {
        forEachInputGradientSlice(m, c, (slice, dx, accumulate) -> m.addStatement(
            "$T.backward(scratch(tower),$W$L,$Win,$Wbatch,$W$L.value,$W$L,$W$L,$W$L,$WgradOut,$W$L.grad,$W$L.grad,$W$L,$W$L,$W$L,$W$L,$W$L)", CONV2D,
            constant, weight(c), name, mask, c.relu(), weight(c), bias(c), dx, accumulate, slice.inStart(), slice.outStart(), slice.outCount()));
        return null;
      }

      @Override
      public Void dense(Stage.Dense d) {
        forEachInputGradientSlice(m, d, (slice, dx, accumulate) -> m.addStatement(
            "$T.backward(in,$Wbatch,$W$L,$W$L.value,$W$L,$W$L,$W$L,$WgradOut,$W$L.grad,$W$L.grad,$W$L,$W$L,$W$L,$W$L,$W$L)", DENSE, d.in().size(),
            weight(d), name, mask, d.relu(), weight(d), bias(d), dx, accumulate, d.out().channels(), slice.outStart(), slice.outCount()));
        return null;
      }

      @Override
      public Void lrn(Stage.Lrn l) {
        m.addStatement("$T.backward($L,$W$L,$Win,$W$L,$W$LScale,$WgradOut,$WgradIn,$Wscratch($L),$Wbatch)", LRN, constant, tower(), name, name, tower());
        return null;
      }

      @Override
      public Void maxPool(Stage.MaxPool p) {
        int channels = p.in().channels() / p.towers();
        m.addStatement("$T.backward($L,$W$L * $L,$W$L,$WgradOut,$W$LArgmax,$WgradIn,$Wbatch)", MAX_POOL, constant, tower(), channels, channels, name);
        return null;
      }

      @Override
      public Void avgPool(Stage.AvgPool a) {
        int channels = a.in().channels() / a.towers();
        m.addStatement("$T.backward($L,$W$L * $L,$W$L,$WgradOut,$WgradIn,$Wbatch)", AVG_POOL, constant, tower(), channels, channels);
        return null;
      }

      @Override
      public Void relu(Stage.Relu r) {
        m.addStatement("$T.backward($L,$WgradOut,$WgradIn,$Wbatch * $L)", RELU, name, r.out().size());
        return null;
      }

      @Override
      public Void dropout(Stage.Dropout d) {
        m.addStatement("$T.backward(gradOut,$W$L,$WgradIn,$Wbatch * $L)", DROPOUT, mask, d.out().size());
        return null;
      }
    });
    return m.build();
  }

  /** The call for one tower slice's backward, given where its input gradient goes and whether it adds to it. */
  private interface SliceBackward {
    void emit(TowerSlice slice, String dx, boolean accumulate);
  }

  /**
   * Each tower's slices of a parametric backward: towers other than 0 write a shared input's gradient into their own
   * copy, and a slice reading input channels a slice before it wrote adds to them.
   */
  private void forEachInputGradientSlice(MethodSpec.Builder m, Stage.Parametric p, SliceBackward call) {
    boolean shared = schedule.sharedInput(i);
    forEachTower(m, p, slices -> {
      List<TowerSlice> done = new ArrayList<>();
      for (TowerSlice slice : slices) {
        boolean accumulate = done.stream().anyMatch(slice::readsSameInputAs);
        done.add(slice);
        boolean ownCopy = shared && slice.tower() > 0;
        m.addComment("$L", sliceComment(p, slice)
            + (ownCopy ? "; into this tower's own copy of the input gradient" : "")
            + (accumulate ? "; adds to the input gradient the slice above wrote" : ""));
        call.emit(slice, ownCopy ? "gradInTower" + slice.tower() : "gradIn", accumulate);
      }
    });
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

  /** What one tower slice computes, for the comment above its kernel call. */
  private String sliceComment(Stage.Parametric p, TowerSlice slice) {
    return (plan.towers() > 1 ? "tower " + slice.tower() + ": " : "") + p.describe(slice);
  }

  /** How a stage's call names its tower: the running tower, or tower 0's share (all channels) for a stage run whole. */
  private String tower() {
    return perTower ? "tower" : "0";
  }

  private static String weight(Stage.Parametric p) {
    return StageNames.parameterField(p.paramPrefix() + ".weight");
  }

  private static String bias(Stage.Parametric p) {
    return StageNames.parameterField(p.paramPrefix() + ".bias");
  }
}
