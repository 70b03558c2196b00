package dev.netforge.runtime.nn;

/** One window at a time: the pooling without the Vector API, and for planes with fewer windows than a vector has lanes. */
final class ScalarMaxPoolPlane implements MaxPoolPlane {
  @Override
  public void pool(PoolShape s, float[] x, int in, float[] y, int[] argmax, int out) {
    for (int oy = 0; oy < s.outHeight(); oy++) {
      for (int ox = 0; ox < s.outWidth(); ox++, out++) {
        // The running maximum in a register: comparing against x[best] made every step wait for the load behind
        // the last step's choice.
        int best = in + oy * s.stride() * s.inWidth() + ox * s.stride();
        float max = x[best];
        for (int ky = 0; ky < s.kernel(); ky++) {
          int row = in + (oy * s.stride() + ky) * s.inWidth() + ox * s.stride();
          for (int kx = 0; kx < s.kernel(); kx++) {
            float v = x[row + kx];
            if (v > max || v != v) {
              max = v;
              best = row + kx;
            }
          }
        }
        y[out] = max;
        argmax[out] = best;
      }
    }
  }
}
