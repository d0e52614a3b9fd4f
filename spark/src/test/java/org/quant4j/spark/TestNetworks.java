package org.quant4j.spark;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantModules;

/** A small seeded CNN on 8x8 single-channel images and seeded batches for it. */
final class TestNetworks {

  /** Histogram inputs (the two-pass path), per-channel max weights. */
  static final QuantConfig HISTOGRAM = QuantConfig.parse("input: {calib_method: histogram}");

  private TestNetworks() {}

  /** The network, built after quant4j is initialized with the config; the same weights every time. */
  static synchronized MultiLayerNetwork cnn(QuantConfig config) {
    QuantModules.initialize(config);
    MultiLayerNetwork net = new MultiLayerNetwork(conf());
    net.init();
    return net;
  }

  /** The same network without quantizers. */
  static synchronized MultiLayerNetwork plainCnn(QuantConfig configAfter) {
    QuantModules.deactivate();
    try {
      MultiLayerNetwork net = new MultiLayerNetwork(conf());
      net.init();
      return net;
    } finally {
      QuantModules.initialize(configAfter);
    }
  }

  private static MultiLayerConfiguration conf() {
    return new NeuralNetConfiguration.Builder().seed(12345).dataType(DataType.FLOAT).list()
        .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
        .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
        .layer(new DenseLayer.Builder().nOut(12).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX)
            .build())
        .setInputType(InputType.convolutionalFlat(8, 8, 1))
        .build();
  }

  /**
   * Seeded batches of flat 8x8 images with one-hot labels; the scale varies from batch to batch, so that the
   * first batch does not hold the largest value (a growing histogram grid would depend on the order).
   */
  static List<DataSet> batches(int count, int size) {
    Nd4j.getRandom().setSeed(2024);
    List<DataSet> out = new ArrayList<>();
    for (int b = 0; b < count; b++) {
      INDArray f = Nd4j.randn(DataType.FLOAT, size, 64).muli(1 + (b * 7) % 5);
      INDArray l = Nd4j.zeros(DataType.FLOAT, size, 3);
      for (int i = 0; i < size; i++) {
        l.putScalar(i, (b + i) % 3, 1f);
      }
      out.add(new DataSet(f, l));
    }
    return out;
  }
}
