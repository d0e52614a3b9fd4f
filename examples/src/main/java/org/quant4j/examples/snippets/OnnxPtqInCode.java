package org.quant4j.examples.snippets;

// [onnx-ptq]
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.onnx.ptq.OnnxQuantizer;
import org.quant4j.onnx.ptq.QuantizationReport;

// [onnx-ptq]
import java.io.IOException;

/** docs/onnx-ptq.md's "From Java": an FP32 ONNX model in, a calibrated QDQ ONNX model out. */
public final class OnnxPtqInCode {

  private OnnxPtqInCode() {}

  /**
   * Quantizes {@code cnn_fashion_fp32.onnx} into {@code cnn_fashion_qdq.onnx}.
   *
   * @param batches the calibration data: per batch, input name to values
   * @return the amax of one quantizer
   * @throws IOException if a model cannot be read or written
   */
  public static float[] quantize(List<Map<String, float[]>> batches) throws IOException {
    // [onnx-ptq]
    QuantizationReport report = OnnxQuantizer.builder()
        .model(Path.of("cnn_fashion_fp32.onnx"))
        .calibrationData(batches)                  // any Iterable of input name -> values; float[] or INDArray
        .method(AmaxMethod.PERCENTILE, 99.99)
        .build()
        .quantize(Path.of("cnn_fashion_qdq.onnx"));
    System.out.println(report.summary());          // amax per quantizer, nodes left in float and why
    float[] amax = report.amax("c2.0._input_quantizer");
    // [onnx-ptq]
    return amax;
  }
}
