package org.quant4j.onnx;

import org.quant4j.conformance.OnnxRuntimeRunner;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.dl4j.Calibration;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.dl4j.Quantizers;

/**
 * Networks quantized by {@link QuantModules}, max-calibrated, exported, and run in ONNX Runtime: the
 * ORT output must equal DL4J's fake-quant output within the documented bound (docs/onnx.md): one
 * quantization step of one element of the output layer's quantized input, propagated through that
 * layer ({@code step * max|W|}), half a step of the output layer's int32 bias ({@code step * max s_w / 2}),
 * plus float32 accumulation error {@code 1e-5 * (1 + max|y|)}.
 */
class OnnxQuantizedNetworkTest {

  /** Builds a network with quant modules active; their state is global, so building is serialized. */
  static synchronized <T> T quantized(QuantConfig config, Supplier<T> build) {
    QuantModules.initialize(config);
    try {
      return build.get();
    } finally {
      QuantModules.deactivate();
    }
  }

  private static MultiLayerNetwork mln(NeuralNetConfiguration.ListBuilder conf) {
    return quantized(QuantConfig.DEFAULT, () -> {
      MultiLayerNetwork net = new MultiLayerNetwork(conf.build());
      net.init();
      return net;
    });
  }

  private static OutputLayer output(int nOut) {
    return new OutputLayer.Builder().name("out").nOut(nOut).activation(Activation.IDENTITY)
        .lossFunction(LossFunctions.LossFunction.MSE).build();
  }

  /** Max-calibrates on random batches, then exports and compares; returns the max |DL4J - ORT|. */
  static double calibrateExportAndCompare(String label, Model net, long[] shape, String outputLayer) throws Exception {
    Nd4j.getRandom().setSeed(39);
    Map<String, QdqParams> quantizers = maxCalibrate(net, shape);
    assertEquals(Quantizers.of(net).size(), quantizers.size());
    INDArray x = Nd4j.randn(DataType.FLOAT, shape);
    INDArray dl4j = net instanceof MultiLayerNetwork m ? m.output(x.dup()) : ((ComputationGraph) net).outputSingle(x.dup());
    INDArray ort = OnnxRuntimeRunner.run(OnnxExport.toBytes(net, quantizers, shape, ExportOptions.defaults()), "input", x);
    assertArrayEquals(dl4j.shape(), ort.shape());
    double diff = dl4j.sub(ort).amaxNumber().doubleValue();
    float step = quantizers.get(outputLayer + "._input_quantizer").amaxValues()[0] / 127f;
    INDArray w = net instanceof MultiLayerNetwork m ? m.getLayer(outputLayer).getParam("W")
        : ((ComputationGraph) net).getLayer(outputLayer).getParam("W");
    QdqParams wq = quantizers.get(outputLayer + "._weight_quantizer");
    float maxWeightScale = 0;
    for (float a : wq.amaxValues()) {
      maxWeightScale = Math.max(maxWeightScale, wq.scaleOf(a));
    }
    double biasHalfStep = 0.5 * step * maxWeightScale;
    double bound = step * w.amaxNumber().doubleValue() + biasHalfStep + 1e-5 * (1 + dl4j.amaxNumber().doubleValue());
    System.out.printf("%s: max |DL4J - ORT| = %.3g (bound %.3g)%n", label, diff, bound);
    assertTrue(diff <= bound, "max |DL4J - ORT| = " + diff + " exceeds the bound " + bound);
    INDArray ortFloat = OnnxRuntimeRunner.run(OnnxExport.toBytes(net, Map.of(), shape, ExportOptions.defaults()), "input", x);
    assertTrue(ortFloat.sub(ort).amaxNumber().doubleValue() > 100 * diff, "quantization must change the output");
    return diff;
  }

