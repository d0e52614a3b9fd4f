package org.quant4j.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.calib.AmaxMethod;
import org.quant4j.data.ImageSet;
import org.quant4j.dl4j.QuantConfig;
import org.quant4j.report.AmaxChoice;

class MixedPrecisionSearchTest {

  @TempDir Path dir;

  private final MultiLayerNetwork floatNet = FragileNetwork.network();
  private final ImageSet images = FragileNetwork.images(floatNet);

  private MixedPrecisionSearch.Builder search(List<Format> formats) {
    return MixedPrecisionSearch.of(floatNet).formats(formats)
        .calibration(images, FragileNetwork.BATCH, 0, new AmaxChoice(AmaxMethod.MAX, 0))
        .data(images, FragileNetwork.BATCH);
  }

  @Test
  void theFragileLayerKeepsTheHigherPrecisionAndTheOthersGoDown() {
    SearchResult r = search(List.of(Format.W4A4, Format.W8A8, Format.FLOAT)).maxDrop(0.01).run();

    assertTrue(r.met(), r.summary());
    assertEquals("fragile", r.sensitivity().byHarm().get(0).layer());
    assertEquals(Format.FLOAT, r.assignment().get("fragile"), r.assignmentText());
    assertTrue(r.assignment().values().stream().filter(f -> f != Format.FLOAT).count() == 2, r.assignmentText());
    assertTrue(r.fp32() - r.achieved() <= 0.01, r.summary());
    assertTrue(r.effectiveBits() < 32, r.summary());
    assertEquals(List.of("dense0", "fragile", "out"), List.copyOf(r.assignment().keySet()));
  }

  @Test
  void theWrittenConfigReproducesTheReportedMetricExactlyInAFreshJvm() throws Exception {
    SearchResult r = search(List.of(Format.W4A4, Format.W8A8, Format.FLOAT)).maxDrop(0.01).run();
    Path zip = dir.resolve("model.zip");
    ModelSerializer.writeModel(floatNet, new File(zip.toString()), false);
    Path yaml = Files.writeString(dir.resolve("config.yaml"), r.config().toYaml());
    assertEquals(r.config().toYaml(), QuantConfig.load(yaml).toYaml());

    Path log = dir.resolve("child.txt");
    Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), ReproduceTop1.class.getName(), zip.toString(), yaml.toString()))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(p.waitFor(3, TimeUnit.MINUTES), "the child JVM did not finish");
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("top1-bits=" + Double.doubleToLongBits(r.achieved()) + "\n"),
        "reported " + r.achieved() + ", child printed: " + out);
  }

  @Test
  void aBudgetNoAssignmentMeetsIsReportedWithTheBestAssignmentFound() {
    SearchResult r = search(List.of(Format.W4A4, Format.W8A8)).maxDrop(0).run();

    assertFalse(r.met());
    assertEquals(Map.of("dense0", Format.W8A8, "fragile", Format.W8A8, "out", Format.W8A8), r.assignment());
    assertTrue(r.achieved() < r.fp32(), r.summary());
    assertTrue(r.summary().contains("budget at most 0.00 points below FP32 NOT met"), r.summary());
  }

  @Test
  void aBitsBudgetStopsLoweringOnceTheBitsFit() {
    SearchResult r = search(List.of(Format.W8A8, Format.W4A4)).maxEffectiveBits(7).run();

    assertTrue(r.met(), r.summary());
    assertTrue(r.effectiveBits() <= 7, r.summary());
    assertTrue(r.assignment().containsValue(Format.W8A8), r.assignmentText());
    assertEquals(Format.W8A8, r.assignment().get("fragile"), r.assignmentText());
  }
}
