package org.quant4j.cli;

import java.io.File;
import java.nio.file.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.quant4j.data.CsvImages;
import org.quant4j.data.LabelColumn;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.tune.Top1;

/**
 * The fresh JVM of {@link TuneCommandsTest}: what a user does with the config autoquant wrote, then top-1.
 */
public final class ReproduceAutoquant {

  private ReproduceAutoquant() {}

  /**
   * Prints {@code top1=<exact double>}.
   *
   * @param args the model zip, the config YAML, the labelled CSV (1x5x5, label last) and the batch size
   * @throws Exception on any failure
   */
  public static void main(String[] args) throws Exception {
    QuantModules.initialize(QuantConfig.load(Path.of(args[1])));
    MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(new File(args[0]), false);
    var images = CsvImages.read(Path.of(args[2]), 1, 5, 5, 1f, LabelColumn.LAST);
    System.out.println("top1=" + Top1.of(net, images, Integer.parseInt(args[3])));
  }
}
