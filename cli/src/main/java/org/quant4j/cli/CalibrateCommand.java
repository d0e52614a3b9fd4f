package org.quant4j.cli;

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
 * {@code quant4j calibrate}: calibrates a DL4J model zip on IDX or CSV images, writes the amax of every
 * quantizer as a quantizer-state JSON file (what {@code QuantState.load} and the agent's {@code amax=}
 * read) and, optionally, the calibration report. Every option and output path is checked before the
 * calibration pass; an output that is one of the inputs is refused.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
    description = "Calibrate a DL4J model on IDX or CSV images; write the amax file and, optionally, the report.")
final class CalibrateCommand implements Callable<Integer> {

  @Mixin CalibrationInputs inputs;

  @Option(names = "--out", required = true, description = "The amax (quantizer state) JSON file to write.")
  Path out;

  @Option(names = "--report", description = "Also write the calibration report into this directory.")
  Path report;

  @Override
  public Integer call() throws Exception {
    OutputPaths outputs = inputs.check();
    outputs.requireFile("--out", out);
    if (report != null) {
      outputs.input("--out", out).requireDirectory("--report", report, CalibrationInputs.REPORT_FILES);
    }
    Model net = inputs.calibrate();
    QuantState.save(net, out);
    System.out.println("amax: " + out.toAbsolutePath());
    System.out.println("quantizers: " + org.quant4j.dl4j.QuantCoverage.of(net).summary());
    if (report != null) {
      AmaxChoice c = inputs.choice();
      Path index = CalibrationReport.builder()
          .title("quant4j calibration report: " + inputs.model.getFileName())
          .note("Calibrated on " + inputs.images.data + "; method " + c.label() + ".")
          .quantizers(Quantizers.of(net), AmaxChoice.STANDARD, c.label())
          .build().write(report);
      System.out.println("report: " + index.toAbsolutePath());
    }
    return 0;
  }
}
