package org.quant4j.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.quant4j.processor.Sources.process;
import static org.quant4j.processor.Sources.source;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** One compile reports every problem, across elements and files, and nothing else. */
class SeveralErrorsTest {

  @Test
  void everyProblemOfACompileIsReportedAtOnce() {
    JavaFileObject dense =
        source(
            "Dense",
            "@Quantize(weight = @QuantDesc(numBits = 0, axis = 0))",
            "public final class Dense {",
            "  public final INDArray forward(@QuantInput INDArray x) { return x; }",
            "  public INDArray scale(@QuantInput double factor) { return null; }",
            "  @QuantWeight private INDArray weight() { return null; }",
            "}");
    JavaFileObject helper =
        source(
            "Helper",
            "public class Helper {",
            "  public INDArray apply(@QuantInput INDArray x) { return x; }",
            "}");
    JavaFileObject valid =
        source(
            "Pool",
            "@Quantize public class Pool {",
            "  public INDArray forward(@QuantInput INDArray x) { return x; }",
            "}");

    Compilation compilation = process(dense, helper, valid);

    assertThat(compilation).hadErrorCount(6);
    assertThat(compilation)
        .hadErrorContaining("is outside [1, 16]")
        .inFile(dense)
        .onLineContaining("numBits = 0");
    assertThat(compilation)
        .hadErrorContaining("@Quantize class Dense is final")
        .inFile(dense)
        .onLineContaining("public final class Dense");
    assertThat(compilation)
        .hadErrorContaining("@QuantInput method forward(INDArray) is final")
        .inFile(dense)
        .onLineContaining("public final INDArray forward");
    assertThat(compilation)
        .hadErrorContaining("@QuantInput parameter factor of scale(double) is double")
        .inFile(dense)
        .onLineContaining("@QuantInput double factor");
    assertThat(compilation)
        .hadErrorContaining("@QuantWeight method weight() is private")
        .inFile(dense)
        .onLineContaining("private INDArray weight()");
    assertThat(compilation)
        .hadErrorContaining("@QuantInput is used in Helper, which is not annotated @Quantize")
        .inFile(helper)
        .onLineContaining("apply(@QuantInput INDArray x)");
  }
}
