package org.quant4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.dl4j.QuantState;
import org.quant4j.onnx.ExportOptions;
import org.quant4j.onnx.OnnxExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quant4j export}: loads a network saved with DL4J's {@code ModelSerializer} (MultiLayerNetwork
 * or ComputationGraph), gives it quantizers and the amax of a {@code QuantState} file, and writes it as a
 * QDQ ONNX model. Without {@code --amax} the float network is written.
 */
@Command(
    name = "export",
    description = "Export a DL4J model (ModelSerializer zip) with its calibrated quantizers as a QDQ ONNX model.")
final class ExportCommand implements Callable<Integer> {

  @Option(names = "--model", required = true, description = "the ModelSerializer zip")
  private Path model;

  @Option(names = "--amax", description = "quantizer state (QuantState JSON); without it the float network is exported")
  private Path amax;

  @Option(names = "--config", description = "the QuantConfig (YAML or JSON) the network was calibrated with;"
      + " default: the reference defaults, with residual quantizers when the amax file has any")
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
  public Integer call() {
    try {
      ExportOptions options = ExportOptions.builder().opset(opset).dynamicBatch(dynamicBatch)
          .inputName(inputName).outputNames(outputNames).build();
      if (amax != null) {
        QuantModules.initialize(quantConfig());
      }
      Model net;
      try {
        net = load(model);
      } finally {
        QuantModules.deactivate();
      }
      if (amax != null) {
        QuantState.load(net, amax);
      }
      OnnxExport.export(net, inputShape, out, options);
      System.out.println("quant4j export: wrote " + out + " (opset " + opset + ", "
          + OnnxExport.quantizersOf(net).size() + " quantizers as Q/DQ)");
      System.out.println("quant4j export: quantizers: " + org.quant4j.dl4j.QuantCoverage.of(net).summary());
      return 0;
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("quant4j export: " + e.getMessage());
      return 1;
    }
  }

  private QuantConfig quantConfig() throws IOException {
    if (config != null) {
      return QuantConfig.load(config);
    }
    boolean residual = Files.readString(amax).contains("._residual_quantizer\"");
    return QuantConfig.DEFAULT.toBuilder().residual(residual).build();
  }

  /** A ModelSerializer zip as the network it holds: a MultiLayerNetwork, or else a ComputationGraph. */
  private static Model load(Path zip) throws IOException {
    if (!Files.isRegularFile(zip)) {
      throw new IllegalArgumentException("--model must be a ModelSerializer zip, got " + zip + " (no such file)");
    }
    try {
      return ModelSerializer.restoreMultiLayerNetwork(zip.toFile(), false);
    } catch (RuntimeException | IOException notMultiLayer) {
      try {
        return ModelSerializer.restoreComputationGraph(zip.toFile(), false);
      } catch (RuntimeException | IOException notGraph) {
        throw new IllegalArgumentException("--model " + zip + " is neither a MultiLayerNetwork nor a ComputationGraph"
            + " saved by ModelSerializer: " + notGraph.getMessage());
      }
    }
  }
}
