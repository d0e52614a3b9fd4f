package org.quant4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** What QuantCoverage counts and which layers it reports as left in float. */
class QuantCoverageTest {

  private static MultiLayerConfiguration denseWithBatchNorm() {
    return new NeuralNetConfiguration.Builder().seed(3).list()
        .layer(new DenseLayer.Builder().name("fc1").nOut(6).build())
        .layer(new BatchNormalization.Builder().name("bn").build())
        .layer(new ActivationLayer.Builder().name("relu").activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nOut(3)
            .activation(Activation.SOFTMAX).build())
        .setInputType(InputType.feedForward(4))
        .build();
  }

  @Test
  void countsQuantizersEnabledAndCalibratedAndNamesLayersWithParametersOutsideTheLayerMap() {
    MultiLayerNetwork net = Networks.quantized(denseWithBatchNorm());
    Quantizers.of(net).get("out._input_quantizer").disable();
    Quantizers.of(net).get("fc1._input_quantizer").setAmax(2f);
    QuantCoverage coverage = QuantCoverage.of(net);
    assertEquals(4, coverage.quantizers());
    assertEquals(3, coverage.enabled());
    assertEquals(1, coverage.calibrated());
    assertEquals(List.of(new QuantCoverage.Unquantized("bn",
        "org.deeplearning4j.nn.layers.normalization.BatchNormalization")), coverage.unquantized());
    assertEquals("4 quantizers, 3 enabled, 1 calibrated; left in float (not in the layer map): bn "
        + "(BatchNormalization)", coverage.summary());
  }

  @Test
  void aGraphIsCoveredByVertexName() {
    ComputationGraph graph = Networks.build(QuantConfig.DEFAULT, () -> {
      MultiLayerNetwork net = new MultiLayerNetwork(denseWithBatchNorm());
      net.init();
      return net.toComputationGraph();
    });
    QuantCoverage coverage = QuantCoverage.of(graph);
    assertEquals(4, coverage.quantizers());
    assertEquals(List.of("1"), coverage.unquantized().stream().map(QuantCoverage.Unquantized::name).toList());
    assertEquals(List.of("0._input_quantizer", "0._weight_quantizer", "3._input_quantizer", "3._weight_quantizer"),
        List.copyOf(Quantizers.of(graph).keySet()));
  }

  @Test
  void aFullyMappedNetworkSaysSo() {
    QuantCoverage coverage = QuantCoverage.of(Networks.quantized(QuantizersNamingTest.miniLeNet()));
    assertEquals("7 quantizers, 7 enabled, 0 calibrated; every layer with parameters is in the layer map",
        coverage.summary());
  }

  @Test
  void aNetworkBuiltWithoutQuant4jHasNoQuantizersAndListsTheLayersOutsideTheMap() {
    QuantCoverage coverage = QuantCoverage.of(Networks.plain(denseWithBatchNorm()));
    assertEquals(0, coverage.quantizers());
    assertEquals(List.of("bn"), coverage.unquantized().stream().map(QuantCoverage.Unquantized::name).toList());
  }
}
