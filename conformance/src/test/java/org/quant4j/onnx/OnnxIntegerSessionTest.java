package org.quant4j.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.conformance.OnnxRuntimeRunner;
import org.quant4j.conformance.OnnxRuntimeRunner.Kind;
import org.quant4j.dl4j.Calibration;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.Quantizers;

/**
 * The session users deploy with: networks whose convolutions ONNX Runtime fuses into integer kernels,
 * trained briefly on a seeded synthetic ten-class image task (each class a fixed random 28×28 pattern,
 * samples the pattern plus noise), quantized, max-calibrated and exported with int32 biases. In the
 * {@link Kind#INT8} session the optimised graph ORT saves must hold integer operators and the top-1
 * class must agree with DL4J's fake-quant output on at least 99.8 % of 2000 samples. The default
 * session's figure is printed, not asserted: it depends on the CPU (docs/onnx.md).
 */
class OnnxIntegerSessionTest {

  private static final int CLASSES = 10;
  private static final int SIDE = 28;
  private static final double MIN_AGREEMENT = 0.998;

  private static INDArray prototypes;
  private static List<DataSet> train;
  private static INDArray test;

  @TempDir
  Path dir;

  @BeforeAll
  static void data() {
    Nd4j.getRandom().setSeed(11);
    INDArray coarse = Nd4j.rand(DataType.FLOAT, CLASSES, 1, 7, 7);
    prototypes = Nd4j.create(DataType.FLOAT, CLASSES, 1, SIDE, SIDE);
    for (int y = 0; y < SIDE; y++) {
      for (int x = 0; x < SIDE; x++) {
        for (int k = 0; k < CLASSES; k++) {
          prototypes.putScalar(new long[] {k, 0, y, x}, coarse.getFloat(k, 0, y / 4, x / 4));
        }
      }
    }
    train = new ArrayList<>();
    for (int b = 0; b < 40; b++) {
      train.add(batch(64));
    }
    test = batch(2000).getFeatures();
  }

  private static DataSet batch(int n) {
    INDArray x = Nd4j.create(DataType.FLOAT, n, 1, SIDE, SIDE);
    INDArray y = Nd4j.zeros(DataType.FLOAT, n, CLASSES);
    INDArray noise = Nd4j.randn(DataType.FLOAT, n, 1, SIDE, SIDE).muli(0.35);
    for (int i = 0; i < n; i++) {
      int k = Nd4j.getRandom().nextInt(CLASSES);
      x.putSlice(i, prototypes.slice(k).add(noise.slice(i)));
      y.putScalar(i, k, 1f);
    }
    return new DataSet(x, y);
  }

