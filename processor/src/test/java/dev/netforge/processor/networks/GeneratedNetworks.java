package dev.netforge.processor.networks;

import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.netforge.processor.NetforgeProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;

/**
 * Declarations compiled in-process with the netforge processor, as a user's build would, and the generated classes
 * (and the kernels' {@code .cu} resources beside them) loaded from the compiler's output.
 */
final class GeneratedNetworks {
  private GeneratedNetworks() {}

  static Compilation compile(List<Declaration> declarations) {
    List<JavaFileObject> sources = new ArrayList<>();
    for (Declaration d : declarations) {
      sources.add(JavaFileObjects.forSourceLines(Declaration.PACKAGE + "." + d.interfaceName(), d.source()));
    }
    return javac().withProcessors(new NetforgeProcessor()).compile(sources);
  }

  /**
   * A class loader over a successful compilation's class output, written to {@code directory}; its parent is the
   * test's, so the generated classes share the runtime's {@code CompiledNetwork} with the test.
   */
  static ClassLoader load(Compilation compilation, Path directory) {
    String prefix = "/CLASS_OUTPUT/";
    try {
      for (JavaFileObject file : compilation.generatedFiles()) {
        String path = file.toUri().getPath();
        if (!path.startsWith(prefix)) {
          continue;
        }
        Path target = directory.resolve(path.substring(prefix.length()));
        Files.createDirectories(target.getParent());
        try (InputStream in = file.openInputStream()) {
          Files.copy(in, target);
        }
      }
      return new URLClassLoader(new URL[] {directory.toUri().toURL()}, GeneratedNetworks.class.getClassLoader());
    } catch (MalformedURLException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
