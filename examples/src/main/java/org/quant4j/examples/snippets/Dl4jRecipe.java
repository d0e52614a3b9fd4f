package org.quant4j.examples.snippets;

import java.io.IOException;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.dl4j.Calibration;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.dl4j.QuantState;
import org.quant4j.dl4j.Quantizers;

/** docs/dl4j.md's recipe: quantizers on a network built in code, calibration, QAT, the saved state. */
public final class Dl4jRecipe {

  private Dl4jRecipe() {}

  /**
   * Builds the network with quantizers, calibrates it, fine-tunes it one epoch and saves its quantizer state.
   *
   * @param conf the network's configuration, as the application builds it
   * @param trainIter the training data
   * @return the quantized, calibrated and fine-tuned network
   * @throws IOException if {@code amax.json} cannot be written
   */
  public static MultiLayerNetwork quantize(MultiLayerConfiguration conf, DataSetIterator trainIter) throws IOException {
    // [recipe]
    QuantModules.initialize();                       // before the network is built (or QuantModules.initialize(QuantConfig.load(path)))
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();                                      // quantizers exist from here on
    Calibration.collectStats(net, trainIter, 4);     // calibrators collect, quantizers pass through (enableCalib, disableQuant)
    Calibration.computeAmax(net, AmaxMethod.PERCENTILE, 99.99);   // loads amax, then disableCalib, enableQuant
    Quantizers.of(net).forEach((n, q) -> System.out.println(n + " : " + q));
    net.fit(trainIter, 1);                           // QAT: straight-through estimator
    QuantState.save(net, Path.of("amax.json"));
    // [recipe]
    return net;
  }
}
