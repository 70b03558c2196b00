package dev.netforge.runtime;

/**
 * Whether this JVM was started with {@code jdk.incubator.vector} ({@code --add-modules jdk.incubator.vector}, as the
 * netforge launcher does): the fast kernels need it, and a class that mentions its types must not load without it.
 */
public final class VectorApi {
  private static final boolean PRESENT = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

  private VectorApi() {}

  public static boolean present() {
    return PRESENT;
  }
}