  /** Max-calibrates on three random normal batches of the shape; returns the export quantizers. */
  static Map<String, QdqParams> maxCalibrate(Model net, long[] shape) {
    Nd4j.getRandom().setSeed(5);
    List<DataSet> batches = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      batches.add(new DataSet(Nd4j.randn(DataType.FLOAT, shape), Nd4j.zeros(DataType.FLOAT, shape[0], 3)));
    }
    Calibration.collectStats(net, new ListDataSetIterator<>(batches, 1), 3);
    Calibration.computeAmax(net, AmaxMethod.MAX);
    return OnnxExport.quantizersOf(net);
  }

  @Test
  void lenetMatchesDl4jFakeQuantWithinOneStep() throws Exception {
    MultiLayerNetwork net = mln(new NeuralNetConfiguration.Builder().seed(1).list()
        .layer(new ConvolutionLayer.Builder(5, 5).name("conv1").nOut(4).activation(Activation.RELU).build())
        .layer(new SubsamplingLayer.Builder(PoolingType.MAX).name("pool1").kernelSize(2, 2).stride(2, 2).build())
        .layer(new ConvolutionLayer.Builder(3, 3).name("conv2").nOut(8).activation(Activation.RELU).build())
        .layer(new DenseLayer.Builder().name("fc1").nOut(16).activation(Activation.RELU).build())
        .layer(output(10))
        .setInputType(InputType.convolutional(14, 14, 1)));
    calibrateExportAndCompare("LeNet MLN", net, new long[] {2, 1, 14, 14}, "out");
  }

  @Test
  void denseMlpMatchesDl4jFakeQuantWithinOneStep() throws Exception {
    MultiLayerNetwork net = mln(new NeuralNetConfiguration.Builder().seed(2).list()
        .layer(new DenseLayer.Builder().name("fc1").nOut(16).activation(Activation.RELU).build())
        .layer(new DenseLayer.Builder().name("fc2").nOut(12).activation(Activation.TANH).build())
        .layer(output(3))
        .setInputType(InputType.feedForward(8)));
    calibrateExportAndCompare("Dense MLP", net, new long[] {4, 8}, "out");
  }

  @Test
  void deconvolutionAndDepthwiseMatchDl4jFakeQuantWithinOneStep() throws Exception {
    MultiLayerNetwork net = mln(new NeuralNetConfiguration.Builder().seed(3).list()
        .layer(new ConvolutionLayer.Builder(3, 3).name("conv").nOut(4).activation(Activation.RELU).build())
        .layer(new DepthwiseConvolution2D.Builder(3, 3).name("dw").depthMultiplier(2).activation(Activation.RELU).build())
        .layer(new Deconvolution2D.Builder(2, 2).name("deconv").stride(2, 2).nOut(3).activation(Activation.RELU).build())
        .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).name("gap").build())
        .layer(output(3))
        .setInputType(InputType.convolutional(8, 8, 2)));
    calibrateExportAndCompare("Deconvolution + depthwise", net, new long[] {2, 2, 8, 8}, "out");
  }

  @Test
  void residualGraphPutsTheResidualPairOnTheIdentityInputAndMatchesDl4j() throws Exception {
    ComputationGraph net = quantized(QuantConfig.DEFAULT.toBuilder().residual(true).build(), () -> {
      ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(4).graphBuilder()
          .addInputs("input")
          .addLayer("stem", new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same)
              .activation(Activation.RELU).build(), "input")
          .addLayer("conv_a", new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same)
              .activation(Activation.RELU).build(), "stem")
          .addLayer("conv_b", new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same)
              .activation(Activation.IDENTITY).build(), "conv_a")
          .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "conv_b", "stem")
          .addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "add")
          .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "relu")
          .addLayer("out", output(3), "gap")
          .setOutputs("out").setInputTypes(InputType.convolutional(6, 6, 3)).build());
      g.init();
      return g;
    });
    calibrateExportAndCompare("ResNet-style CG", net, new long[] {2, 3, 6, 6}, "out");
    ModelProto model = ModelProto.parseFrom(
        OnnxExport.toBytes(net, OnnxExport.quantizersOf(net), new long[] {2, 3, 6, 6}, ExportOptions.defaults()));
    List<NodeProto> nodes = model.getGraph().getNodeList();
    NodeProto add = nodes.stream().filter(n -> n.getOpType().equals("Add")).findFirst().orElseThrow();
    NodeProto residualDq = nodes.stream().filter(n -> n.getOutput(0).equals(add.getInput(1))).findFirst().orElseThrow();
    assertEquals("/add/_residual_quantizer/DequantizeLinear", residualDq.getName());
    assertTrue(add.getInput(0).startsWith("/conv_b/Conv"), "the main branch is conv_b's output, unquantized");
    assertTrue(model.getGraph().getOutput(0).getName().equals("output")
        && nodes.get(nodes.size() - 1).getOpType().equals("Gemm"), "no Q/DQ on the output");
  }
}
