package dev.netforge.runtime.gemm;

import jdk.incubator.vector.FloatVector;

/**
 * A 6 × (2 vectors) register-blocked FMA micro-kernel on the JVM's preferred vector width: twelve accumulators, two B
 * loads and one A broadcast per step, which fits the 16 registers of AVX2 (6×16). {@link Sgemm} takes it where vectors
 * are narrower than 512 bits, {@link WideVectorMicroKernel} where they are 512 ({@link VectorPanelKernel#forThisWidth});
 * it runs on any width, so the tests hold both to the same results. It reads no rows in place ({@link
 * MicroKernel#readsRowsInPlace}): {@link Sgemm} packs them. Loaded only when {@code jdk.incubator.vector} is present.
 */
final class VectorMicroKernel extends VectorPanelKernel {
  private static final int MR = 6;

  @Override
  public int mr() {
    return MR;
  }

  @Override
  public void compute(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc, boolean add) {
    FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
    FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
    FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
    FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
    FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
    FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
    // Indices computed from p rather than stepped beside it: C2's range-check elimination works on indices linear
    // in the loop variable. Measured 5-8% faster on each of eight GEMM shapes (one thread, best of 15 rounds).
    for (int p = 0; p < kc; p++) {
      int ai = aOff + p * MR;
      int bi = bOff + p * NR;
      FloatVector b0 = FloatVector.fromArray(S, b, bi);
      FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
      FloatVector av = FloatVector.broadcast(S, a[ai]);
      c00 = av.fma(b0, c00);
      c01 = av.fma(b1, c01);
      av = FloatVector.broadcast(S, a[ai + 1]);
      c10 = av.fma(b0, c10);
      c11 = av.fma(b1, c11);
      av = FloatVector.broadcast(S, a[ai + 2]);
      c20 = av.fma(b0, c20);
      c21 = av.fma(b1, c21);
      av = FloatVector.broadcast(S, a[ai + 3]);
      c30 = av.fma(b0, c30);
      c31 = av.fma(b1, c31);
      av = FloatVector.broadcast(S, a[ai + 4]);
      c40 = av.fma(b0, c40);
      c41 = av.fma(b1, c41);
      av = FloatVector.broadcast(S, a[ai + 5]);
      c50 = av.fma(b0, c50);
      c51 = av.fma(b1, c51);
    }
    // Two store sequences, one per branch, and no vector merged from both: C2 (JDK 17) cannot scalarize a vector
    // merged from two paths inside a helper (store(add ? v + c : v)), and boxed one accumulator per k step — 48 bytes
    // allocated per 12 FMAs, which halved the kernel's rate. Merged in this method (the branch rebinding all twelve,
    // then one sequence of stores), some JVMs compiled the stores without their intrinsic (-XX:+PrintInlining: "failed
    // to inline (intrinsic)" at them; AlexNetTorchvision then allocated 480 MB a step and ran 1.5 times slower).
    // Even so about one JVM in four boxed the add branch's last stores, which C2 inlines late (past its budget):
    // where the deoptimization counts it sums over every inlined method passed PerMethodTrapLimit, the call before
    // such a store got a virtual-call fallback, and the store no longer knew its vector's class. The JVM option in
    // runtime/app's TrapLimit keeps them whole. Kernels that only overwrite, with the add done by a separate addTile,
    // never boxed but made training steps about 7% slower (docs/performance.md, sessions 19 and 20).
    if (add) {
      c00.add(FloatVector.fromArray(S, c, cOff)).intoArray(c, cOff);
      c01.add(FloatVector.fromArray(S, c, cOff + L)).intoArray(c, cOff + L);
      c10.add(FloatVector.fromArray(S, c, cOff + ldc)).intoArray(c, cOff + ldc);
      c11.add(FloatVector.fromArray(S, c, cOff + ldc + L)).intoArray(c, cOff + ldc + L);
      c20.add(FloatVector.fromArray(S, c, cOff + 2 * ldc)).intoArray(c, cOff + 2 * ldc);
      c21.add(FloatVector.fromArray(S, c, cOff + 2 * ldc + L)).intoArray(c, cOff + 2 * ldc + L);
      c30.add(FloatVector.fromArray(S, c, cOff + 3 * ldc)).intoArray(c, cOff + 3 * ldc);
      c31.add(FloatVector.fromArray(S, c, cOff + 3 * ldc + L)).intoArray(c, cOff + 3 * ldc + L);
      c40.add(FloatVector.fromArray(S, c, cOff + 4 * ldc)).intoArray(c, cOff + 4 * ldc);
      c41.add(FloatVector.fromArray(S, c, cOff + 4 * ldc + L)).intoArray(c, cOff + 4 * ldc + L);
      c50.add(FloatVector.fromArray(S, c, cOff + 5 * ldc)).intoArray(c, cOff + 5 * ldc);
      c51.add(FloatVector.fromArray(S, c, cOff + 5 * ldc + L)).intoArray(c, cOff + 5 * ldc + L);
    } else {
      c00.intoArray(c, cOff);
      c01.intoArray(c, cOff + L);
      c10.intoArray(c, cOff + ldc);
      c11.intoArray(c, cOff + ldc + L);
      c20.intoArray(c, cOff + 2 * ldc);
      c21.intoArray(c, cOff + 2 * ldc + L);
      c30.intoArray(c, cOff + 3 * ldc);
      c31.intoArray(c, cOff + 3 * ldc + L);
      c40.intoArray(c, cOff + 4 * ldc);
      c41.intoArray(c, cOff + 4 * ldc + L);
      c50.intoArray(c, cOff + 5 * ldc);
      c51.intoArray(c, cOff + 5 * ldc + L);
    }
  }
}
