package org.quant4j.cli;

import java.io.IOException;
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
import org.quant4j.data.ImageSet;
import org.quant4j.data.ImageSetIterator;
import org.quant4j.dl4j.Calibration;
import org.quant4j.dl4j.CalibrationResult;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.dl4j.QuantSpec;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.report.AmaxChoice;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options {@code quant4j calibrate} and {@code quant4j report} share: a DL4J model zip, a data
 * source (IDX images or CSV), a quantization configuration and a method; and the calibration they run.
 */
final class CalibrationInputs {

  @Option(names = "--model", required = true, description = "DL4J model zip (ModelSerializer): MultiLayerNetwork or ComputationGraph.")
  Path model;

  @Mixin ImageOptions images;

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
    ImageOptions.requireFile("--model", model, "a DL4J model zip");
    images.check();
    if (config != null) {
      ImageOptions.requireFile("--config", config, "a QuantConfig YAML or JSON file");
    }
    choice();
    if (batchSize < 1) {
      throw new IllegalArgumentException("--batch-size " + batchSize + " must be at least 1");
    }
    if (numBatches < 0) {
      throw new IllegalArgumentException("--num-batches " + numBatches + " must be 0 (all the data) or more");
    }
    return new OutputPaths().input("--model", model).input("--data", images.data).input("--config", config);
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
    ImageSet data = images.images();
    if (data.size() == 0) {
      throw new IllegalArgumentException("--data " + images.data + " holds no images");
    }
    QuantModules.initialize(quantConfig);
    Model net = ModelZips.restore("--model", model);
    int batches = numBatches > 0 ? numBatches : (data.size() + batchSize - 1) / batchSize;
    int used = Calibration.collectStats(net, ImageSetIterator.inOrder(data, batchSize), batches);
    System.err.printf(Locale.ROOT, "quant4j: calibrated on %d batches of up to %d images from %s%n", used, batchSize,
        images.data);
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
    return config != null ? QuantConfig.load(config) : defaultConfig(c);
  }

  /**
   * The configuration calibration uses without {@code --config}: 8-bit inputs per tensor (a histogram
   * calibrator, max for the max method), 8-bit weights per output channel (max).
   *
   * @param c the method
   * @return the configuration
   */
  static QuantConfig defaultConfig(AmaxChoice c) {
    String inputCalib = c.method() == AmaxMethod.MAX ? "max" : "histogram";
    return QuantConfig.builder()
        .input(QuantSpec.builder().numBits(8).calibMethod(inputCalib).build())
        .weight(QuantSpec.builder().numBits(8).calibMethod("max").perChannel(true).build())
        .build();
  }
}
