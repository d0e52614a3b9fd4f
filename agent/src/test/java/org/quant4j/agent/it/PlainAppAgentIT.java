package org.quant4j.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.quant4j.agent.AmaxFile;
import org.quant4j.examples.plainapp.PlainDl4jApp;

/**
 * The agent on an application that never heard of quant4j ({@link PlainDl4jApp}), each run a child JVM: the app
 * plain, under the agent in calibrate mode, then in quant mode on the amax file calibration wrote.
 */
class PlainAppAgentIT {
  private static final String APP = PlainDl4jApp.class.getName();
  private static final List<String> LAYERS = List.of("hidden1", "hidden2", "output");
  private static final List<String> TWIN_LAYERS = List.of("0", "1", "2");

  @TempDir static Path dir;
  private static Result plain;
  private static Result calibrated;
  private static Result quantized;

  /** A run of the app and the class probabilities it wrote. */
  private record Result(ChildJvm.Result run, float[][] outputs) {}

  @BeforeAll
  static void trainPlainThenCalibrate() throws Exception {
    ChildJvm.Result train = app(null, "train", "model.zip");
    assertEquals(0, train.exitCode(), train::toString);
    plain = eval(null, "plain.csv", true);
    calibrated = eval("mode=calibrate,calib=histogram,method=percentile,amax=amax.json,report=report", "calibrated.csv",
        true);
  }

  private static ChildJvm.Result app(String agentArguments, String... args) throws Exception {
    return ChildJvm.run(dir, agentArguments, ChildJvm.plainAppClassPath(), List.of(), APP, args);
  }

  private static Result eval(String agentArguments, String outputs, boolean twin) throws Exception {
    ChildJvm.Result run = twin
        ? app(agentArguments, "eval", "model.zip", outputs, "twin")
        : app(agentArguments, "eval", "model.zip", outputs);
    assertEquals(0, run.exitCode(), run::toString);
    return new Result(run, readCsv(dir.resolve(outputs)));
  }

  private static float[][] readCsv(Path file) throws IOException {
    return Files.readAllLines(file).stream().map(line -> {
      String[] cells = line.split(",");
      float[] row = new float[cells.length];
      for (int i = 0; i < cells.length; i++) {
        row[i] = Float.parseFloat(cells[i]);
      }
      return row;
    }).toArray(float[][]::new);
  }

  private static Set<String> expectedQuantizers() {
    Set<String> names = new LinkedHashSet<>();
    for (String layer : LAYERS) {
      names.add("net0." + layer + "._input_quantizer");
      names.add("net0." + layer + "._weight_quantizer");
    }
    for (String layer : TWIN_LAYERS) {
      names.add("net1." + layer + "._input_quantizer");
      names.add("net1." + layer + "._weight_quantizer");
    }
    return names;
  }

  @Test
  void calibrateModeWritesTheAmaxOfEveryQuantizerOfEveryNetwork() throws IOException {
    AmaxFile amax = AmaxFile.read(dir.resolve("amax.json"));
    assertEquals(expectedQuantizers(), amax.quantizers().keySet());
    assertEquals(List.of(1L, 32L), asList(amax.get("net0.hidden1._weight_quantizer").shape()));
    assertEquals(0, amax.get("net0.hidden1._input_quantizer").shape().length);
    // The MultiLayerNetwork and its ComputationGraph twin share their weights, so their weight amax agree.
    assertEquals(amax.get("net0.hidden2._weight_quantizer"), amax.get("net1.1._weight_quantizer"));
    assertTrue(calibrated.run().agentLines().stream().anyMatch(l -> l.startsWith(
        "quant4j-agent: wrote the amax of 12 quantizer(s) of 2 network(s) to amax.json")), calibrated.run()::toString);
  }

  @Test
  void calibrateModeWritesTheCalibrationReport() throws IOException {
    Path page = dir.resolve("report").resolve("index.html");
    assertTrue(calibrated.run().agentLines().contains("quant4j-agent: wrote the calibration report "
        + Path.of("report", "index.html")), calibrated.run()::toString);
    String html = Files.readString(page);
    for (String name : expectedQuantizers()) {
      assertTrue(html.contains(name), name + " missing from the report");
    }
    try (var files = Files.list(dir.resolve("report"))) {
      assertTrue(files.anyMatch(f -> f.toString().endsWith(".png")), "no PNG in the report");
    }
  }

  @Test
  void calibrateModeLeavesTheApplicationsOutputsUnchanged() {
    assertOutputsEqual(plain.outputs(), calibrated.outputs());
  }

  @Test
  void quantModeStaysWithinTheQuantizationErrorBoundAndOnePointOfAccuracy() throws Exception {
    MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(dir.resolve("model.zip").toFile(), false);
    AmaxFile amax = AmaxFile.read(dir.resolve("amax.json"));
    INDArray features = PlainDl4jApp.testSet().getFeatures();
    // The twin shares the weights and the layer inputs, so its bound is the same: the average is within it too.
    double[][] bound = QuantizationErrorBound.of(net, features, amax, "net0.", LAYERS);
    float[][] outputs = quantized().outputs();
    double largest = 0;
    for (int n = 0; n < plain.outputs().length; n++) {
      for (int c = 0; c < plain.outputs()[n].length; c++) {
        double diff = Math.abs(outputs[n][c] - plain.outputs()[n][c]);
        largest = Math.max(largest, diff);
        assertTrue(diff <= bound[n][c] + 1e-6,
            "sample " + n + " class " + c + ": |quantized - plain| = " + diff + " > bound " + bound[n][c]);
      }
    }
    assertTrue(largest > 0, "quantization changed nothing: was the agent active?");
    assertEquals(plain.run().accuracy(), quantized().run().accuracy(), 0.01);
  }

