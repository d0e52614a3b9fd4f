package org.quant4j.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The generated sources, character for character, against expected files in test resources. */
class GeneratedSourceTest {

  @Test
  void linearLayerGeneratesQuantLinearAsExpected() {
    Compilation compilation = compile("golden/Linear.java");
    assertThat(compilation)
        .generatedSourceFile("test.QuantLinear")
        .contentsAsUtf8String()
        .isEqualTo(resource("golden/QuantLinear.java"));
  }

  @Test
  void genericInputOnlyClassKeepsTypeParametersVarargsAndExceptions() {
    Compilation compilation = compile("golden/Pool.java");
    assertThat(compilation)
        .generatedSourceFile("test.QuantPool")
        .contentsAsUtf8String()
        .isEqualTo(resource("golden/QuantPool.java"));
  }

  @Test
  void goldenSourcesCompileWithoutWarnings() {
    Compilation compilation =
        Sources.compiler()
            .withOptions("-Xlint:all", "-Xlint:-processing")
            .compile(
                JavaFileObjects.forResource("golden/Linear.java"),
                JavaFileObjects.forResource("golden/Pool.java"));
    assertThat(compilation).succeededWithoutWarnings();
  }

  private static Compilation compile(String source) {
    return Sources.process(JavaFileObjects.forResource(source));
  }

  static String resource(String name) {
    try (InputStream in = GeneratedSourceTest.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
