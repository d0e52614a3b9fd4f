package org.quant4j.onnx;

import org.quant4j.conformance.OnnxRuntimeRunner;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.Deconvolution3D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.Subsampling3DLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.tensor.QuantDescriptor;
import org.quant4j.tensor.TensorQuant;

/**
 * Weight quantizers on every DL4J weight layout, and the refusals. Each per-channel weight quantizer
 * gets the amax a max calibrator would give along DL4J's channel axes; the DL4J side of the check runs
 * the same network with its weights replaced by {@link TensorQuant#fakeTensorQuant} of them, so an
 * axis carried wrongly through a transpose, permute or gate reorder shows as a wrong output.
 */
class OnnxQdqExportTest {

  private static MultiLayerNetwork init(MultiLayerNetwork net) {
    net.init();
    return net;
  }

  private static MultiLayerNetwork convNet() {
    return init(new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).list()
        .layer(new ConvolutionLayer.Builder(3, 3).name("conv").nOut(4).convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build())
        .layer(new DepthwiseConvolution2D.Builder(3, 3).name("dw").depthMultiplier(2).activation(Activation.IDENTITY).build())
        .layer(new SeparableConvolution2D.Builder(2, 2).name("sep").depthMultiplier(2).nOut(3).activation(Activation.TANH).build())
        .layer(new Deconvolution2D.Builder(2, 2).name("deconv").stride(2, 2).nOut(5).activation(Activation.IDENTITY).build())
        .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).name("gap").build())
        .layer(new DenseLayer.Builder().name("dense").nOut(6).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder().name("out").nOut(3).activation(Activation.SOFTMAX).lossFunction(LossFunctions.LossFunction.MCXENT).build())
        .setInputType(InputType.convolutional(8, 8, 2)).build()));
  }

  private static MultiLayerNetwork volumeNet() {
    return init(new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).list()
        .layer(new Convolution3D.Builder(2, 2, 2).name("c3").nOut(3).activation(Activation.RELU).build())
        .layer(new Deconvolution3D.Builder().name("d3").kernelSize(2, 2, 2).stride(2, 2, 2).nOut(2).activation(Activation.IDENTITY).build())
        .layer(new Subsampling3DLayer.Builder().name("pool").kernelSize(2, 2, 2).stride(2, 2, 2).build())
        .layer(new OutputLayer.Builder().name("out").nOut(2).activation(Activation.IDENTITY).lossFunction(LossFunctions.LossFunction.MSE).build())
        .setInputType(InputType.convolutional3D(4, 4, 4, 2)).build()));
  }

  private static MultiLayerNetwork lstmNet() {
    return init(new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).list()
        .layer(new LSTM.Builder().name("lstm").nOut(4).activation(Activation.TANH).build())
        .layer(new GlobalPoolingLayer.Builder(PoolingType.MAX).name("gmp").build())
        .layer(new OutputLayer.Builder().name("out").nOut(2).activation(Activation.IDENTITY).lossFunction(LossFunctions.LossFunction.MSE).build())
        .setInputType(InputType.recurrent(3, 5)).build()));
  }

  /** The DL4J channel axes of each weight kind: amax is reduced over every other axis. */
  private static final Map<String, int[]> CHANNEL_AXES = Map.ofEntries(
      Map.entry("conv.W", new int[] {0}), Map.entry("dw.W", new int[] {2, 3}), Map.entry("sep.W", new int[] {0, 1}),
      Map.entry("sep.pW", new int[] {0}), Map.entry("deconv.W", new int[] {1}), Map.entry("dense.W", new int[] {1}),
      Map.entry("out.W", new int[] {1}), Map.entry("c3.W", new int[] {0}), Map.entry("d3.W", new int[] {3}),
      Map.entry("lstm.W", new int[] {1}), Map.entry("lstm.RW", new int[] {1}));

  private static String quantizerName(String layer, String param) {
    return layer + switch (param) {
      case "pW" -> "._pointwise_weight_quantizer";
      case "RW" -> "._recurrent_weight_quantizer";
      default -> "._weight_quantizer";
    };
  }

  /**
   * Gives every weight in CHANNEL_AXES a per-channel quantizer, and fake-quantizes the DL4J weights in
   * place with the same amax.
   */
  private static Map<String, QdqParams> quantizeWeights(MultiLayerNetwork net) {
    Map<String, QdqParams> quantizers = new LinkedHashMap<>();
    for (int i = 0; i < net.getnLayers(); i++) {
      String layer = net.getLayer(i).conf().getLayer().getLayerName();
      for (Map.Entry<String, INDArray> p : net.getLayer(i).paramTable().entrySet()) {
        int[] channels = CHANNEL_AXES.get(layer + "." + p.getKey());
        if (channels == null) {
          continue;
        }
        INDArray w = p.getValue();
        int[] reduce = java.util.stream.IntStream.range(0, w.rank())
            .filter(d -> java.util.Arrays.stream(channels).noneMatch(c -> c == d)).toArray();
        INDArray amax = TensorQuant.reduceAmax(w, reduce, true);
        String name = quantizerName(layer, p.getKey());
        quantizers.put(name, new QdqParams(name, 8, false, false, amax));
        net.getLayer(i).setParam(p.getKey(), TensorQuant.fakeTensorQuant(w, amax, 8, false, false));
      }
    }
    return quantizers;
  }

  private static double maxDiffAgainstOrt(MultiLayerNetwork net, long[] shape) throws Exception {
    Map<String, QdqParams> quantizers = new LinkedHashMap<>();
    MultiLayerNetwork quantized = net.clone();
    quantizers.putAll(quantizeWeights(quantized));
    Nd4j.getRandom().setSeed(11);
    INDArray x = Nd4j.randn(DataType.FLOAT, shape);
    byte[] model = OnnxExport.toBytes(net, quantizers, shape, ExportOptions.defaults());
    INDArray ort = OnnxRuntimeRunner.run(model, "input", x);
    INDArray dl4j = quantized.output(x.dup());
    assertArrayEquals(dl4j.shape(), ort.shape());
    return dl4j.sub(ort).amaxNumber().doubleValue();
  }

  @Test
  void perChannelWeightsOfConvolutionDepthwiseSeparableDeconvolutionAndDenseReproduceFakeQuantizedWeights() throws Exception {
    assertTrue(maxDiffAgainstOrt(convNet(), new long[] {2, 2, 8, 8}) <= OnnxFloatExportTest.FLOAT_TOLERANCE);
  }

  @Test
  void perChannelWeightsOf3dLayersReproduceFakeQuantizedWeights() throws Exception {
    assertTrue(maxDiffAgainstOrt(volumeNet(), new long[] {1, 2, 4, 4, 4}) <= OnnxFloatExportTest.FLOAT_TOLERANCE);
  }

  @Test
  void perChannelLstmWeightsFollowTheGateReorder() throws Exception {
    assertTrue(maxDiffAgainstOrt(lstmNet(), new long[] {2, 3, 5}) <= OnnxFloatExportTest.FLOAT_TOLERANCE);
  }

  @Test
  void denseWeightIsTransposedWithItsChannelAxisOnOnnxAxisZero() throws Exception {
    MultiLayerNetwork net = convNet();
    Map<String, QdqParams> quantizers = quantizeWeights(net.clone());
    ModelProto model = ModelProto.parseFrom(OnnxExport.toBytes(net, quantizers, new long[] {1, 2, 8, 8}, ExportOptions.defaults()));
    NodeProto dq = model.getGraph().getNodeList().stream()
        .filter(n -> n.getName().equals("/dense/_weight_quantizer/DequantizeLinear")).findFirst().orElseThrow();
    assertEquals("axis", dq.getAttribute(0).getName());
    assertEquals(0, dq.getAttribute(0).getI());
    NodeProto deconv = model.getGraph().getNodeList().stream()
        .filter(n -> n.getName().equals("/deconv/_weight_quantizer/QuantizeLinear")).findFirst().orElseThrow();
    assertEquals(1, deconv.getAttribute(0).getI());
  }

  @Test
  void opset10RefusesPerChannelQuantizersNamingThem() {
    MultiLayerNetwork net = convNet();
    Map<String, QdqParams> quantizers = quantizeWeights(net.clone());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OnnxExport.toBytes(net, quantizers, new long[] {1, 2, 8, 8}, ExportOptions.builder().opset(10).build()));
    assertTrue(e.getMessage().contains("conv._weight_quantizer") && e.getMessage().contains("opset 13"), e.getMessage());
  }

  @Test
  void opset10ExportsPerTensorQuantizers() throws Exception {
    MultiLayerNetwork net = lstmNet();
    QdqParams in = new QdqParams("lstm._input_quantizer", 8, false, false, Nd4j.scalar(2.5f));
    byte[] model = OnnxExport.toBytes(net, Map.of(in.name(), in), new long[] {1, 3, 5}, ExportOptions.builder().opset(10).build());
    assertEquals(10, ModelProto.parseFrom(model).getOpsetImport(0).getVersion());
    assertEquals(5, ModelProto.parseFrom(model).getIrVersion());
    assertArrayEquals(new long[] {1, 2}, OnnxRuntimeRunner.run(model, "input", Nd4j.rand(DataType.FLOAT, 1, 3, 5)).shape());
  }

  @Test
  void quantizersOnnxCannotExpressAreRefusedByName() {
    MultiLayerNetwork net = lstmNet();
    long[] shape = {1, 3, 5};
    for (QdqParams q : List.of(
        new QdqParams("lstm._input_quantizer", 8, false, false, null),
        new QdqParams("lstm._input_quantizer", 4, false, false, Nd4j.scalar(1f)),
        new QdqParams("lstm._input_quantizer", 8, false, true, Nd4j.scalar(1f)),
        new QdqParams("nowhere._input_quantizer", 8, false, false, Nd4j.scalar(1f)))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> OnnxExport.toBytes(net, Map.of(q.name(), q), shape, ExportOptions.defaults()));
      assertTrue(e.getMessage().contains(q.name()), e.getMessage());
    }
  }

  @Test
  void realQuantQuantizersAreRefusedByNameAndFp8OnesCarryTheirFormat() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> QdqParams.of("fc._input_quantizer",
            new TensorQuantizer(QuantDescriptor.builder().fakeQuant(false).amax(1f).build())));
    assertTrue(e.getMessage().contains("fc._input_quantizer"), e.getMessage());
    assertEquals(8, QdqParams.of("fc._input_quantizer",
        new TensorQuantizer(QuantDescriptor.builder().amax(1f).build())).numBits());
    assertTrue(QdqParams.of("fc._input_quantizer",
        new TensorQuantizer(QuantDescriptor.builder().numBits(4, 3).amax(1f).build())).isE4M3());
  }

  @Test
  void convolution1dPerChannelWeightIsRefusedBecauseDl4jReshapesItsKernel() {
    MultiLayerNetwork net = init(new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).list()
        .layer(new Convolution1DLayer.Builder().name("c1").nOut(3).kernelSize(2).activation(Activation.RELU).build())
        .setInputType(InputType.recurrent(2, 6)).build()));
    INDArray w = net.getLayer(0).getParam("W");
    QdqParams q = new QdqParams("c1._weight_quantizer", 8, false, false, TensorQuant.reduceAmax(w, new int[] {1, 2, 3}, true));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OnnxExport.toBytes(net, Map.of(q.name(), q), new long[] {1, 2, 6}, ExportOptions.defaults()));
    assertTrue(e.getMessage().contains("c1._weight_quantizer"), e.getMessage());
  }

  @Test
  void unsupportedLayerIsRefusedWithItsNameAndClass() {
    MultiLayerNetwork net = init(new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
        .layer(new EmbeddingLayer.Builder().name("embed").nIn(10).nOut(4).build())
        .layer(new OutputLayer.Builder().nOut(2).lossFunction(LossFunctions.LossFunction.MSE).build()).build()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OnnxExport.toBytes(net, Map.of(), new long[] {1, 1}, ExportOptions.defaults()));
    assertTrue(e.getMessage().contains("'embed'") && e.getMessage().contains(EmbeddingLayer.class.getName()), e.getMessage());
  }

  @Test
  void exportOptionsRejectBadValuesNamingThem() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ExportOptions.builder().opset(9))
        .getMessage().contains("opset"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ExportOptions.builder().outputNames("y", "y"))
        .getMessage().contains("outputNames"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ExportOptions.builder().inputName(""))
        .getMessage().contains("inputName"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> OnnxExport.toBytes(lstmNet(), Map.of(), new long[] {1, 0, 5}, ExportOptions.defaults()))
        .getMessage().contains("inputShape"));
  }

  @Test
  void dynamicBatchRunsAtAnotherBatchSizeWithTheGivenNames() throws Exception {
    Nd4j.getRandom().setSeed(38);
    MultiLayerNetwork net = convNet();
    ExportOptions options = ExportOptions.builder().dynamicBatch(true).inputName("pixels").outputNames("probs").build();
    byte[] model = OnnxExport.toBytes(net, Map.of(), new long[] {1, 2, 8, 8}, options);
    INDArray x = Nd4j.rand(DataType.FLOAT, 3, 2, 8, 8);
    INDArray y = OnnxRuntimeRunner.run(model, "pixels", x);
    assertTrue(net.output(x.dup()).sub(y).amaxNumber().doubleValue() <= OnnxFloatExportTest.FLOAT_TOLERANCE);
    assertEquals("probs", ModelProto.parseFrom(model).getGraph().getOutput(0).getName());
    assertEquals("batch", ModelProto.parseFrom(model).getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());
  }
}
