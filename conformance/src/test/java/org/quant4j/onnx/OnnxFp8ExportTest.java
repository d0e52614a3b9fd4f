package org.quant4j.onnx;

import org.quant4j.conformance.OnnxRuntimeRunner;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantSpec;
import org.quant4j.tensor.QuantFormat;

/**
 * A small LeNet whose inputs and weights are FP8 E4M3 ({@code QuantConfig} {@code num_bits: [4, 3]}),
 * max-calibrated, exported at opset 19 with FLOAT8E4M3FN zero points, and run in ONNX Runtime's CPU
 * provider against DL4J's fake-quant output.
 */
class OnnxFp8ExportTest {

  private static final long[] SHAPE = {2, 1, 12, 12};
  private static final ExportOptions OPSET_19 = ExportOptions.builder().opset(19).build();
  private static MultiLayerNetwork net;
  private static Map<String, QdqParams> quantizers;

  @BeforeAll
  static void calibratedFp8Lenet() {
    QuantConfig fp8 = QuantConfig.DEFAULT.toBuilder().input(QuantSpec.e4m3()).weight(QuantSpec.e4m3()).build();
    net = OnnxQuantizedNetworkTest.quantized(fp8, () -> {
      MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7).list()
          .layer(new ConvolutionLayer.Builder(3, 3).name("conv1").nOut(4).activation(Activation.RELU).build())
          .layer(new SubsamplingLayer.Builder(PoolingType.MAX).name("pool1").kernelSize(2, 2).stride(2, 2).build())
          .layer(new DenseLayer.Builder().name("fc1").nOut(12).activation(Activation.RELU).build())
          .layer(new OutputLayer.Builder().name("out").nOut(3).activation(Activation.IDENTITY)
              .lossFunction(LossFunctions.LossFunction.MSE).build())
          .setInputType(InputType.convolutional(12, 12, 1)).build());
      n.init();
      return n;
    });
    quantizers = OnnxQuantizedNetworkTest.maxCalibrate(net, SHAPE);
  }

  @Test
  void everyQuantizerIsAnE4M3PairWithAFloat8ZeroPointAndScaleAmaxOver448() throws Exception {
    assertEquals(7, quantizers.size(), quantizers.keySet().toString());
    ModelProto model = ModelProto.parseFrom(OnnxExport.toBytes(net, quantizers, SHAPE, OPSET_19));
    assertEquals(19, model.getOpsetImport(0).getVersion());
    assertEquals(9, model.getIrVersion());
    List<NodeProto> nodes = model.getGraph().getNodeList();
    List<NodeProto> qs = nodes.stream().filter(n -> n.getOpType().equals("QuantizeLinear")).toList();
    assertEquals(7, qs.size());
    assertEquals(7, nodes.stream().filter(n -> n.getOpType().equals("DequantizeLinear")).count());
    for (NodeProto q : qs) {
      TensorProto scale = constantValue(nodes, q.getInput(1));
      TensorProto zeroPoint = constantValue(nodes, q.getInput(2));
      assertEquals(OnnxTensors.FLOAT8E4M3FN, zeroPoint.getDataType(), q.getName());
      assertEquals(0, zeroPoint.getDimsCount(), q.getName());
      assertEquals(0, zeroPoint.getRawData().byteAt(0), q.getName());
      assertEquals(0, scale.getDimsCount(), "per-tensor scale of " + q.getName());
      String name = q.getName().substring(1, q.getName().lastIndexOf('/')).replace('/', '.');
      QdqParams p = quantizers.get(name);
      assertEquals(QuantFormat.E4M3, p.format(), name);
      float expected = p.amaxValues()[0] / 448f;
      assertEquals(expected, scale.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat(),
          name);
    }
  }

  private static TensorProto constantValue(List<NodeProto> nodes, String output) {
    NodeProto c = nodes.stream().filter(n -> n.getOutput(0).equals(output)).findFirst().orElseThrow();
    assertEquals("Constant", c.getOpType());
    return c.getAttribute(0).getT();
  }

  @Test
  void onnxRuntimeRunsTheFp8GraphAndMatchesDl4jFakeQuant() throws Exception {
    Nd4j.getRandom().setSeed(37);
    INDArray x = Nd4j.randn(DataType.FLOAT, SHAPE);
    INDArray dl4j = net.output(x.dup());
    INDArray ort = OnnxRuntimeRunner.run(OnnxExport.toBytes(net, quantizers, SHAPE, OPSET_19), "input", x);
    assertArrayEquals(dl4j.shape(), ort.shape());
    double diff = dl4j.sub(ort).amaxNumber().doubleValue();
    // ONNX divides by amax/448 where quant4j multiplies by 448/amax: an element may land one E4M3 step
    // (at most amax/14, the spacing of the top binade) apart, propagated through the output layer.
    float step = quantizers.get("out._input_quantizer").amaxValues()[0] / 14f;
    double bound = step * net.getLayer("out").getParam("W").amaxNumber().doubleValue()
        + 1e-5 * (1 + dl4j.amaxNumber().doubleValue());
    System.out.printf("FP8 LeNet: max |DL4J - ORT| = %.3g (bound %.3g)%n", diff, bound);
    assertTrue(diff <= bound, "max |DL4J - ORT| = " + diff + " exceeds the bound " + bound);
    INDArray ortFloat = OnnxRuntimeRunner.run(OnnxExport.toBytes(net, Map.of(), SHAPE, OPSET_19), "input", x);
    assertTrue(ortFloat.sub(ort).amaxNumber().doubleValue() > 10 * diff, "quantization must change the output");
  }

  @Test
  void anFp8QuantizerBelowOpset19IsRefusedNamingTheOpset() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OnnxExport.toBytes(net, quantizers, SHAPE, ExportOptions.defaults()));
    assertTrue(e.getMessage().contains("FP8 E4M3") && e.getMessage().contains("opset 19"), e.getMessage());
  }

  @Test
  void aPerChannelFp8AmaxIsRefused() {
    QdqParams perChannel = new QdqParams("conv1._weight_quantizer", 8, false, false,
        Nd4j.create(new float[] {1f, 2f, 3f, 4f}, new long[] {4, 1, 1, 1}), QuantFormat.E4M3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> perChannel.requireExportable(true));
    assertTrue(e.getMessage().contains("per-tensor"), e.getMessage());
  }
}
