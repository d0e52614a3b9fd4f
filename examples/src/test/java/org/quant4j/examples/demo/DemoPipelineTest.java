package org.quant4j.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.cli.DemoRequest;
import org.quant4j.examples.data.DigitsFixture;
import org.quant4j.examples.data.TrainTest;
import org.quant4j.report.Table;

/**
 * The whole demo on a slice of the bundled scikit-learn digits: training, PTQ with every method at every
 * setting, QAT, ONNX export checked in ONNX Runtime, and the report (costs skipped: they are timings).
 * It holds the demo to the relations it reports: every PTQ row present and a percentage, w8a8 within 3
 * test images of FP32, and QAT no more than 5 test images below the PTQ model it started from.
 */
class DemoPipelineTest {

  @TempDir Path dir;

  @Test
  void runsEveryStepAndWritesTheReportTheOnnxModelAndTheTables() throws Exception {
    TrainTest digits = DigitsFixture.load();
    TrainTest slice = new TrainTest("digits slice", digits.train().subset(0, 320), digits.test().subset(0, 100));
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    DemoRequest request = new DemoRequest("digits", dir.resolve("data"), dir.resolve("out"), 42, 0, false);

    DemoResult r = new DemoPipeline(request, new PrintStream(console, true, StandardCharsets.UTF_8)).run(slice);

    assertEquals(26, r.top1().size(), r.top1().keySet().toString());
    // float is a candidate, so the budget is always met: at worst every layer stays in float
    assertTrue(r.top1().get(DemoPipeline.AUTO_ROW) >= r.top1().get("fp32") - DemoPipeline.AUTO_MAX_DROP - 1e-9,
        r.top1().toString());
    Table auto = r.tables().stream().filter(t -> t.title().equals("Automatic mixed precision vs uniform PTQ"))
        .findFirst().orElseThrow();
    assertEquals(List.of("8.00", "4.00"), List.of(auto.rows().get(0).get(3), auto.rows().get(1).get(3)));
    double bits = Double.parseDouble(auto.rows().get(2).get(3));
    assertTrue(bits >= 4 && bits <= 32, auto.toText());
    List<String> methods = List.of("max", "pct 99.9", "pct 99.99", "mse", "entropy");
    for (String setting : List.of("w8a8", "w4a8", "w4a4", "fp8")) {
      for (String method : methods) {
        Double top1 = r.top1().get(setting + " " + method);
        assertNotNull(top1, setting + " " + method + " missing: " + r.top1());
        assertTrue(top1 >= 0 && top1 <= 100, setting + " " + method + " must be a percentage: " + top1);
      }
    }
    double fp32 = r.top1().get("fp32");
    // w8a8 costs the float model at most 3 of the 100 test images, whichever amax method (entropy aside:
    // the digits slice's 17-level inputs make every entropy row collapse).
    for (String method : methods.subList(0, 4)) {
      assertTrue(r.top1().get("w8a8 " + method) >= fp32 - 3, "w8a8 " + method + " vs fp32: " + r.top1());
    }
    // QAT starts from the best PTQ model of its setting and loses at most 5 of the 100 test images to it.
    for (String setting : List.of("w8a8", "w4a8", "w4a4")) {
      Double qat = r.top1().get("qat " + setting);
      assertNotNull(qat, "qat " + setting + " missing: " + r.top1());
      double start = r.top1().get(setting + " " + r.bestPtq().get(setting));
      assertTrue(qat >= start - 5, "qat " + setting + " vs its start (" + r.bestPtq().get(setting) + "): " + r.top1());
    }
    // FP8 E4M3 rows (weights and inputs): entropy collapses as above, so only the other methods are held
    // to learning something.
    for (String method : methods.subList(0, 4)) {
      assertTrue(r.top1().get("fp8 " + method) > 30, "FP8 E4M3 " + method + ": " + r.top1());
    }
    assertTrue(r.top1().get("fp32") > 30, "FP32 learned something: " + r.top1().get("fp32"));
    assertEquals(3, r.onnx().size(), "one agreement per ORT session: " + r.onnx());
    r.onnx().forEach(a -> assertTrue(a.top1Agreement() > 0.9, "ONNX Runtime agrees with DL4J: " + a));
    assertTrue(r.costs().isEmpty(), "--cost-pairs 0 skips the costs");
    assertTrue(Files.isRegularFile(r.onnxModel()));
    assertTrue(Files.isRegularFile(r.amaxFile()));

    String html = Files.readString(r.report());
    assertTrue(html.contains("<img src=\"sensitivity.png\""), "the report shows the sensitivity chart");
    for (String layer : List.of("conv1", "pool1", "conv2", "pool2", "fc1", "fc2", "fc3")) {
      assertTrue(html.contains(layer + "._input_quantizer"), layer);
    }
    for (String layer : List.of("conv1", "conv2", "fc1", "fc2", "fc3")) {
      assertTrue(html.contains(layer + "._weight_quantizer"), layer);
    }
    try (Stream<Path> files = Files.list(r.report().getParent())) {
      List<Path> pngs = files.filter(p -> p.toString().endsWith(".png")).toList();
      assertEquals(13, pngs.size());
      assertTrue(pngs.contains(r.report().getParent().resolve("sensitivity.png")), pngs.toString());
      for (Path png : pngs) {
        assertNotNull(ImageIO.read(png.toFile()), png + " decodes");
      }
    }
    String printed = console.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("Top-1 on the digits slice test set"), printed);
    assertTrue(printed.contains(r.report().toAbsolutePath().toString()), "prints where the report went");
    assertTrue(Files.isRegularFile(dir.resolve("data/models/lenet5-digits-fp32-seed42-dl4j.zip")), "FP32 model cached");
  }
}
