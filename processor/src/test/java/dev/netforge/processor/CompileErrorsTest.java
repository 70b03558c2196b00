package dev.netforge.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Every compile error the processor reports: its message, file and line (the annotation or value that is wrong). */
class CompileErrorsTest {
  private static Compilation compile(JavaFileObject source) {
    return javac().withProcessors(new NetforgeProcessor()).compile(source);
  }

  private static void assertError(JavaFileObject source, String message, int line) {
    Compilation c = compile(source);
    assertThat(c).failed();
    assertThat(c).hadErrorContaining(message).inFile(source).onLine(line);
  }

  @Test
  void nonIntegralOutputSizeShowsTheArithmeticAndTheFix() {
    JavaFileObject source = Sources.network(
        "@Network(name = \"Paper224\")",
        "@Input(channels = 3, height = 224, width = 224)",
        "  @Conv(filters = 96, kernel = 11, stride = 4)",
        "  @Relu",
        "  void conv1();");
    Compilation c = compile(source);
    assertThat(c).failed();
    assertThat(c).hadErrorContaining("conv1: output height and width (224 + 2*0 - 11)/4 + 1 = 54.25 is not an integer; use an input height and width of 227 or 223")
        .inFile(source).onLine(6);
    assertThat(c).hadErrorContaining("or rounding = Rounding.FLOOR").inFile(source).onLine(6);
  }

  /** Past one Java array an example's tensor can be allocated at no batch, and its size in the generated code is no int. */
  @Test
  void anExampleTooLargeForOneArrayIsAnErrorOnTheAnnotationThatMakesIt() {
    assertError(Sources.network("@Network(name = \"Wide\")", "@Input(channels = 1, height = 40000, width = 40000)",
        "  @Conv(filters = 64, kernel = 3, padding = 1)",
        "  void conv1();"),
        "conv1: the output [64, 40000, 40000] of one example: 102,400,000,000 floats, more than one Java array holds (2,147,483,639); "
            + "use a smaller input, a larger stride or fewer filters", 6);
    assertError(Sources.network("@Network(name = \"Wide\")", "@Input(channels = 3, height = 30000, width = 30000)",
        "  @Conv(filters = 4, kernel = 3)",
        "  void conv1();"),
        "the input [3, 30000, 30000] of one example: 2,700,000,000 floats, more than one Java array holds (2,147,483,639); use a smaller input", 4);
    assertError(Sources.network("@Network(name = \"Wide\")", "@Input(channels = 5000, height = 11, width = 11)",
        "  @Conv(filters = 50000, kernel = 11)",
        "  void conv1();"),
        "conv1: the weights [50000, 5000, 11, 11]: 30,250,000,000 floats, more than one Java array holds", 6);
  }

  @Test
  void nonIntegralPoolingOutput() {
    assertError(Sources.body(
        "  @Conv(filters = 4, kernel = 3, padding = 1)",
        "  @MaxPool(kernel = 3, stride = 2)",
        "  void conv1();"), "conv1: max pool output height and width (12 + 2*0 - 3)/2 + 1 = 5.5 is not an integer", 7);
  }

  @Test
  void groupsMustDivideTheInputChannels() {
    assertError(Sources.body(
        "  @Conv(filters = 6, kernel = 3, padding = 1)",
        "  void conv1();",
        "  @Conv(filters = 8, kernel = 3, padding = 1,",
        "      groups = 4)",
        "  void conv2();"), "conv2: input channels 6 are not divisible by groups = 4; use groups = 3", 9);
  }

  @Test
  void filtersMustSplitOverTheTowers() {
    assertError(Sources.body(
        "  @Conv(filters = 5, kernel = 3, padding = 1)",
        "  void conv1();"), "conv1: filters = 5 is not divisible by the network's 2 towers; use 6", 6);
  }

  @Test
  void unitsMustSplitOverTheTowers() {
    assertError(Sources.body(
        "  @Dense(units = 7)",
        "  void fc1();"), "fc1: units = 7 is not divisible by the network's 2 towers; use 8", 6);
  }

