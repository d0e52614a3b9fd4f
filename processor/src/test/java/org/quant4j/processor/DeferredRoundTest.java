package org.quant4j.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import org.junit.jupiter.api.Test;

/**
 * A {@code @Quantize} class whose constructor names a type another processor generates is
 * generated in a later round, once the type exists, instead of failing on the unresolved type.
 */
class DeferredRoundTest {

  /** Writes {@code test.Settings} in the first round, as e.g. an AutoValue or Dagger would. */
  private static final class SettingsWriter extends AbstractProcessor {
    private boolean written;

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      if (!written) {
        written = true;
        try (Writer out = processingEnv.getFiler().createSourceFile("test.Settings").openWriter()) {
          out.write("package test;\npublic final class Settings {}\n");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return false;
    }
  }

  @Test
  void classNamingAGeneratedTypeIsGeneratedOnceTheTypeExists() {
    Compilation compilation =
        Sources.compiler(new SettingsWriter())
            .compile(
                Sources.source(
                    "Dense",
                    "@Quantize public class Dense {",
                    "  public Dense(Settings settings) {}",
                    "  public INDArray forward(@QuantInput INDArray x) { return x; }",
                    "}"));

    assertThat(compilation).succeeded();
    assertThat(compilation)
        .generatedSourceFile("test.QuantDense")
        .contentsAsUtf8String()
        .contains("public QuantDense(Settings settings) {");
  }
}