  @Test
  void severalNetworksKeepTheirNamesFromRunToRun() throws Exception {
    List<String> lines = quantized().run().agentLines();
    assertTrue(lines.contains("quant4j-agent: net0 is a MultiLayerNetwork"), quantized().run()::toString);
    assertTrue(lines.contains("quant4j-agent: net1 is a ComputationGraph"), quantized().run()::toString);
    assertTrue(lines.contains("quant4j-agent: net0: loaded the amax of 6 of 6 quantizers from amax.json"),
        quantized().run()::toString);
    assertTrue(lines.contains("quant4j-agent: net1: loaded the amax of 6 of 6 quantizers from amax.json"),
        quantized().run()::toString);
  }

  @Test
  void theAgentAddsNoJvmWarning() throws Exception {
    assertEquals(plain.run().jvmWarnings(), calibrated.run().jvmWarnings());
    assertEquals(plain.run().jvmWarnings(), quantized().run().jvmWarnings());
  }

  @Test
  void aBadArgumentIsOneLineAndTheApplicationRunsUnquantized() throws Exception {
    Result bad = eval("mode=calibrate,method=kl,amax=never.json", "bad.csv", true);
    assertEquals(List.of("quant4j-agent: method=kl: method must be max|percentile|mse|entropy; the agent is off "
        + "and the application runs unquantized"), bad.run().agentLines());
    assertOutputsEqual(plain.outputs(), bad.outputs());
    assertTrue(Files.notExists(dir.resolve("never.json")));
  }

  @Test
  void unmatchedNamesAreOneLineAndAFailingLayerFallsBackToFloat() throws Exception {
    AmaxFile full = AmaxFile.read(dir.resolve("amax.json"));
    Map<String, AmaxFile.Amax> edited = new LinkedHashMap<>(full.quantizers());
    edited.remove("net0.output._input_quantizer");
    edited.put("net0.gone._weight_quantizer", full.get("net0.output._weight_quantizer"));
    // Seven channels for a 16-column weight: quantizing hidden2's weight throws inside the advice.
    edited.put("net0.hidden2._weight_quantizer", new AmaxFile.Amax(new long[] {1, 7}, new float[7]));
    new AmaxFile(full.calibration(), edited).write(dir.resolve("edited.json"));
    Result quant = eval("amax=edited.json", "edited.csv", false);
    assertEquals(List.of("quant4j-agent: net0: 1 quantizer(s) not in edited.json, left dynamic: "
        + "net0.output._input_quantizer; edited.json names 1 quantizer(s) the network lacks: "
        + "net0.gone._weight_quantizer"), quant.run().agentLines());
    List<String> fallback = quant.run().stderr().lines().filter(l -> l.contains("left in float")).toList();
    assertEquals(1, fallback.size(), quant.run()::toString);
    assertTrue(fallback.get(0).contains("hidden2"), fallback::toString);
    assertEquals(plain.run().accuracy(), quant.run().accuracy(), 0.01);
  }

  @Test
  void calibrationIsWrittenWhenTheHostCallsSystemExit() throws Exception {
    ChildJvm.Result run = ChildJvm.run(dir, "mode=calibrate,amax=exit.json", ChildJvm.hostClassPath(), List.of(),
        ExitingHost.class.getName(), "exit", "eval", "model.zip", "exit.csv");
    assertEquals(3, run.exitCode(), run::toString);
    assertEquals(6, AmaxFile.read(dir.resolve("exit.json")).quantizers().size(), run::toString);
  }

  @Test
  void calibrationIsWrittenWhenTheHostDiesOfAnException() throws Exception {
    ChildJvm.Result run = ChildJvm.run(dir, "mode=calibrate,amax=throw.json", ChildJvm.hostClassPath(), List.of(),
        ExitingHost.class.getName(), "throw", "eval", "model.zip", "throw.csv");
    assertEquals(1, run.exitCode(), run::toString);
    assertTrue(run.stderr().contains("the host application failed after its work"), run::toString);
    assertEquals(6, AmaxFile.read(dir.resolve("throw.json")).quantizers().size(), run::toString);
  }

  @Test
  void anAgentAttachedToARunningJvmQuantizesLikeJavaagent() throws Exception {
    ChildJvm.Result run = ChildJvm.run(dir, null, ChildJvm.hostClassPath(),
        List.of("-Djdk.attach.allowAttachSelf=true", "-XX:+EnableDynamicAgentLoading"),
        AttachingHost.class.getName(), ChildJvm.agentJar().toString(), "amax=amax.json",
        "eval", "model.zip", "attached.csv", "twin");
    assertEquals(0, run.exitCode(), run::toString);
    assertOutputsEqual(quantized().outputs(), readCsv(dir.resolve("attached.csv")));
  }

  /** The quant-mode run on the calibrated amax file, made once for the tests that read it. */
  private static synchronized Result quantized() throws Exception {
    if (quantized == null) {
      quantized = eval("mode=quant,amax=amax.json,verbose=true", "quantized.csv", true);
    }
    return quantized;
  }

  private static void assertOutputsEqual(float[][] expected, float[][] actual) {
    assertEquals(expected.length, actual.length);
    for (int n = 0; n < expected.length; n++) {
      for (int c = 0; c < expected[n].length; c++) {
        assertEquals(Float.floatToIntBits(expected[n][c]), Float.floatToIntBits(actual[n][c]),
            "sample " + n + " class " + c);
      }
    }
  }

  private static List<Long> asList(long[] values) {
    List<Long> list = new ArrayList<>();
    for (long v : values) {
      list.add(v);
    }
    return list;
  }
}
