package org.quant4j.tune;

import java.io.File;
import java.nio.file.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.quant4j.data.ImageSet;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantModules;

/**
 * The fresh JVM of {@link MixedPrecisionSearchTest}: restores the fragile network's zip in float to label its
 * images, then under {@code QuantModules.initialize(QuantConfig.load(config))}, and prints the quantized top-1 as
 * the bits of a double.
 */
public final class ReproduceTop1 {

  private ReproduceTop1() {}

  /**
   * Runs it.
   *
   * @param args the model zip and the config YAML
   * @throws Exception on any failure (the exit status is then not 0)
   */
  public static void main(String[] args) throws Exception {
    MultiLayerNetwork floatNet = ModelSerializer.restoreMultiLayerNetwork(new File(args[0]), false);
    ImageSet images = FragileNetwork.images(floatNet);
    QuantModules.initialize(QuantConfig.load(Path.of(args[1])));
    MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(new File(args[0]), false);
    System.out.println("top1-bits=" + Double.doubleToLongBits(Top1.of(net, images, FragileNetwork.BATCH)));
  }
}
