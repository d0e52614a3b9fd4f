package org.quant4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.api.Model;
import org.quant4j.data.ImageSet;
import org.quant4j.internal.AtomicFiles;
import org.quant4j.report.CalibrationReport;
import org.quant4j.tune.Sensitivity;
import org.quant4j.tune.SensitivityResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code quant4j sensitivity}: per quantized layer of a calibrated DL4J model, top-1 on labelled images with only
 * that layer quantized and with all but that layer quantized, against FP32 and all-quantized; a table on standard
 * output and, with {@code --out}, {@code sensitivity.json} and the report's sensitivity chart.
 */
@Command(name = "sensitivity", mixinStandardHelpOptions = true,
    description = "Per-layer sensitivity of a calibrated DL4J model: top-1 with only L quantized and with all but L"
        + " quantized, most harmful layer first.")
final class SensitivityCommand implements Callable<Integer> {

  /** Whether a file name is one {@code --out} gets: the JSON and the report's files. */
  static final java.util.function.Predicate<String> OUT_FILES =
      name -> name.equals("sensitivity.json") || CalibrationInputs.REPORT_FILES.test(name);

  @Option(names = "--model", required = true, description = "DL4J model zip (ModelSerializer): MultiLayerNetwork or ComputationGraph.")
  Path model;

  @Mixin ImageOptions images;

  @Option(names = "--labels", description = "The IDX labels of --data (a CSV gives them with --label-column).")
  Path labels;

  @Option(names = "--amax", required = true, description = "The amax (quantizer state) JSON file, e.g. from quant4j calibrate.")
  Path amax;

  @Option(names = "--config", description = "The QuantConfig the amax was calibrated with; default: the reference defaults.")
  Path config;

  @Option(names = "--batch-size", defaultValue = "256", description = "Images per forward pass. Default: ${DEFAULT-VALUE}")
  int batchSize;

  @Option(names = "--cache-mb", defaultValue = "1024",
      description = "Memory for the kept layer inputs of one batch, in MiB; beyond it, runs start earlier. Default: ${DEFAULT-VALUE}")
  long cacheMb;

  @Option(names = "--out", description = "Write sensitivity.json and the report (index.html, sensitivity.png) into this directory.")
  Path out;

  @Override
  public Integer call() throws Exception {
    ImageOptions.requireFile("--model", model, "a DL4J model zip");
    images.check();
    ImageOptions.requireFile("--amax", amax, "a quantizer-state JSON file");
    if (config != null) {
      ImageOptions.requireFile("--config", config, "a QuantConfig YAML or JSON file");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("--batch-size " + batchSize + " must be at least 1");
    }
    if (cacheMb < 0) {
      throw new IllegalArgumentException("--cache-mb " + cacheMb + " must be 0 or more");
    }
    if (out != null) {
      new OutputPaths().input("--model", model).input("--data", images.data).input("--labels", labels)
          .input("--amax", amax).input("--config", config).requireDirectory("--out", out, OUT_FILES);
    }
    ImageSet eval = images.labelled(labels);
    Model net = ModelZips.restoreWithAmax(model, config, amax);
    SensitivityResult result = Sensitivity.of(net).data(eval, batchSize).cacheBudget(cacheMb << 20).progress(true).run();
    System.out.println(result.table().toText());
    if (out != null) {
      Files.createDirectories(out);
      AtomicFiles.writeString(out.resolve("sensitivity.json"), result.toJson());
      Path index = CalibrationReport.builder().title("quant4j sensitivity: " + model.getFileName())
          .note("Top-1 on " + images.data + " with the amax of " + amax + ".")
          .chart(result.chart()).build().write(out);
      System.out.println("json: " + out.resolve("sensitivity.json").toAbsolutePath());
      System.out.println("report: " + index.toAbsolutePath());
    }
    return 0;
  }
}
