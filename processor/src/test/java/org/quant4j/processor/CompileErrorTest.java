package org.quant4j.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.quant4j.processor.Sources.process;
import static org.quant4j.processor.Sources.source;

import com.google.testing.compile.Compilation;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** Each misuse is a compile error, with a message saying what to do, on the line at fault. */
class CompileErrorTest {

  private static void assertSingleError(JavaFileObject file, String message, String line) {
    Compilation compilation = process(file);
    assertThat(compilation).failed();
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining(message).inFile(file).onLineContaining(line);
  }

  @Test
  void finalClassIsRejected() {
    assertSingleError(
        source(
            "Dense",
            "@Quantize public final class Dense {",
            "  public INDArray forward(@QuantInput INDArray x) { return x; }",
            "}"),
        "@Quantize class Dense is final, so QuantDense cannot extend it; remove the final modifier",
        "public final class Dense");
  }

  @Test
  void sealedClassIsRejected() {
    assertSingleError(
        source(
            "Dense",
            "@Quantize public sealed class Dense permits Wide {",
            "  public INDArray forward(@QuantInput INDArray x) { return x; }",
            "}",
            "final class Wide extends Dense {}"),
        "@Quantize class Dense is sealed, so QuantDense cannot extend it",
        "sealed class Dense");
  }

  @Test
  void interfaceIsRejected() {
    assertSingleError(
        source(
            "Layer",
            "@Quantize public interface Layer {",
            "  INDArray forward(INDArray x);",
            "}"),
        "@Quantize applies to classes that can be subclassed, but Layer is an interface",
        "public interface Layer");
  }

  @Test
  void enumIsRejected() {
    assertSingleError(
        source("Mode", "@Quantize public enum Mode { A }"),
        "but Mode is an enum; annotate a non-final class instead",
        "public enum Mode");
  }

  @Test
  void recordIsRejected() {
    assertSingleError(
        source("Pair", "@Quantize public record Pair(INDArray a) {}"),
        "but Pair is a record",
        "public record Pair");
  }

  @Test
  void innerClassIsRejected() {
    assertSingleError(
        source(
            "Outer",
            "public class Outer {",
            "  @Quantize public class Inner {",
            "    public INDArray forward(@QuantInput INDArray x) { return x; }",
            "  }",
            "}"),
        "@Quantize class Inner is an inner class, so QuantInner cannot extend it; declare it static",
        "public class Inner");
  }

  @Test
  void privateNestedClassIsRejected() {
    assertSingleError(
        source(
            "Outer",
            "public class Outer {",
            "  @Quantize private static class Hidden {",
            "    public INDArray forward(@QuantInput INDArray x) { return x; }",
            "  }",
            "}"),
        "@Quantize class Hidden is private, so QuantHidden cannot extend it",
        "private static class Hidden");
  }

  @Test
  void classWithOnlyPrivateConstructorsIsRejected() {
    assertSingleError(
        source(
            "Dense",
            "@Quantize public class Dense {",
            "  private Dense() {}",
            "  public INDArray forward(@QuantInput INDArray x) { return x; }",
            "}"),
        "@Quantize class Dense has no non-private constructor, so QuantDense cannot call"
            + " super(...); add a constructor that is not private",
        "public class Dense");
  }

  @Test
  void classWithNothingToQuantizeIsRejected() {
    assertSingleError(
        source(
            "Dense",
            "@Quantize public class Dense {",
            "  public INDArray forward(INDArray x) { return x; }",
            "}"),
        "@Quantize class Dense has nothing to quantize; annotate INDArray parameters with"
            + " @QuantInput or a weight accessor with @QuantWeight",
        "public class Dense");
  }

  @Test
  void privateAnnotatedMethodIsRejected() {
    assertSingleError(
        source(
            "Dense",
            "@Quantize public class Dense {",
            "  private INDArray forward(@QuantInput INDArray x) { return x; }",
            "}"),
        "@QuantInput method forward(INDArray) is private, so it cannot be overridden to quantize;"
            + " make it package-private, protected or public",
        "private INDArray forward");
  }

  @Test
  void staticAnnotatedMethodIsRejected() {
    assertSingleError(
        source(
            "Dense",
            "@Quantize public class Dense {",
            "  public INDArray forward(@QuantInput INDArray x) { return x; }",
            "  @QuantWeight static INDArray weight() { return null; }",
            "}"),
        "@QuantWeight method weight() is static, so it cannot be overridden to quantize; make it"
            + " an instance method",
        "static INDArray weight()");
  }

