package org.quant4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.quant4j.conformance.OnnxRuntimeRunner;
import org.quant4j.dl4j.QuantConfig;

/**
 * int32 biases ({@link ExportOptions#int32Bias()}): a quantized Conv or Gemm gets its bias as int32
 * {@code rint(b / (s_x · s_w[c]))} through a DequantizeLinear of scale {@code s_x · s_w[c]}, per output
 * channel, zero point 0; the rounding moves each output of the operator by at most half that scale
 * (docs/onnx.md), which is what ONNX Runtime shows when the same export is written both ways.
 */
class OnnxInt32BiasTest {

  private static MultiLayerNetwork convThenGemm() {
    return OnnxQuantizedNetworkTest.quantized(QuantConfig.DEFAULT, () -> {
      MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(21)
          .biasInit(0.37).list()
          .layer(new ConvolutionLayer.Builder(3, 3).name("conv").nOut(6).activation(Activation.IDENTITY).build())
          .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).name("out").nOut(5)
              .activation(Activation.IDENTITY).build())
          .setInputType(InputType.convolutional(8, 8, 2)).build());
      net.init();
      return net;
    });
  }

  @Test
  void quantizedConvAndGemmBiasesAreInt32WithTheProductScalePerOutputChannel() throws Exception {
    MultiLayerNetwork net = convThenGemm();
    Map<String, QdqParams> q = OnnxQuantizedNetworkTest.maxCalibrate(net, new long[] {2, 2, 8, 8});
    ModelProto model = ModelProto.parseFrom(OnnxExport.toBytes(net, q, new long[] {2, 2, 8, 8}, ExportOptions.defaults()));
    TensorProto bias = model.getGraph().getInitializerList().stream()
        .filter(t -> t.getName().equals("conv.bias")).findFirst().orElseThrow();
    assertEquals(TensorProto.DataType.INT32.getNumber(), bias.getDataType());
    NodeProto dq = model.getGraph().getNodeList().stream()
        .filter(n -> n.getOpType().equals("DequantizeLinear") && n.getInput(0).equals("conv.bias")).findFirst().orElseThrow();
    assertEquals(0, dq.getAttribute(0).getI(), "per output channel, axis 0");
    float sx = q.get("conv._input_quantizer").scaleOf(q.get("conv._input_quantizer").amaxValues()[0]);
    float[] wAmax = q.get("conv._weight_quantizer").amaxValues();
    INDArray b = net.getLayer("conv").getParam("b");
    java.nio.ByteBuffer raw = bias.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int c = 0; c < wAmax.length; c++) {
      float scale = sx * q.get("conv._weight_quantizer").scaleOf(wAmax[c]);
      assertEquals((int) Math.rint(b.getFloat(c) / (double) scale), raw.getInt(4 * c), "channel " + c);
    }
    ModelProto floatBias = ModelProto.parseFrom(OnnxExport.toBytes(net, q, new long[] {2, 2, 8, 8},
        ExportOptions.builder().int32Bias(false).build()));
    assertEquals(TensorProto.DataType.FLOAT.getNumber(), floatBias.getGraph().getInitializerList().stream()
        .filter(t -> t.getName().equals("conv.bias")).findFirst().orElseThrow().getDataType());
  }

  @Test
  void biasRoundingMovesTheGemmOutputByAtMostHalfABiasStep() throws Exception {
    MultiLayerNetwork net = OnnxQuantizedNetworkTest.quantized(QuantConfig.DEFAULT, () -> {
      MultiLayerNetwork m = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(22).biasInit(0.37).list()
          .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).name("out").nOut(7)
              .activation(Activation.IDENTITY).build())
          .setInputType(InputType.feedForward(12)).build());
      m.init();
      m.getLayer("out").getParam("b").assign(Nd4j.rand(DataType.FLOAT, 1, 7).subi(0.5));
      return m;
    });
    long[] shape = {16, 12};
    Map<String, QdqParams> q = OnnxQuantizedNetworkTest.maxCalibrate(net, shape);
    INDArray x = Nd4j.randn(DataType.FLOAT, shape);
    INDArray withInt = OnnxRuntimeRunner.run(OnnxExport.toBytes(net, q, shape, ExportOptions.defaults()), "input", x);
    INDArray withFloat = OnnxRuntimeRunner.run(
        OnnxExport.toBytes(net, q, shape, ExportOptions.builder().int32Bias(false).build()), "input", x);
    float sx = q.get("out._input_quantizer").scaleOf(q.get("out._input_quantizer").amaxValues()[0]);
    float[] wAmax = q.get("out._weight_quantizer").amaxValues();
    double worst = 0;
    for (int c = 0; c < wAmax.length; c++) {
      double halfStep = 0.5 * sx * q.get("out._weight_quantizer").scaleOf(wAmax[c]);
      double moved = withInt.getColumn(c).sub(withFloat.getColumn(c)).amaxNumber().doubleValue();
      assertTrue(moved <= halfStep * (1 + 1e-6) + 1e-6 * (1 + withFloat.amaxNumber().doubleValue()),
          "output " + c + " moved " + moved + " > half a bias step " + halfStep);
      worst = Math.max(worst, moved / halfStep);
    }
    System.out.printf("int32 bias: largest move %.3f of half a bias step%n", worst);
    assertTrue(worst > 0, "the int32 bias must be what ORT computes with");
    List<NodeProto> nodes = ModelProto.parseFrom(OnnxExport.toBytes(net, q, shape, ExportOptions.defaults()))
        .getGraph().getNodeList();
    assertTrue(nodes.stream().anyMatch(n -> n.getOpType().equals("DequantizeLinear") && n.getInput(0).equals("out.bias")));
  }
}
