package org.quant4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.zoo.ZooModel;
import org.deeplearning4j.zoo.model.AlexNet;
import org.deeplearning4j.zoo.model.Darknet19;
import org.deeplearning4j.zoo.model.FaceNetNN4Small2;
import org.deeplearning4j.zoo.model.InceptionResNetV1;
import org.deeplearning4j.zoo.model.LeNet;
import org.deeplearning4j.zoo.model.ResNet50;
import org.deeplearning4j.zoo.model.SimpleCNN;
import org.deeplearning4j.zoo.model.SqueezeNet;
import org.deeplearning4j.zoo.model.TextGenerationLSTM;
import org.deeplearning4j.zoo.model.TinyYOLO;
import org.deeplearning4j.zoo.model.UNet;
import org.deeplearning4j.zoo.model.VGG16;
import org.deeplearning4j.zoo.model.VGG19;
import org.deeplearning4j.zoo.model.Xception;
import org.deeplearning4j.zoo.model.YOLO2;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.conformance.OnnxRuntimeRunner;
import org.quant4j.dl4j.Calibration;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.Quantizers;

/**
 * Every model of deeplearning4j-zoo 1.0.0-M2.1 that DL4J itself can build, as a user would take it:
 * built with a fixed seed and random initial weights while quant modules are active, max-calibrated on
 * seeded random input, exported, and run in ONNX Runtime with graph optimisations off; the ONNX output
 * must match DL4J's fake-quant output within the bounds docs/onnx.md gives for deep networks: with the
 * activation quantizers off, within 2 % of the weight quantization effect (every weight, layout and
 * operator exact); with all on, an rms difference no larger than two independent quantizations'. LeNet,
 * SimpleCNN, AlexNet, TinyYOLO, UNet and TextGenerationLSTM run in every build (some at a reduced input
 * size, named in docs/zoo.md); the others run when the system property {@code quant4j.zoo} is
 * {@code all} ({@code mvn -Pzoo}). NASNet is not listed: DL4J 1.0.0-M2.1 cannot build it (its
 * {@code init()} throws "Cannot calculate activation types if no inputs have been set").
 */
class ZooCoverageTest {

  private static final boolean ALL = "all".equals(System.getProperty("quant4j.zoo"));