  @Test
  void windowLargerThanItsInput() {
    assertError(Sources.body(
        "  @Conv(filters = 4, kernel = 3, stride = 3)",
        "  @MaxPool(kernel = 5, stride = 1)",
        "  void conv1();"), "conv1: the max pool 5×5 window is larger than the input height and width 4; use a kernel of at most 4", 7);
  }

  @Test
  void convolutionAfterDense() {
    assertError(Sources.body(
        "  @Dense(units = 8)",
        "  void fc1();",
        "  @Conv(filters = 4, kernel = 1)",
        "  void conv2();"), "conv2: a convolution cannot follow a dense layer", 8);
  }

  @Test
  void poolingAfterDense() {
    assertError(Sources.body(
        "  @Dense(units = 8)",
        "  @MaxPool(kernel = 2, stride = 2)",
        "  void fc1();"), "fc1: max pooling cannot follow a dense layer", 7);
  }

  @Test
  void softmaxOnlyOnTheLastLayer() {
    assertError(Sources.body(
        "  @Dense(units = 8)",
        "  @Softmax",
        "  void fc1();",
        "  @Dense(units = 4)",
        "  void fc2();"), "fc1: @Softmax must be the last operation of the last layer", 7);
  }

  @Test
  void twoParametricLayersOnOneMethod() {
    assertError(Sources.body(
        "  @Conv(filters = 4, kernel = 3)",
        "  @Dense(units = 8)",
        "  void both();"), "both: both declares two parametric layers; move @Dense to a method of its own", 7);
  }

  @Test
  void missingInput() {
    JavaFileObject source = JavaFileObjects.forSourceLines("test.Net",
        "package test;",
        "import dev.netforge.dsl.*;",
        "@Network(name = \"NoInput\")",
        "public interface Net {",
        "  @Dense(units = 8)",
        "  void fc1();",
        "}");
    assertError(source, "Net: missing @Input(channels, height, width) on the network interface", 3);
  }

  @Test
  void nonPositiveSizes() {
    assertError(Sources.body(
        "  @Conv(filters = 0, kernel = 3)",
        "  void conv1();"), "conv1: filters = 0 must be positive", 6);
    assertError(Sources.network(
        "@Network(name = \"TinyNet\")",
        "@Input(channels = 1, height = -12, width = 12)",
        "  @Dense(units = 8)",
        "  void fc1();"), "Net: height = -12 must be positive", 4);
    assertError(Sources.body(
        "  @Conv(filters = 4, kernel = 3,",
        "      stride = 0)",
        "  void conv1();"), "conv1: stride = 0 must be positive", 7);
  }

  @Test
  void dropoutRateOutsideTheUnitInterval() {
    assertError(Sources.body(
        "  @Dense(units = 8)",
        "  @Relu",
        "  @Dropout(1.0)",
        "  void fc1();"), "fc1: dropout rate 1.0 is outside [0, 1)", 8);
  }

  @Test
  void duplicateParameterNames() {
    assertError(Sources.body(
        "  @Param(\"features.0\")",
        "  @Dense(units = 8)",
        "  void fc1();",
        "  @Param(\"features.0\")",
        "  @Dense(units = 4)",
        "  void fc2();"), "fc2: parameter names features.0.weight and features.0.bias are already used by fc1", 9);
  }

  @Test
  void networkOnAClass() {
    JavaFileObject source = JavaFileObjects.forSourceLines("test.Net",
        "package test;",
        "import dev.netforge.dsl.*;",
        "@Network(name = \"NotAnInterface\")",
        "@Input(channels = 1, height = 4, width = 4)",
        "public class Net {",
        "}");
    assertError(source, "Net: @Network goes on an interface whose methods are the layers, but Net is a class", 3);
  }

