package dev.netforge.runtime.gemm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Ten independent vector FMA chains: enough to cover FMA latency × throughput on current x86 and Arm cores. */
final class VectorFma {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  private VectorFma() {}

  static double run(float[] sink, int at, int iterations) {
    FloatVector m = FloatVector.broadcast(S, 0.999999f);
    FloatVector c = FloatVector.broadcast(S, 1e-7f);
    FloatVector a0 = FloatVector.broadcast(S, 1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0;
    for (int i = 0; i < iterations / 10; i++) {
      a0 = a0.fma(m, c);
      a1 = a1.fma(m, c);
      a2 = a2.fma(m, c);
      a3 = a3.fma(m, c);
      a4 = a4.fma(m, c);
      a5 = a5.fma(m, c);
      a6 = a6.fma(m, c);
      a7 = a7.fma(m, c);
      a8 = a8.fma(m, c);
      a9 = a9.fma(m, c);
    }
    sink[at] = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    return 2.0 * S.length() * 10 * (iterations / 10);
  }
}
