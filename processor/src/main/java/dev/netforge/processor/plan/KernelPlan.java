package dev.netforge.processor.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the CUDA engine runs one stage on one tower, as data: which templates of the kernel library it instantiates,
 * with what constants, on what grids and with what arguments. The op kind says what; the CUDA emitter names the
 * kernels, declares them and prints their launches, so the op needs no emitter and the emitter no op kind.
 */
public sealed interface KernelPlan {
  /**
   * A single pass forward and one backward (LRN, pooling, a ReLU or dropout of its own), each one thread per element
   * of the tower's share of channels.
   *
   * @param constants what its constants struct declares after the channels the tower computes and the plane size
   * @param forward the forward kernel; its note is what it computes
   * @param backward the backward kernel; its note is what its documentation adds after the stage and tower
   */
  record Pass(List<List<Constant>> constants, Launch forward, Launch backward) implements KernelPlan {
    public Pass {
      constants = constants.stream().map(List::copyOf).toList();
    }
  }

  /**
   * A parametric layer's GEMMs, where a convolution and a dense layer differ: the templates of the forward pass, the
   * weight gradient and the input gradient, and their grids. The bias kernel, the arguments (every GEMM template takes
   * the same names) and the tower's slice constants are the emitter's, the same for both.
   *
   * @param constants what its constants struct declares before the tower's slice
   * @param forwardNote what the forward kernel's documentation adds after the operation: {@code ", as an implicit GEMM"}
   * @param weightTilesY the weight gradient grid's y: tiles of the tower's outputs
   * @param splitsBatch whether the weight gradient may split the batch into chunks to fill a GPU (then summed in order)
   * @param takesBatch whether the forward and input-gradient templates take the batch as an argument (a dense GEMM's
   *     extent) rather than from the grid's z (a convolution's example)
   */
  record Gemm(
      List<List<Constant>> constants,
      String forwardTemplate,
      String forwardNote,
      List<Dim> forwardGrid,
      String weightTemplate,
      Dim weightTilesY,
      boolean splitsBatch,
      String dataTemplate,
      String dataNote,
      List<Dim> dataGrid,
      boolean takesBatch)
      implements KernelPlan {
    public Gemm {
      constants = constants.stream().map(List::copyOf).toList();
      forwardGrid = List.copyOf(forwardGrid);
      dataGrid = List.copyOf(dataGrid);
    }
  }

  /**
   * One kernel of a {@link Pass}.
   *
   * @param template the library function it calls
   * @param note what its documentation says of it (see {@link Pass})
   * @param overInput whether it runs a thread per input element rather than per output element
   * @param arguments the template's arguments by parameter name, in any order: the emitter puts them in the
   *     template's
   */
  record Launch(String template, String note, boolean overInput, Map<String, Argument> arguments) {
    public Launch {
      arguments = Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
    }

    /** A launch with arguments given as name, argument, name, argument... */
    static Launch of(String template, String note, boolean overInput, Object... namesAndArguments) {
      Map<String, Argument> arguments = new LinkedHashMap<>();
      for (int k = 0; k < namesAndArguments.length; k += 2) {
        arguments.put((String) namesAndArguments[k], (Argument) namesAndArguments[k + 1]);
      }
      return new Launch(template, note, overInput, arguments);
    }
  }

  /** A {@code static constexpr} of a constants struct: an {@link Integer}, a {@link Long}, a {@link Float} or a {@link Boolean}. */
  record Constant(String name, Object value) {}

  /** An extent of a grid. */
  sealed interface Dim {}

  /** A fixed count of blocks. */
  record Count(long blocks) implements Dim {}

  /** {@code times} × the GEMM tiles that cover {@code n} rows or columns. */
  record Tiles(long n, long times) implements Dim {}

  /** One block per example. */
  record Batch() implements Dim {}

  /** The GEMM tiles that cover the batch. */
  record BatchTiles() implements Dim {}

  /** A line of constants of one type, given as name, value, name, value... */
  static List<Constant> line(Object... namesAndValues) {
    List<Constant> line = new ArrayList<>();
    for (int k = 0; k < namesAndValues.length; k += 2) {
      line.add(new Constant((String) namesAndValues[k], namesAndValues[k + 1]));
    }
    return line;
  }
}