  @Test
  void unsupportedTowerCount() {
    assertError(Sources.network(
        "@Network(name = \"TinyNet\", towers = 3)",
        "@Input(channels = 1, height = 12, width = 12)",
        "  @Dense(units = 9)",
        "  void fc1();"), "Net: towers = 3 is not supported; use 1 or 2", 3);
  }

  @Test
  void aMethodWithoutLayers() {
    assertError(Sources.body(
        "  @Dense(units = 8)",
        "  void fc1();",
        "  void helper();"), "helper: helper declares no layer", 8);
  }

  @Test
  void evenLrnSize() {
    assertError(Sources.body(
        "  @Conv(filters = 4, kernel = 3)",
        "  @Lrn(size = 4)",
        "  void conv1();"), "conv1: size = 4 must be a positive odd number of channels", 7);
  }

  @Test
  void anUnresolvableValueIsJavacsErrorNotACrash() {
    JavaFileObject source = Sources.body(
        "  @Conv(filters = NO_SUCH_CONSTANT, kernel = 3)",
        "  void conv1();");
    Compilation c = compile(source);
    assertThat(c).failed();
    assertThat(c).hadErrorContaining("cannot find symbol").inFile(source).onLine(6);
    assertThat(c).hadErrorCount(1);
  }

  @Test
  void invalidClassName() {
    assertError(Sources.network(
        "@Network(name = \"Tiny-Net\")",
        "@Input(channels = 1, height = 12, width = 12)",
        "  @Dense(units = 8)",
        "  void fc1();"), "Net: name \"Tiny-Net\" is not a valid Java class name", 3);
  }

  @Test
  void theGeneratedClassWouldReplaceTheInterface() {
    assertError(Sources.network(
        "@Network(name = \"Net\")",
        "@Input(channels = 1, height = 12, width = 12)",
        "  @Dense(units = 8)",
        "  void fc1();"), "Net: name \"Net\" would make the generated class Net replace the interface Net that declares it; name the network"
        + " differently, for example name = \"NetNet\"", 3);
    JavaFileObject launcherName = JavaFileObjects.forSourceLines("test.SmallCuda",
        "package test;",
        "import dev.netforge.dsl.*;",
        "@Network(name = \"Small\")",
        "@Input(channels = 1, height = 12, width = 12)",
        "public interface SmallCuda {",
        "  @Dense(units = 8)",
        "  void fc1();",
        "}");
    assertError(launcherName, "SmallCuda: name \"Small\" would make the generated class SmallCuda replace the interface SmallCuda", 3);
  }

  @Test
  void anotherTypeAlreadyHasTheName() {
    JavaFileObject other = JavaFileObjects.forSourceLines("test.Taken", "package test;", "public class Taken {}");
    JavaFileObject source = Sources.network(
        "@Network(name = \"Taken\")",
        "@Input(channels = 1, height = 12, width = 12)",
        "  @Dense(units = 8)",
        "  void fc1();");
    Compilation c = javac().withProcessors(new NetforgeProcessor()).compile(source, other);
    assertThat(c).failed();
    assertThat(c).hadErrorContaining("Net: cannot generate test.Taken").inFile(source).onLine(3);
    assertThat(c).hadErrorContaining("give the network another name").inFile(source).onLine(3);
  }

  @Test
  void negativePadding() {
    assertError(Sources.body(
        "  @Conv(filters = 4, kernel = 3,",
        "      padding = -1)",
        "  void conv1();"), "conv1: padding = -1 must not be negative", 7);
  }

  @Test
  void filtersMustSplitOverTheGroups() {
    assertError(Sources.network(
        "@Network(name = \"TinyNet\")",
        "@Input(channels = 4, height = 12, width = 12)",
        "  @Conv(filters = 6, kernel = 3,",
        "      groups = 4)",
        "  void conv1();"), "conv1: filters = 6 is not divisible by groups = 4", 6);
  }

