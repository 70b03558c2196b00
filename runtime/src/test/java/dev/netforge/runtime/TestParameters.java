package dev.netforge.runtime;

/** Parameters holding given values, for the tests that run one stage on its own. */
final class TestParameters {
  private TestParameters() {}

  /** A one-dimensional parameter named {@code name} holding a copy of {@code values}, its gradient zero. */
  static Parameter of(String name, float[] values) {
    Parameter p = new Parameter(name, new int[] {values.length}, 1, false, 0f);
    System.arraycopy(values, 0, p.value, 0, values.length);
    return p;
  }
}
