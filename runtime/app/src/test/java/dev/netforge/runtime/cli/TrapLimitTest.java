package dev.netforge.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class TrapLimitTest {
  /** The tests' JVMs get the option from the build's netforge.vector.flags, as bin/netforge's get it: no advice. */
  @Test
  void aJvmStartedWithTheOptionNeedsNoAdvice() {
    assertEquals(1, ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(TrapLimit.OPTION::equals).count(),
        "the surefire argLine lacks " + TrapLimit.OPTION);
    assertEquals("", TrapLimit.advice());
  }
}
