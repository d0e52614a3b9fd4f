package org.quant4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.longer.MatchCondition;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.data.CsvImages;
import org.quant4j.data.ImageSet;
import org.quant4j.data.ImageSetIterator;
import org.quant4j.data.LabelColumn;
import org.quant4j.dl4j.Calibration;
import org.quant4j.dl4j.CalibrationResult;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.dl4j.QuantSpec;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.report.AmaxChoice;
import picocli.CommandLine.Option;

/**
 * The options {@code quant4j calibrate} and {@code quant4j report} share: a DL4J model zip, a data
 * source (IDX images or CSV), a quantization configuration and a method; and the calibration they run.
 */
final class CalibrationInputs {

  @Option(names = "--model", required = true, description = "DL4J model zip (ModelSerializer): MultiLayerNetwork or ComputationGraph.")
  Path model;

  @Option(names = "--data", required = true,
      description = "Calibration images: an IDX images file (plain or .gz, e.g. train-images-idx3-ubyte) or a CSV file (.csv or .csv.gz, one image per row).")
  Path data;

  @Option(names = "--shape", defaultValue = "1,28,28", description = "CSV image shape C,H,W. Default: ${DEFAULT-VALUE}")
  String shape;

  @Option(names = "--scale", defaultValue = "255", description = "Every pixel is divided by this. Default: ${DEFAULT-VALUE}")
  float scale;

  @Option(names = "--label-column", defaultValue = "none",
      description = "CSV: where each row's label is: none, first or last. Default: ${DEFAULT-VALUE}")
  String labelColumn;

  @Option(names = "--config", description = "QuantConfig YAML or JSON. Default: 8-bit inputs per tensor (histogram calibrator; max for --method max), 8-bit weights per output channel (max).")
  Path config;

  @Option(names = "--method", defaultValue = "percentile:99.99",
      description = "How histogram calibrators pick amax: max, percentile[:P], mse or entropy. Default: ${DEFAULT-VALUE}")
  String method;

  @Option(names = "--batch-size", defaultValue = "256", description = "Images per calibration batch. Default: ${DEFAULT-VALUE}")
  int batchSize;

  @Option(names = "--num-batches", defaultValue = "0", description = "Batches to use; 0 = all the data. Default: ${DEFAULT-VALUE}")
  int numBatches;

  /** Whether a file name is one the calibration report writes into its directory. */
  static final Predicate<String> REPORT_FILES = name -> name.equals("index.html") || name.endsWith(".png");

  /** @return the parsed {@code --method} */
  AmaxChoice choice() {
    return AmaxChoice.parse(method);
  }

  /**
   * Checks every option that can be checked without reading the model or the data, before any work.
   *
   * @return the output-path checks, with this command's input files recorded
   * @throws IllegalArgumentException naming the first bad option
   */
  OutputPaths check() {
    requireFile("--model", model, "a DL4J model zip");
    requireFile("--data", data, "IDX images or CSV");
    if (config != null) {
      requireFile("--config", config, "a QuantConfig YAML or JSON file");
    }
    choice();
    if (!(scale > 0) || !Float.isFinite(scale)) {
      throw new IllegalArgumentException("--scale " + scale + " must be a finite number > 0 (every pixel is divided by it)");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("--batch-size " + batchSize + " must be at least 1");
    }
    if (numBatches < 0) {
      throw new IllegalArgumentException("--num-batches " + numBatches + " must be 0 (all the data) or more");
    }
    if (isCsv()) {
      parseShape(shape);
      labelColumn();
    }
    return new OutputPaths().input("--model", model).input("--data", data).input("--config", config);
  }

  /**
   * Activates quantization (so that the restored model gets quantizers), restores the model, collects
   * statistics over the data and loads the chosen amax.
   *
   * @return the calibrated model
   * @throws IOException if a file cannot be read
   * @throws IllegalArgumentException if a file is not what its option expects, the data hold NaN or
   *     infinite values, or a quantizer's calibrated amax is not finite (each message names it)
   */
  Model calibrate() throws IOException {
    AmaxChoice c = choice();
    QuantConfig quantConfig = quantConfig(c);
    ImageSet images = images();
    if (images.size() == 0) {
      throw new IllegalArgumentException("--data " + data + " holds no images");
    }
    QuantModules.initialize(quantConfig);
    Model net = ModelZips.restore("--model", model);
    int batches = numBatches > 0 ? numBatches : (images.size() + batchSize - 1) / batchSize;
    int used = Calibration.collectStats(net, ImageSetIterator.inOrder(images, batchSize), batches);
    System.err.printf(Locale.ROOT, "quant4j: calibrated on %d batches of up to %d images from %s%n", used, batchSize, data);
    CalibrationResult result = Calibration.computeAmax(net, c.method(),
        c.method() == AmaxMethod.PERCENTILE ? c.percentile() : Calibration.DEFAULT_PERCENTILE);
    requireFiniteAmax(net, result);
    return net;
  }

  /**
   * Refuses a calibration that produced a NaN or infinite amax: the data were finite (collectStats
   * checks them), so the values came from the model's weights or were computed inside the network.
   */
  private static void requireFiniteAmax(Model net, CalibrationResult result) {
    Map<String, TensorQuantizer> quantizers = Quantizers.of(net);
    for (String name : result.calibrated()) {
      INDArray amax = quantizers.get(name).amax();
      long nonFinite = Nd4j.getExecutioner().exec(new MatchCondition(amax, Conditions.notFinite())).getLong(0);
      if (nonFinite > 0) {
        throw new IllegalArgumentException("quantizer " + name + " calibrated to " + nonFinite
            + " non-finite amax value(s) (NaN or infinite): the model's weights or the values the network computes"
            + " from this data are not finite; nothing was written");
      }
    }
  }

  private QuantConfig quantConfig(AmaxChoice c) throws IOException {
    if (config != null) {
      return QuantConfig.load(config);
    }
    String inputCalib = c.method() == AmaxMethod.MAX ? "max" : "histogram";
    return QuantConfig.builder()
        .input(QuantSpec.builder().numBits(8).calibMethod(inputCalib).build())
        .weight(QuantSpec.builder().numBits(8).calibMethod("max").perChannel(true).build())
        .build();
  }

  private static void requireFile(String option, Path file, String expected) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(option + " " + file + ": no such file, expected " + expected);
    }
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(option + " " + file + ": not readable");
    }
  }

  private boolean isCsv() {
    String name = data.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".csv") || name.endsWith(".csv.gz");
  }

  private LabelColumn labelColumn() {
    try {
      return LabelColumn.valueOf(labelColumn.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--label-column " + labelColumn + " must be none, first or last", e);
    }
  }

  /**
   * @return the images of {@code --data}
   * @throws IOException if the file cannot be read
   */
  ImageSet images() throws IOException {
    if (isCsv()) {
      int[] chw = parseShape(shape);
      return CsvImages.read(data, chw[0], chw[1], chw[2], scale, labelColumn());
    }
    return ImageSet.fromIdx(data, null, scale);
  }

  private static int[] parseShape(String text) {
    String[] p = text.split(",");
    if (p.length != 3) {
      throw new IllegalArgumentException("--shape '" + text + "' must be C,H,W (three positive integers)");
    }
    int[] v = new int[3];
    for (int i = 0; i < 3; i++) {
      try {
        v[i] = Integer.parseInt(p[i].strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--shape '" + text + "' must be C,H,W (three positive integers)", e);
      }
      if (v[i] < 1) {
        throw new IllegalArgumentException("--shape '" + text + "' must be C,H,W (three positive integers)");
      }
    }
    return v;
  }
}
