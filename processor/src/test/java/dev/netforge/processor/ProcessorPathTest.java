package dev.netforge.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import dev.netforge.dsl.Network;
import java.net.URL;
import java.net.URLClassLoader;
import javax.annotation.processing.Processor;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The processor on an annotation processor path that holds its own classes and nothing it depends on (as an IDE's
 * processor path or plain javac's {@code -processorpath} may be set up): one compile error on the network that names
 * what is missing, not a stack trace thrown at javac.
 */
class ProcessorPathTest {
  @Test
  void aProcessorPathWithoutItsDependenciesIsOneCompileErrorOnTheNetwork() throws Exception {
    URL processorClasses = NetforgeProcessor.class.getProtectionDomain().getCodeSource().getLocation();
    // Its classes alone, under the platform's loader: neither netforge-dsl nor javapoet is visible to it.
    try (URLClassLoader alone = new URLClassLoader(new URL[] {processorClasses}, ClassLoader.getPlatformClassLoader())) {
      Processor processor = (Processor) alone.loadClass(NetforgeProcessor.class.getName()).getConstructor().newInstance();
      JavaFileObject source = Sources.body(
          "  @Conv(filters = 4, kernel = 3, padding = 1)",
          "  void conv1();");
      Compilation c = javac().withProcessors(processor).compile(source);
      assertThat(c).failed();
      assertThat(c).hadErrorCount(1);
      assertThat(c).hadErrorContaining("netforge's annotation processor cannot run on network Net: java.lang.NoClassDefFoundError: dev/netforge/dsl/")
          .inFile(source);
      assertThat(c).hadErrorContaining("must hold netforge-processor's dependencies too (netforge-dsl and javapoet");
    }
  }

  @Test
  void theSupportedAnnotationsAreTheDslsPackage() {
    assertEquals(Network.class.getPackageName(), NetforgeProcessor.DSL_PACKAGE);
  }
}
