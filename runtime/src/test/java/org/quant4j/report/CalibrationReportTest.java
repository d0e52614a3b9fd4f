package org.quant4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.nn.TensorQuantizer;
import org.quant4j.tensor.QuantDescriptor;

class CalibrationReportTest {

  @TempDir Path dir;

  private static TensorQuantizer calibrated(QuantDescriptor d, INDArray x, AmaxMethod method) {
    TensorQuantizer q = new TensorQuantizer(d);
    q.disableQuant();
    q.enableCalib();
    q.apply(x);
    q.disableCalib();
    q.enableQuant();
    if (method == AmaxMethod.MAX) {
      q.loadCalibAmax();
    } else {
      q.loadCalibAmax(method, 99.99);
    }
    return q;
  }

  private static Map<String, TensorQuantizer> quantizers() {
    Nd4j.getRandom().setSeed(1);
    INDArray activations = Nd4j.randn(DataType.FLOAT, 64, 32);
    INDArray weights = Nd4j.randn(DataType.FLOAT, 6, 25).muli(0.2);
    Map<String, TensorQuantizer> qs = new LinkedHashMap<>();
    qs.put("fc1._input_quantizer", calibrated(
        QuantDescriptor.builder().numBits(8).calibMethod("histogram").build(), activations, AmaxMethod.ENTROPY));
    qs.put("fc1._weight_quantizer", calibrated(
        QuantDescriptor.builder().numBits(8).axis(0).build(), weights, AmaxMethod.MAX));
    return qs;
  }

  @Test
  void writesAnHtmlPageAndADecodablePngForEveryQuantizer() throws IOException {
    Table accuracy = new Table("Top-1", List.of("row", "top-1"), List.of(List.of("fp32", "98.60")), List.of());
    Path index = CalibrationReport.builder().title("test report")
        .quantizers(quantizers(), AmaxChoice.STANDARD, "entropy").table(accuracy).build().write(dir);

    assertTrue(Files.isRegularFile(index));
    String html = Files.readString(index);
    for (String name : List.of("fc1._input_quantizer", "fc1._weight_quantizer")) {
      assertTrue(html.contains(name), name + " missing from the page");
      BufferedImage png = ImageIO.read(dir.resolve(name + ".png").toFile());
      assertNotNull(png, name + ".png does not decode");
      assertTrue(png.getWidth() > 100 && png.getHeight() > 100);
    }
    assertTrue(html.contains("entropy (chosen)"));
    assertTrue(html.contains("Top-1"));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(2, files.filter(p -> p.toString().endsWith(".png")).count());
    }
  }

  @Test
  void histogramQuantizersGetOneCandidatePerChoiceAndTheChosenAmaxIsTheLoadedOne() {
    Map<String, TensorQuantizer> qs = quantizers();
    QuantizerSummary in = QuantizerSummary.of("in", qs.get("fc1._input_quantizer"), AmaxChoice.STANDARD, "entropy");
    assertTrue(in.hasHistogram());
    assertEquals(5, in.candidates().size());
    AmaxCandidate max = in.candidates().get(0);
    AmaxCandidate entropy = in.candidates().get(4);
    assertEquals(0.0, max.clippedFraction());
    assertEquals(entropy.amax(), in.chosenAmax()[0]);
    assertTrue(entropy.amax() <= max.amax());

    QuantizerSummary w = QuantizerSummary.of("w", qs.get("fc1._weight_quantizer"), AmaxChoice.STANDARD, null);
    assertEquals(6, w.chosenAmax().length);
    assertTrue(w.candidates().isEmpty());
  }
}
