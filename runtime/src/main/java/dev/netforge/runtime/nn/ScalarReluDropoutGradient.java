package dev.netforge.runtime.nn;

/** One element at a time: the gradient without the Vector API, and the tails of the vector one. */
final class ScalarReluDropoutGradient implements ReluDropoutGradient {
  @Override
  public void apply(float[] g, float[] y, float[] mask, boolean relu, float[] out, int from, int to) {
    for (int i = from; i < to; i++) {
      float v = mask == null ? g[i] : g[i] * mask[i];
      out[i] = relu && !(y[i] > 0f) ? 0f : v;
    }
  }
}
