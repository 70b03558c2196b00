package dev.netforge.processor.emit;

import com.palantir.javapoet.CodeBlock;
import dev.netforge.processor.model.Shape;
import dev.netforge.processor.plan.Convolution;
import dev.netforge.processor.plan.Dense;
import dev.netforge.processor.plan.Parametric;
import dev.netforge.processor.plan.Plan;
import dev.netforge.processor.plan.Stage;
import dev.netforge.processor.plan.Text;

/** The javadoc of a stage's field: shapes, parameters, FLOPs, tower split, exchange, fusions forward and backward. */
final class StageDocs {
  private StageDocs() {}

  /**
   * @param perTower whether the field holds one object per tower
   * @param merged whether it holds one object for all the towers' outputs, of a layer whose towers all read one input
   */
  static CodeBlock of(Plan plan, String name, Stage s, boolean perTower, boolean merged) {
    CodeBlock.Builder doc = CodeBlock.builder();
    doc.add("$L: $L$L.\n\n", name, s.operation(), perTower ? "; one object per tower" : merged ? "; one object for all the towers" : "");
    doc.add("<p>Input [batch, $L]$L → output [batch, $L]", dims(s.in()),
        s instanceof Dense && !s.in().isFlat() ? " (flattened in C, H, W order)" : "", dims(s.out()));
    if (s instanceof Parametric p) {
      doc.add("; parameters {@code $L.weight} $L and {@code $L.bias} [$L] ($L); $L FLOPs per example forward.\n", p.paramPrefix(),
          p.weightShape(), p.paramPrefix(), p.out().channels(), Text.count(p.parameterCount()), Text.count(2 * p.macs()));
      doc.add("\n<p>Towers: $L.\n", Docs.towers(p, plan.towers()));
      if (merged) {
        doc.add("\n<p>Every tower reads the same whole input, so this engine runs the towers' slices as one, over all the"
            + " outputs on every thread: what is made of the input (its patches or transformed tiles) is made once, not once per tower.\n");
      }
      if (p.exchange() != null) {
        doc.add("\n<p>Exchange: forward, every tower reads all of the input, so each gathers the slices the other towers own;"
                + " backward, the input gradient each tower computes is reduced onto the tower that owns each slice; $L bytes per"
                + " example in all each way ($L into each tower).\n",
            Text.count(p.exchange().bytesPerImage()), Text.count(p.exchange().bytesPerImage() / plan.towers()));
      }
      doc.add("\n<p>Fused forward: $L.\n", forwardFusion(p));
      doc.add("\n<p>Fused backward: $L.\n", backwardFusion(p));
    } else if (s.appliesReluDerivative()) {
      doc.add(".\n\n<p>Fused backward: the ReLU derivative of the convolution before it, applied as the input gradient is written.\n");
    } else {
      doc.add(".\n");
    }
    return doc.build();
  }

  /** A shape's dimensions without brackets, to follow "batch, ". */
  static String dims(Shape shape) {
    String s = shape.toString();
    return s.substring(1, s.length() - 1);
  }

  private static String forwardFusion(Parametric p) {
    StringBuilder b = new StringBuilder("bias");
    if (p.relu()) {
      b.append(", ReLU");
    }
    if (p.dropout() > 0) {
      b.append(", dropout mask");
    }
    return b.append(" applied in the GEMM's store epilogue").toString();
  }

  private static String backwardFusion(Parametric p) {
    StringBuilder b = new StringBuilder();
    if (p.dropout() > 0) {
      b.append("dropout mask, ");
    }
    if (p instanceof Convolution c && c.reluDerivativeDeferred()) {
      return b.append("bias gradient in one pass reading ∂output, whose ReLU derivative the stage after it applied; then weight and input")
          .append(" gradients as GEMMs").toString();
    }
    if (p.relu()) {
      b.append("ReLU derivative, ");
    }
    return b.append("bias gradient in one pass over ∂output; then weight and input gradients as GEMMs").toString();
  }
}