  @Test
  void groupsMustBeAMultipleOfTheTowers() {
    assertError(Sources.network(
        "@Network(name = \"TinyNet\", towers = 2)",
        "@Input(channels = 3, height = 12, width = 12)",
        "  @Conv(filters = 6, kernel = 3,",
        "      groups = 3)",
        "  void conv1();"), "conv1: groups = 3 must be 1 or a multiple of the network's 2 towers", 7);
  }

  @Test
  void lrnConstantsOutOfRange() {
    assertError(Sources.body(
        "  @Conv(filters = 4, kernel = 3)",
        "  @Lrn(size = 5, k = 0)",
        "  void conv1();"), "conv1: LRN needs k > 0, alpha >= 0 and beta > 0 (got k = 0.0, alpha = 1.0E-4, beta = 0.75)", 7);
    assertError(Sources.body(
        "  @Conv(filters = 4, kernel = 3)",
        "  @Lrn(size = 5, alpha = -1)",
        "  void conv1();"), "conv1: LRN needs k > 0, alpha >= 0 and beta > 0", 7);
  }

  @Test
  void softmaxNeedsClassScores() {
    assertError(Sources.body(
        "  @Conv(filters = 4, kernel = 3)",
        "  @Softmax",
        "  void conv1();"), "conv1: @Softmax needs class scores, but conv1 outputs [4, 10, 10]; add a @Dense layer first", 7);
  }

  @Test
  void emptyParameterPrefix() {
    assertError(Sources.body(
        "  @Param(\"\")",
        "  @Dense(units = 8)",
        "  void fc1();"), "fc1: the parameter prefix is empty", 6);
  }

  @Test
  void noLayers() {
    assertError(Sources.network(
        "@Network(name = \"TinyNet\")",
        "@Input(channels = 1, height = 12, width = 12)"), "Net: the network declares no layers; add a method annotated with @Conv or @Dense", 3);
  }

  @Test
  void noLayerWithParameters() {
    assertError(Sources.body(
        "  @MaxPool(kernel = 2, stride = 2)",
        "  void pool();"), "Net: the network has no layer with parameters to train; add a method annotated with @Conv or @Dense", 3);
  }

  @Test
  void denseLayerTooLargeForOneArray() {
    assertError(Sources.network(
        "@Network(name = \"TinyNet\")",
        "@Input(channels = 1, height = 1000, width = 1000)",
        "  @Dense(units = 4096)",
        "  void fc1();"), "fc1: the weights [4096, 1000000]: 4,096,000,000 floats, more than one Java array holds (2,147,483,639); use fewer units, or pool"
        + " or stride the layers before it to a smaller input", 6);
  }

  @Test
  void aMethodMayOpenWithoutParametersAndAStageMayPoolAlone() {
    Compilation c = compile(Sources.body(
        "  @Lrn(size = 3)",
        "  @MaxPool(kernel = 2, stride = 2)",
        "  void normalizeAndPool();",
        "  @MaxPool(kernel = 3, stride = 1)",
        "  @Conv(filters = 4, kernel = 3)",
        "  @Relu",
        "  void poolThenConv();",
        "  @Dropout(0.5)",
        "  void dropout();"));
    assertThat(c).succeededWithoutWarnings();
  }

  @Test
  void averagePoolPaddingBeyondHalfTheKernel() {
    assertError(Sources.body(
        "  @Conv(filters = 4, kernel = 3)",
        "  @AvgPool(kernel = 3, stride = 1,",
        "      padding = 2)",
        "  void conv1();"), "conv1: padding = 2 must be between 0 and half the kernel, 1 (a window may not lie in the padding alone)", 8);
  }

  @Test
  void nonIntegralAveragePoolOutput() {
    assertError(Sources.body(
        "  @Conv(filters = 4, kernel = 3, padding = 1)",
        "  @AvgPool(kernel = 3, stride = 2, padding = 1)",
        "  void conv1();"), "conv1: average pool output height and width (12 + 2*1 - 3)/2 + 1 = 6.5 is not an integer", 7);
  }
}
