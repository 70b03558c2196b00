package dev.netforge.processor;

import com.google.testing.compile.JavaFileObjects;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;

/** Test networks as source files whose line numbers the error tests can point at. */
final class Sources {
  /** Line of the first body line given to {@link #network}: package, imports and the two type annotations come first. */
  static final int FIRST_BODY_LINE = 6;

  private Sources() {}

  /**
   * {@code package test; import dev.netforge.dsl.*;} then {@code typeAnnotations} (two lines) and {@code interface Net}
   * with {@code body} from line {@link #FIRST_BODY_LINE}.
   */
  static JavaFileObject network(String networkLine, String inputLine, String... body) {
    List<String> lines = new ArrayList<>();
    lines.add("package test;");
    lines.add("import dev.netforge.dsl.*;");
    lines.add(networkLine);
    lines.add(inputLine);
    lines.add("public interface Net {");
    for (String b : body) {
      lines.add(b);
    }
    lines.add("}");
    return JavaFileObjects.forSourceLines("test.Net", lines);
  }

  /** A two-tower network on 1×12×12 inputs with these layers. */
  static JavaFileObject body(String... body) {
    return network("@Network(name = \"TinyNet\", towers = 2)", "@Input(channels = 1, height = 12, width = 12)", body);
  }
}
