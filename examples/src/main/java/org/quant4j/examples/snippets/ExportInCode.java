package org.quant4j.examples.snippets;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.quant4j.dl4j.QuantModules;
import org.quant4j.dl4j.QuantState;
import org.quant4j.onnx.ExportOptions;
import org.quant4j.onnx.OnnxExport;

/** docs/onnx.md's export: a saved network and its quantizer state to QDQ ONNX, with and without options. */
public final class ExportInCode {

  private ExportInCode() {}

  /**
   * Exports the network to {@code lenet.onnx}.
   *
   * @param model a {@code ModelSerializer} zip
   * @param amax its quantizer state, as {@code QuantState.save} wrote it
   * @throws IOException if a file cannot be read or written
   */
  public static void export(File model, Path amax) throws IOException {
    // [export]
    QuantModules.initialize();                       // before the network is built or loaded
    MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(model);
    QuantState.load(net, amax);                      // or calibrate it (Calibration.collectStats, computeAmax)
    OnnxExport.export(net, new long[] {1, 1, 28, 28}, Path.of("lenet.onnx"));
    OnnxExport.export(net, new long[] {1, 1, 28, 28}, Path.of("lenet.onnx"),
        ExportOptions.builder().opset(13).dynamicBatch(true).inputName("pixels").outputNames("probs")
            .int32Bias(true).build());
    // [export]
  }
}
