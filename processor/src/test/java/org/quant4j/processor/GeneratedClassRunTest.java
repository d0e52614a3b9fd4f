package org.quant4j.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.nn.QuantModule;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.tensor.QuantDescriptor;
import org.quant4j.tensor.TensorQuant;

/**
 * A generated class compiles against the runtime, loads and quantizes: its outputs equal
 * {@code TensorQuant.fakeTensorQuant} applied by hand, with the amax a dynamic quantizer computes.
 */
class GeneratedClassRunTest {

  private static final JavaFileObject DENSE =
      Sources.source(
          "Dense",
          "@Quantize public class Dense {",
          "  private final INDArray weight;",
          "  private final INDArray bias;",
          "  public Dense(INDArray weight, INDArray bias) {",
          "    this.weight = weight;",
          "    this.bias = bias;",
          "  }",
          "  public INDArray forward(@QuantInput INDArray x) {",
          "    return x.mmul(weight().transpose()).addiRowVector(bias);",
          "  }",
          "  @QuantWeight public INDArray weight() { return weight; }",
          "}");

  private static Class<?> quantDense;

  @BeforeAll
  static void compileAndLoad() throws ClassNotFoundException {
    Compilation compilation = Sources.compiler().compile(DENSE);
    assertThat(compilation).succeededWithoutWarnings();
    quantDense = new GeneratedClassLoader(compilation).loadClass("test.QuantDense");
  }

  private static final INDArray X =
      Nd4j.createFromArray(new float[][] {{0.3f, -1.7f, 2.2f}, {-0.05f, 0.9f, -2.6f}});
  private static final INDArray W =
      Nd4j.createFromArray(new float[][] {{0.11f, -0.52f, 0.3f}, {1.4f, 0.02f, -0.77f}});
  private static final INDArray B = Nd4j.createFromArray(0.5f, -0.25f);

  @Test
  void forwardEqualsFakeQuantizedInputTimesFakeQuantizedWeight() throws Exception {
    Object layer = quantDense.getConstructor(INDArray.class, INDArray.class).newInstance(W, B);
    INDArray out = (INDArray) quantDense.getMethod("forward", INDArray.class).invoke(layer, X);

    INDArray expected = byHand(8, 8);
    assertSameBits(expected, out);
    assertFalse(sameBits(X.mmul(W.transpose()).addiRowVector(B), out));
  }

  @Test
  void descriptorOverloadQuantizesWithTheGivenBitWidths() throws Exception {
    Constructor<?> withDescriptors =
        quantDense.getConstructor(
            INDArray.class, INDArray.class, QuantDescriptor.class, QuantDescriptor.class);
    Object layer =
        withDescriptors.newInstance(
            W,
            B,
            QuantDescriptor.builder().numBits(4).build(),
            QuantDescriptor.builder().numBits(3).axis(0).build());
    INDArray out = (INDArray) quantDense.getMethod("forward", INDArray.class).invoke(layer, X);

    assertSameBits(byHand(4, 3), out);
  }

  @Test
  void weightAccessorReturnsTheQuantizedWeightAndLeavesTheStoredOneAlone() throws Exception {
    INDArray w = W.dup();
    Object layer = quantDense.getConstructor(INDArray.class, INDArray.class).newInstance(w, B);
    INDArray weight = (INDArray) quantDense.getMethod("weight").invoke(layer);

    assertSameBits(fakeQuant(W, perRowAmax(W), 8), weight);
    assertSameBits(W, w);
  }

  @Test
  void quantizersAreNamedAsTheReferenceInOrder() throws Exception {
    QuantModule layer =
        (QuantModule) quantDense.getConstructor(INDArray.class, INDArray.class).newInstance(W, B);
    Method input = quantDense.getMethod("inputQuantizer");
    Method weight = quantDense.getMethod("weightQuantizer");

    Map<String, TensorQuantizer> quantizers = layer.quantizers();
    assertEquals(List.of("_input_quantizer", "_weight_quantizer"), List.copyOf(quantizers.keySet()));
    assertEquals(input.invoke(layer), quantizers.get("_input_quantizer"));
    assertEquals(weight.invoke(layer), quantizers.get("_weight_quantizer"));
    assertEquals(QuantDescriptor.QUANT_DESC_8BIT_PER_TENSOR, quantizers.get("_input_quantizer").descriptor());
  }

