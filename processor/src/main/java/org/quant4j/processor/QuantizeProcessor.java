package org.quant4j.processor;

import com.google.auto.service.AutoService;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

/**
 * The quant4j annotation processor: for every {@code @Quantize} class {@code X} it writes
 * {@code QuantX extends X implements QuantModule} in the same package (see
 * {@link QuantClassWriter}), after checking the class and every {@code @QuantInput} and
 * {@code @QuantWeight} (see {@link QuantizeChecker}). Misuse is a compile error on the element at
 * fault; nothing escapes {@link #process}, an unexpected failure is reported as an error too.
 *
 * <p>A class whose signatures refer to types not yet generated (by another processor) waits for
 * the round in which they exist.
 */
@AutoService(Processor.class)
public final class QuantizeProcessor extends AbstractProcessor {

  private QuantizeChecker checker;
  private QuantClassWriter writer;
  /** Qualified names of the classes generated in this compilation, mapped to their source class. */
  private final Map<String, String> generated = new HashMap<>();
  /** Qualified names of {@code @Quantize} classes waiting for unresolved types. */
  private final Set<String> deferred = new LinkedHashSet<>();

  /** Creates the processor; javac finds it through {@code META-INF/services}. */
  public QuantizeProcessor() {}

  @Override
  public synchronized void init(ProcessingEnvironment processingEnv) {
    super.init(processingEnv);
    checker = new QuantizeChecker(processingEnv);
    writer = new QuantClassWriter(processingEnv.getElementUtils(), processingEnv.getTypeUtils());
  }

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(
        QuantizeChecker.QUANTIZE, QuantizeChecker.QUANT_INPUT, QuantizeChecker.QUANT_WEIGHT);
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  /**
   * Checks and generates for the {@code @Quantize} classes of this round and those deferred from
   * earlier ones. Never throws: an unexpected failure becomes a compile error.
   *
   * @param annotations the annotation types of this round
   * @param round this round
   * @return false: the annotations stay visible to other processors
   */
  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    try {
      for (Element e : annotatedWith(round, QuantizeChecker.QUANT_INPUT)) {
        guarded(e, () -> checker.checkInputPlacement(e));
      }
      for (Element e : annotatedWith(round, QuantizeChecker.QUANT_WEIGHT)) {
        guarded(e, () -> checker.checkWeightPlacement(e));
      }
      List<Element> classes = new ArrayList<>();
      for (String name : deferred) {
        Element e = processingEnv.getElementUtils().getTypeElement(name);
        if (e != null) {
          classes.add(e);
        }
      }
      deferred.clear();
      classes.addAll(annotatedWith(round, QuantizeChecker.QUANTIZE));
      for (Element e : classes) {
        guarded(e, () -> processClass(e, round.processingOver()));
      }
    } catch (Throwable t) {
      reportInternalError(null, "this round", t);
    }
    return false;
  }

  private void processClass(Element element, boolean lastRound) {
    if (checker.hasUnresolvedTypes(element)) {
      if (!lastRound) {
        deferred.add(((TypeElement) element).getQualifiedName().toString());
      }
      // On the last round javac reports the unresolved types itself.
      return;
    }
    Optional<QuantizedClass> model = checker.check(element, generated);
    if (model.isEmpty()) {
      return;
    }
    TypeElement type = model.get().type();
    String pkg = processingEnv.getElementUtils().getPackageOf(type).getQualifiedName().toString();
    String qualified = pkg.isEmpty() ? model.get().generatedName() : pkg + "." + model.get().generatedName();
    try {
      writer.write(model.get()).writeTo(processingEnv.getFiler());
      generated.put(qualified, type.getQualifiedName().toString());
    } catch (IOException e) {
      processingEnv
          .getMessager()
          .printMessage(
              Diagnostic.Kind.ERROR,
              ErrorMessages.writeFailed(qualified, String.valueOf(e.getMessage())),
              type);
    }
  }

  private Set<? extends Element> annotatedWith(RoundEnvironment round, String annotation) {
    TypeElement type = processingEnv.getElementUtils().getTypeElement(annotation);
    return type == null ? Set.of() : round.getElementsAnnotatedWith(type);
  }

  private void guarded(Element element, Runnable step) {
    try {
      step.run();
    } catch (Throwable t) {
      reportInternalError(element, element.toString(), t);
    }
  }

  private void reportInternalError(Element element, String where, Throwable t) {
    StringWriter trace = new StringWriter();
    t.printStackTrace(new PrintWriter(trace));
    String message = ErrorMessages.internalError(where, trace.toString());
    if (element == null) {
      processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, message);
    } else {
      processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, message, element);
    }
  }
}
