package org.quant4j.dl4j;

import java.util.function.Supplier;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Builds DL4J networks for the tests, with quant modules active (a given configuration) or not.
 * {@link QuantModules} state is global, so building is serialized here.
 */
final class Networks {

  private Networks() {}

  static synchronized <T> T build(QuantConfig config, Supplier<T> builder) {
    if (config == null) {
      QuantModules.deactivate();
    } else {
      QuantModules.initialize(config);
    }
    try {
      return builder.get();
    } finally {
      QuantModules.deactivate();
    }
  }

  static MultiLayerNetwork quantized(MultiLayerConfiguration conf) {
    return quantized(QuantConfig.DEFAULT, conf);
  }

  static MultiLayerNetwork quantized(QuantConfig config, MultiLayerConfiguration conf) {
    return build(config, () -> {
      MultiLayerNetwork net = new MultiLayerNetwork(conf.clone());
      net.init();
      return net;
    });
  }

  static MultiLayerNetwork plain(MultiLayerConfiguration conf) {
    return build(null, () -> {
      MultiLayerNetwork net = new MultiLayerNetwork(conf.clone());
      net.init();
      return net;
    });
  }

  static ComputationGraph quantized(QuantConfig config, ComputationGraphConfiguration conf) {
    return build(config, () -> {
      ComputationGraph net = new ComputationGraph(conf.clone());
      net.init();
      return net;
    });
  }

  static ComputationGraph plain(ComputationGraphConfiguration conf) {
    return build(null, () -> {
      ComputationGraph net = new ComputationGraph(conf.clone());
      net.init();
      return net;
    });
  }
}
