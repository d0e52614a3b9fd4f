package org.quant4j.onnx.ptq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.data.ImageSet;

/**
 * The bar of the ONNX-in path on a model this project did not write: a CNN trained and exported by
 * PyTorch (BatchNorm folded), quantized w8a8 with the reference's recipe (first 1,024 training images in
 * batches of 256; inputs per tensor, weights per output channel, max), run in ONNX Runtime on the
 * 10,000 Fashion-MNIST test images: within 0.3 points of the reference's PTQ top-1 for each method, and
 * within 0.5 points of FP32 for the best one.
 */
class CnnFashionAccuracyTest {

  private static final int EVAL_BATCH = 2000;

  private static JsonNode reference;
  private static ImageSet test;
  private static List<Map<String, float[]>> calibration;
  private static byte[] fp32;
  private static int[] fp32Predictions;

  @TempDir static Path dir;

  @BeforeAll
  static void load() throws Exception {
    reference = new ObjectMapper().readTree(FashionResources.referenceJson().toFile());
    test = FashionResources.testImages();
    calibration = FashionResources.batches(FashionResources.calibrationImages(), 256);
    fp32 = Files.readAllBytes(FashionResources.model());
    fp32Predictions = OnnxClassifier.predict(fp32, OrtSessions.Mode.DEFAULT, "input", test, EVAL_BATCH);
  }

  @Test
  void fp32TopOneMatchesTheReferenceFp32() {
    double top1 = OnnxClassifier.top1(fp32Predictions, test.labels());
    assertEquals(reference.at("/accuracy/fp32").asDouble(), top1, 0.01);
  }

  @Test
  void everyMethodIsWithinThreeTenthsOfTheReferencePtqAndTheBestWithinHalfAPointOfFp32() throws Exception {
    double fp32Top1 = OnnxClassifier.top1(fp32Predictions, test.labels());
    double best = 0;
    StringBuilder table = new StringBuilder();
    for (String key : List.of("max", "entropy", "percentile_99.99", "mse")) {
      AmaxMethod method = AmaxMethod.of(key.startsWith("percentile") ? "percentile" : key);
      Path out = dir.resolve(key + ".onnx");
      OnnxQuantizer.builder().model(FashionResources.model()).calibrationData(calibration)
          .method(method, 99.99).build().quantize(out);
      byte[] qdq = Files.readAllBytes(out);
      double ref = reference.at("/accuracy/w8a8_" + key).asDouble();
      for (OrtSessions.Mode mode : List.of(OrtSessions.Mode.INT8, OrtSessions.Mode.NO_OPT)) {
        int[] p = OnnxClassifier.predict(qdq, mode, "input", test, EVAL_BATCH);
        double top1 = OnnxClassifier.top1(p, test.labels());
        table.append(String.format(Locale.ROOT, "%-16s %-7s quant4j %.2f reference %.2f agreement %.2f%n", key,
            mode.label(), top1, ref, OnnxClassifier.agreement(p, fp32Predictions)));
        assertEquals(ref, top1, 0.3, key + " in the " + mode.label() + " session");
        best = Math.max(best, top1);
      }
    }
    System.out.print(table);
    assertTrue(fp32Top1 - best <= 0.5, "best method " + best + " vs FP32 " + fp32Top1);
  }
}