  @Test
  void realQuantizationDescriptorIsRejectedAtConstruction() throws Exception {
    Constructor<?> withDescriptors =
        quantDense.getConstructor(
            INDArray.class, INDArray.class, QuantDescriptor.class, QuantDescriptor.class);
    InvocationTargetException thrown =
        assertThrows(
            InvocationTargetException.class,
            () ->
                withDescriptors.newInstance(
                    W,
                    B,
                    QuantDescriptor.builder().fakeQuant(false).build(),
                    QuantDescriptor.QUANT_DESC_8BIT_LINEAR_WEIGHT_PER_ROW));
    IllegalArgumentException cause = (IllegalArgumentException) thrown.getCause();
    assertTrue(
        cause.getMessage().startsWith("quantDescInput must fake-quantize"), cause.getMessage());
  }

  @Test
  void subclassOfADl4jLayerGetsAQuantizedSetInput() {
    JavaFileObject layer =
        Sources.source(
            "Dl4jDense",
            "import org.deeplearning4j.nn.conf.NeuralNetConfiguration;",
            "import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;",
            "import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;",
            "import org.nd4j.linalg.api.buffer.DataType;",
            "@Quantize public class Dl4jDense extends DenseLayer {",
            "  public Dl4jDense(NeuralNetConfiguration conf, DataType dataType) {",
            "    super(conf, dataType);",
            "  }",
            "  @Override",
            "  public void setInput(@QuantInput INDArray input, LayerWorkspaceMgr workspaceMgr) {",
            "    super.setInput(input, workspaceMgr);",
            "  }",
            "}");
    Compilation compilation = javac().withProcessors(new QuantizeProcessor()).compile(layer);

    assertThat(compilation).succeeded();
    assertThat(compilation)
        .generatedSourceFile("test.QuantDl4jDense")
        .contentsAsUtf8String()
        .contains(
            "  public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {\n"
                + "    super.setInput(inputQuantizer.apply(input), workspaceMgr);\n");
  }

  /** The reference's quant module by hand: dynamic per-tensor input, per-row weight, full range. */
  private static INDArray byHand(int inputBits, int weightBits) {
    INDArray xq = fakeQuant(X, TensorQuant.reduceAmax(X, null, true), inputBits);
    INDArray wq = fakeQuant(W, perRowAmax(W), weightBits);
    return xq.mmul(wq.transpose()).addiRowVector(B);
  }

  private static INDArray perRowAmax(INDArray w) {
    return TensorQuant.reduceAmax(w, new int[] {1}, true);
  }

  private static INDArray fakeQuant(INDArray x, INDArray amax, int numBits) {
    return TensorQuant.fakeTensorQuant(x, amax.castTo(DataType.FLOAT), numBits, false, false);
  }

  /** Loads the class files of a compilation, delegating everything else to the test's loader. */
  private static final class GeneratedClassLoader extends ClassLoader {
    private final Map<String, byte[]> classes = new HashMap<>();

    GeneratedClassLoader(Compilation compilation) {
      super(GeneratedClassRunTest.class.getClassLoader());
      for (JavaFileObject file : compilation.generatedFiles()) {
        if (file.getKind() == JavaFileObject.Kind.CLASS) {
          String path = file.toUri().getPath();
          String name =
              path.substring(path.indexOf("CLASS_OUTPUT/") + "CLASS_OUTPUT/".length(), path.length() - 6)
                  .replace('/', '.');
          try (InputStream in = file.openInputStream()) {
            classes.put(name, in.readAllBytes());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      byte[] bytes = classes.get(name);
      if (bytes == null) {
        throw new ClassNotFoundException(name);
      }
      return defineClass(name, bytes, 0, bytes.length);
    }
  }

  /**
   * Whether two arrays are the same exactly: shape, data type and every value's bits (any NaN equals any
   * NaN). {@code INDArray.equals} would let values differ by 1e-5.
   */
  private static boolean sameBits(INDArray a, INDArray b) {
    return a.dataType() == b.dataType() && java.util.Arrays.equals(a.shape(), b.shape())
        && java.util.Arrays.equals(a.castTo(DataType.DOUBLE).dup('c').data().asDouble(),
            b.castTo(DataType.DOUBLE).dup('c').data().asDouble());
  }

  /** Fails unless {@link #sameBits} holds, showing both arrays. */
  private static void assertSameBits(INDArray expected, INDArray actual) {
    assertTrue(sameBits(expected, actual), () -> "expected " + expected + " but was " + actual);
  }
}