  @Test
  void finalAnnotatedMethodIsRejected() {
    assertSingleError(
        source(
            "Dense",
            "@Quantize public class Dense {",
            "  public final INDArray forward(@QuantInput INDArray x, int axis) { return x; }",
            "}"),
        "@QuantInput method forward(INDArray, int) is final, so it cannot be overridden to"
            + " quantize; remove the final modifier",
        "public final INDArray forward");
  }

  @Test
  void abstractAnnotatedMethodIsRejected() {
    assertSingleError(
        source(
            "Dense",
            "@Quantize public abstract class Dense {",
            "  public abstract INDArray forward(@QuantInput INDArray x);",
            "}"),
        "@QuantInput method forward(INDArray) is abstract, so there is no code to quantize for;"
            + " annotate the method that implements it",
        "public abstract INDArray forward");
  }

  @Test
  void nonIndArrayInputParameterIsRejected() {
    assertSingleError(
        source(
            "Dense",
            "@Quantize public class Dense {",
            "  public INDArray forward(INDArray x,",
            "      @QuantInput float[] scale) { return x; }",
            "}"),
        "@QuantInput parameter scale of forward(INDArray, float[]) is float[], but only INDArray"
            + " (or INDArray[]) can be quantized; change its type or remove @QuantInput",
        "@QuantInput float[] scale");
  }

  @Test
  void nonIndArrayWeightReturnIsRejected() {
    assertSingleError(
        source(
            "Dense",
            "@Quantize public class Dense {",
            "  @QuantWeight public List<INDArray> weights() { return null; }",
            "}"),
        "@QuantWeight method weights() returns List, but a weight accessor must return INDArray;"
            + " change the return type or remove @QuantWeight",
        "public List<INDArray> weights()");
  }

  @Test
  void weightAccessorWithParametersIsRejected() {
    assertSingleError(
        source(
            "Dense",
            "@Quantize public class Dense {",
            "  @QuantWeight public INDArray weight(int layer) { return null; }",
            "}"),
        "@QuantWeight method weight(int) takes parameters, but a weight accessor takes none;"
            + " remove the parameters or remove @QuantWeight",
        "public INDArray weight(int layer)");
  }

  @Test
  void quantInputOutsideQuantizeClassIsRejected() {
    assertSingleError(
        source(
            "Dense",
            "public class Dense {",
            "  public INDArray forward(@QuantInput INDArray x) { return x; }",
            "}"),
        "@QuantInput is used in Dense, which is not annotated @Quantize; annotate Dense with"
            + " @Quantize or remove @QuantInput",
        "public INDArray forward");
  }

  @Test
  void quantWeightOutsideQuantizeClassIsRejected() {
    assertSingleError(
        source(
            "Dense",
            "public class Dense {",
            "  @QuantWeight public INDArray weight() { return null; }",
            "}"),
        "@QuantWeight is used in Dense, which is not annotated @Quantize",
        "public INDArray weight()");
  }

  @Test
  void quantInputOnConstructorParameterIsRejected() {
    assertSingleError(
        source(
            "Dense",
            "@Quantize public class Dense {",
            "  public Dense(@QuantInput INDArray init) {}",
            "  public INDArray forward(@QuantInput INDArray x) { return x; }",
            "}"),
        "@QuantInput is on a constructor parameter of Dense, but only method parameters are"
            + " quantized; move it to the method that computes with the input",
        "public Dense(@QuantInput INDArray init)");
  }

