package dev.netforge.runtime.gemm;

/**
 * The innermost GEMM loop: an {@code mr() × nr()} tile of C from an MR-row panel of packed A and an NR-column
 * panel of packed B, both laid out k-major. Everything else in {@link Sgemm} is loop order and packing.
 */
interface MicroKernel {
  int mr();

  int nr();

  /**
   * {@code C[0..mr, 0..nr] (+)= Σ_p A[:, p] ⊗ B[p, :]} over {@code kc} steps.
   *
   * @param add add to the existing C values instead of overwriting them
   */
  void compute(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc, boolean add);

  /** A name for logs and benchmarks. */
  String describe();
}
