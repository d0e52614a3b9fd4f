package org.quant4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.quant4j.nn.TensorQuantizer;

class QuantizersNamingTest {

  static MultiLayerConfiguration miniLeNet() {
    return new NeuralNetConfiguration.Builder().seed(7).list()
        .layer(new ConvolutionLayer.Builder(3, 3).name("conv1").nOut(4).activation(Activation.RELU).build())
        .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
        .layer(new DenseLayer.Builder().name("fc1").nOut(8).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
            .activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutional(8, 8, 1))
        .build();
  }

  @Test
  void multiLayerNetworkQuantizersAreNamedInForwardOrderRightAfterInit() {
    MultiLayerNetwork net = Networks.quantized(miniLeNet());
    assertEquals(List.of(
            "conv1._input_quantizer", "conv1._weight_quantizer",
            "layer1._input_quantizer",
            "fc1._input_quantizer", "fc1._weight_quantizer",
            "layer3._input_quantizer", "layer3._weight_quantizer"),
        List.copyOf(Quantizers.of(net).keySet()));
  }

  @Test
  void quantizersPrintLikeTheReferenceDefaults() {
    Map<String, TensorQuantizer> q = Quantizers.of(Networks.quantized(miniLeNet()));
    assertEquals("TensorQuantizer(8bit fake per-tensor amax=dynamic calibrator=MaxCalibrator scale=1.0 quant)",
        q.get("conv1._input_quantizer").toString());
    assertEquals("TensorQuantizer(8bit fake axis=0 amax=dynamic calibrator=MaxCalibrator scale=1.0 quant)",
        q.get("conv1._weight_quantizer").toString());
    assertEquals("TensorQuantizer(8bit fake axis=1 amax=dynamic calibrator=MaxCalibrator scale=1.0 quant)",
        q.get("fc1._weight_quantizer").toString());
  }

  @Test
  void namesAreStableAcrossBuilds() {
    assertEquals(List.copyOf(Quantizers.of(Networks.quantized(miniLeNet())).keySet()),
        List.copyOf(Quantizers.of(Networks.quantized(miniLeNet())).keySet()));
  }

  @Test
  void layersBuiltAfterDeactivateHaveNoQuantizers() {
    assertTrue(Quantizers.of(Networks.plain(miniLeNet())).isEmpty());
    assertFalse(QuantModules.isActive());
  }

  @Test
  void configOverridesApplyByWildcardAndEnableFalseDisables() {
    QuantConfig config = QuantConfig.parse(String.join("\n",
        "weight: {num_bits: 4}",
        "overrides:",
        "  - {name: 'fc1.*', num_bits: 6}",
        "  - {name: 'layer3._input_quantizer', enable: false}"));
    Map<String, TensorQuantizer> q = Quantizers.of(Networks.quantized(config, miniLeNet()));
    assertEquals(4, q.get("conv1._weight_quantizer").descriptor().numBits());
    assertEquals(8, q.get("conv1._input_quantizer").descriptor().numBits());
    assertEquals(6, q.get("fc1._weight_quantizer").descriptor().numBits());
    assertEquals(6, q.get("fc1._input_quantizer").descriptor().numBits());
    assertFalse(q.get("layer3._input_quantizer").isEnabled());
    assertTrue(q.get("layer3._weight_quantizer").isEnabled());
  }
}
