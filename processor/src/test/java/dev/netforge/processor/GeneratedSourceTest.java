package dev.netforge.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generated source of a small two-tower network, compared with the golden file checked in beside this test, and
 * proof that generated code compiles warning-free under {@code -Xlint:all -Werror}. Run with
 * {@code -Dnetforge.updateGolden=true} to rewrite the golden file after an intended change, then review its diff.
 */
class GeneratedSourceTest {
  static JavaFileObject tinyNet() {
    return Sources.network(
        "@Network(name = \"TinyNet\", towers = 2)",
        "@Input(channels = 1, height = 12, width = 12)",
        "  @Conv(filters = 8, kernel = 3, padding = 1)",
        "  @Relu",
        "  @Lrn(size = 3, alpha = 1e-4, beta = 0.75, k = 2)",
        "  @MaxPool(kernel = 3, stride = 2, rounding = Rounding.FLOOR)",
        "  void conv1();",
        "  @Conv(filters = 8, kernel = 3, padding = 1, groups = 2, bias = 1)",
        "  @Relu",
        "  @MaxPool(kernel = 2, stride = 2, rounding = Rounding.FLOOR)",
        "  @Dropout(0.25)",
        "  void conv2();",
        "  @Param(\"classifier.0\")",
        "  @Dense(units = 16)",
        "  @Relu",
        "  @Dropout(0.5)",
        "  void fc3();",
        "  @Dense(units = 4)",
        "  @Softmax",
        "  void fc4();");
  }

  /** The CPU network, its CUDA launcher, its CUDA kernels and its description for exporters. */
  @ParameterizedTest
  @ValueSource(strings = {"TinyNet.java", "TinyNetCuda.java", "TinyNet.cu", "TinyNet.network.json"})
  void matchesTheGoldenFile(String file) throws IOException {
    Compilation c = javac().withProcessors(new NetforgeProcessor()).compile(tinyNet());
    assertThat(c).succeeded();
    JavaFileObject output = file.endsWith(".java")
        ? c.generatedSourceFile("test." + file.substring(0, file.length() - ".java".length())).orElseThrow()
        : c.generatedFile(StandardLocation.CLASS_OUTPUT, "test", file).orElseThrow();
    String generated = output.getCharContent(true).toString();
    Path golden = Path.of("src/test/resources/golden", file);
    if (Boolean.getBoolean("netforge.updateGolden")) {
      Files.writeString(golden, generated);
    }
    assertThat(generated).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
  }

  @Test
  void compilesWithoutWarningsUnderXlintAll() {
    Compilation c = javac().withOptions("-Xlint:all", "-Werror").withProcessors(new NetforgeProcessor()).compile(tinyNet());
    assertThat(c).succeededWithoutWarnings();
  }

  /**
   * Layer names that end in a capital or hold an underscore or digits next to capitals: every buffer constant the CPU
   * and CUDA classes derive from them must be spelled one way, or the generated launcher does not compile.
   */
  @Test
  void layerNamesWithCapitalsAndUnderscoresCompile() {
    Compilation c = javac().withOptions("-Xlint:all", "-Werror").withProcessors(new NetforgeProcessor()).compile(Sources.body(
        "  @Conv(filters = 8, kernel = 3, padding = 1)",
        "  @Relu",
        "  @Lrn(size = 3)",
        "  @MaxPool(kernel = 3, stride = 2, rounding = Rounding.FLOOR)",
        "  void convA();",
        "  @Conv(filters = 8, kernel = 3, padding = 1, groups = 2)",
        "  @Relu",
        "  @MaxPool(kernel = 2, stride = 2, rounding = Rounding.FLOOR)",
        "  void conv_B2();",
        "  @Dense(units = 16)",
        "  @Relu",
        "  @Dropout(0.5)",
        "  void fcHTTP();",
        "  @Dense(units = 4)",
        "  @Softmax",
        "  void out_();"));
    assertThat(c).succeededWithoutWarnings();
  }

  @Test
  void summaryOptionPrintsTheLayerTable() {
    Compilation c = javac().withOptions("-Anetforge.summary=true").withProcessors(new NetforgeProcessor()).compile(tinyNet());
    assertThat(c).succeeded();
    assertThat(c).hadNoteContaining("TinyNet (2 towers)");
    assertThat(c).hadNoteContaining("total: 972 parameters");
  }
}