  @Test
  void existingQuantTypeIsAClash() {
    JavaFileObject dense =
        source(
            "Dense",
            "@Quantize public class Dense {",
            "  public INDArray forward(@QuantInput INDArray x) { return x; }",
            "}");
    JavaFileObject existing = source("QuantDense", "public class QuantDense {}");
    Compilation compilation = process(dense, existing);
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "QuantDense cannot be generated for @Quantize class Dense: test.QuantDense already"
                + " exists; rename it or the annotated class")
        .inFile(dense)
        .onLineContaining("public class Dense");
  }

  @Test
  void nestedClassesWithTheSameNameClash() {
    JavaFileObject first =
        source(
            "A",
            "public class A {",
            "  @Quantize public static class Block {",
            "    public INDArray forward(@QuantInput INDArray x) { return x; }",
            "  }",
            "}");
    JavaFileObject second =
        source(
            "B",
            "public class B {",
            "  @Quantize public static class Block {",
            "    public INDArray forward(@QuantInput INDArray x) { return x; }",
            "  }",
            "}");
    Compilation compilation = process(first, second);
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation)
        .hadErrorContaining(
            "QuantBlock cannot be generated for @Quantize class Block: test.QuantBlock"
                + " (generated for test.A.Block) already exists");
  }

  @Test
  void existingQuantizerAccessorIsAClash() {
    assertSingleError(
        source(
            "Dense",
            "@Quantize public class Dense {",
            "  public INDArray forward(@QuantInput INDArray x) { return x; }",
            "  public Object inputQuantizer() { return null; }",
            "}"),
        "@Quantize class Dense already has inputQuantizer() (declared in Dense), which QuantDense"
            + " defines; rename it",
        "public Object inputQuantizer()");
  }

  @Test
  void constructorWhoseDescriptorOverloadExistsIsAClash() {
    assertSingleError(
        source(
            "Dense",
            "import org.quant4j.tensor.QuantDescriptor;",
            "@Quantize public class Dense {",
            "  public Dense() {}",
            "  public Dense(QuantDescriptor a) {}",
            "  public INDArray forward(@QuantInput INDArray x) { return x; }",
            "}"),
        "QuantDense cannot mirror constructor Dense(): with the quantization descriptors appended"
            + " it has the same signature as Dense(QuantDescriptor)",
        "public Dense() {}");
  }

  @Test
  void bitWidthOutsideOneToSixteenIsRejected() {
    assertSingleError(
        source(
            "Dense",
            "@Quantize(",
            "    input = @QuantDesc(numBits = 32))",
            "public class Dense {",
            "  public INDArray forward(@QuantInput INDArray x) { return x; }",
            "}"),
        "@Quantize(input = @QuantDesc(numBits = 32)) is outside [1, 16]; use a bit width from 1"
            + " to 16",
        "input = @QuantDesc(numBits = 32)");
  }

  @Test
  void unknownCalibrationMethodIsRejected() {
    assertSingleError(
        source(
            "Dense",
            "@Quantize(",
            "    weight = @QuantDesc(axis = 0, calibMethod = \"percentile\"))",
            "public class Dense {",
            "  @QuantWeight public INDArray weight() { return null; }",
            "}"),
        "@Quantize(weight = @QuantDesc(calibMethod = \"percentile\")) is unknown; use \"max\" or"
            + " \"histogram\"",
        "calibMethod = \"percentile\"");
  }

  @Test
  void realQuantizationIsRejected() {
    assertSingleError(
        source(
            "Dense",
            "@Quantize(input = @QuantDesc(fakeQuant = false))",
            "public class Dense {",
            "  public INDArray forward(@QuantInput INDArray x) { return x; }",
            "}"),
        "@Quantize(input = @QuantDesc(fakeQuant = false)) is not supported: quantized modules only"
            + " fake-quantize, as in the reference; remove fakeQuant = false",
        "@Quantize(input = @QuantDesc(fakeQuant = false))");
  }

  @Test
  void learnedAmaxPerChannelIsRejected() {
    assertSingleError(
        source(
            "Dense",
            "@Quantize(weight = @QuantDesc(axis = 0, learnAmax = true))",
            "public class Dense {",
            "  @QuantWeight public INDArray weight() { return null; }",
            "}"),
        "@Quantize(weight = @QuantDesc(learnAmax = true, axis = 0)): a learned amax is per tensor;"
            + " remove the axis or learnAmax",
        "learnAmax = true");
  }

  @Test
  void negativeAmaxIsRejected() {
    assertSingleError(
        source(
            "Dense",
            "@Quantize(input = @QuantDesc(amax = -1f))",
            "public class Dense {",
            "  public INDArray forward(@QuantInput INDArray x) { return x; }",
            "}"),
        "@Quantize(input = @QuantDesc(amax = ...)) holds -1.0; every amax must be finite and"
            + " non-negative",
        "amax = -1f");
  }

  @Test
  void nonPositiveScaleAmaxIsRejected() {
    assertSingleError(
        source(
            "Dense",
            "@Quantize(input = @QuantDesc(scaleAmax = 0f))",
            "public class Dense {",
            "  public INDArray forward(@QuantInput INDArray x) { return x; }",
            "}"),
        "@Quantize(input = @QuantDesc(scaleAmax = 0.0)) must be positive and finite; leave it out"
            + " (NaN) for none",
        "scaleAmax = 0f");
  }
}
