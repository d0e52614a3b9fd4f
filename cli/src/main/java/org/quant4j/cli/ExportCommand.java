package org.quant4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantRole;
import org.quant4j.dl4j.QuantizationException;
import org.quant4j.dl4j.QuantCoverage;
import org.quant4j.dl4j.Quantizers;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.onnx.ExportOptions;
import org.quant4j.onnx.OnnxExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quant4j export}: loads a network saved with DL4J's {@code ModelSerializer} (MultiLayerNetwork
 * or ComputationGraph), gives it quantizers and the amax of a {@code QuantState} file, and writes it as a
 * QDQ ONNX model. With {@code --config} alone, the configuration quantizes the network by itself (its amax
 * fixed in the file, as {@code quant4j autoquant} writes it; a weight it leaves dynamic gets its max
 * calibration, the max of each channel). Without either, the float network is written. The inputs, the output path and
 * the input shape are checked before anything is written: an output that is one of the inputs, a
 * corrupt zip or amax file, an amax ONNX cannot express or a shape the network cannot take is one line
 * naming it.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = "Export a DL4J model (ModelSerializer zip) with its calibrated quantizers as a QDQ ONNX model.")
final class ExportCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, description = "the ModelSerializer zip")
  private Path model;

  @Option(names = "--amax", description = "quantizer state (QuantState JSON); without it and without --config the float network is exported")
  private Path amax;

  @Option(names = "--config", description = "the QuantConfig (YAML or JSON) the network was calibrated with;"
      + " default: the reference defaults, with residual quantizers when the amax file has any. Without --amax, a"
      + " configuration with its amax in it (quant4j autoquant's) quantizes the network by itself")
  private Path config;

  @Option(names = "--input-shape", required = true, split = ",", description = "e.g. 1,1,28,28 (batch first, NCHW)")
  private long[] inputShape;

  @Option(names = "--out", required = true, description = "the .onnx file to write")
  private Path out;

  @Option(names = "--opset", defaultValue = "13", description = "10 (per-tensor quantizers only) to 19 (19 for FP8 E4M3 quantizers); default ${DEFAULT-VALUE}")
  private int opset;

  @Option(names = "--dynamic-batch", description = "make dimension 0 the symbolic 'batch'")
  private boolean dynamicBatch;

  @Option(names = "--input-name", defaultValue = "input", description = "the graph input's name; default ${DEFAULT-VALUE}")
  private String inputName;

  @Option(names = "--output-names", split = ",", description = "the graph outputs' names; default output")
  private List<String> outputNames = List.of();

  @Override
  public Integer call() throws IOException {
    ExportOptions options = ExportOptions.builder().opset(opset).dynamicBatch(dynamicBatch)
        .inputName(inputName).outputNames(outputNames).build();
    requireFile("--amax", amax, "a quantizer-state JSON file");
    requireFile("--config", config, "a QuantConfig YAML or JSON file");
    new OutputPaths().input("--model", model).input("--amax", amax).input("--config", config)
        .requireFile("--out", out);
    Model net = amax != null ? ModelZips.restoreWithAmax(model, config, amax)
        : ModelZips.restoreUnder("--model", model, config == null ? null : QuantConfig.load(config),
            config == null ? null : "--config " + config + " was given without --amax");
    List<TensorQuantizer> dynamicWeights = amax == null ? calibratingDynamicWeights(net) : List.of();
    requireInputFits(net);
    for (TensorQuantizer q : dynamicWeights) {
      q.loadCalibAmax();
      q.disableCalib();
      q.enableQuant();
    }
    OnnxExport.export(net, inputShape, out, options);
    System.out.println("quant4j export: wrote " + out + " (opset " + opset + ", "
        + OnnxExport.quantizersOf(net).size() + " quantizers as Q/DQ)");
    System.out.println("quant4j export: quantizers: " + QuantCoverage.of(net).summary());
    return 0;
  }

  /**
   * The configuration a network is restored under to take an amax file: {@code --config} when given, else the
   * reference defaults, with residual quantizers when the amax file has any.
   *
   * @param config the {@code --config} file, or null
   * @param amax the amax file
   * @return the configuration
   * @throws IOException if a file cannot be read
   */
  static QuantConfig forAmax(Path config, Path amax) throws IOException {
    if (config != null) {
      return QuantConfig.load(config);
    }
    boolean residual = Files.readString(amax).contains("._residual_quantizer\"");
    return QuantConfig.DEFAULT.toBuilder().residual(residual).build();
  }

  /**
   * Sets every enabled weight quantizer without an amax to collect (and not quantize), so that the forward pass
   * of {@link #requireInputFits} gives it its max calibration: the max of each channel, what a dynamic weight
   * quantizer computes at every pass.
   */
  private static List<TensorQuantizer> calibratingDynamicWeights(Model net) {
    List<TensorQuantizer> out = new ArrayList<>();
    Quantizers.of(net).forEach((name, q) -> {
      boolean weight = Arrays.stream(QuantRole.values()).anyMatch(r -> r.isWeight() && name.endsWith("." + r.suffix()));
      if (weight && q.isEnabled() && q.amax() == null && "max".equals(q.descriptor().calibMethod())) {
        q.disableQuant();
        q.enableCalib();
        out.add(q);
      }
    });
    return out;
  }

  private static void requireFile(String option, Path file, String expected) {
    if (file != null && !Files.isRegularFile(file)) {
      throw new IllegalArgumentException(option + " " + file + ": no such file, expected " + expected);
    }
  }

  /**
   * Runs the network once on zeros of {@code --input-shape}, so that a shape the network cannot take is
   * refused, in DL4J's words, before anything is written. A layer that cannot be quantized is reported
   * as such, not as a bad shape.
   */
  private void requireInputFits(Model net) {
    String shape = Arrays.stream(inputShape).mapToObj(Long::toString).collect(Collectors.joining(","));
    if (inputShape.length < 2 || inputShape.length > 5 || Arrays.stream(inputShape).anyMatch(d -> d < 1)) {
      throw new IllegalArgumentException("--input-shape " + shape
          + " must be 2 to 5 positive sizes, batch first, channels first (e.g. 1,1,28,28)");
    }
    if (net instanceof ComputationGraph graph && graph.getNumInputArrays() != 1) {
      return;
    }
    try (INDArray zeros = Nd4j.zeros(DataType.FLOAT, inputShape)) {
      if (net instanceof MultiLayerNetwork mln) {
        mln.output(zeros, false).close();
      } else {
        ((ComputationGraph) net).output(false, zeros)[0].close();
      }
    } catch (QuantizationException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--input-shape " + shape + " does not fit the model in " + model + ": "
          + FailureText.rootCause(e), e);
    }
  }
}
