package org.quant4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.api.Model;
import org.quant4j.data.ImageSet;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.internal.AtomicFiles;
import org.quant4j.report.AmaxChoice;
import org.quant4j.report.CalibrationReport;
import org.quant4j.tune.Format;
import org.quant4j.tune.MixedPrecisionSearch;
import org.quant4j.tune.SearchResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code quant4j autoquant}: finds a format per layer of a float DL4J model, from candidate formats, that keeps
 * top-1 within a budget (points below FP32, effective bits, or both) at low cost, and writes it as a QuantConfig
 * YAML that {@code QuantModules.initialize(QuantConfig.load(...))} and the agent's {@code config=} take as it is.
 * A budget no assignment meets is bad input: the line says so and gives the best assignment found, and nothing is
 * written.
 */
@Command(name = "autoquant", mixinStandardHelpOptions = true,
    description = "Automatic mixed precision: a format per layer that meets a top-1 or bits budget; writes a QuantConfig YAML.")
final class AutoquantCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, description = "The float DL4J model zip (ModelSerializer): MultiLayerNetwork or ComputationGraph.")
  Path model;

  @Mixin ImageOptions images;

  @Option(names = "--labels", description = "The IDX labels of --data (a CSV gives them with --label-column).")
  Path labels;

  @Option(names = "--calib", required = true, description = "Calibration images, read as --data is (IDX or CSV, labels not needed).")
  Path calib;

  @Option(names = "--formats", split = ",", defaultValue = "w4a4,w4a8,w8a8,float",
      description = "Candidate formats per layer: float, w8a8, w4a8, w4a4, fp8, or NAME=FILE (a QuantConfig fragment"
          + " whose input and weight specs are the format). Default: ${DEFAULT-VALUE}")
  List<String> formats;

  @Option(names = "--max-drop", description = "The most top-1 may be below FP32, in points (0.5 = half a point).")
  Double maxDrop;

  @Option(names = "--max-bits", description = "The most effective bits per weight and activation element.")
  Double maxBits;

  @Option(names = "--config", description = "The QuantConfig every format is laid over. Default: 8-bit inputs per tensor"
      + " (histogram calibrator; max for --method max), 8-bit weights per output channel (max).")
  Path config;

  @Option(names = "--method", defaultValue = "percentile:99.99",
      description = "How histogram calibrators pick amax: max, percentile[:P], mse or entropy. Default: ${DEFAULT-VALUE}")
  String method;

  @Option(names = "--batch-size", defaultValue = "256", description = "Images per batch. Default: ${DEFAULT-VALUE}")
  int batchSize;

  @Option(names = "--num-batches", defaultValue = "0", description = "Calibration batches; 0 = all of --calib. Default: ${DEFAULT-VALUE}")
  int numBatches;

  @Option(names = "--out", required = true, description = "The QuantConfig YAML to write.")
  Path out;

  @Option(names = "--report", description = "Also write a report (assignment, sensitivity chart) into this directory.")
  Path report;

  @Override
  public Integer call() throws Exception {
    ImageOptions.requireFile("--model", model, "a DL4J model zip");
    images.check();
    ImageOptions.requireFile("--calib", calib, "IDX images or CSV");
    if (config != null) {
      ImageOptions.requireFile("--config", config, "a QuantConfig YAML or JSON file");
    }
    AmaxChoice choice = AmaxChoice.parse(method);
    List<Format> candidates = formats();
    if (maxDrop == null && maxBits == null) {
      throw new IllegalArgumentException("give a budget: --max-drop POINTS, --max-bits BITS, or both");
    }
    if (maxDrop != null && (!(maxDrop >= 0) || maxDrop.isInfinite())) {
      throw new IllegalArgumentException("--max-drop " + maxDrop + " must be a finite number of points >= 0");
    }
    if (maxBits != null && (!(maxBits > 0) || maxBits.isInfinite())) {
      throw new IllegalArgumentException("--max-bits " + maxBits + " must be a finite number > 0");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("--batch-size " + batchSize + " must be at least 1");
    }
    if (numBatches < 0) {
      throw new IllegalArgumentException("--num-batches " + numBatches + " must be 0 (all the data) or more");
    }
    OutputPaths outputs = new OutputPaths().input("--model", model).input("--data", images.data)
        .input("--labels", labels).input("--calib", calib).input("--config", config);
    for (String f : formats) {
      outputs.input("--formats", fragmentFile(f));
    }
    outputs.requireFile("--out", out);
    if (report != null) {
      outputs.input("--out", out).requireDirectory("--report", report, CalibrationInputs.REPORT_FILES);
    }

    ImageSet eval = images.labelled(labels);
    ImageSet calibration = images.read("--calib", calib);
    QuantConfig base = config != null ? QuantConfig.load(config) : CalibrationInputs.defaultConfig(choice);
    Model template = ModelZips.restoreUnder("--model", model, null, "autoquant starts from the float model");
    MixedPrecisionSearch.Builder search = MixedPrecisionSearch.of(template).base(base).formats(candidates)
        .calibration(calibration, batchSize, numBatches, choice).data(eval, batchSize).progress(true);
    if (maxDrop != null) {
      search.maxDrop(maxDrop / 100);
    }
    if (maxBits != null) {
      search.maxEffectiveBits(maxBits);
    }
    SearchResult r = search.run();
    System.out.println(r.sensitivity().table().toText());
    System.out.println(r.table().toText());
    if (!r.met()) {
      throw new IllegalArgumentException("no assignment of " + String.join(", ", formats) + " meets the budget ("
          + r.budget() + "): the best found, " + r.assignmentText() + ", reaches " + r.outcome()
          + "; nothing was written");
    }
    String header = String.format(Locale.ROOT, "# quant4j autoquant on %s: %s%n# %s%n",
        model.getFileName(), r.summary(), r.assignmentText());
    AtomicFiles.writeString(out, header + r.config().toYaml());
    System.out.println("config: " + out.toAbsolutePath());
    if (report != null) {
      Path index = CalibrationReport.builder().title("quant4j autoquant: " + model.getFileName())
          .note(r.summary()).table(r.table()).chart(r.sensitivity().chart()).build().write(report);
      System.out.println("report: " + index.toAbsolutePath());
    }
    System.out.println("autoquant: " + r.summary());
    System.out.println("top-1 exact: " + r.achieved());
    return 0;
  }

  private List<Format> formats() throws IOException {
    List<Format> out = new ArrayList<>();
    for (String f : formats) {
      Path file = fragmentFile(f);
      if (file == null) {
        out.add(Format.named(f));
      } else {
        ImageOptions.requireFile("--formats", file, "a QuantConfig fragment (YAML or JSON)");
        out.add(Format.of(f.substring(0, f.indexOf('=')).strip(), QuantConfig.load(file)));
      }
    }
    if (out.stream().map(Format::name).distinct().count() != out.size()) {
      throw new IllegalArgumentException("--formats " + String.join(",", formats) + " names a format twice");
    }
    return out;
  }

  private static Path fragmentFile(String format) {
    int eq = format.indexOf('=');
    return eq < 0 ? null : Path.of(format.substring(eq + 1).strip());
  }
}