  /**
   * One zoo model as the test builds it.
   *
   * @param name the model's name
   * @param model the zoo builder
   * @param inputShape the input shape, batch first
   * @param everyBuild whether it runs in {@code mvn verify} (else only with {@code -Pzoo})
   * @param gain 0 to keep the builder's random weights, else the gain their standard deviation is
   *     rescaled to, {@code sqrt(gain / fanIn)} (see {@link #rescale})
   */
  record ZooCase(String name, Supplier<ZooModel> model, long[] inputShape, boolean everyBuild, double gain) {
    ZooCase(String name, Supplier<ZooModel> model, long[] inputShape, boolean everyBuild) {
      this(name, model, inputShape, everyBuild, 0);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<ZooCase> models() {
    int classes = 10;
    return Stream.of(
        new ZooCase("LeNet", () -> LeNet.builder().numClasses(classes).seed(1).build(), new long[] {2, 784}, true),
        new ZooCase("SimpleCNN", () -> SimpleCNN.builder().numClasses(classes).seed(1).build(),
            new long[] {2, 3, 48, 48}, true),
        new ZooCase("AlexNet", () -> AlexNet.builder().numClasses(classes).seed(1).build(),
            new long[] {1, 3, 224, 224}, true),
        new ZooCase("TinyYOLO", () -> TinyYOLO.builder().numClasses(classes).seed(1)
            .inputShape(new int[] {3, 160, 160}).build(), new long[] {1, 3, 160, 160}, true),
        new ZooCase("UNet", () -> UNet.builder().numClasses(1).seed(1).inputShape(new int[] {3, 64, 64}).build(),
            new long[] {1, 3, 64, 64}, true),
        new ZooCase("TextGenerationLSTM", ZooCoverageTest::textGeneration, new long[] {2, 47, 20}, true),
        new ZooCase("VGG16", () -> VGG16.builder().numClasses(classes).seed(1).build(), new long[] {1, 3, 224, 224},
            false),
        new ZooCase("VGG19", () -> VGG19.builder().numClasses(classes).seed(1).build(), new long[] {1, 3, 224, 224},
            false),
        new ZooCase("ResNet50", () -> ResNet50.builder().numClasses(classes).seed(1).build(),
            new long[] {1, 3, 224, 224}, false, 1),
        new ZooCase("SqueezeNet", () -> SqueezeNet.builder().numClasses(classes).seed(1).build(),
            new long[] {1, 3, 227, 227}, false),
        new ZooCase("Darknet19", () -> Darknet19.builder().numClasses(classes).seed(1).build(),
            new long[] {1, 3, 224, 224}, false),
        new ZooCase("Xception", () -> Xception.builder().numClasses(classes).seed(1).build(),
            new long[] {1, 3, 299, 299}, false),
        new ZooCase("FaceNetNN4Small2", () -> FaceNetNN4Small2.builder().numClasses(classes).seed(1).build(),
            new long[] {1, 3, 96, 96}, false),
        new ZooCase("InceptionResNetV1", () -> InceptionResNetV1.builder().numClasses(classes).seed(1).build(),
            new long[] {1, 3, 160, 160}, false, 2),
        new ZooCase("YOLO2", () -> YOLO2.builder().numClasses(classes).seed(1).build(), new long[] {1, 3, 416, 416},
            false));
  }

  /** TextGenerationLSTM's builder leaves its input shape unset; a user sets it as here. */
  private static ZooModel textGeneration() {
    TextGenerationLSTM m = TextGenerationLSTM.builder().totalUniqueCharacters(47).seed(1).build();
    m.setInputShape(new int[][] {{20, 47}});
    return m;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void zooModelCalibratesExportsAndMatchesDl4jInOnnxRuntime(ZooCase c) throws Exception {
    assumeTrue(c.everyBuild() || ALL, c.name() + " runs with -Pzoo (quant4j.zoo=all): too large for every build");
    long start = System.nanoTime();
    Nd4j.getRandom().setSeed(7);
    Model net = OnnxQuantizedNetworkTest.quantized(QuantConfig.DEFAULT, () -> {
      try {
        return c.model().get().init();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    if (c.gain() > 0) {
      rescale(net, c.gain());
    }
    int quantizers = Quantizers.of(net).size();
    assertTrue(quantizers > 0, c.name() + " has no quantizers");
    List<DataSet> batches = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      batches.add(new DataSet(Nd4j.randn(DataType.FLOAT, c.inputShape()), Nd4j.zeros(DataType.FLOAT, 1, 1)));
    }
    Calibration.collectStats(net, new ListDataSetIterator<>(batches, 1), 2);
    Calibration.computeAmax(net, AmaxMethod.MAX);
    INDArray x = Nd4j.randn(DataType.FLOAT, c.inputShape());
    INDArray ortFloat = OnnxRuntimeRunner.run(
        OnnxExport.toBytes(net, Map.of(), c.inputShape(), ExportOptions.defaults()), "input", x);

    Agreement full = compare(net, x, ortFloat, c.inputShape());
    Quantizers.of(net).forEach((name, q) -> {
      if (name.endsWith("._input_quantizer") || name.endsWith("._residual_quantizer")) {
        q.disable();
      }
    });
    Agreement weightsOnly = compare(net, x, ortFloat, c.inputShape());
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("ZOO %s: %d quantizers, %.1f MB ONNX; weights only: max |DL4J - ORT| = %.3g, quantization"
            + " effect %.3g; all quantizers: rms |DL4J - ORT| = %.3g, rms effect %.3g, max %.3g; %.1f s%n",
        c.name(), quantizers, full.modelBytes() / 1e6, weightsOnly.maxDiff(), weightsOnly.maxEffect(),
        full.rmsDiff(), full.rmsEffect(), full.maxDiff(), seconds);
    assertTrue(weightsOnly.maxDiff() <= WEIGHT_SHARE * weightsOnly.maxEffect() + 1e-5 * (1 + weightsOnly.maxOut()),
        c.name() + " with float activations: max |DL4J - ORT| = " + weightsOnly.maxDiff() + " exceeds "
            + WEIGHT_SHARE + " of the weight quantization effect " + weightsOnly.maxEffect());
    assertTrue(full.rmsDiff() <= CASCADE_SHARE * full.rmsEffect() + 1e-6,
        c.name() + ": rms |DL4J - ORT| = " + full.rmsDiff() + " exceeds " + CASCADE_SHARE
            + " of the rms quantization effect " + full.rmsEffect());
    assertTrue(full.maxEffect() > 0, c.name() + ": quantization must change the output");
  }

  /**
   * Rescales every 2-D and 4-D weight {@code W} to standard deviation {@code sqrt(gain / fanIn)}.
   * ResNet50's and InceptionResNetV1's builders draw every weight from a truncated normal of standard
   * deviation 0.5 whatever the fan-in; untrained, their activations then grow layer by layer to 1e6
   * (InceptionResNetV1) or overflow float32 (ResNet50: NaN), where float32 rounding alone, in DL4J or
   * ORT, moves the output. ResNet50 takes gain 1: at He's 2 its sixteen residual additions still
   * saturate the softmax.
   */
  private static void rescale(Model net, double gain) {
    org.deeplearning4j.nn.api.Layer[] layers = net instanceof MultiLayerNetwork m ? m.getLayers()
        : ((ComputationGraph) net).getLayers();
    for (org.deeplearning4j.nn.api.Layer layer : layers) {
      INDArray w = layer.paramTable().get("W");
      if (w != null && (w.rank() == 2 || w.rank() == 4) && w.length() > 1) {
        long fanIn = w.rank() == 4 ? w.length() / w.size(0) : w.size(0);
        w.muli(Math.sqrt(gain / fanIn) / w.stdNumber().doubleValue());
      }
    }
  }

  /** How DL4J's fake-quant output and ORT's output of the same export compare, with the float export. */
  private record Agreement(double maxDiff, double rmsDiff, double maxEffect, double rmsEffect, double maxOut,
      long modelBytes) {}

  private static Agreement compare(Model net, INDArray x, INDArray ortFloat, long[] shape) throws Exception {
    byte[] model = OnnxExport.toBytes(net, OnnxExport.quantizersOf(net), shape, ExportOptions.defaults());
    INDArray dl4j = net instanceof MultiLayerNetwork m ? m.output(x.dup()) : ((ComputationGraph) net).outputSingle(x.dup());
    INDArray ort = OnnxRuntimeRunner.run(model, "input", x);
    assertArrayEquals(dl4j.shape(), ort.shape());
    INDArray diff = dl4j.sub(ort);
    INDArray effect = dl4j.sub(ortFloat);
    return new Agreement(diff.amaxNumber().doubleValue(), rms(diff), effect.amaxNumber().doubleValue(), rms(effect),
        dl4j.amaxNumber().doubleValue(), model.length);
  }

  private static double rms(INDArray v) {
    return Math.sqrt(v.mul(v).meanNumber().doubleValue());
  }

  /**
   * With float activations, the share of the weight quantization effect that ties in weight rounding and
   * accumulation order may make up (docs/onnx.md, "Deep networks"; measured at most 0.006).
   */
  private static final double WEIGHT_SHARE = 0.02;

  /**
   * With every quantizer on, the rms of DL4J − ORT relative to the rms quantization effect: rounding
   * ties cascade through deep networks, so DL4J and ORT end up with nearly independent rounding noise,
   * never more than two independent quantizations' ({@code √2}) (docs/onnx.md, "Deep networks").
   */
  private static final double CASCADE_SHARE = Math.sqrt(2);
}
