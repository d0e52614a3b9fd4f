package org.quant4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import onnx.Onnx.ModelProto;
import onnx.Onnx.TensorProto;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantSpec;

/**
 * Weight quantizers of 2 to 7 bits export as int8 initializers holding DL4J's grid values, read by a
 * DequantizeLinear (no QuantizeLinear on the weight), so every stored value lies within
 * {@code ±(2^(b-1) - 1)} for max-calibrated weights and ORT computes DL4J's fake-quant output within
 * the one-step bound of docs/onnx.md.
 */
class OnnxLowBitWeightTest {

  @ParameterizedTest(name = "{0}-bit weights")
  @ValueSource(ints = {2, 4, 7})
  void lowBitWeightsExportAsInt8GridValuesAndMatchDl4j(int bits) throws Exception {
    QuantConfig config = QuantConfig.DEFAULT.toBuilder().weight(QuantSpec.numBits(bits)).build();
    MultiLayerNetwork net = OnnxQuantizedNetworkTest.quantized(config, () -> {
      MultiLayerNetwork m = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(31).list()
          .layer(new ConvolutionLayer.Builder(5, 5).name("conv1").nOut(4).activation(Activation.RELU).build())
          .layer(new SubsamplingLayer.Builder(PoolingType.MAX).name("pool1").kernelSize(2, 2).stride(2, 2).build())
          .layer(new DenseLayer.Builder().name("fc1").nOut(16).activation(Activation.RELU).build())
          .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).name("out").nOut(10)
              .activation(Activation.IDENTITY).build())
          .setInputType(InputType.convolutional(14, 14, 1)).build());
      m.init();
      return m;
    });
    long[] shape = {2, 1, 14, 14};
    OnnxQuantizedNetworkTest.calibrateExportAndCompare(bits + "-bit weights", net, shape, "out");
    Map<String, QdqParams> q = OnnxExport.quantizersOf(net);
    assertEquals(bits, q.get("conv1._weight_quantizer").numBits());
    ModelProto model = ModelProto.parseFrom(OnnxExport.toBytes(net, q, shape, ExportOptions.defaults()));
    int limit = (1 << (bits - 1)) - 1;
    for (String name : new String[] {"conv1.weight", "fc1.weight", "out.weight"}) {
      TensorProto w = model.getGraph().getInitializerList().stream().filter(t -> t.getName().equals(name))
          .findFirst().orElseThrow();
      assertEquals(TensorProto.DataType.INT8.getNumber(), w.getDataType(), name);
      int max = 0;
      for (byte v : w.getRawData().toByteArray()) {
        max = Math.max(max, Math.abs(v));
      }
      assertTrue(max <= limit, name + " holds " + max + " beyond ±" + limit);
      assertEquals(limit, max, name + ": max-calibrated weights reach the grid's end");
      assertFalse(model.getGraph().getNodeList().stream()
          .anyMatch(n -> n.getOpType().equals("QuantizeLinear") && n.getInput(0).equals(name)), name);
    }
  }
}
