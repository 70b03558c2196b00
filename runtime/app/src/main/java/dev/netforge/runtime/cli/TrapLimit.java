package dev.netforge.runtime.cli;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;

/**
 * The JVM option that keeps C2 (JDK 17) from compiling the Vector API kernels boxed: {@value #OPTION}, which {@code
 * bin/netforge}, the tests and the JMH forks pass. C2 adds up the deoptimization counts of every method it inlines into
 * one compilation; once the {@code class_check} ones pass PerMethodTrapLimit (100 by default), each call whose
 * receiver class it must guess from the profile gets a virtual-call fallback, and a Vector API store after such a call
 * no longer knows its vector's class, fails its intrinsic and boxes. The micro-kernel's compilation parses
 * VectorOperators.opCode 24 times and opKind 12 times: 60 such traps where only opKind's profile holds 4, but 156 in the
 * JVMs where earlier code left 4 in opCode's too (about one AlexNetTorchvision run in four), and there its last stores
 * boxed: 42 MB allocated per forward pass, 30–40% slower steps (docs/performance.md, session 20). The limit still
 * applies per bytecode (PerBytecodeTrapLimit), so one call site that keeps trapping is compiled without its guess
 * after a few traps, as before.
 */
final class TrapLimit {
  private static final long NEEDED = 100_000;
  static final String OPTION = "-XX:PerMethodTrapLimit=" + NEEDED;

  private TrapLimit() {}

  /** A sentence for the boxing warnings when this JVM runs with a lower limit (or one it cannot read); else empty. */
  static String advice() {
    return current() >= NEEDED ? "" : "; start the JVM with " + OPTION + " as bin/netforge does (" + TrapLimit.class.getName() + " says why)";
  }

  private static long current() {
    try {
      VMOption option = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption("PerMethodTrapLimit");
      return Long.parseLong(option.getValue());
    } catch (RuntimeException | LinkageError e) {
      return -1; // not HotSpot, no jdk.management, or the option is gone: say what would help there
    }
  }
}
