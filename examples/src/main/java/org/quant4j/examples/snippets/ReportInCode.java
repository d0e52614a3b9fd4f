package org.quant4j.examples.snippets;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.data.ImageSet;
import org.quant4j.data.ImageSetIterator;
import org.quant4j.dl4j.Calibration;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.dl4j.QuantSpec;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.report.AmaxChoice;
import org.quant4j.report.CalibrationReport;

/** docs/demo.md's "In code": what {@code quant4j calibrate} and {@code quant4j report} do, from Java. */
public final class ReportInCode {

  private ReportInCode() {}

  /**
   * Calibrates a saved network with histogram calibrators and writes the calibration report to {@code report/}.
   *
   * @param images an IDX images file
   * @throws IOException if a file cannot be read or written
   */
  public static void report(Path images) throws IOException {
    // [report]
    QuantModules.initialize(QuantConfig.builder()
        .input(QuantSpec.builder().numBits(8).calibMethod("histogram").build())
        .weight(QuantSpec.builder().numBits(8).calibMethod("max").perChannel(true).build()).build());
    MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(new File("model.zip"));
    Calibration.collectStats(net, ImageSetIterator.inOrder(ImageSet.fromIdx(images, null, 255f), 256), 4);
    Calibration.computeAmax(net, AmaxMethod.ENTROPY);
    CalibrationReport.builder().title("my model").quantizers(Quantizers.of(net), AmaxChoice.STANDARD, "entropy")
        .build().write(Path.of("report"));
    // [report]
  }
}
