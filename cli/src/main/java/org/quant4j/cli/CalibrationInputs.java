package org.quant4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.data.CsvImages;
import org.quant4j.data.ImageSet;
import org.quant4j.data.ImageSetIterator;
import org.quant4j.data.LabelColumn;
import org.quant4j.dl4j.Calibration;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.dl4j.QuantSpec;
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

  /** @return the parsed {@code --method} */
  AmaxChoice choice() {
    return AmaxChoice.parse(method);
  }

  /**
   * Activates quantization (so that the restored model gets quantizers), restores the model, collects
   * statistics over the data and loads the chosen amax.
   *
   * @return the calibrated model
   * @throws IOException if a file cannot be read
   */
  Model calibrate() throws IOException {
    AmaxChoice c = choice();
    QuantModules.initialize(quantConfig(c));
    Model net = restore();
    ImageSet images = images();
    int batches = numBatches > 0 ? numBatches : (images.size() + batchSize - 1) / batchSize;
    int used = Calibration.collectStats(net, ImageSetIterator.inOrder(images, batchSize), batches);
    System.err.printf(Locale.ROOT, "quant4j: calibrated on %d batches of up to %d images from %s%n", used, batchSize, data);
    Calibration.computeAmax(net, c.method(), c.method() == AmaxMethod.PERCENTILE ? c.percentile() : Calibration.DEFAULT_PERCENTILE);
    return net;
  }

  private QuantConfig quantConfig(AmaxChoice c) throws IOException {
    if (config != null) {
      return QuantConfig.load(config);
    }
    String inputCalib = c.method() == AmaxMethod.MAX ? "max" : "histogram";
    return QuantConfig.builder()
        .input(new QuantSpec(8, null, null, inputCalib, null, null, null, null, null))
        .weight(new QuantSpec(8, null, null, "max", true, null, null, null, null))
        .build();
  }

  private Model restore() throws IOException {
    if (!Files.isRegularFile(model)) {
      throw new IllegalArgumentException("--model " + model + " is not a file, expected a DL4J model zip");
    }
    try {
      return ModelSerializer.restoreMultiLayerNetwork(model.toFile(), false);
    } catch (Exception notMultiLayer) {
      ComputationGraph g = ModelSerializer.restoreComputationGraph(model.toFile(), false);
      return g;
    }
  }

  /**
   * @return the images of {@code --data}
   * @throws IOException if the file cannot be read
   */
  ImageSet images() throws IOException {
    if (!Files.isRegularFile(data)) {
      throw new IllegalArgumentException("--data " + data + " is not a file, expected IDX images or CSV");
    }
    String name = data.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".csv") || name.endsWith(".csv.gz")) {
      int[] chw = parseShape(shape);
      return CsvImages.read(data, chw[0], chw[1], chw[2], scale, LabelColumn.valueOf(labelColumn.toUpperCase(Locale.ROOT)));
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
    }
    return v;
  }
}
