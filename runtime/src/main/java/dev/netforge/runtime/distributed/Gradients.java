package dev.netforge.runtime.distributed;

import dev.netforge.runtime.Parameter;
import java.util.List;

/** Every parameter's gradient summed over the processes, in place: what each data-parallel step does after backward. */
public final class Gradients {
  private Gradients() {}

  /** One blocking all-reduce per parameter, on its own array (no copy). */
  public static void sum(Communicator processes, List<Parameter> parameters) {
    for (int k = 0; k < parameters.size(); k++) { // no iterator: the training step allocates nothing
      Parameter p = parameters.get(k);
      processes.sum(p.grad, 0, p.size());
    }
  }

  /**
   * Every parameter's sum started at once, last parameter first (the order a backward pass finishes them), then all
   * awaited: the non-blocking path, which moves each through a native copy.
   */
  public static void sumStarted(Communicator processes, List<Parameter> parameters) {
    Communicator.Pending[] pending = new Communicator.Pending[parameters.size()];
    for (int k = parameters.size() - 1; k >= 0; k--) {
      Parameter p = parameters.get(k);
      pending[k] = processes.startSum(p.grad, 0, p.size());
    }
    for (int k = parameters.size() - 1; k >= 0; k--) {
      pending[k].await();
    }
  }
}
