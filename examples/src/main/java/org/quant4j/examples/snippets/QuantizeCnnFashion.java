package org.quant4j.examples.snippets;

// [onnx-ptq]
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.data.ImageFiles;
import org.quant4j.data.ImageSet;
import org.quant4j.onnx.ptq.OnnxQuantizer;
import org.quant4j.onnx.ptq.QuantizationReport;

// [onnx-ptq]
/**
 * docs/onnx-ptq.md's "From Java" as a whole program: the PyTorch-exported Fashion-MNIST CNN in the
 * onnx-ptq test resources, calibrated on its first 1,024 training images (pixels / 255, batches of 256)
 * with the 99.99 percentile, written as {@code cnn_fashion_qdq.onnx} in the working directory. Run it from
 * the repository root.
 */
// [onnx-ptq]
public class QuantizeCnnFashion {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of("onnx-ptq/src/test/resources/org/quant4j/onnx/ptq");
    ImageSet images = ImageFiles.read(dir.resolve("fashion/train-images-first1024-idx3-ubyte.gz"), null);
    int item = images.imageSize();
    List<Map<String, float[]>> batches = new ArrayList<>();   // input name -> values, [256, 1, 28, 28] each
    for (int from = 0; from < images.size(); from += 256) {
      float[] x = Arrays.copyOfRange(images.pixels(), from * item, Math.min(images.size(), from + 256) * item);
      for (int i = 0; i < x.length; i++) {
        x[i] /= 255f;                                        // the model's preprocessing: pixels / 255
      }
      batches.add(Map.of("input", x));
    }
    QuantizationReport report = OnnxQuantizer.builder()
        .model(dir.resolve("cnn_fashion_fp32.onnx"))
        .calibrationData(batches)                          // any Iterable; float[] or INDArray values
        .method(AmaxMethod.PERCENTILE, 99.99)
        .build()
        .quantize(Path.of("cnn_fashion_qdq.onnx"));
    System.out.println(report.summary());                  // amax per quantizer, nodes left in float and why
    System.out.println(report.amax("c2.0._input_quantizer")[0]);
  }
}
// [onnx-ptq]