  /** dl4j-examples' LeNetMNIST: identity-activation convolutions, max pooling, dense 500, softmax. */
  private static MultiLayerNetwork lenetMnist() {
    return OnnxQuantizedNetworkTest.quantized(QuantConfig.DEFAULT, () -> {
      MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(123)
          .weightInit(WeightInit.XAVIER).updater(new Adam(1e-3)).list()
          .layer(new ConvolutionLayer.Builder(5, 5).name("conv1").stride(1, 1).nOut(20)
              .activation(Activation.IDENTITY).build())
          .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).name("pool1").kernelSize(2, 2)
              .stride(2, 2).build())
          .layer(new ConvolutionLayer.Builder(5, 5).name("conv2").stride(1, 1).nOut(50)
              .activation(Activation.IDENTITY).build())
          .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).name("pool2").kernelSize(2, 2)
              .stride(2, 2).build())
          .layer(new DenseLayer.Builder().name("fc").activation(Activation.RELU).nOut(500).build())
          .layer(new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD).name("out")
              .nOut(CLASSES).activation(Activation.SOFTMAX).build())
          .setInputType(InputType.convolutional(SIDE, SIDE, 1)).build());
      net.init();
      return net;
    });
  }

  /** A small residual network: identity-activation convolutions, a residual quantizer on the shortcut. */
  private static ComputationGraph residual() {
    return OnnxQuantizedNetworkTest.quantized(QuantConfig.DEFAULT.toBuilder().residual(true).build(), () -> {
      ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(123)
          .weightInit(WeightInit.XAVIER).updater(new Adam(1e-3)).graphBuilder()
          .addInputs("input")
          .addLayer("stem", new ConvolutionLayer.Builder(5, 5).nOut(16).activation(Activation.IDENTITY).build(), "input")
          .addLayer("pool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
              .stride(2, 2).build(), "stem")
          .addLayer("conv_a", new ConvolutionLayer.Builder(3, 3).nOut(16).convolutionMode(ConvolutionMode.Same)
              .activation(Activation.IDENTITY).build(), "pool")
          .addLayer("conv_b", new ConvolutionLayer.Builder(3, 3).nOut(16).convolutionMode(ConvolutionMode.Same)
              .activation(Activation.IDENTITY).build(), "conv_a")
          .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "conv_b", "pool")
          .addLayer("pool2", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
              .stride(2, 2).build(), "add")
          .addLayer("fc", new DenseLayer.Builder().activation(Activation.RELU).nOut(64).build(), "pool2")
          .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD).nOut(CLASSES)
              .activation(Activation.SOFTMAX).build(), "fc")
          .setOutputs("out").setInputTypes(InputType.convolutional(SIDE, SIDE, 1)).build());
      g.init();
      return g;
    });
  }

  /** Trains in float (quantizers off), then max-calibrates on the first five batches. */
  private static void trainAndCalibrate(Model net) {
    Quantizers.of(net).values().forEach(q -> q.disable());
    for (int epoch = 0; epoch < 2; epoch++) {
      for (DataSet d : train) {
        if (net instanceof MultiLayerNetwork m) {
          m.fit(d);
        } else {
          ((ComputationGraph) net).fit(d);
        }
      }
    }
    Quantizers.of(net).values().forEach(q -> q.enable());
    Calibration.collectStats(net, new ListDataSetIterator<>(train.subList(0, 5), 64), 5);
    Calibration.computeAmax(net, AmaxMethod.MAX);
  }

  @Test
  void lenetMnistAgreesWithDl4jInTheInt8SessionWithIntegerKernels() throws Exception {
    MultiLayerNetwork net = lenetMnist();
    trainAndCalibrate(net);
    checkSessions("LeNetMNIST", net);
  }

  @Test
  void residualNetworkAgreesWithDl4jInTheInt8SessionWithIntegerKernels() throws Exception {
    ComputationGraph net = residual();
    trainAndCalibrate(net);
    checkSessions("residual", net);
  }

  private void checkSessions(String label, Model net) throws Exception {
    INDArray dl4j = net instanceof MultiLayerNetwork m ? m.output(test.dup()) : ((ComputationGraph) net).outputSingle(test.dup());
    INDArray labels = Nd4j.argMax(dl4j, 1);
    byte[] model = OnnxExport.toBytes(net, OnnxExport.quantizersOf(net), new long[] {100, 1, SIDE, SIDE},
        ExportOptions.defaults());
    System.out.printf("%s on %s (onnxruntime %s)%n", label, cpuFlags(), ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion());
    Map<Kind, Double> agreement = new TreeMap<>();
    for (Kind kind : Kind.values()) {
      Path optimized = dir.resolve(label + "-" + kind + ".onnx");
      INDArray ort;
      try (OnnxRuntimeRunner.Session session = OnnxRuntimeRunner.open(model, kind, optimized)) {
        List<INDArray> parts = new ArrayList<>();
        for (int i = 0; i < test.size(0); i += 100) {
          parts.add(session.run("input", test.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(i, i + 100))));
        }
        ort = Nd4j.vstack(parts.toArray(INDArray[]::new));
      }
      double agree = Nd4j.argMax(ort, 1).eq(labels).castTo(DataType.FLOAT).meanNumber().doubleValue();
      agreement.put(kind, agree);
      Map<String, Long> integerOps = integerOps(optimized);
      System.out.printf("%s, %s session: top-1 agreement with DL4J %.2f %%, max |DL4J - ORT| %.3g, integer ops %s%n",
          label, kind, 100 * agree, dl4j.sub(ort).amaxNumber().doubleValue(), integerOps);
      if (kind == Kind.INT8) {
        assertTrue(!integerOps.isEmpty(), label + ": ORT's optimised graph has no integer operator");
      }
    }
    byte[] floatBias = OnnxExport.toBytes(net, OnnxExport.quantizersOf(net), new long[] {100, 1, SIDE, SIDE},
        ExportOptions.builder().int32Bias(false).build());
    Path optimized = dir.resolve(label + "-float-bias.onnx");
    OnnxRuntimeRunner.open(floatBias, Kind.INT8, optimized).close();
    System.out.printf("%s, float biases, INT8 session: integer ops %s%n", label, integerOps(optimized));
    assertTrue(agreement.get(Kind.INT8) >= MIN_AGREEMENT,
        label + ": top-1 agreement in the int8 session " + agreement.get(Kind.INT8) + " < " + MIN_AGREEMENT);
  }

  /** The integer operators in a saved model (QLinear*, *Integer*, QGemm), by type. */
  static Map<String, Long> integerOps(Path model) throws IOException {
    ModelProto m = ModelProto.parseFrom(Files.readAllBytes(model));
    return m.getGraph().getNodeList().stream().map(NodeProto::getOpType)
        .filter(op -> op.startsWith("QLinear") || op.contains("Integer") || op.equals("QGemm"))
        .collect(Collectors.groupingBy(op -> op, TreeMap::new, Collectors.counting()));
  }

  /** The CPU's avx2, avx512_vnni and amx flags, from /proc/cpuinfo where there is one. */
  static String cpuFlags() throws IOException {
    Path info = Path.of("/proc/cpuinfo");
    if (!Files.exists(info)) {
      return "a CPU without /proc/cpuinfo";
    }
    String flags = Files.readAllLines(info).stream().filter(l -> l.startsWith("flags")).findFirst().orElse("");
    List<String> present = new ArrayList<>();
    for (String f : List.of("avx2", "avx512_vnni", "amx_int8", "avx_vnni")) {
      if ((" " + flags + " ").contains(" " + f + " ")) {
        present.add(f);
      }
    }
    return "CPU flags " + present;
  }
}
