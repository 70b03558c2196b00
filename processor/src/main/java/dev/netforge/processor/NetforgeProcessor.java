package dev.netforge.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.JavaFile;
import dev.netforge.processor.emit.CudaEmitter;
import dev.netforge.processor.emit.CudaLauncherEmitter;
import dev.netforge.processor.emit.CudaSchedule;
import dev.netforge.processor.emit.Docs;
import dev.netforge.processor.emit.JavaEmitter;
import dev.netforge.processor.emit.NetworkDescription;
import dev.netforge.processor.model.Location;
import dev.netforge.processor.model.NetworkDecl;
import dev.netforge.processor.plan.Diagnostic;
import dev.netforge.processor.plan.Plan;
import dev.netforge.processor.plan.Planner;
import dev.netforge.processor.plan.Schedule;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.FilerException;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedOptions;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic.Kind;
import javax.tools.StandardLocation;

/**
 * The netforge annotation processor: for each {@code @Network} interface, reads the declaration ({@link Reader}),
 * plans it ({@link Planner}: shapes, checks, fusion, towers) and writes the generated class ({@link JavaEmitter}).
 * Every problem is a compile error on the annotation that causes it; an unexpected exception is reported as a
 * compile error naming the network, never thrown at javac.
 */
@AutoService(Processor.class)
@SupportedOptions(NetforgeProcessor.SUMMARY_OPTION)
public final class NetforgeProcessor extends AbstractProcessor {
  /** {@code -Anetforge.summary=true} prints each network's layer table as a note. */
  public static final String SUMMARY_OPTION = "netforge.summary";

  /**
   * The DSL's package, by name: javac asks for the supported annotations before anything else, and a class literal
   * here would make an annotation processor path without netforge-dsl a stack trace at javac instead of the compile
   * error {@link #process} reports.
   */
  static final String DSL_PACKAGE = "dev.netforge.dsl";

  private static final String NETWORK_ANNOTATION = DSL_PACKAGE + ".Network";

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    // All of the DSL and the @Generated our own output carries, so that -Xlint:processing finds every annotation
    // of a netforge network claimed and the user's -Werror build stays clean.
    return Set.of(DSL_PACKAGE + ".*", "javax.annotation.processing.Generated");
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    TypeElement network = processingEnv.getElementUtils().getTypeElement(NETWORK_ANNOTATION);
    if (network == null) {
      return true; // netforge-dsl is not on the classpath: javac reports each of its annotations as unresolved
    }
    for (Element element : round.getElementsAnnotatedWith(network)) {
      try {
        processNetwork(element);
      } catch (Reader.Unresolved e) {
        // javac has reported the unresolvable value itself; a second error would only repeat it.
      } catch (LinkageError e) {
        // The processor's own dependencies are missing from the annotation processor path (a path of this jar alone,
        // as an IDE's or plain javac's -processorpath may be set up), or are of another version.
        processingEnv
            .getMessager()
            .printMessage(
                Kind.ERROR,
                "netforge's annotation processor cannot run on network " + element.getSimpleName() + ": " + e
                    + "; the annotation processor path must hold netforge-processor's dependencies too (netforge-dsl and"
                    + " javapoet, in the versions it was built with), as Maven's <annotationProcessorPaths> and Gradle's"
                    + " annotationProcessor configuration resolve them",
                element);
      } catch (RuntimeException | IOException e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        processingEnv
            .getMessager()
            .printMessage(
                Kind.ERROR,
                "netforge failed on network " + element.getSimpleName() + " (please report this): " + e + "\n" + trace,
                element);
      }
    }
    return true;
  }

  private void processNetwork(Element element) throws IOException {
    Reporter reporter = new Reporter(processingEnv.getMessager(), element);
    if (element.getKind() != ElementKind.INTERFACE) {
      reporter.report(new Diagnostic(Location.onNetwork("Network", null),
          "@Network goes on an interface whose methods are the layers, but " + element.getSimpleName() + " is a "
              + element.getKind().toString().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')));
      return;
    }
    TypeElement type = (TypeElement) element;
    NetworkDecl decl = new Reader(processingEnv.getElementUtils(), type).read();
    Planner.Result result = Planner.plan(decl);
    result.diagnostics().forEach(reporter::report);
    if (result.plan().isEmpty()) {
      return;
    }
    // Lowered once: both engines print this one schedule.
    Schedule schedule = new Schedule(result.plan().get());
    if (Boolean.parseBoolean(processingEnv.getOptions().get(SUMMARY_OPTION))) {
      processingEnv.getMessager().printMessage(Kind.NOTE, Docs.summary(schedule), element);
    }
    JavaFile file = JavaEmitter.emit(schedule, NetforgeProcessor.class.getName());
    String name = file.packageName().isEmpty() ? file.typeSpec().name() : file.packageName() + "." + file.typeSpec().name();
    try {
      write(type, name, schedule, file);
    } catch (FilerException e) {
      // Another type of that name exists (or was generated this compilation): the name chosen is the problem.
      reporter.report(new Diagnostic(Location.onNetwork("Network", "name"), "cannot generate " + name + ": " + e.getMessage()
          + "; another type already has that name, so give the network another name"));
    }
  }

  /** Writes the CPU class, the CUDA launcher and the kernels' source, each originating from the interface alone. */
  private void write(TypeElement type, String name, Schedule schedule, JavaFile file) throws IOException {
    Plan plan = schedule.plan();
    // The interface is the one originating element: Gradle's isolating mode needs exactly that.
    try (Writer writer = processingEnv.getFiler().createSourceFile(name, type).openWriter()) {
      file.writeTo(writer);
    }
    // One CUDA view of it for both CUDA outputs: the launcher and the kernels it launches.
    CudaSchedule cuda = new CudaSchedule(schedule);
    JavaFile launcher = CudaLauncherEmitter.emit(cuda, NetforgeProcessor.class.getName());
    try (Writer writer = processingEnv.getFiler().createSourceFile(name + "Cuda", type).openWriter()) {
      launcher.writeTo(writer);
    }
    try (Writer writer =
        processingEnv.getFiler().createResource(StandardLocation.CLASS_OUTPUT, plan.packageName(), plan.name() + ".cu", type).openWriter()) {
      writer.write(CudaEmitter.emit(cuda, NetforgeProcessor.class.getName()));
    }
    try (Writer writer =
        processingEnv.getFiler().createResource(StandardLocation.CLASS_OUTPUT, plan.packageName(), plan.name() + ".network.json", type)
            .openWriter()) {
      writer.write(NetworkDescription.json(schedule));
    }
  }
}
