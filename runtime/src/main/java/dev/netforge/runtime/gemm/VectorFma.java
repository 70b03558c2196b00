package dev.netforge.runtime.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Ten independent vector FMA chains: enough to cover FMA latency × throughput on current x86 and Arm cores. Each
 * chain is the addend ({@code a = m·c + a}), as in a GEMM's accumulators, so it compiles to one in-place
 * vfmadd231ps; with the chain as a multiplicand ({@code a = a·m + c}) C2 copies a register per FMA and the loop
 * measured about half the hardware's rate.
 */
final class VectorFma {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private VectorFma() {}

  static double run(float[] sink, int at, int iterations) {
    FloatVector m = FloatVector.broadcast(S, 0.999999f);
    FloatVector c = FloatVector.broadcast(S, 1e-7f);
    FloatVector a0 = FloatVector.broadcast(S, 1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0;
    for (int i = 0; i < iterations / 10; i++) {
      a0 = m.fma(c, a0);
      a1 = m.fma(c, a1);
      a2 = m.fma(c, a2);
      a3 = m.fma(c, a3);
      a4 = m.fma(c, a4);
      a5 = m.fma(c, a5);
      a6 = m.fma(c, a6);
      a7 = m.fma(c, a7);
      a8 = m.fma(c, a8);
      a9 = m.fma(c, a9);
    }
    sink[at] = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    return 2.0 * S.length() * 10 * (iterations / 10);
  }
}
