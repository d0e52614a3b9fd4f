package org.quant4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.api.Model;
import org.quant4j.dl4j.QuantState;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.report.AmaxChoice;
import org.quant4j.report.CalibrationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code quant4j report}: writes the calibration report of a model. The histograms are collected from
 * the data again (an amax file keeps amax, not histograms); the amax in use is that of {@code --amax}
 * when given (a file {@code quant4j calibrate} wrote), else that of {@code --method}.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Write the calibration report (HTML + PNG per quantizer) of a DL4J model on IDX or CSV images.")
final class ReportCommand implements Callable<Integer> {

  @Mixin CalibrationInputs inputs;

  @Option(names = "--amax", description = "Quantizer state JSON (from quant4j calibrate) whose amax is the one in use.")
  Path amax;

  @Option(names = "--out", required = true, description = "The report directory (index.html and PNGs).")
  Path out;

  @Override
  public Integer call() throws Exception {
    inputs.check().input("--amax", amax).requireDirectory("--out", out, CalibrationInputs.REPORT_FILES);
    if (amax != null && !Files.isRegularFile(amax)) {
      throw new IllegalArgumentException("--amax " + amax + ": no such file, expected a quantizer-state JSON file");
    }
    Model net = inputs.calibrate();
    String chosen = inputs.choice().label();
    if (amax != null) {
      QuantState.load(net, amax);
      chosen = null;
    }
    Path index = CalibrationReport.builder()
        .title("quant4j calibration report: " + inputs.model.getFileName())
        .note("Histograms from " + inputs.images.data + "; amax in use: " + (amax != null ? "from " + amax : "method " + chosen) + ".")
        .quantizers(Quantizers.of(net), AmaxChoice.STANDARD, chosen)
        .build().write(out);
    System.out.println("report: " + index.toAbsolutePath());
    return 0;
  }
}
