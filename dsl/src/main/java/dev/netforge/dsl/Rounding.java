package dev.netforge.dsl;

/** How an output size {@code (in + 2·pad − kernel) / stride + 1} is rounded. */
public enum Rounding {
  /** The division must be exact; anything else is a compile error (the paper's 224-vs-227 confusion). */
  EXACT,
  /** Round down, dropping the input rows and columns the last window does not reach (PyTorch's default). */
  FLOOR
}
